"""The team-plans endpoint: a roster (JSON, CSV or an uploaded file) in, the team plan out."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, request
from flask_smorest import Blueprint
from marshmallow import INCLUDE, Schema, fields, validate

from ..errorhandlers import error_response
from ..errors import RosterError, RosterTooLarge
from ..extensions import current_recommender
from ..team import (
    Roster,
    TeamPlanSchema,
    parse_csv_roster,
    parse_json_roster,
    parse_roster,
    plan_team,
    roster_template,
)
from ..team_http import (
    DOWNLOADS,
    RETRY_AFTER,
    PlanningBusy,
    allow_roster_body,
    plan_download,
    plan_json,
    planning_slot,
    read_body,
    read_upload,
)

team = Blueprint(
    "team_plans",
    __name__,
    url_prefix="/api/v1",
    description="Team plans for managers: a roster in, each person's plan and the team's out.",
)

CSV_TYPES = ("text/csv", "application/csv")
UPLOAD_FIELD = "file"


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


@team.errorhandler(RosterTooLarge)
def roster_too_large(error: RosterTooLarge) -> Any:
    """Answer a roster over TEAM_MAX_BYTES with 413."""
    return error_response(413, error.message, error.errors)


@team.errorhandler(PlanningBusy)
def planning_busy(error: PlanningBusy) -> Any:
    """Answer 503 with Retry-After while every planning slot is taken."""
    return error_response(503, error.message, headers=[("Retry-After", RETRY_AFTER)])


@team.errorhandler(RosterError)
def unreadable_roster(error: RosterError) -> Any:
    """Answer a roster that cannot be read as a whole (or has too many rows) with 422."""
    return error_response(422, error.message, error.errors)


@team.route("/team-plans", methods=["POST"])
@team.arguments(PlanQuerySchema, location="query")
@team.doc(
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
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {UPLOAD_FIELD: {"type": "string", "format": "binary"}},
                    "required": [UPLOAD_FIELD],
                }
            },
        },
    },
)
@team.response(200, TeamPlanSchema)
@team.doc(
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
@team.alt_response(422, response="UNPROCESSABLE_ENTITY")
@team.alt_response(415, response="UNSUPPORTED_MEDIA_TYPE")
@team.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
@team.alt_response(503, response="SERVICE_UNAVAILABLE")
def team_plans(query: dict[str, Any]) -> Response:
    """Plan training for a team: each person's route, exams, cohorts and the team's budget."""
    # The answer is made inside the slot too: writing a large plan as JSON or a workbook
    # takes about as long as planning it.
    with planning_slot():
        plan = plan_team(
            current_recommender(),
            _roster(),
            align_cohorts=query["align"],
            fiscal_year_start=query["fiscal_year_start"],
        )
        format_ = _format(query.get("format"))
        if format_ != "json":
            return plan_download(plan, format_)
        # The plan is already in TeamPlanSchema's shape (tests check it): dumping 50,000
        # members through marshmallow again would only add time.
        return plan_json(plan)


def _roster() -> Roster:
    """The roster in the request body, by its content type (415 for any other)."""
    max_bytes, max_rows = allow_roster_body()
    limits = {"max_bytes": max_bytes, "max_rows": max_rows}
    if request.mimetype == "multipart/form-data":
        data = read_upload(UPLOAD_FIELD, max_bytes)
        if data is None:
            raise RosterError(
                f"Upload the roster file as the multipart field {UPLOAD_FIELD!r}.",
                field=UPLOAD_FIELD,
                kind="no_file",
            )
        return parse_roster(data, **limits)
    if request.is_json:
        return parse_json_roster(read_body(max_bytes), **limits)
    if request.mimetype in CSV_TYPES:
        return parse_csv_roster(read_body(max_bytes), **limits)
    if request.mimetype == DOWNLOADS["xlsx"]:
        return parse_roster(read_body(max_bytes), **limits)  # read as a workbook
    abort(
        415,
        "Send the roster as JSON (Content-Type: application/json), as CSV (text/csv), as an "
        f"Excel workbook ({DOWNLOADS['xlsx']}) or as a multipart/form-data upload in the field "
        f"{UPLOAD_FIELD!r}.",
    )


def _format(format_: str | None) -> str:
    """The answer's format: ?format= decides, else the Accept header (JSON by default)."""
    if format_:
        return format_
    types = {"application/json": "json", **{mime: name for name, mime in DOWNLOADS.items()}}
    return types.get(request.accept_mimetypes.best_match(tuple(types)) or "", "json")
