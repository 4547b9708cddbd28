"""Saved teams over the API: token-authenticated; another user's team is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flask_smorest
from flask import g, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from .. import saved_teams as saved
from ..accounts.tokens import user_for_token
from ..extensions import csrf, current_recommender
from ..http.errorhandlers import error_response
from ..http.json_body import json_body, parse_json
from ..http.rosters import UPLOAD_FIELD, roster_body, roster_from_body, roster_from_json
from ..saved_teams import SavedPlan, rules_change_data
from ..schemas import ProfileSchema
from ..store import teams as q
from ..store.errors import Invalid, StaleVersion
from ..store.models import STATUSES, Team, User
from ..team import Roster, TeamMemberSchema, TeamPlanSchema
from ..vocabulary import ROUTES
from .team import RosterSchema

teams = Blueprint(
    "saved_teams",
    __name__,
    url_prefix="/api/v1",
    description="Saved teams: members, their progress, and the plan worked out now. Every "
    "call needs `Authorization: Bearer TOKEN` (`career-path tokens create EMAIL`).",
)
csrf.exempt(teams)  # token-authenticated: no cookie for a forged request to ride on

SECURITY: list[dict[str, list[str]]] = [{"bearerAuth": []}]
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": 'The team\'s `ETag` as read (e.g. `"3"`): a stale one answers 412 and '
    "changes nothing.",
}


def init_teams_api(api: flask_smorest.Api) -> None:
    """Register the saved-teams endpoints and their bearer-token security scheme."""
    api.spec.components.security_scheme(
        "bearerAuth",
        {"type": "http", "scheme": "bearer", "description": "An API token from the CLI."},
    )
    api.register_blueprint(teams)


# --- schemas -------------------------------------------------------------------------------


class ProgressSchema(Schema):
    course = fields.String(required=True, metadata={"example": "API 29"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    date = fields.String(required=True, metadata={"format": "date"})
    recorded_by = fields.String(required=True)
    recorded_at = fields.String(required=True, metadata={"description": "UTC, ISO 8601."})


class RetakeSchema(Schema):
    """A failed course's retake: its window and price, and what the failure adds."""

    code = fields.String(required=True, metadata={"example": "API 29"})
    failed_on = fields.String(required=True, metadata={"format": "date"})
    window_start = fields.String(required=True, metadata={"format": "date"})
    window_end = fields.String(required=True, metadata={"format": "date"})
    same_window = fields.Boolean(
        required=True, metadata={"description": "Retaken in the failed exam's own window."}
    )
    fee = fields.Float(required=True, metadata={"description": "The exam fee before discounts."})
    amount = fields.Float(required=True, metadata={"description": "The retake's price."})
    discount = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The one discount applied (the same-window retake discount or the "
            "member's own, whichever is best), or null."
        },
    )
    added_fees = fields.Float(required=True, metadata={"description": "What the failure adds."})
    added_months = fields.Integer(
        required=True,
        metadata={"description": "Months from the failed window's end to the retake's."},
    )
    counts_toward_limit = fields.Boolean(
        required=True, metadata={"description": "Whether it counts toward the per-window limit."}
    )
    access_ok = fields.Boolean(
        required=True, metadata={"description": "Whether course access lasts to the retake."}
    )
    verified = fields.Boolean(required=True)


class SavedMemberSchema(TeamMemberSchema):
    """A member planned now, with their progress (the team plan's member, plus these)."""

    id = fields.Integer(required=True)
    profile = fields.Dict(required=True, metadata={"description": "The stored profile."})
    progress = fields.List(fields.Nested(ProgressSchema), required=True)
    status = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(("on_track", "behind", "completed")),
        metadata={"description": "Against the exam dates of the member's first plan."},
    )
    overdue_courses = fields.List(fields.String(), required=True)
    earned = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Designations whose courses are all passed (pending any "
            "experience requirement)."
        },
    )
    retakes = fields.List(
        fields.Nested(RetakeSchema),
        required=True,
        metadata={"description": "Courses failed and not passed since, each planned as a retake."},
    )
    has_private_link = fields.Boolean(required=True)


