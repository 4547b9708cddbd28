"""Plans sent to a manager, and unsubscribes, on the web ("requests").

- /requests (POST): "Send this plan to my manager" from /result (its partial
  requests/_send_form.html); the plan is worked out again from the page's own query, as shown.
- /requests/status/<token>: the employee's page (no account): the state, the history, withdraw.
- /requests: a signed-in manager's waiting requests; /requests/<id>: one, to approve into a
  team, decline or ask for a change.
- /unsubscribe/<token>: opening it changes nothing (mail scanners open links); the button, or a
  mail client's one-click POST (RFC 8058), unsubscribes. That POST needs no CSRF token: the
  signed link is its own proof, and all it can do is stop mail.

Text from the sender is only ever shown escaped (templates autoescape).
"""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import parse_qsl

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ..accounts import invitations
from ..errors import ProfileError
from ..extensions import csrf, current_recommender
from ..mail import NoBaseUrl
from ..reminders import unsubscribe as unsubscribes
from ..requests import budgets, flow
from ..store import requests as rows
from ..store import teams as team_rows
from ..store.errors import Invalid
from ..store.models import PlanRequest, User
from . import forms

bp = Blueprint("requests", __name__, template_folder="templates")


@bp.before_request
def _check_csrf() -> None:
    if request.method == "POST" and request.endpoint != "requests.unsubscribe":
        csrf.protect()


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/requests")
def send() -> ResponseReturnValue:
    """Send the plan of /result's query to the manager; a page with the employee's link."""
    query = request.form.get("query", "")[:4000]
    values = forms.form_values(MultiDict(parse_qsl(query)))
    form = {k: request.form.get(k, "") for k in ("name", "email", "manager_email")}
    try:
        if not values:
            raise Invalid("Plan first, then send it.", {"query": ["No plan to send."]})
        sent = flow.send(current_recommender(), form, values, request.remote_addr)
    except ProfileError as exc:
        return render_template("requests/sent.html", errors=exc.errors, form=form), 422
    except Invalid as exc:
        return render_template("requests/sent.html", errors=exc.errors, form=form), 422
    except flow.TooMany:
        page = render_template(
            "requests/sent.html",
            errors={"email": ["Too many requests: try again in an hour."]},
            form=form,
        )
        return page, 429, {"Retry-After": str(int(flow.WINDOW.total_seconds()))}
    return render_template("requests/sent.html", errors={}, form=form, sent=sent), 201


def _by_token(token: str) -> PlanRequest:
    found = flow.by_token(token)
    if found is None:
        abort(404)
    return found


@bp.get("/requests/status/<token>")
def status(token: str) -> ResponseReturnValue:
    """The employee's view of their request."""
    return render_template("requests/status.html", req=_by_token(token), token=token)


@bp.post("/requests/status/<token>/withdraw")
def withdraw(token: str) -> ResponseReturnValue:
    """Withdraw a waiting request."""
    found = _by_token(token)
    try:
        flow.withdraw(found)
    except Invalid as exc:
        page = render_template("requests/status.html", req=found, token=token, errors=exc.errors)
        return page, 409
    return redirect(url_for("requests.status", token=token), 303)


def _user() -> User:
    return cast(User, current_user._get_current_object())


@bp.get("/requests")
@login_required
def waiting() -> ResponseReturnValue:
    """The requests waiting for the signed-in manager."""
    user = _user()
    admin = user.role == "admin"
    return render_template(
        "requests/list.html",
        requests=rows.pending_for(user.email),
        overdue=rows.reminded_undecided() if admin else [],
        no_account=rows.pending_without_account() if admin else [],
    )


@bp.post("/requests/<int:request_id>/invite")
@login_required
def invite_manager(request_id: int) -> ResponseReturnValue:
    """An admin invites the manager a waiting request was sent to, who has no account yet."""
    user = _user()
    found = rows.request_by_id(request_id)
    if user.role != "admin" or found is None or found.status != "pending":
        abort(404)
    try:
        made = invitations.invite(user, found.manager_email, "manager", request.remote_addr)
    except (Invalid, NoBaseUrl) as exc:
        flash(f"Not invited: {exc}")
    else:
        flash(f"Invited {made.user.email} as a manager: the request waits for them.")
    return redirect(url_for("requests.waiting"), 303)


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
@login_required
def decide(request_id: int) -> ResponseReturnValue:
    """One request: its plan; approve into a team, decline or ask for a change."""
    user = _user()
    found = rows.request_by_id(request_id)
    if found is None or not flow.visible_to(user, found):
        abort(404)
    recommender = current_recommender()
    teams = team_rows.teams_of(user) if user.email == found.manager_email else []
    year_lines = {
        t.id: budgets.lines(t.id, budgets.team_plan(recommender, t), found) for t in teams
    }
    context = {
        "req": found,
        "teams": teams,
        "year_lines": year_lines,
        "fees": budgets.request_fees(found.plan),
    }
    if request.method == "GET":
        return render_template("requests/decide.html", errors={}, **context)
    team = next((t for t in teams if str(t.id) == request.form.get("team", "")), None)
    try:
        flow.decide(
            recommender,
            user,
            found,
            request.form.get("action", ""),
            request.form.get("note", ""),
            team,
            over_budget=team is not None and budgets.over_budget(year_lines[team.id]),
            confirmed=request.form.get("confirm_over_budget") == "yes",
        )
    except Invalid as exc:
        page = render_template("requests/decide.html", errors=exc.errors, **context)
        return page, 422
    return redirect(url_for("requests.decide", request_id=request_id), 303)


@bp.app_context_processor
def _budget_vs_plan() -> dict[str, Any]:
    """For templates/teams/_budget_vs_plan.html on the team page: a team's budget lines."""
    return {"budget_vs_plan": lambda team_id, plan: budgets.lines(team_id, plan)}


@bp.post("/teams/<int:team_id>/budgets")
@login_required
def set_budget(team_id: int) -> ResponseReturnValue:
    """The team's owner sets a fiscal year's exam budget (a blank amount removes it)."""
    team = team_rows.team_for(_user(), team_id)
    if team.owner_id != _user().id:
        abort(404)
    try:
        budgets.set_budget(
            team.id, request.form.get("fiscal_year", ""), request.form.get("amount", "")
        )
    except Invalid as exc:
        first = next(iter(exc.errors))
        return render_template(
            "error.html", title="The budget was not set", message=f"{first}: {exc.errors[first][0]}"
        ), 422
    return redirect(url_for("teams.team", team_id=team.id) + "#budget-vs-plan", 303)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> ResponseReturnValue:
    """Ask (GET), or unsubscribe the link's address (POST: the button, or one click)."""
    email = unsubscribes.email_of(token)
    if email is None:
        abort(404)
    done = request.method == "POST"
    if done:
        unsubscribes.unsubscribe(email)
    return render_template("requests/unsubscribe.html", email=email, done=done, token=token)
