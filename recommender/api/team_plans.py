"""POST /api/v1/team-plans: a roster (JSON, CSV, a workbook or an upload) in, the team plan out."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields, validate

from ..extensions import current_recommender
from ..http.downloads import DOWNLOADS, answer_format, plan_download, plan_json
from ..http.planning import planning_slot
from ..http.rosters import UPLOAD_FIELD, roster_from_body
from ..team import TeamPlanSchema, plan_team, roster_template

bp = Blueprint(
    "team_plans",
    __name__,
    url_prefix="/api/v1",
    description="Team plans for managers: a roster in, each person's plan and the team's out.",
)


class RosterSchema(Schema):
    """A JSON roster: one member per person."""

    class Meta:
        unknown = INCLUDE  # other keys of the body are ignored

    # Any member is accepted: one that is not a valid profile is reported in its `errors` in
    # the 200 answer while the others are planned, so the document must not promise a 422.
    members = fields.List(
        fields.Raw(
            metadata={
                "description": "A person: `name` (or `id`) and the fields of `Profile`.",
                "example": {
                    "name": "Ana Example",
                    "role": "agent",
                    "lines": "personal",
                    "years_experience": 2,
                },
            }
        ),
        required=True,
        validate=validate.Length(min=1),
    )


# A roster file uploaded in a multipart body (the saved-teams API takes one too).
UPLOAD = {
    "schema": {
        "type": "object",
        "properties": {UPLOAD_FIELD: {"type": "string", "format": "binary"}},
        "required": [UPLOAD_FIELD],
    }
}
# The JSON body may also be the bare list of members.
JSON_ROSTER = {"oneOf": [RosterSchema, {"type": "array", "minItems": 1, "items": {}}]}


class PlanQuerySchema(Schema):
    format = fields.String(
        validate=validate.OneOf(("json", *DOWNLOADS)),
        metadata={
            "description": "`csv`: the per-member plan as CSV (as `Accept: text/csv`); `xlsx`: "
            "an Excel workbook (sheets People, Schedule, Budget); `ics`: an iCalendar file, "
            "one event per cohort. Without it the `Accept` header decides; JSON by default."
        },
    )
    align = fields.Boolean(
        load_default=False,
        metadata={
            "description": "Align cohorts: a member may sit a course one window later to join "
            "a larger cohort of it (never before ready, past the per-window limit or course "
            "access). The answer's `alignment` says who moved."
        },
    )
    fiscal_year_start = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=12),
        metadata={"description": "The month (1-12) the fiscal year starts, for the budget."},
    )


@bp.route("/team-plans", methods=["POST"])
@bp.arguments(PlanQuerySchema, location="query")
@bp.doc(
    description=(
        'The body is a roster: JSON `{"members": [...]}`, a CSV file as a `text/csv` body, '
        "or a CSV (or JSON) file uploaded as the multipart field `file`. CSV columns are the "
        "profile fields plus `name` (or `id`); lists in a cell are separated by `;`; the file "
        "must be UTF-8. A bad row is reported in its member's `errors` (field -> messages) "
        "while the good rows are planned; every row in is a member out, numbered as in the "
        "roster. A roster that cannot be read as a whole (empty, no rows, missing columns, "
        "not UTF-8, too many rows) is a 422 naming the field; a roster over the size limit "
        "is a 413. `?format=csv` or `Accept: text/csv` answers with the per-member plan as "
        "CSV (fees and the roster's extra columns too), formula-like cells prefixed with `'`; "
        "`?format=xlsx` with a workbook, `?format=ics` with a calendar of the cohorts. An "
        "Excel workbook (.xlsx) may be uploaded instead of a CSV file, or sent as the body "
        "with its own content type: its first sheet is read. While the service plans as many "
        "rosters as it allows at once, the answer is a 503 with `Retry-After`. `align=true` "
        "aligns cohorts; `fiscal_year_start` sets the budget's fiscal year."
    ),
    requestBody={
        "required": True,
        "content": {
            "application/json": {"schema": JSON_ROSTER},
            "text/csv": {"schema": {"type": "string", "example": roster_template()}},
            "multipart/form-data": UPLOAD,
        },
    },
)
@bp.response(200, TeamPlanSchema)
@bp.doc(
    responses={
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                DOWNLOADS["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                DOWNLOADS["ics"]: {"schema": {"type": "string"}},
            }
        }
    }
)
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@bp.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@bp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@bp.alt_response(503, response="SERVICE_UNAVAILABLE")
def team_plans(query: dict[str, Any]) -> Response:
    """Plan training for a team: each person's route, exams, cohorts and the team's budget."""
    # The answer is made inside the slot too: writing a large plan as JSON or a workbook
    # takes about as long as planning it.
    with planning_slot():
        plan = plan_team(
            current_recommender(),
            roster_from_body(),
            align_cohorts=query["align"],
            fiscal_year_start=query["fiscal_year_start"],
        )
        format_ = answer_format(query.get("format"))
        if format_ != "json":
            return plan_download(plan, format_)
        # The plan is already in TeamPlanSchema's shape (tests check it): dumping 50,000
        # members through marshmallow again would only add time.
        return plan_json(plan)
