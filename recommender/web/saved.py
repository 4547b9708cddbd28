"""Saved teams on the web: log in, the caller's teams, a team's plan and progress, member links.

Thin views: each reads the form, calls one function of `recommender.store`, and redirects or
renders. Every POST here carries a CSRF token (checked for the whole blueprint).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError

from .. import saved_teams as saved
from ..accounts import throttle
from ..accounts.passwords import authenticate
from ..errors import RosterError
from ..extensions import csrf, current_recommender
from ..http.rosters import allow_roster_body, roster_from_form, roster_status
from ..saved_teams import rules_change_data
from ..store import teams as q
from ..store.errors import Invalid, StaleVersion
from ..store.models import STATUSES, Member, Team, User
from ..team import LIST_SEPARATOR
from ..vocabulary import GOALS, LINES, ROLES
from .team import ROUTE_LABELS

bp = Blueprint("saved", __name__, template_folder="templates")

STALE = (
    "This team changed since you opened it (someone saved another change first). Nothing was "
    "saved: here it is as it is now. Make your change again if it is still needed."
)
STATUS_LABELS = {"on_track": "On track", "behind": "Behind schedule", "completed": "Completed"}
MEMBER_FIELDS = ("role", "lines", "years_experience", "goal", "hours_per_week", "start_date")
MEMBER_LISTS = ("designations", "completed_courses", "discounts")


@bp.before_request
def _check_csrf() -> None:
    """Refuse a form post without this session's CSRF token (400)."""
    if request.method == "POST":
        csrf.protect()


@bp.errorhandler(CSRFError)
def _csrf_refused(error: CSRFError) -> ResponseReturnValue:
    """A form without this session's token: say what to do, in the site's look."""
    page = render_template(
        "error.html",
        title="This form was not accepted",
        message="The form has expired or did not come from this site, so nothing was saved. "
        "Go back, reload the page and send it again.",
        request_id=None,
    )
    return page, 400


@bp.context_processor
def _template_names() -> dict[str, Any]:
    return {
        "ROUTE_LABELS": ROUTE_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUSES": STATUSES,
        "ROLES": ROLES,
        "LINES": LINES,
        "GOALS": GOALS,
    }


def _user() -> User:
    user: User = current_user._get_current_object()
    return user


def _version() -> int | None:
    raw = request.form.get("version", "")
    return int(raw) if raw.isdigit() else None


# --- logging in and out ---------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    """Where to go after logging in: a path on this site only (never another host)."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            if not target.startswith("//") and "\\" not in target:
                return target
    return url_for("saved.teams")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    """Log in with an email address and a password."""
    next_url = request.values.get("next", "")
    if request.method == "GET":
        return render_template("web/saved/login.html", email="", error=None, next=next_url)
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    keys = throttle.throttle_keys(email, request.remote_addr)
    if throttle.login_blocked(keys):
        message = (
            "Too many wrong passwords in a row. Wait 15 minutes, then try again "
            "(or ask an admin to check your account)."
        )
        page = render_template("web/saved/login.html", email=email, error=message, next=next_url)
        return page, 429, {"Retry-After": str(int(throttle.FAILED_LOGIN_WINDOW.total_seconds()))}
    user = authenticate(email, password) if email and password else None
    if user is None:
        throttle.note_failed_login(keys)
        message = "That email address and password do not match an account."
        page = render_template("web/saved/login.html", email=email, error=message, next=next_url)
        return page, 401
    throttle.clear_failed_logins(keys)
    session.clear()  # a fresh session (and CSRF token) for the logged-in user
    login_user(user)
    return redirect(_safe_next(next_url), 303)


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> ResponseReturnValue:
    """Log out (a GET asks first: a link alone must not log anyone out)."""
    if request.method == "GET":
        return render_template("web/saved/logout.html")
    logout_user()
    session.clear()
    flash("You are logged out.")
    return redirect(url_for("saved.login"), 303)


# --- teams ----------------------------------------------------------------------------------


@bp.route("/teams", methods=["GET"])
@login_required
def teams() -> ResponseReturnValue:
    """The caller's teams, and a form to save a new one from a roster."""
    return _teams_page()


def _teams_page(error: str | None = None, name: str = "", status: int = 200) -> ResponseReturnValue:
    owned = q.teams_of(_user())
    page = render_template(
        "web/saved/teams.html",
        teams=owned,
        counts=q.member_counts(owned),
        error=error,
        name=name,
    )
    return page, status