class RouteChangeSchema(Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    old_route = fields.String(required=True, allow_none=True, validate=validate.OneOf(ROUTES))
    new_route = fields.String(required=True, allow_none=True, validate=validate.OneOf(ROUTES))
    rule = fields.String(required=True)


class RulesChangeSchema(Schema):
    """The rules changed since the team was last shown: whose route they change."""

    old_version = fields.String(required=True)
    new_version = fields.String(required=True)
    members = fields.Integer(required=True)
    changed = fields.List(fields.Nested(RouteChangeSchema), required=True)


class SavedTeamSchema(TeamPlanSchema):
    """A saved team with its plan worked out now (the team plan, plus these)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Also the `ETag`."})
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
    members = fields.List(fields.Nested(SavedMemberSchema), required=True)
    rules_change = fields.Nested(RulesChangeSchema, required=True, allow_none=True)


class TeamListItemSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    members = fields.Integer(required=True, metadata={"description": "How many."})
    version = fields.Integer(required=True)
    updated_at = fields.String(required=True)


class EventSchema(Schema):
    at = fields.String(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    member_id = fields.Integer(required=True, allow_none=True)
    text = fields.String(required=True)


class TeamNameQuerySchema(Schema):
    name = fields.String(
        validate=validate.Length(min=1, max=q.NAME_LENGTH),
        metadata={"description": "The team's name, for a CSV body or an upload."},
    )


class RenameSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=q.NAME_LENGTH))


class CourseCode(fields.String):
    """A course code; the OpenAPI document lists the catalog's (see api.docs)."""

    catalog_names = "courses"


class ProgressBodySchema(Schema):
    course = CourseCode(
        required=True,
        metadata={
            "example": "API 29",
            "description": "A catalog course code (other spellings of it, e.g. `api29`, are "
            "accepted too).",
        },
    )
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    date = fields.Date(required=True, metadata={"example": "2027-05-01"})


class MemberBodySchema(ProfileSchema):
    """A member: a name and the profile fields."""

    name = fields.String(required=True, metadata={"example": "Ana Example"})


class MemberChangeSchema(MemberBodySchema):
    """A member added or replaced: as a roster's, but the name is required to be there."""

    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=q.NAME_LENGTH),
        # Spaces around the name are dropped: a blank name is no name (a 422).
        metadata={"example": "Ana Example", "pattern": r"\S"},
    )


class NewTeamSchema(RosterSchema):
    """A team from a JSON roster: its name, and the roster's members as a team plan takes them.

    Every member is saved, one that is not a valid profile too (its `errors` say what to
    fix), so the document promises no 422 for a member; other keys are ignored.
    """

    # Not required here: the name may be given as `?name=` instead (one of them is a must).
    name = fields.String(
        validate=validate.Length(min=1, max=q.NAME_LENGTH),
        metadata={"description": "The team's name (or `?name=`)."},
    )


# --- authentication and errors --------------------------------------------------------------


@teams.before_request
def _authenticate() -> Any:
    """Every call needs a valid bearer token (401 otherwise)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        return error_response(
            401,
            "Send an API token: Authorization: Bearer TOKEN (career-path tokens create EMAIL).",
            headers=[("WWW-Authenticate", 'Bearer realm="career-path"')],
        )
    g.api_user = user
    return None


def _user() -> User:
    user: User = g.api_user
    return user


def _expected(team: Team) -> int | None:
    """The version the caller's If-Match names (None: no If-Match, or `*`)."""
    if_match = request.if_match
    if not if_match or if_match.star_tag:
        return None
    if if_match.contains(str(team.version)) or if_match.contains_weak(str(team.version)):
        return team.version
    raise StaleVersion(team.version)


def _etag(team: Team) -> dict[str, str]:
    return {"ETag": f'"{team.version}"'}


def _time(value: Any) -> str:
    return str(value.isoformat(timespec="seconds")) + "Z"


