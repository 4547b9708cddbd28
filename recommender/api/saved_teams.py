"""Saved teams over the API: token-authenticated (auth.py); another user's team is a 404.

A team's answer lists a page of its members (`page`, `per_page`, `search`, `behind`; `Link`
headers to the other pages) with its summary, schedule and budget over everyone, summed from
the members' kept plans; `?format=csv|xlsx|ics` answers the whole saved plan as a file. A
change to a member re-plans that member alone, and answers them. Work that may be heavy
(re-planning many members, a large team's download, saving a roster) takes a planning slot
(503 with Retry-After when every one is taken).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from flask import Response, request, url_for
from flask_smorest import Blueprint

from .. import saved_teams as saved
from ..extensions import current_recommender
from ..http.downloads import DOWNLOADS, answer_format, plan_download
from ..http.json_body import json_body, parse_json
from ..http.paging import link_header, page_links
from ..http.planning import planning_slot
from ..http.rosters import UPLOAD_FIELD, roster_body, roster_from_body, roster_from_json
from ..saved_teams import PageQuery, SavedPlan, access
from ..store import teams as q
from ..store.errors import Invalid, StaleVersion
from ..store.models import Team
from ..team import Roster
from .auth import SECURITY, require_token, token_user
from .saved_teams_schemas import (
    EventSchema,
    MemberChangeSchema,
    NewTeamSchema,
    ProgressBodySchema,
    RenameSchema,
    SavedMemberSchema,
    SavedTeamSchema,
    TeamListItemSchema,
    TeamNameQuerySchema,
    TeamPageQuerySchema,
)
from .sharing import guard_team
from .team_plans import UPLOAD

bp = Blueprint(
    "saved_teams",
    __name__,
    url_prefix="/api/v1",
    description="Saved teams: members, their progress, and the plan worked out now. Every "
    "call needs `Authorization: Bearer TOKEN` (`career-path tokens create EMAIL`).",
)
bp.before_request(require_token)
bp.before_request(guard_team)  # a team's 404, or a viewer's 403 (saved_teams.access)

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


def team_body(team: Team, shown: SavedPlan) -> dict[str, Any]:
    """A team as SavedTeamSchema has it."""
    query = shown.query or PageQuery(per_page=max(1, shown.total))
    return {
        "id": team.id,
        "name": team.name,
        "version": team.version,
        "created_at": _time(team.created_at),
        "updated_at": _time(team.updated_at),
        **shown.plan,
        "total": shown.total,
        "page": query.page,
        "per_page": query.per_page,
        "rules_change": shown.rules_change,
    }


def _first_page(team: Team) -> dict[str, Any]:
    """The team's first page, as a change to the team answers it."""
    return team_body(team, saved.team_page(current_recommender(), team, slot=planning_slot))


