"""Saved teams on the web, /teams: the caller's teams, a team's plan and progress, member links.

Thin views: each reads the form, calls one use-case of recommender.saved_teams (or a query of
the store), and redirects or renders. Every POST here carries a CSRF token (auth.protect).
A team's page lists a page of its members (`?page=`, `?search=`, `?behind=true`, by links and
a form that need no JavaScript) with the team's schedule and budget over everyone; the whole
plan, every name, is in its downloads.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from .. import saved_teams as saved
from ..errors import RosterError
from ..extensions import current_recommender
from ..http.downloads import plan_download
from ..http.paging import page_links
from ..http.planning import RETRY_AFTER, PlanningBusy, planning_slot
from ..http.rosters import allow_roster_body, roster_from_form, roster_status
from ..saved_teams import MAX_PER_PAGE, PageQuery, access
from ..saved_teams.shown import aligns, fiscal_year_start
from ..store import plan_queries as kept
from ..store import teams as q
from ..store.errors import Invalid, StaleVersion
from ..store.models import STATUSES, Member, Team, User
from ..team import LIST_SEPARATOR
from ..vocabulary import GOALS, LINES, ROLES
from . import forms
from .auth import protect
from .sharing import guard_team
from .team_plans import DOWNLOAD_LABELS, MONTHS, ROUTE_LABELS


def _roster_limits() -> None:
    """A new team's form holds a roster: the roster's limits (TEAM_MAX_BYTES, TEAM_MAX_ROWS),
    as the API's, not the 1 MiB of every other form; set before the CSRF check reads it."""
    if request.method == "POST" and request.endpoint == "teams.create":
        allow_roster_body()


bp = Blueprint("teams", __name__, template_folder="templates")
bp.before_request(_roster_limits)  # first: protect()'s CSRF check reads the form
protect(bp)
bp.before_request(guard_team)  # a team's 404, or a viewer's 403 (saved_teams.access)

STALE = (
    "This team changed since you opened it (someone saved another change first). Nothing was "
    "saved: here it is as it is now. Make your change again if it is still needed."
)
STATUS_LABELS = {"on_track": "On track", "behind": "Behind schedule", "completed": "Completed"}
CHANGED_SHOWN = 100  # members named in a rules change on the page (the API names them all)
# Members on a page: each comes with their plan, progress and forms, so fewer than the API's
# (saved_teams.PER_PAGE) make the first screen.
WEB_PER_PAGE = 25
MEMBER_LISTS = ("designations", "completed_courses", "discounts")


def template_names() -> dict[str, Any]:
    """The names the saved teams' templates use (a member's own page's too)."""
    return {
        "ROUTE_LABELS": ROUTE_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUSES": STATUSES,
        "ROLES": ROLES,
        "LINES": LINES,
        "GOALS": GOALS,
        "MONTHS": MONTHS,
        "ROLE_LABELS": forms.ROLE_LABELS,
        "LINES_LABELS": forms.LINES_LABELS,
        "GOAL_LABELS": forms.GOAL_LABELS,
        "FIELD_LABELS": forms.FIELD_LABELS,
    }


bp.context_processor(template_names)


def _user() -> User:
    user: User = current_user._get_current_object()
    return user


def _version() -> int | None:
    raw = request.form.get("version", "")
    # ASCII digits only (str.isdigit() takes '²' too, which int() refuses); a number longer
    # than any version is no version of the team's: stale.
    if not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw) if len(raw) <= 18 else -1


# --- teams ----------------------------------------------------------------------------------


@bp.route("/teams", methods=["GET"])
@login_required
def index() -> ResponseReturnValue:
    """The caller's teams, and a form to save a new one from a roster."""
    return _teams_page()


def _teams_page(
    error: str | None = None, name: str = "", status: int = 200, headers: Any = None
) -> ResponseReturnValue:
    seen = access.teams_of(_user())  # each with the caller's part in it
    owned = [found for found, _ in seen]
    page = render_template(
        "teams/teams.html",
        teams=[t for t in owned if not saved.is_client(t)],
        clients=[t for t in owned if saved.is_client(t)],
        roles=dict((found.id, role) for found, role in seen),
        ROLE_LABELS=access.ROLE_LABELS,
        counts=q.member_counts(owned),
        error=error,
        name=name,
    )
    return page, status, headers or {}


