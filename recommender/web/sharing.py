"""Sharing a team on the web, /teams/<id>/colleagues: its owner and colleagues, and (for the
owner or an admin) forms to share it, change a colleague's role, remove one, and hand the team
over. Every form carries a CSRF token and works without JavaScript.

`guard_team` is the teams pages' one access check (saved_teams.access): a team the caller may
not see is a 404; one they may read but not change is a 403 for every page that changes it.
"""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..saved_teams import access
from ..store.errors import Invalid
from ..store.models import Team, User
from .auth import protect

bp = Blueprint("sharing", __name__, template_folder="templates")

# Pages of the teams and members blueprints whose only use is a change (their forms), and the
# one change that is the owner's or an admin's alone.
CHANGE_PAGES = frozenset({"members.form", "members.remove"})
MANAGE_PAGES = frozenset({"teams.delete"})


def guard_team() -> None:
    """Before a teams page naming a team: the caller may see it (else 404) and, for a change,
    change it (else 403). Someone signed out is left to login_required."""
    team_id = (request.view_args or {}).get("team_id")
    if team_id is None or not current_user.is_authenticated:
        return
    if request.endpoint in MANAGE_PAGES or (
        request.blueprint == bp.name and request.method == "POST"
    ):
        need = access.MANAGE
    elif request.method == "POST" or request.endpoint in CHANGE_PAGES:
        need = access.CHANGE
    else:
        need = access.READ
    _, g.team_role = access.team_for(_user(), team_id, need)  # the page shows what they may do


protect(bp)
bp.before_request(guard_team)


def _user() -> User:
    user: User = current_user._get_current_object()
    return user


def _page(
    team: Team, role: str, errors: dict[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "sharing/colleagues.html",
        team=team,
        role=role,
        manage=access.may(role, access.MANAGE),
        colleagues=access.colleagues(team),
        ROLE_LABELS=access.ROLE_LABELS,
        SHARE_ROLES=access.SHARE_ROLES,
        errors=errors or {},
        form=request.form,
    )
    return page, status


def _back(team_id: int) -> ResponseReturnValue:
    return redirect(url_for("sharing.colleagues", team_id=team_id), 303)


def _first_error(exc: Invalid, form: str) -> dict[str, str]:
    return {form: exc.message}


@bp.route("/teams/<int:team_id>/colleagues", methods=["GET"])
@login_required
def colleagues(team_id: int) -> ResponseReturnValue:
    """Who has the team: its owner and colleagues (and, for its owner or an admin, the forms)."""
    team, role = access.team_for(_user(), team_id)
    return _page(team, role)


@bp.route("/teams/<int:team_id>/colleagues", methods=["POST"])
@login_required
def share(team_id: int) -> ResponseReturnValue:
    """Share the team with a user by e-mail, as editor or viewer."""
    team, role = access.team_for(_user(), team_id, access.MANAGE)
    email = request.form.get("email", "").strip()
    try:
        found = access.share(
            _user(), team, email, request.form.get("role", ""), request.remote_addr
        )
    except Invalid as exc:
        return _page(team, role, _first_error(exc, "share"), 422)
    flash(f"{found.user.email} is now a colleague on {team.name}, as {found.role}.")
    return _back(team_id)


@bp.route("/teams/<int:team_id>/colleagues/<int:user_id>", methods=["POST"])
@login_required
def change(team_id: int, user_id: int) -> ResponseReturnValue:
    """Change a colleague's role, or (action=remove) stop sharing the team with them."""
    team, role = access.team_for(_user(), team_id, access.MANAGE)
    if request.form.get("action") == "remove":
        email = access.colleague_of(team, user_id).user.email
        access.unshare(_user(), team, user_id, request.remote_addr)
        flash(f"{email} no longer has {team.name}.")
        return _back(team_id)
    try:
        found = access.change_role(
            _user(), team, user_id, request.form.get("role", ""), request.remote_addr
        )
    except Invalid as exc:
        return _page(team, role, {f"colleague-{user_id}": exc.message}, 422)
    flash(f"{found.user.email} is now {found.role} on {team.name}.")
    return _back(team_id)


@bp.route("/teams/<int:team_id>/owner", methods=["POST"])
@login_required
def hand_over(team_id: int) -> ResponseReturnValue:
    """Hand the team over to another user (the old owner may stay as a colleague)."""
    team, role = access.team_for(_user(), team_id, access.MANAGE)
    keep_as = request.form.get("keep_as", "")
    try:
        access.hand_over(
            _user(), team, request.form.get("email", "").strip(), keep_as, request.remote_addr
        )
    except Invalid as exc:
        return _page(team, role, _first_error(exc, "hand_over"), 422)
    flash(f"{team.owner.email} owns {team.name} now.")
    try:
        access.team_for(_user(), team_id)
    except access.NotFound:
        return redirect(url_for("teams.index"), 303)
    return _back(team_id)
