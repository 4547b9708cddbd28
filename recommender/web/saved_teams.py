"""Saved teams on the web, /teams: the caller's teams, a team's page (its plan, members and
their progress), its downloads, name, settings and deletion. Its members' own pages and forms
(add, edit, remove, progress, private links) are members.py's, which shares its helpers.

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
from ..saved_teams.sums import aligns, fiscal_year_start
from ..store import plan_queries as kept
from ..store import teams as q
from ..store.errors import Invalid, StaleVersion
from ..store.models import STATUSES, Team, User
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


# The teams' and their members' pages (members.py) share these.


def caller() -> User:
    """The signed-in user asking."""
    user: User = current_user._get_current_object()
    return user


def caller_team(team_id: int) -> Team:
    """The team `team_id`, as the caller may see it (guard_team has checked their part)."""
    return q.team_for(caller(), team_id)


def form_version() -> int | None:
    """The team's version the form was shown at (None if it gives none; stale if too long)."""
    raw = request.form.get("version", "")
    # ASCII digits only (str.isdigit() takes '²' too, which int() refuses); a number longer
    # than any version is no version of the team's: stale.
    if not (raw.isascii() and raw.isdigit()):
        return None
    return int(raw) if len(raw) <= 18 else -1


def stale(team_id: int) -> ResponseReturnValue:
    """Back to the team's page, saying that someone else's change came first."""
    flash(STALE, "error")
    return redirect(url_for("teams.team", team_id=team_id), 303)


# --- teams ----------------------------------------------------------------------------------


@bp.route("/teams", methods=["GET"])
@login_required
def index() -> ResponseReturnValue:
    """The caller's teams, and a form to save a new one from a roster."""
    return _teams_page()


def _teams_page(
    error: str | None = None, name: str = "", status: int = 200, headers: Any = None
) -> ResponseReturnValue:
    seen = access.teams_of(caller())  # each with the caller's part in it
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
            team = saved.create_from_roster(current_recommender(), caller(), name, roster)
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
        team = saved.create_client(current_recommender(), caller(), data)
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


@bp.route("/teams/<int:team_id>", methods=["GET"])
@login_required
def team(team_id: int) -> ResponseReturnValue:
    """A team: its plan now, members and their progress, history."""
    found = caller_team(team_id)
    return render_team(found)


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


def render_team(found: Team, errors: dict[int, str] | None = None, status: int = 200) -> Any:
    """The team's page (`errors`: a message by member id, shown at their progress form)."""
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
    found = caller_team(team_id)
    with planning_slot():  # the file is written inside it too: as long as planning
        whole = saved.whole_plan(current_recommender(), found, streamed=True)
        return plan_download(whole.plan, format_)


@bp.route("/teams/<int:team_id>/rename", methods=["POST"])
@login_required
def rename(team_id: int) -> ResponseReturnValue:
    """Rename a team."""
    found = caller_team(team_id)
    try:
        q.rename_team(found, request.form.get("name", ""), caller().email, form_version())
    except StaleVersion:
        return stale(team_id)
    except Invalid as exc:
        flash(exc.message, "error")
    return redirect(url_for("teams.team", team_id=team_id), 303)


@bp.route("/teams/<int:team_id>/settings", methods=["POST"])
@login_required
def settings(team_id: int) -> ResponseReturnValue:
    """Keep the month the team's fiscal year starts in: its budget is summed by it."""
    found = caller_team(team_id)
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
    chosen = {"fiscal_year_start": month, "align": aligned}
    try:
        q.set_settings(found, chosen, text, caller().email, form_version())
    except StaleVersion:
        return stale(team_id)
    flash(text)
    return redirect(url_for("teams.team", team_id=team_id, _anchor="budget-heading"), 303)


@bp.route("/teams/<int:team_id>/delete", methods=["GET", "POST"])
@login_required
def delete(team_id: int) -> ResponseReturnValue:
    """Delete a team, after asking."""
    found = caller_team(team_id)
    if request.method == "GET":
        return render_template("teams/delete.html", team=found)
    name = found.name
    try:
        q.delete_team(found, form_version())
    except StaleVersion:
        return stale(team_id)
    flash(f"Deleted the team {name}.")
    return redirect(url_for("teams.index"), 303)


@bp.route("/teams/<int:team_id>/rules-seen", methods=["POST"])
@login_required
def rules_seen(team_id: int) -> ResponseReturnValue:
    """Note that the team has been shown under the current rules."""
    found = caller_team(team_id)
    try:
        saved.acknowledge_rules(current_recommender(), found, caller().email, planning_slot)
    except StaleVersion:
        return stale(team_id)
    return redirect(url_for("teams.team", team_id=team_id), 303)
