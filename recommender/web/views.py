"""Thin views: read the form, call the recommender, render a page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from ..errors import ProfileError
from ..extensions import current_recommender
from ..http.downloads import calendar_download
from ..ics import exam_calendar
from ..vocabulary import ROUTE_TITLES
from ..wording import duration, fee_band, humanise, plural, profile_facts
from . import forms, present

bp = Blueprint(
    "web",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/web",
)


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "ROLE_LABELS": forms.ROLE_LABELS,
        "LINES_LABELS": forms.LINES_LABELS,
        "GOAL_LABELS": forms.GOAL_LABELS,
        "FIELD_LABELS": forms.FIELD_LABELS,
        "FIT_LABELS": forms.FIT_LABELS,
        "REQUIREMENT_LABELS": forms.REQUIREMENT_LABELS,
        "ROUTE_TITLES": ROUTE_TITLES,
        "TERMS": present.TERMS,
        "plural": plural,
        "duration": duration,
    }


bp.add_app_template_filter(present.nobreak_dates, "nobreak_dates")
bp.add_app_template_filter(humanise, "humanise")


def _form_page(values: dict[str, Any], errors: dict[str, list[str]]) -> str:
    catalog = current_recommender().catalog
    today = date.today().isoformat()
    return render_template(
        "web/form.html",
        values=values,
        errors=forms.error_sentences(errors, example=today),
        designations=list(catalog.designations.values()),
        course_groups=forms.course_groups(catalog),
        discounts=list(catalog.discounts.values()),
        credit_questions=forms.credit_questions(catalog),
        today=today,
    )


def _pinned(args: MultiDict[str, str], start: date) -> dict[str, Any]:
    """The query with its start date given, so a shared URL does not move with the calendar."""
    query: dict[str, Any] = args.to_dict(flat=False)
    query["start_date"] = start.isoformat()
    return query


@bp.get("/")
def form() -> str:
    """Show the profile form, filled in from the query string if there is one."""
    return _form_page(forms.form_values(request.args) or forms.default_values(), {})


@bp.get("/plan")
def plan() -> ResponseReturnValue:
    """Check the submitted form (a start date must not have passed), then go to its result."""
    values = forms.form_values(request.args)
    if not values:
        return redirect(url_for("web.form"))
    today = date.today()
    # A date gone by is refused together with any other mistake, not after it is fixed.
    errors = forms.past_start_date(values.get("start_date"), today)
    try:
        profile = current_recommender().load_profile(values)
    except ProfileError as exc:
        errors = {**errors, **exc.errors}
    if errors:
        return _form_page(values, errors), 422
    start = profile.start_date or today
    return redirect(url_for("web.result", **_pinned(request.args, start)), 303)


@bp.get("/result")
def result() -> ResponseReturnValue:
    """Show the recommendation for the answers in the URL; the form again if they are invalid.

    A URL without a start date is sent on to one with today's; an old date is kept (the page
    is a bookmark) and shown with a notice that it has passed.
    """
    values = forms.form_values(request.args)
    if not values:
        return redirect(url_for("web.form"))
    recommender = current_recommender()
    try:
        profile = recommender.load_profile(values)
    except ProfileError as exc:
        return _form_page(values, exc.errors), 422
    if profile.start_date is None:
        return redirect(url_for("web.result", **_pinned(request.args, date.today())))
    answer = recommender.recommend(profile)
    return render_template("web/result.html", **_result_context(answer))


def _result_context(answer: dict[str, Any]) -> dict[str, Any]:
    catalog = current_recommender().catalog
    profile = answer["profile"]
    routes = {r["route"]: r for r in answer["routes"]}
    chosen = routes.get(answer["recommended_route"] or "")
    start = date.fromisoformat(profile["start_date"])
    query: dict[str, Any] = request.args.to_dict(flat=False)
    stale = start < date.today()
    # An old plan's "change my answers" starts from today: the form refuses a date gone by.
    form_query = {k: v for k, v in query.items() if not (stale and k == "start_date")}
    wide, narrow = (
        present.timelines(chosen, catalog, profile["hours_per_week"], start) if chosen else ("", "")
    )
    cost = present.cost_rows(chosen["estimated_cost"], catalog) if chosen else ([], False)
    return {
        "answer": answer,
        "chosen": chosen,
        "cards": present.route_cards(answer["routes"], profile["designations"], chosen),
        "timeline": wide,
        "timeline_narrow": narrow,
        "milestones": (chosen.get("milestones") or []) if chosen else [],
        "prepared_for": profile_facts(profile, {d.id: d.name for d in catalog.discounts.values()}),
        "stale": stale,
        "today": date.today().isoformat(),
        "api_path_hint": present.api_path_hint(chosen, catalog) if chosen else "",
        "first_terms": present.first_terms(chosen) if chosen else {},
        "cost_rows": cost[0],
        "cost_has_discounts": cost[1],
        "fee_band": fee_band(chosen["estimated_cost"]) if chosen else (0, 0),
        "change_url": url_for("web.form", **form_query),
        "again_url": url_for("web.plan", **form_query),
        "calendar_url": url_for("web.calendar", **query),
        "discounts": catalog.discounts,
        "max_per_window": catalog.exams.max_per_window,
    }


@bp.get("/result.ics")
def calendar() -> ResponseReturnValue:
    """Download the exam windows of the recommended route as an iCalendar file."""
    values = forms.form_values(request.args)
    recommender = current_recommender()
    try:
        profile = recommender.load_profile(values)
    except ProfileError as exc:
        return _form_page(values, exc.errors), 422
    return calendar_download(exam_calendar(recommender.recommend(profile)), "exam-plan.ics")
