"""Saved teams over the API: token-authenticated (auth.py); another user's team is a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request, url_for
from flask_smorest import Blueprint

from .. import saved_teams as saved
from ..extensions import current_recommender
from ..http.json_body import json_body, parse_json
from ..http.rosters import UPLOAD_FIELD, roster_body, roster_from_body, roster_from_json
from ..saved_teams import SavedPlan, rules_change_data
from ..store import teams as q
from ..store.errors import Invalid, StaleVersion
from ..store.models import Team
from ..team import Roster
from .auth import SECURITY, require_token, token_user
from .schemas import (
    EventSchema,
    MemberChangeSchema,
    NewTeamSchema,
    ProgressBodySchema,
    RenameSchema,
    SavedMemberSchema,
    SavedTeamSchema,
    TeamListItemSchema,
    TeamNameQuerySchema,
)
from .team_plans import UPLOAD

bp = Blueprint(
    "saved_teams",
    __name__,
    url_prefix="/api/v1",
    description="Saved teams: members, their progress, and the plan worked out now. Every "
    "call needs `Authorization: Bearer TOKEN` (`career-path tokens create EMAIL`).",
)
bp.before_request(require_token)

MEMBER_BODY = {"required": True, "content": {"application/json": {"schema": MemberChangeSchema}}}
IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": 'The team\'s `ETag` as read (e.g. `"3"`): a stale one answers 412 and '
    "changes nothing.",
}


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
            view = bp.alt_response(status, response=names[status])(view)
        return bp.doc(security=SECURITY)(view)

    return wrap


@bp.route("/teams", methods=["GET"])
@bp.response(200, TeamListItemSchema(many=True))
@_documented()
def list_teams() -> Any:
    """List the caller's teams, most recently changed first."""
    owned = q.teams_of(token_user())
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


@bp.route("/teams", methods=["POST"])
@bp.arguments(TeamNameQuerySchema, location="query")
@bp.doc(
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
            "multipart/form-data": UPLOAD,
        },
    },
)
@bp.response(201, SavedTeamSchema)
@_documented(413, 415, 422)
def create_team(query: dict[str, Any]) -> Any:
    """Save a team from a roster; answer it with its plan."""
    name, roster = _named_roster(query.get("name"))
    recommender = current_recommender()
    team = saved.create_from_roster(recommender, token_user(), name, roster)
    headers = {**_etag(team), "Location": url_for(".get_team", team_id=team.id)}
    return team_body(team, saved.plan(recommender, team)), 201, headers


@bp.route("/teams/<int:team_id>", methods=["GET"])
@bp.response(200, SavedTeamSchema)
@bp.doc(description="The team with its plan worked out now; the `ETag` is its version.")
@_documented(404)
def get_team(team_id: int) -> Any:
    """Get a team with its plan worked out now."""
    team = q.team_for(token_user(), team_id)
    return team_body(team, saved.plan(current_recommender(), team)), _etag(team)


@bp.route("/teams/<int:team_id>", methods=["PATCH"])
@bp.arguments(RenameSchema)
@bp.doc(parameters=[IF_MATCH])
@bp.response(200, SavedTeamSchema)
@_documented(404, 412, 422)
def rename_team(body: dict[str, Any], team_id: int) -> Any:
    """Rename a team."""
    team = q.team_for(token_user(), team_id)
    q.rename_team(team, body["name"], token_user().email, _expected(team))
    return team_body(team, saved.plan(current_recommender(), team)), _etag(team)


@bp.route("/teams/<int:team_id>", methods=["DELETE"])
@bp.doc(parameters=[IF_MATCH])
@bp.response(204)
@_documented(404, 412)
def delete_team(team_id: int) -> Any:
    """Delete a team with its members, progress and history."""
    team = q.team_for(token_user(), team_id)
    q.delete_team(team, _expected(team))
    return None


@bp.route("/teams/<int:team_id>/members", methods=["POST"])
@bp.doc(parameters=[IF_MATCH], requestBody=MEMBER_BODY)
@bp.response(201, SavedTeamSchema)
@_documented(404, 412, 422)
def add_member(team_id: int) -> Any:
    """Add a member to a team; answer the team re-planned."""
    team = q.team_for(token_user(), team_id)
    recommender = current_recommender()
    saved.add_member(recommender, team, _member_data(), token_user().email, _expected(team))
    return team_body(team, saved.plan(recommender, team)), 201, _etag(team)


@bp.route("/teams/<int:team_id>/members/<int:member_id>", methods=["PUT"])
@bp.doc(parameters=[IF_MATCH], requestBody=MEMBER_BODY)
@bp.response(200, SavedMemberSchema)
@_documented(404, 412, 422)
def replace_member(team_id: int, member_id: int) -> Any:
    """Replace a member's name and profile; answer the member re-planned."""
    team = q.team_for(token_user(), team_id)
    member = q.member_of(team, member_id)
    recommender = current_recommender()
    saved.replace_member(recommender, member, _member_data(), token_user().email, _expected(team))
    return _member_body(team, member_id), _etag(team)


@bp.route("/teams/<int:team_id>/members/<int:member_id>", methods=["DELETE"])
@bp.doc(parameters=[IF_MATCH])
@bp.response(204)
@_documented(404, 412)
def remove_member(team_id: int, member_id: int) -> Any:
    """Remove a member and their progress."""
    team = q.team_for(token_user(), team_id)
    member = q.member_of(team, member_id)
    q.remove_member(member, token_user().email, _expected(team))
    return None


@bp.route("/teams/<int:team_id>/members/<int:member_id>/progress", methods=["POST"])
@bp.arguments(ProgressBodySchema)
@bp.doc(
    parameters=[IF_MATCH],
    description="Record a course passed, failed or scheduled, with its date (a later record "
    "of the same course replaces it). A passed course leaves `remaining_courses`; a failed "
    "one stays there, its exam moved to its retake window at the retake price, listed in "
    "`retakes` with what the failure adds in months and fees.",
)
@bp.response(200, SavedMemberSchema)
@_documented(404, 412, 422)
def record_progress(body: dict[str, Any], team_id: int, member_id: int) -> Any:
    """Record a member's progress on a course; answer the member re-planned."""
    team = q.team_for(token_user(), team_id)
    member = q.member_of(team, member_id)
    saved.record_progress(
        current_recommender(),
        member,
        body["course"],
        body["status"],
        body["date"],
        token_user().email,
        _expected(team),
    )
    return _member_body(team, member_id), _etag(team)


@bp.route("/teams/<int:team_id>/history", methods=["GET"])
@bp.response(200, EventSchema(many=True))
@_documented(404)
def history(team_id: int) -> Any:
    """Who changed what in a team, and when, oldest first."""
    team = q.team_for(token_user(), team_id)
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


def _member_data() -> object:
    """A member as the body sends it (415 unless JSON, 400 unless it parses)."""
    return json_body("the member")