@bp.route("/teams", methods=["POST"])
@login_required
def create() -> ResponseReturnValue:
    """Save a team from an uploaded roster."""
    name = ""
    try:
        allow_roster_body()  # the form holds the roster: its limit applies before it is read
        name = request.form.get("name", "").strip()
        roster, _ = roster_from_form("roster", "Choose a roster file (CSV or JSON) to upload.")
        with planning_slot():
            team = saved.create_from_roster(current_recommender(), _user(), name, roster)
    except RosterError as exc:
        return _teams_page(exc.message, name, roster_status(exc))
    except Invalid as exc:
        return _teams_page(exc.message, name, 422)
    except PlanningBusy as exc:
        return _teams_page(exc.message, name, 503, {"Retry-After": RETRY_AFTER})
    count = len(roster.rows)
    flash(f"Saved the team {team.name} with {count:,} {'member' if count == 1 else 'members'}.")
    return redirect(url_for("teams.team", team_id=team.id), 303)


@bp.route("/clients", methods=["POST"])
@login_required
def keep_client() -> ResponseReturnValue:
    """Keep the profile of a result page as a client: a one-person team under their name."""
    data: dict[str, Any] = {
        "name": request.form.get("client_name", ""),
        **forms.form_values(request.form),
    }
    try:
        team = saved.create_client(current_recommender(), _user(), data)
    except Invalid as exc:
        flash(
            "Give the client's name to keep them."
            if "name" in exc.errors
            else f"This result could not be kept: {exc.message}",
            "error",
        )
        return redirect(url_for("teams.index"), 303)
    flash(f"Kept {team.name} as a client.")
    return redirect(url_for("teams.team", team_id=team.id), 303)


def _team(team_id: int) -> Team:
    return q.team_for(_user(), team_id)


@bp.route("/teams/<int:team_id>", methods=["GET"])
@login_required
def team(team_id: int) -> ResponseReturnValue:
    """A team: its plan now, members and their progress, history."""
    found = _team(team_id)
    return _team_page(found)


def _early_off(recommender: Any) -> float:
    early = recommender.catalog.discounts.get("early_purchase")
    return float(early.amount_off) if early is not None else 0.0


def page_query(args: Any) -> PageQuery:
    """Which members to show, from the page's query string (out-of-range numbers bounded)."""

    def number(name: str, default: int, top: int) -> int:
        raw = args.get(name, "")
        return min(top, max(1, int(raw))) if raw.isdigit() else default

    search = args.get("search", "").strip()[: q.NAME_LENGTH] or None
    behind = args.get("behind", "").lower() in ("true", "on", "1", "yes")
    return PageQuery(
        number("page", 1, 10**9), number("per_page", WEB_PER_PAGE, MAX_PER_PAGE), search, behind
    )


BEHIND_NAMED = 10  # the people behind named at the top of the team page


def act_now(plan: dict[str, Any], early_off: float, today: date) -> dict[str, Any]:
    """What a manager acts on, from the team's schedule over everyone: the exams of the next
    (or the current) testing window, and the next buy-by day with what buying by it saves
    (the early-purchase discount on each exam of that window, at most)."""
    day = today.isoformat()
    upcoming = [w for w in plan["schedule"] if w["window_end"] >= day]
    due = upcoming[0] if upcoming else None
    ahead = next((w for w in upcoming if w["window_start"] > day), None)
    buy = None
    if ahead is not None:
        exams = sum(c.get("people", len(c["members"])) for c in ahead["cohorts"])
        buy = {
            "window": ahead,
            "buy_by": (date.fromisoformat(ahead["window_start"]) - timedelta(days=1)).isoformat(),
            "exams": exams,
            "saving": exams * early_off,
        }
    return {"due": due, "buy": buy}


def _team_page(found: Team, errors: dict[int, str] | None = None, status: int = 200) -> Any:
    recommender = current_recommender()
    query = page_query(request.args)
    shown = saved.team_page(
        recommender, found, query, slot=planning_slot, changed_limit=CHANGED_SHOWN
    )
    keep: dict[str, Any] = {"per_page": query.per_page} if query.per_page != WEB_PER_PAGE else {}
    if query.search:
        keep["search"] = query.search
    if query.behind:
        keep["behind"] = "true"
    page = render_template(
        "teams/team.html",
        team=found,
        plan=shown.plan,
        shown=shown,
        query=query,
        links={
            rel: url_for("teams.team", team_id=found.id, page=number, **keep)
            for rel, number in page_links(query.page, shown.last_page).items()
        },
        behind=kept.behind_count(found.id, date.today()),
        behind_named=kept.behind_members(found.id, date.today(), BEHIND_NAMED),
        act=act_now(shown.plan, _early_off(recommender), date.today()),
        on_page={entry["id"] for entry in shown.plan["members"]},
        fiscal_month=fiscal_year_start(found),
        aligned=aligns(found),
        client=saved.is_client(found),
        may_change=access.may(g.get("team_role"), access.CHANGE),
        may_manage=access.may(g.get("team_role"), access.MANAGE),
        rules_change=shown.rules_change,
        history=q.recent_history(found, 50),
        courses=sorted(recommender.catalog.courses),
        today=date.today().isoformat(),
        errors=errors or {},
        DOWNLOAD_LABELS=DOWNLOAD_LABELS,
        WEB_PER_PAGE=WEB_PER_PAGE,
    )
    return page, status


