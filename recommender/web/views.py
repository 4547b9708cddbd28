"""Thin views: read the form, call the recommender, render a page."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..errors import ProfileError
from ..extensions import current_recommender
from ..ics import exam_calendar
from ..vocabulary import ROUTE_TITLES
from . import forms
from .timeline import timeline_svg

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
    }


def _form_page(values: dict[str, Any], errors: dict[str, list[str]]) -> str:
    catalog = current_recommender().catalog
    return render_template(
        "web/form.html",
        values=values,
        errors=errors,
        designations=list(catalog.designations.values()),
        course_groups=forms.course_groups(catalog),
        discounts=list(catalog.discounts.values()),
        today=date.today().isoformat(),
    )


@bp.get("/")
def form() -> str:
    """Show the profile form, filled in from the query string if there is one."""
    return _form_page(forms.form_values(request.args) or forms.default_values(), {})


@bp.get("/result")
def result() -> ResponseReturnValue:
    """Recommend a route for the submitted form; show the form again with errors if invalid."""
    values = forms.form_values(request.args)
    if not values:
        return redirect(url_for("web.form"))
    recommender = current_recommender()
    try:
        profile = recommender.load_profile(values)
    except ProfileError as exc:
        return _form_page(values, exc.errors), 422
    answer = recommender.recommend(profile)
    routes = {r["route"]: r for r in answer["routes"]}
    chosen = routes.get(answer["recommended_route"] or "")
    timeline = (
        timeline_svg(
            [c["code"] for c in chosen["remaining_courses"]],
            recommender.catalog,
            profile.hours_per_week,
            f"Timeline of the {len(chosen['remaining_courses'])} remaining courses",
            exams=chosen["exam_schedule"],
            start=date.fromisoformat(answer["profile"]["start_date"]),
        )
        if chosen
        else ""
    )
    query: dict[str, Any] = request.args.to_dict(flat=False)
    return render_template(
        "web/result.html",
        answer=answer,
        chosen=chosen,
        others=[r for r in answer["routes"] if r is not chosen],
        timeline=timeline,
        profile=profile,
        change_url=url_for("web.form", **query),
        calendar_url=url_for("web.calendar", **query),
        facts=[f for f in recommender.catalog.facts if not f.verified],
        discounts=recommender.catalog.discounts,
        max_per_window=recommender.catalog.exams.max_per_window,
    )


@bp.get("/result.ics")
def calendar() -> ResponseReturnValue:
    """Download the exam windows of the recommended route as an iCalendar file."""
    values = forms.form_values(request.args)
    recommender = current_recommender()
    try:
        profile = recommender.load_profile(values)
    except ProfileError as exc:
        return _form_page(values, exc.errors), 422
    return Response(
        exam_calendar(recommender.recommend(profile)),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="exam-plan.ics"'},
    )