def team_body(team: Team, plan: SavedPlan) -> dict[str, Any]:
    """A team as SavedTeamSchema has it."""
    return {
        "id": team.id,
        "name": team.name,
        "version": team.version,
        "created_at": _time(team.created_at),
        "updated_at": _time(team.updated_at),
        **plan.plan,
        "rules_change": rules_change_data(plan),
    }


def _documented(*statuses: int) -> Callable[[Any], Any]:
    """The security requirement and the error answers of an endpoint, for the document."""
    names = {
        401: "UNAUTHORIZED",
        404: "NOT_FOUND",
        412: "PRECONDITION_FAILED",
        413: "REQUEST_ENTITY_TOO_LARGE",
        415: "UNSUPPORTED_MEDIA_TYPE",
        422: "UNPROCESSABLE_ENTITY",
    }

    def wrap(view: Any) -> Any:
        for status in (401, *statuses):
            view = teams.alt_response(status, response=names[status])(view)
        return teams.doc(security=SECURITY)(view)

    return wrap


# --- endpoints ------------------------------------------------------------------------------


@teams.route("/teams", methods=["GET"])
@teams.response(200, TeamListItemSchema(many=True))
@_documented()
def list_teams() -> Any:
    """List the caller's teams, most recently changed first."""
    owned = q.teams_of(_user())
    counts = q.member_counts(owned)
    return [
        {
            "id": t.id,
            "name": t.name,
            "members": counts[t.id],
            "version": t.version,
            "updated_at": _time(t.updated_at),
        }
        for t in owned
    ]


