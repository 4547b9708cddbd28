"""A member's own page, /my/<link>: their plan and progress by a private link, no account.

It reads the member's kept plan alone: its cost does not grow with the team.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from .. import saved_teams as saved
from ..extensions import current_recommender
from ..store.errors import Invalid
from ..store.models import Member
from .auth import protect
from .members import progress_from_form
from .saved_teams import template_names

bp = Blueprint("my", __name__, template_folder="templates")
protect(bp)
bp.context_processor(template_names)


def _member_for(token: str) -> Member:
    member = saved.member_for_link(token)
    if member is None:
        abort(404)
    return member


@bp.route("/my/<token>", methods=["GET"])
def page(token: str) -> ResponseReturnValue:
    """A member's own plan and progress, by their private link."""
    return _page(_member_for(token), token)


def _page(member: Member, token: str, error: str | None = None, status: int = 200) -> Any:
    recommender = current_recommender()
    entry = saved.member_plan(recommender, member)  # this member's kept plan, never the team's
    page = render_template(
        "my/member.html",
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
def progress(token: str) -> ResponseReturnValue:
    """A member records their own progress."""
    member = _member_for(token)
    try:
        course, status, on = progress_from_form()
        saved.record_progress(
            current_recommender(), member, course, status, on, f"{member.name} (own link)"
        )
    except Invalid as exc:
        return _page(member, token, exc.message, 422)
    flash(f"Recorded: {course} {status} on {on.isoformat()}.")
    return redirect(url_for("my.page", token=token), 303)
