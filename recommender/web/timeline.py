"""The course-plan timeline as inline SVG, drawn on the server (no script, no inline style)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from ..catalog import Catalog
from ..planner import course_schedule

ROW = 26  # height of one course's row, px
LABEL = 92  # width of the course-code column, px
WIDTH = 640  # the drawing's width in user units; it scales to its container
AXIS = 34  # room for the month axis below the rows
DAYS_PER_MONTH = 30.44


def _tick_step(months: float) -> int:
    for step in (1, 2, 3, 6, 12):
        if months / step <= 12:
            return step
    return 24


def _exam_windows(
    exams: list[dict[str, Any]] | None, start: date | None
) -> dict[str, tuple[float, float, dict[str, Any]]]:
    """Each exam's testing window in months from `start`: {code: (from, to, exam)}."""
    if not exams or start is None:
        return {}
    windows = {}
    for exam in exams:
        begin = (date.fromisoformat(exam["window_start"]) - start).days / DAYS_PER_MONTH
        end = (date.fromisoformat(exam["window_end"]) - start).days / DAYS_PER_MONTH
        windows[exam["code"]] = (max(0.0, begin), end, exam)
    return windows


def timeline_svg(
    codes: list[str],
    catalog: Catalog,
    hours_per_week: float,
    title: str,
    exams: list[dict[str, Any]] | None = None,
    start: date | None = None,
) -> Markup:
    """An accessible SVG timeline of `codes` studied one after another at `hours_per_week`.

    Given the exam schedule and its start date, each course's row also shows the testing
    window of its exam as a bracket.
    """
    schedule = course_schedule(codes, catalog, hours_per_week)
    if not schedule:
        return Markup("")
    windows = _exam_windows(exams, start)
    span = max(1, math.ceil(max([schedule[-1][2], *(w[1] for w in windows.values())])))
    scale = (WIDTH - LABEL - 12) / span
    height = len(schedule) * ROW + AXIS
    description = "; ".join(
        f"{code}: study in months {begin:.0f} to {end:.0f}"
        + (
            f", exam window {windows[code][2]['window_start']} to {windows[code][2]['window_end']}"
            if code in windows
            else ""
        )
        for code, begin, end in schedule
    )
    parts = [
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="timeline-title">{escape(title)}</title>',
        f'<desc id="timeline-desc">{escape(description)}</desc>',
    ]
    step = _tick_step(span)
    for month in range(0, span + 1, step):
        x = LABEL + month * scale
        parts.append(
            f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - AXIS + 4}"/>'
            f'<text class="tick" x="{x:.1f}" y="{height - AXIS + 18}">{month}</text>'
        )
    parts.append(
        f'<text class="axis-label" x="{LABEL}" y="{height - 2}">months from the start, at '
        f"{hours_per_week:g} hours a week</text>"
    )
    for row, (code, begin, end) in enumerate(schedule):
        y = row * ROW
        x, width = LABEL + begin * scale, max(2.0, (end - begin) * scale)
        requirement = "ethics" if code == catalog.api_ethics else "course"
        parts.append(
            f'<text class="code" x="0" y="{y + ROW * 0.65:.1f}">{escape(code)}</text>'
            f'<rect class="bar bar-{requirement}" x="{x:.1f}" y="{y + 5}" '
            f'width="{width:.1f}" height="{ROW - 10}" rx="3"/>'
        )
        if code in windows:
            x1, x2 = LABEL + windows[code][0] * scale, LABEL + windows[code][1] * scale
            parts.append(
                f'<path class="window" d="M{x1:.1f} {y + 3} V{y + ROW - 3} H{x2:.1f} V{y + 3}"/>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
