"""A saved team's members on the web, /teams/<id>/members/...: add, edit or remove a member,
record or remove their progress, make or revoke their private link.

Thin views, as the teams pages' (saved_teams.py, whose helpers they share): each reads the
form, calls one use-case of recommender.saved_teams, and redirects or renders. Every POST
carries a CSRF token (auth.protect); guard_team checks the caller's part in the team.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required

from .. import saved_teams as saved
from ..extensions import current_recommender
from ..store import plan_queries as kept
from ..store import teams as q
from ..store.errors import Invalid, StaleVersion
from ..store.models import Member, Team
from ..team import LIST_SEPARATOR
from . import forms
from .auth import protect
from .saved_teams import (
    WEB_PER_PAGE,
    caller,
    caller_team,
    form_version,
    render_team,
    stale,
    template_names,
)
from .sharing import guard_team

bp = Blueprint("members", __name__, template_folder="templates")
protect(bp)
bp.before_request(guard_team)  # a team's 404, or a viewer's 403 (saved_teams.access)
bp.context_processor(template_names)

MEMBER_LISTS = ("designations", "completed_courses", "discounts")


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
        "members/form.html",
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
def form(team_id: int, member_id: int | None = None) -> ResponseReturnValue:
    """Add a member, or edit one: the same questions as the profile form."""
    found = caller_team(team_id)
    member = q.member_of(found, member_id) if member_id is not None else None
    if request.method == "GET":
        return _member_page(found, member, _form_values(member), {})
    data = member_form_data(request.form)
    recommender = current_recommender()
    try:
        if member is None:
            saved.add_member(recommender, found, data, caller().email, form_version())
        else:
            saved.replace_member(recommender, member, data, caller().email, form_version())
    except StaleVersion:
        return stale(team_id)
    except Invalid as exc:
        return _member_page(found, member, data, exc.errors), 422
    flash(f"Saved {data['name'].strip()}.")
    return redirect(url_for("teams.team", team_id=team_id), 303)


@bp.route("/teams/<int:team_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
@login_required
def remove(team_id: int, member_id: int) -> ResponseReturnValue:
    """Remove a member, after asking."""
    found = caller_team(team_id)
    member = q.member_of(found, member_id)
    if request.method == "GET":
        return render_template("members/remove.html", team=found, member=member)
    try:
        q.remove_member(member, caller().email, form_version())
    except StaleVersion:
        return stale(team_id)
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
    found = caller_team(team_id)
    member = q.member_of(found, member_id)
    try:
        course, status, on = progress_from_form()
        saved.record_progress(
            current_recommender(), member, course, status, on, caller().email, form_version()
        )
    except StaleVersion:
        return stale(team_id)
    except Invalid as exc:
        return render_team(found, {member.id: exc.message}, 422)
    flash(f"Recorded {member.name}: {course} {status} on {on.isoformat()}.")
    return redirect(_member_url(member), 303)


@bp.route(
    "/teams/<int:team_id>/members/<int:member_id>/progress/<int:progress_id>/remove",
    methods=["POST"],
)
@login_required
def remove_progress(team_id: int, member_id: int, progress_id: int) -> ResponseReturnValue:
    """Remove a wrong progress entry (in the history, with who removed it)."""
    found = caller_team(team_id)
    member = q.member_of(found, member_id)
    try:
        saved.remove_progress(
            current_recommender(), member, progress_id, caller().email, form_version()
        )
    except StaleVersion:
        return stale(team_id)
    flash(f"Removed the entry from {member.name}'s progress.")
    return redirect(_member_url(member), 303)


def _member_url(member: Member) -> str:
    """The team page that lists `member`, at their place on it."""
    page = kept.members_before(member) // WEB_PER_PAGE + 1
    anchor = f"member-{member.id}"
    return url_for("teams.team", team_id=member.team_id, page=page, _anchor=anchor)


@bp.route("/teams/<int:team_id>/members/<int:member_id>/link", methods=["POST"])
@login_required
def private_link(team_id: int, member_id: int) -> ResponseReturnValue:
    """Make (or remake) a member's private link, shown once; or revoke it."""
    found = caller_team(team_id)
    member = q.member_of(found, member_id)
    if request.form.get("action") == "revoke":
        saved.revoke_member_link(member, caller().email)
        flash(f"{member.name}'s private link no longer works.")
        return redirect(url_for("teams.team", team_id=team_id), 303)
    token = saved.create_member_link(member, caller().email)
    link = url_for("my.page", token=token, _external=True)
    page = render_template("members/link.html", team=found, member=member, link=link)
    # The link is shown once: no copy of the page in the browser's or a proxy's cache.
    return page, 200, {"Cache-Control": "no-store"}