@bp.route("/teams/<int:team_id>/plan.<any(csv, xlsx, ics):format_>", methods=["GET"])
@login_required
def plan_file(team_id: int, format_: str) -> Response:
    """The whole saved plan, every member and every name, as a CSV, Excel or calendar file."""
    found = _team(team_id)
    with planning_slot():  # the file is written inside it too: as long as planning
        whole = saved.whole_plan(current_recommender(), found, streamed=True)
        return plan_download(whole.plan, format_)


def _stale(team_id: int) -> ResponseReturnValue:
    flash(STALE, "error")
    return redirect(url_for("teams.team", team_id=team_id), 303)


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
    return redirect(url_for("teams.team", team_id=team_id), 303)


@bp.route("/teams/<int:team_id>/settings", methods=["POST"])
@login_required
def settings(team_id: int) -> ResponseReturnValue:
    """Keep the month the team's fiscal year starts in: its budget is summed by it."""
    found = _team(team_id)
    raw = request.form.get("fiscal_year_start", "")
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 12):
        flash("Choose the month the fiscal year starts in.", "error")
        return redirect(url_for("teams.team", team_id=team_id, _anchor="team-settings"), 303)
    month = int(raw)
    aligned = request.form.get("align", "") in ("true", "on")
    text = (
        f"Set the fiscal year to start in {MONTHS[month - 1][1]}; cohorts "
        f"{'aligned' if aligned else 'as each member is planned'}."
    )
    try:
        q.set_settings(
            found, {"fiscal_year_start": month, "align": aligned}, text, _user().email, _version()
        )
    except StaleVersion:
        return _stale(team_id)
    flash(text)
    return redirect(url_for("teams.team", team_id=team_id, _anchor="budget-heading"), 303)


@bp.route("/teams/<int:team_id>/delete", methods=["GET", "POST"])
@login_required
def delete(team_id: int) -> ResponseReturnValue:
    """Delete a team, after asking."""
    found = _team(team_id)
    if request.method == "GET":
        return render_template("teams/delete.html", team=found)
    name = found.name
    try:
        q.delete_team(found, _version())
    except StaleVersion:
        return _stale(team_id)
    flash(f"Deleted the team {name}.")
    return redirect(url_for("teams.index"), 303)


@bp.route("/teams/<int:team_id>/rules-seen", methods=["POST"])
@login_required
def rules_seen(team_id: int) -> ResponseReturnValue:
    """Note that the team has been shown under the current rules."""
    found = _team(team_id)
    try:
        saved.acknowledge_rules(current_recommender(), found, _user().email, planning_slot)
    except StaleVersion:
        return _stale(team_id)
    return redirect(url_for("teams.team", team_id=team_id), 303)


# --- members --------------------------------------------------------------------------------


def member_form_data(form: Any) -> dict[str, Any]:
    """A member's fields from the member form (blank fields left out: the defaults apply).

    The form's widgets are the profile form's (ticked boxes: one value each); an item that
    holds several separated by ";" or "," is read as several, as a roster's cell is."""
    data: dict[str, Any] = {"name": form.get("name", "")}
    if form.get("email", "").strip():
        data["email"] = form["email"].strip()
    for key, value in forms.form_values(form).items():
        if key in MEMBER_LISTS:
            items = [i.strip() for v in value for i in v.replace(",", LIST_SEPARATOR).split(";")]
            data[key] = [i for i in items if i]
        else:
            data[key] = value
    return data


def _form_values(member: Member | None) -> dict[str, Any]:
    if member is None:
        return forms.default_values()
    values: dict[str, Any] = {"name": member.name, "email": member.email or ""}
    for key, value in member.profile.items():
        values[key] = value if isinstance(value, list) else str(value)
    return values


