"""Sharing a team over the API: /api/v1/teams/{id}/colleagues and /owner (token-authenticated).

The owner or an admin shares a team with an active user by e-mail as editor or viewer, changes
a colleague's role, removes one, and hands the team over. A team the caller may not see is a
404; one they may see but not change this way is a 403. `guard_team` is the saved-teams API's
one access check (saved_teams.access): every call naming a team passes it first.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..saved_teams import access
from ..store.models import Team, TeamShare
from .auth import SECURITY, require_token, token_user

bp = Blueprint(
    "colleagues",
    __name__,
    url_prefix="/api/v1",
    description="Who has a team: its owner and colleagues (editors change it, viewers read "
    "it). The owner or an admin shares a team, changes a colleague's role, removes one, and "
    "hands the team over. A team you cannot see is a 404; one you can read but not change is "
    "a 403.",
)
READS = frozenset({"GET", "HEAD", "OPTIONS"})
MANAGE_ENDPOINTS = frozenset({"saved_teams.delete_team"})


def guard_team() -> None:
    """Before a saved-teams call naming a team: the caller may see it (else 404) and, for a
    change, change it (else 403; sharing, handing over or deleting it is the owner's or an
    admin's)."""
    team_id = (request.view_args or {}).get("team_id")
    if team_id is None:
        return
    sharing = request.blueprint == bp.name and request.method not in READS
    if sharing or request.endpoint in MANAGE_ENDPOINTS:
        need = access.MANAGE
    else:
        need = access.READ if request.method in READS else access.CHANGE
    access.team_for(token_user(), team_id, need)


bp.before_request(require_token)
bp.before_request(guard_team)  # before a body is read: a team's 404 or 403 comes first


class TeamPersonSchema(Schema):
    user_id = fields.Integer(required=True)
    email = fields.String(required=True)


class ColleagueSchema(TeamPersonSchema):
    role = fields.String(required=True, metadata={"enum": list(access.SHARE_ROLES)})
    shared_by = fields.String(required=True)
    shared_at = fields.String(required=True)


class ColleaguesSchema(Schema):
    team_id = fields.Integer(required=True)
    owner = fields.Nested(TeamPersonSchema, required=True)
    your_role = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "owner, admin, editor or viewer: what you may do."},
    )
    colleagues = fields.List(fields.Nested(ColleagueSchema), required=True)


class ShareBodySchema(Schema):
    email = fields.String(
        required=True, metadata={"description": "An active user's e-mail address."}
    )
    role = fields.String(required=True, validate=validate.OneOf(access.SHARE_ROLES))


class RoleBodySchema(Schema):
    role = fields.String(required=True, validate=validate.OneOf(access.SHARE_ROLES))


class OwnerBodySchema(Schema):
    email = fields.String(required=True, metadata={"description": "The new owner's address."})
    keep_as = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf(access.SHARE_ROLES),
        metadata={"description": "What the old owner stays as (null: they leave the team)."},
    )


def _documented(view: Any) -> Any:
    for status, name in ((401, "UNAUTHORIZED"), (403, "FORBIDDEN"), (404, "NOT_FOUND")):
        view = bp.alt_response(status, response=name)(view)
    return bp.doc(security=SECURITY)(view)


def _time(value: Any) -> str:
    return str(value.isoformat(timespec="seconds")) + "Z"


def _colleague(share: TeamShare) -> dict[str, Any]:
    return {
        "user_id": share.user_id,
        "email": share.user.email,
        "role": share.role,
        "shared_by": share.created_by,
        "shared_at": _time(share.created_at),
    }


def _colleagues(team: Team, role: str) -> dict[str, Any]:
    return {
        "team_id": team.id,
        "owner": {"user_id": team.owner.id, "email": team.owner.email},
        "your_role": role,
        "colleagues": [_colleague(s) for s in access.colleagues(team)],
    }


@bp.route("/teams/<int:team_id>/colleagues", methods=["GET"])
@bp.response(200, ColleaguesSchema)
@_documented
def list_colleagues(team_id: int) -> Any:
    """The team's owner and colleagues, and your own part in it."""
    team, role = access.team_for(token_user(), team_id)
    return _colleagues(team, role)


@bp.route("/teams/<int:team_id>/colleagues", methods=["POST"])
@bp.arguments(ShareBodySchema)
@bp.response(201, ColleagueSchema)
@bp.alt_response(200, schema=ColleagueSchema, description="Their role changed.")
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@_documented
def share(body: dict[str, Any], team_id: int) -> Any:
    """Share the team with an active user by e-mail, or change their role (owner or admin)."""
    team, _ = access.team_for(token_user(), team_id, access.MANAGE)
    before = access.store.share_of(team, _user_id(body["email"]))
    found = access.share(token_user(), team, body["email"], body["role"], request.remote_addr)
    return _colleague(found), 200 if before is not None else 201


def _user_id(email: str) -> int:
    found = access.users.user_by_email(email)
    return found.id if found is not None else 0


@bp.route("/teams/<int:team_id>/colleagues/<int:user_id>", methods=["PATCH"])
@bp.arguments(RoleBodySchema)
@bp.response(200, ColleagueSchema)
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@_documented
def change_role(body: dict[str, Any], team_id: int, user_id: int) -> Any:
    """Make a colleague an editor or a viewer (owner or admin)."""
    team, _ = access.team_for(token_user(), team_id, access.MANAGE)
    found = access.change_role(token_user(), team, user_id, body["role"], request.remote_addr)
    return _colleague(found)


@bp.route("/teams/<int:team_id>/colleagues/<int:user_id>", methods=["DELETE"])
@bp.response(204)
@_documented
def unshare(team_id: int, user_id: int) -> Any:
    """Stop sharing the team with a colleague (owner or admin)."""
    team, _ = access.team_for(token_user(), team_id, access.MANAGE)
    access.unshare(token_user(), team, user_id, request.remote_addr)
    return None


@bp.route("/teams/<int:team_id>/owner", methods=["POST"])
@bp.arguments(OwnerBodySchema)
@bp.response(200, ColleaguesSchema)
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
@_documented
def hand_over(body: dict[str, Any], team_id: int) -> Any:
    """Hand the team over to another active user (owner or admin); the old owner stays as
    `keep_as` or leaves. Answers who has the team now, and your part in it (null: none)."""
    user = token_user()
    team, _ = access.team_for(user, team_id, access.MANAGE)
    access.hand_over(user, team, body["email"], body["keep_as"], request.remote_addr)
    role = access.store.role_of(user, team)
    return {**_colleagues(team, role or ""), "your_role": role}