@bp.route("/teams", methods=["POST"])
@login_required
def create_team() -> ResponseReturnValue:
    """Save a team from an uploaded roster."""
    name = ""
    try:
        allow_roster_body()  # the form holds the roster: its limit applies before it is read
        name = request.form.get("name", "").strip()
        roster, _ = roster_from_form("roster", "Choose a roster file (CSV or JSON) to upload.")
        team = saved.create_from_roster(current_recommender(), _user(), name, roster)
    except RosterError as exc:
        return _teams_page(exc.message, name, roster_status(exc))
    except Invalid as exc:
        return _teams_page(exc.message, name, 422)
    flash(f"Saved the team {team.name} with {len(team.members)} members.")
    return redirect(url_for("saved.team", team_id=team.id), 303)


def _team(team_id: int) -> Team:
    return q.team_for(_user(), team_id)


@bp.route("/teams/<int:team_id>", methods=["GET"])
@login_required
def team(team_id: int) -> ResponseReturnValue:
    """A team: its plan now, members and their progress, history."""
    found = _team(team_id)
    return _team_page(found)


def _team_page(found: Team, errors: dict[int, str] | None = None, status: int = 200) -> Any:
    recommender = current_recommender()
    plan = saved.plan(recommender, found)
    members = {m.id: m for m in found.members}
    page = render_template(
        "web/saved/team.html",
        team=found,
        plan=plan.plan,
        members=members,
        rules_change=rules_change_data(plan),
        history=list(reversed(q.history_of(found)))[:50],
        courses=sorted(recommender.catalog.courses),
        today=date.today().isoformat(),
        errors=errors or {},
    )
    return page, status


def _stale(team_id: int) -> ResponseReturnValue:
    flash(STALE, "error")
    return redirect(url_for("saved.team", team_id=team_id), 303)


@bp.route("/teams/<int:team_id>/rename", methods=["POST"])
@login_required
def rename(team_id: int) -> ResponseReturnValue:
    """Rename a team."""
    found = _team(team_id)
    try:
        q.rename_team(found, request.form.get("name", ""), _user().email, _version())
    except StaleVersion:
        return _stale(team_id)
    except Invalid as exc:
        flash(exc.message, "error")
    return redirect(url_for("saved.team", team_id=team_id), 303)


@bp.route("/teams/<int:team_id>/delete", methods=["GET", "POST"])
@login_required
def delete(team_id: int) -> ResponseReturnValue:
    """Delete a team, after asking."""
    found = _team(team_id)
    if request.method == "GET":
        return render_template("web/saved/delete.html", team=found)
    name = found.name
    try:
        q.delete_team(found, _version())
    except StaleVersion:
        return _stale(team_id)
    flash(f"Deleted the team {name}.")
    return redirect(url_for("saved.teams"), 303)


@bp.route("/teams/<int:team_id>/rules-seen", methods=["POST"])
@login_required
def rules_seen(team_id: int) -> ResponseReturnValue:
    """Note that the team has been shown under the current rules."""
    found = _team(team_id)
    try:
        saved.acknowledge_rules(current_recommender(), found, _user().email)
    except StaleVersion:
        return _stale(team_id)
    return redirect(url_for("saved.team", team_id=team_id), 303)


# --- members --------------------------------------------------------------------------------


def member_form_data(form: Any) -> dict[str, Any]:
    """A member's fields from the member form (blank fields left out: the defaults apply)."""
    data: dict[str, Any] = {"name": form.get("name", "")}
    for key in MEMBER_FIELDS:
        value = form.get(key, "").strip()
        if value:
            data[key] = value
    for key in MEMBER_LISTS:
        items = [i.strip() for i in form.get(key, "").replace(",", LIST_SEPARATOR).split(";")]
        if any(items):
            data[key] = [i for i in items if i]
    return data


def _form_values(member: Member | None) -> dict[str, str]:
    if member is None:
        return {}
    values = {"name": member.name}
    for key, value in member.profile.items():
        values[key] = f"{LIST_SEPARATOR} ".join(value) if isinstance(value, list) else str(value)
    return values