def _documented(*statuses: int) -> Callable[[Any], Any]:
    """The security requirement and the error answers of an endpoint, for the document."""
    names = {
        401: "UNAUTHORIZED",
        404: "NOT_FOUND",
        412: "PRECONDITION_FAILED",
        413: "REQUEST_ENTITY_TOO_LARGE",
        415: "UNSUPPORTED_MEDIA_TYPE",
        422: "UNPROCESSABLE_ENTITY",
        503: "SERVICE_UNAVAILABLE",
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
    """List the teams the caller may see (owns, shares; an admin: all), most recently changed
    first, each with the caller's `role` in it."""
    seen = access.teams_of(token_user())  # each with the caller's part in it
    owned, roles = [t for t, _ in seen], {t.id: role for t, role in seen}
    counts = q.member_counts(owned)
    return [
        {
            "id": t.id,
            "name": t.name,
            "members": counts[t.id],
            "role": roles[t.id],
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
        "row is saved as a member, a bad one too (its `errors` say what to fix), and planned "
        "(the answer lists the first page of members). Saving takes a planning slot: 503 "
        "with `Retry-After` while every one is taken, and nothing is saved."
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
@_documented(413, 415, 422, 503)
def create_team(query: dict[str, Any]) -> Any:
    """Save a team from a roster; answer it with its plan."""
    name, roster = _named_roster(query.get("name"))
    recommender = current_recommender()
    with planning_slot():
        team = saved.create_from_roster(recommender, token_user(), name, roster)
    headers = {**_etag(team), "Location": url_for(".get_team", team_id=team.id)}
    return _first_page(team), 201, headers


DOWNLOAD_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    DOWNLOADS["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
    DOWNLOADS["ics"]: {"schema": {"type": "string"}},
}
LINK_HEADER = {
    "Link": {
        "description": 'The other pages (RFC 8288): `<url>; rel="first"`, `prev`, `next`, `last`.',
        "schema": {"type": "string"},
    }
}


@bp.route("/teams/<int:team_id>", methods=["GET"])
@bp.arguments(TeamPageQuerySchema, location="query")
@bp.response(200, SavedTeamSchema, headers=LINK_HEADER)
@bp.doc(
    description="A page of the team's members (`page`, `per_page`, `search`, `behind`; the "
    "`Link` header names the first, previous, next and last pages, and `total` says how many "
    "members match) with the team's summary, schedule and budget over every member; each "
    "cohort counts its `people` and names those on this page. The `ETag` is the team's "
    "version. `?format=csv|xlsx|ics` (or `Accept`) answers the whole saved plan as a file, "
    "as the team plans' downloads are. Re-planning many members (after a rules change) or a "
    "large download takes a planning slot: 503 with `Retry-After` while every one is taken.",
    responses={200: {"content": DOWNLOAD_CONTENT}},
)
@_documented(404, 422, 503)
def get_team(query: dict[str, Any], team_id: int) -> Any:
    """Get a page of a team's members with the team's plan now, or the whole plan as a file."""
    team = q.team_for(token_user(), team_id)
    recommender = current_recommender()
    format_ = answer_format(query.get("format"))
    if format_ != "json":
        with planning_slot():  # the file is written inside it too: as long as planning
            whole = saved.whole_plan(recommender, team, streamed=True)
            download: Response = plan_download(whole.plan, format_)
        download.headers.update(_etag(team))
        return download
    page = PageQuery(query["page"], query["per_page"], query.get("search"), query["behind"])
    shown = saved.team_page(recommender, team, page, slot=planning_slot)
    links = link_header(page_links(page.page, shown.last_page), _page_url(team_id, page))
    # Already in SavedTeamSchema's shape (tests check it): encoded as it is, the answer costs
    # its page, not a second walk through marshmallow.
    return Response(
        orjson.dumps(team_body(team, shown)),
        mimetype="application/json",
        headers={**_etag(team), "Link": links},
    )


def _page_url(team_id: int, page: PageQuery) -> Any:
    """The URL of another page of the same members."""
    keep: dict[str, Any] = {"per_page": page.per_page}
    if page.search:
        keep["search"] = page.search
    if page.behind:
        keep["behind"] = "true"
    return lambda number: url_for(".get_team", team_id=team_id, page=number, **keep, _external=True)


@bp.route("/teams/<int:team_id>", methods=["PATCH"])
@bp.arguments(RenameSchema)
@bp.doc(parameters=[IF_MATCH])
@bp.response(200, SavedTeamSchema)
@_documented(404, 412, 422, 503)
def rename_team(body: dict[str, Any], team_id: int) -> Any:
    """Rename a team."""
    team = q.team_for(token_user(), team_id)
    q.rename_team(team, body["name"], token_user().email, _expected(team))
    return _first_page(team), _etag(team)


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
@_documented(404, 412, 422, 503)
def add_member(team_id: int) -> Any:
    """Add a member to a team (planned alone); answer the team's first page."""
    team = q.team_for(token_user(), team_id)
    recommender = current_recommender()
    saved.add_member(recommender, team, _member_data(), token_user().email, _expected(team))
    return _first_page(team), 201, _etag(team)


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
    return saved.member_plan(recommender, member), _etag(team)


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
    description="Record an attempt at a course: passed, failed or scheduled, with its date. "
    "Every attempt is kept (`progress`, each with its `id`). A course passed in any attempt "
    "leaves `remaining_courses`; a failed one stays there, its exam moved to its retake "
    "window at the retake price, listed in `retakes` with what the failure adds in months "
    "and fees (a second failure in one testing window is retaken in the next, at full "
    "price). The member is re-planned alone.",
)
@bp.response(200, SavedMemberSchema)
@_documented(404, 412, 422)
def record_progress(body: dict[str, Any], team_id: int, member_id: int) -> Any:
    """Record a member's attempt at a course; answer the member re-planned."""
    team = q.team_for(token_user(), team_id)
    member = q.member_of(team, member_id)
    recommender = current_recommender()
    saved.record_progress(
        recommender,
        member,
        body["course"],
        body["status"],
        body["date"],
        token_user().email,
        _expected(team),
    )
    return saved.member_plan(recommender, member), _etag(team)


@bp.route(
    "/teams/<int:team_id>/members/<int:member_id>/progress/<int:progress_id>",
    methods=["DELETE"],
)
@bp.doc(
    parameters=[IF_MATCH],
    description="Remove a wrong progress entry (recorded in the history, with who removed "
    "it); a 404 unless it is this member's. The member is re-planned alone.",
)
@bp.response(200, SavedMemberSchema)
@_documented(404, 412)
def remove_progress(team_id: int, member_id: int, progress_id: int) -> Any:
    """Remove a member's progress entry; answer the member re-planned."""
    team = q.team_for(token_user(), team_id)
    member = q.member_of(team, member_id)
    recommender = current_recommender()
    saved.remove_progress(recommender, member, progress_id, token_user().email, _expected(team))
    return saved.member_plan(recommender, member), _etag(team)


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


def _member_data() -> object:
    """A member as the body sends it (415 unless JSON, 400 unless it parses)."""
    return json_body("the member")