NAME_SENTENCE = "Enter the member's name."


def _member_page(
    found: Team, member: Member | None, values: dict[str, Any], errors: dict[str, list[str]]
) -> str:
    """The member form: the profile form's widgets and sentences, and the member's name."""
    catalog = current_recommender().catalog
    today = date.today().isoformat()
    sentences = forms.error_sentences(
        {k: v for k, v in errors.items() if k != "name"}, example=today
    )
    if "name" in errors:
        sentences = {"name": [NAME_SENTENCE], **sentences}
    return render_template(
        "teams/member_form.html",
        team=found,
        member=member,
        values=values,
        errors=sentences,
        designations=list(catalog.designations.values()),
        course_groups=forms.course_groups(catalog),
        discounts=list(catalog.discounts.values()),
        credit_questions=forms.credit_questions(catalog),
        today=today,
    )


@bp.route("/teams/<int:team_id>/members/new", methods=["GET", "POST"])
@bp.route("/teams/<int:team_id>/members/<int:member_id>/edit", methods=["GET", "POST"])
@login_required
def member_form(team_id: int, member_id: int | None = None) -> ResponseReturnValue:
    """Add a member, or edit one: the same questions as the profile form."""
    found = _team(team_id)
    member = q.member_of(found, member_id) if member_id is not None else None
    if request.method == "GET":
        return _member_page(found, member, _form_values(member), {})
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
        return _member_page(found, member, data, exc.errors), 422
    flash(f"Saved {data['name'].strip()}.")
    return redirect(url_for("teams.team", team_id=team_id), 303)


@bp.route("/teams/<int:team_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
@login_required
def remove_member(team_id: int, member_id: int) -> ResponseReturnValue:
    """Remove a member, after asking."""
    found = _team(team_id)
    member = q.member_of(found, member_id)
    if request.method == "GET":
        return render_template("teams/remove.html", team=found, member=member)
    try:
        q.remove_member(member, _user().email, _version())
    except StaleVersion:
        return _stale(team_id)
    flash(f"Removed {member.name}.")
    return redirect(url_for("teams.team", team_id=team_id), 303)


def progress_from_form() -> tuple[str, str, date]:
    """The course, status and date of a progress form (Invalid if the date is not one)."""
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
        course, status, on = progress_from_form()
        saved.record_progress(
            current_recommender(), member, course, status, on, _user().email, _version()
        )
    except StaleVersion:
        return _stale(team_id)
    except Invalid as exc:
        return _team_page(found, {member.id: exc.message}, 422)
    flash(f"Recorded {member.name}: {course} {status} on {on.isoformat()}.")
    return redirect(_member_url(member), 303)


@bp.route(
    "/teams/<int:team_id>/members/<int:member_id>/progress/<int:progress_id>/remove",
    methods=["POST"],
)
@login_required
def remove_progress(team_id: int, member_id: int, progress_id: int) -> ResponseReturnValue:
    """Remove a wrong progress entry (in the history, with who removed it)."""
    found = _team(team_id)
    member = q.member_of(found, member_id)
    try:
        saved.remove_progress(current_recommender(), member, progress_id, _user().email, _version())
    except StaleVersion:
        return _stale(team_id)
    flash(f"Removed the entry from {member.name}'s progress.")
    return redirect(_member_url(member), 303)


def _member_url(member: Member) -> str:
    """The team page that lists `member`, at their place on it."""
    page = kept.members_before(member) // WEB_PER_PAGE + 1
    anchor = f"member-{member.id}"
    return url_for("teams.team", team_id=member.team_id, page=page, _anchor=anchor)


@bp.route("/teams/<int:team_id>/members/<int:member_id>/link", methods=["POST"])
@login_required
def member_link(team_id: int, member_id: int) -> ResponseReturnValue:
    """Make (or remake) a member's private link, shown once; or revoke it."""
    found = _team(team_id)
    member = q.member_of(found, member_id)
    if request.form.get("action") == "revoke":
        saved.revoke_member_link(member, _user().email)
        flash(f"{member.name}'s private link no longer works.")
        return redirect(url_for("teams.team", team_id=team_id), 303)
    token = saved.create_member_link(member, _user().email)
    link = url_for("my.page", token=token, _external=True)
    page = render_template("teams/link.html", team=found, member=member, link=link)
    # The link is shown once: no copy of the page in the browser's or a proxy's cache.
    return page, 200, {"Cache-Control": "no-store"}