@teams.route("/teams", methods=["POST"])
@teams.arguments(TeamNameQuerySchema, location="query")
@teams.doc(
    description=(
        'The body is `{"name": ..., "members": [...]}`, or a roster as a CSV body or a '
        f"multipart upload in the field `{UPLOAD_FIELD}`, with the name as `?name=`. Every "
        "row is saved as a member, a bad one too (its `errors` say what to fix)."
    ),
    requestBody={
        "required": True,
        "content": {
            "application/json": {"schema": NewTeamSchema},
            "text/csv": {"schema": {"type": "string"}},
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
@teams.response(201, SavedTeamSchema)
@_documented(413, 415, 422)
def create_team(query: dict[str, Any]) -> Any:
    """Save a team from a roster; answer it with its plan."""
    name, roster = _named_roster(query.get("name"))
    recommender = current_recommender()
    team = saved.create_from_roster(recommender, _user(), name, roster)
    headers = {**_etag(team), "Location": f"/api/v1/teams/{team.id}"}
    return team_body(team, saved.plan(recommender, team)), 201, headers


@teams.route("/teams/<int:team_id>", methods=["GET"])
@teams.response(200, SavedTeamSchema)
@teams.doc(description="The team with its plan worked out now; the `ETag` is its version.")
@_documented(404)
def get_team(team_id: int) -> Any:
    """Get a team with its plan worked out now."""
    team = q.team_for(_user(), team_id)
    return team_body(team, saved.plan(current_recommender(), team)), _etag(team)


@teams.route("/teams/<int:team_id>", methods=["PATCH"])
@teams.arguments(RenameSchema)
@teams.doc(parameters=[IF_MATCH])
@teams.response(200, SavedTeamSchema)
@_documented(404, 412, 422)
def rename_team(body: dict[str, Any], team_id: int) -> Any:
    """Rename a team."""
    team = q.team_for(_user(), team_id)
    q.rename_team(team, body["name"], _user().email, _expected(team))
    return team_body(team, saved.plan(current_recommender(), team)), _etag(team)


@teams.route("/teams/<int:team_id>", methods=["DELETE"])
@teams.doc(parameters=[IF_MATCH])
@teams.response(204)
@_documented(404, 412)
def delete_team(team_id: int) -> Any:
    """Delete a team with its members, progress and history."""
    team = q.team_for(_user(), team_id)
    q.delete_team(team, _expected(team))
    return None


@teams.route("/teams/<int:team_id>/members", methods=["POST"])
@teams.doc(
    parameters=[IF_MATCH],
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": MemberChangeSchema}},
    },
)
@teams.response(201, SavedTeamSchema)
@_documented(404, 412, 422)
def add_member(team_id: int) -> Any:
    """Add a member to a team; answer the team re-planned."""
    team = q.team_for(_user(), team_id)
    recommender = current_recommender()
    saved.add_member(recommender, team, json_body("the member"), _user().email, _expected(team))
    return team_body(team, saved.plan(recommender, team)), 201, _etag(team)


@teams.route("/teams/<int:team_id>/members/<int:member_id>", methods=["PUT"])
@teams.doc(
    parameters=[IF_MATCH],
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": MemberChangeSchema}},
    },
)
@teams.response(200, SavedMemberSchema)
@_documented(404, 412, 422)
def replace_member(team_id: int, member_id: int) -> Any:
    """Replace a member's name and profile; answer the member re-planned."""
    team = q.team_for(_user(), team_id)
    member = q.member_of(team, member_id)
    recommender = current_recommender()
    saved.replace_member(
        recommender, member, json_body("the member"), _user().email, _expected(team)
    )
    return _member_body(team, member_id), _etag(team)


@teams.route("/teams/<int:team_id>/members/<int:member_id>", methods=["DELETE"])
@teams.doc(parameters=[IF_MATCH])
@teams.response(204)
@_documented(404, 412)
def remove_member(team_id: int, member_id: int) -> Any:
    """Remove a member and their progress."""
    team = q.team_for(_user(), team_id)
    member = q.member_of(team, member_id)
    q.remove_member(member, _user().email, _expected(team))
    return None


@teams.route("/teams/<int:team_id>/members/<int:member_id>/progress", methods=["POST"])
@teams.arguments(ProgressBodySchema)
@teams.doc(
    parameters=[IF_MATCH],
    description="Record a course passed, failed or scheduled, with its date (a later record "
    "of the same course replaces it). A passed course leaves `remaining_courses`; a failed "
    "one stays there, its exam moved to its retake window at the retake price, listed in "
    "`retakes` with what the failure adds in months and fees.",
)
@teams.response(200, SavedMemberSchema)
@_documented(404, 412, 422)
def record_progress(body: dict[str, Any], team_id: int, member_id: int) -> Any:
    """Record a member's progress on a course; answer the member re-planned."""
    team = q.team_for(_user(), team_id)
    member = q.member_of(team, member_id)
    saved.record_progress(
        current_recommender(),
        member,
        body["course"],
        body["status"],
        body["date"],
        _user().email,
        _expected(team),
    )
    return _member_body(team, member_id), _etag(team)


@teams.route("/teams/<int:team_id>/history", methods=["GET"])
@teams.response(200, EventSchema(many=True))
@_documented(404)
def history(team_id: int) -> Any:
    """Who changed what in a team, and when, oldest first."""
    team = q.team_for(_user(), team_id)
    return [
        {
            "at": _time(e.at),
            "actor": e.actor,
            "action": e.action,
            "member_id": e.member_id,
            "text": e.text,
        }
        for e in q.history_of(team)
    ]


def _named_roster(name: str | None) -> tuple[str, Roster]:
    """The team's name and roster: from a JSON body, or ?name= and a CSV body or upload."""
    if request.is_json:
        body = parse_json(roster_body())
        if not isinstance(body, dict):
            raise Invalid("The body must be a JSON object.", {"_schema": ["Not an object."]})
        name = body.get("name", name)
        roster = roster_from_json(body)
    else:
        roster = roster_from_body()
    if not isinstance(name, str) or not name.strip():
        raise Invalid(
            "Give the team a name (in the JSON body, or as ?name=).",
            {"name": ["Missing data for required field."]},
        )
    return name, roster


def _member_body(team: Team, member_id: int) -> dict[str, Any]:
    plan = saved.plan(current_recommender(), team).plan
    member: dict[str, Any] = next(m for m in plan["members"] if m["id"] == member_id)
    return member