@bp.route("/teams/<int:team_id>/members/new", methods=["GET", "POST"])
@bp.route("/teams/<int:team_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def member_form(team_id: int, member_id: int | None = None) -> ResponseReturnValue:
    """Add a member, or edit one."""
    found = _team(team_id)
    member = q.member_of(found, member_id) if member_id is not None else None
    if request.method == "GET":
        return render_template(
            "web/saved/member_form.html",
            team=found,
            member=member,
            values=_form_values(member),
            errors={},
        )
    data = member_form_data(request.form)
    recommender = current_recommender()
    try:
        if member is None:
            saved.add_member(recommender, found, data, _user().email, _version())
        else:
            saved.replace_member(recommender, member, data, _user().email, _version())
    except StaleVersion:
        return _stale(team_id)
    except Invalid as exc:
        values = {k: request.form.get(k, "") for k in ("name", *MEMBER_FIELDS, *MEMBER_LISTS)}
        page = render_template(
            "web/saved/member_form.html",
            team=found,
            member=member,
            values=values,
            errors=exc.errors,
        )
        return page, 422
    flash(f"Saved {data['name'].strip()}.")
    return redirect(url_for("saved.team", team_id=team_id), 303)


@bp.route("/teams/<int:team_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
@login_required
def remove_member(team_id: int, member_id: int) -> ResponseReturnValue:
    """Remove a member, after asking."""
    found = _team(team_id)
    member = q.member_of(found, member_id)
    if request.method == "GET":
        return render_template("web/saved/remove.html", team=found, member=member)
    try:
        q.remove_member(member, _user().email, _version())
    except StaleVersion:
        return _stale(team_id)
    flash(f"Removed {member.name}.")
    return redirect(url_for("saved.team", team_id=team_id), 303)


def _progress_from_form() -> tuple[str, str, date]:
    raw = request.form.get("date", "")
    try:
        on = date.fromisoformat(raw)
    except ValueError:
        raise Invalid("Give the date as YYYY-MM-DD.", {"date": ["Not a valid date."]}) from None
    return request.form.get("course", ""), request.form.get("status", ""), on


@bp.route("/teams/<int:team_id>/members/<int:member_id>/progress", methods=["POST"])
@login_required
def record_progress(team_id: int, member_id: int) -> ResponseReturnValue:
    """Record a member's progress on a course."""
    found = _team(team_id)
    member = q.member_of(found, member_id)
    try:
        course, status, on = _progress_from_form()
        saved.record_progress(
            current_recommender(), member, course, status, on, _user().email, _version()
        )
    except StaleVersion:
        return _stale(team_id)
    except Invalid as exc:
        return _team_page(found, {member.id: exc.message}, 422)
    flash(f"Recorded {member.name}: {course} {status} on {on.isoformat()}.")
    return redirect(url_for("saved.team", team_id=team_id, _anchor=f"member-{member.id}"), 303)


@bp.route("/teams/<int:team_id>/members/<int:member_id>/link", methods=["POST"])
@login_required
def member_link(team_id: int, member_id: int) -> ResponseReturnValue:
    """Make (or remake) a member's private link, shown once; or revoke it."""
    found = _team(team_id)
    member = q.member_of(found, member_id)
    if request.form.get("action") == "revoke":
        saved.revoke_member_link(member, _user().email)
        flash(f"{member.name}'s private link no longer works.")
        return redirect(url_for("saved.team", team_id=team_id), 303)
    token = saved.create_member_link(member, _user().email)
    link = url_for("saved.member_page", token=token, _external=True)
    return render_template("web/saved/link.html", team=found, member=member, link=link)


# --- a member's own page (private link, no account) ------------------------------------------


def _member_for(token: str) -> Member:
    member = saved.member_for_link(token)
    if member is None:
        abort(404)
    return member


@bp.route("/my/<token>", methods=["GET"])
def member_page(token: str) -> ResponseReturnValue:
    """A member's own plan and progress, by their private link."""
    return _member_page(_member_for(token), token)


def _member_page(member: Member, token: str, error: str | None = None, status: int = 200) -> Any:
    recommender = current_recommender()
    plan = saved.plan(recommender, member.team).plan
    entry = next(m for m in plan["members"] if m["id"] == member.id)
    page = render_template(
        "web/saved/member.html",
        member=member,
        entry=entry,
        token=token,
        courses=sorted(recommender.catalog.courses),
        today=date.today().isoformat(),
        error=error,
    )
    # The link is the key: keep it out of other sites' logs and the browser's cache.
    return page, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


@bp.route("/my/<token>/progress", methods=["POST"])
def member_progress(token: str) -> ResponseReturnValue:
    """A member records their own progress."""
    member = _member_for(token)
    try:
        course, status, on = _progress_from_form()
        saved.record_progress(
            current_recommender(), member, course, status, on, f"{member.name} (own link)"
        )
    except Invalid as exc:
        return _member_page(member, token, exc.message, 422)
    flash(f"Recorded: {course} {status} on {on.isoformat()}.")
    return redirect(url_for("saved.member_page", token=token), 303)
