"""The course-plan timeline as inline SVG, drawn on the server (no script, no inline style)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from ..catalog import Catalog
from ..planner import course_schedule
from ..wording import plural

ROW = 26  # height of one course's row, px
AXIS = 34  # room for the month axis below the rows
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class Layout:
    """The drawing's size in user units; the SVG scales to its container."""

    name: str
    width: int  # the drawing's width
    label: int  # the width of the course-code column
    axis_x: int  # where the axis' caption starts


# Wide for desktops and print; narrow for phones, drawn about as wide as a 375 px screen so that
# its text keeps its size in CSS pixels instead of shrinking to a half.
WIDE = Layout("wide", 640, 92, 92)
NARROW = Layout("narrow", 340, 82, 0)


def _tick_step(months: float, room: float) -> int:
    most = max(4, int(room // 40))  # ticks at least 40 units apart
    for step in (1, 2, 3, 6, 12):
        if months / step <= most:
            return step
    return 24


def _months_from(start: date, day: str) -> float:
    return (date.fromisoformat(day) - start).days / DAYS_PER_MONTH


def _exam_windows(
    exams: list[dict[str, Any]] | None, start: date | None
) -> dict[str, tuple[float, float, dict[str, Any]]]:
    """Each exam's testing window in months from `start`: {code: (from, to, exam)}."""
    if not exams or start is None:
        return {}
    return {
        exam["code"]: (
            max(0.0, _months_from(start, exam["window_start"])),
            _months_from(start, exam["window_end"]),
            exam,
        )
        for exam in exams
    }


def _milestone_marks(
    milestones: list[dict[str, Any]] | None, start: date | None
) -> list[tuple[float, dict[str, Any]]]:
    """Each milestone at the end of its testing window, in months from `start`."""
    if not milestones or start is None:
        return []
    return [(max(0.0, _months_from(start, m["window_end"])), m) for m in milestones]


def _description(
    schedule: list[tuple[str, float, float]],
    windows: dict[str, tuple[float, float, dict[str, Any]]],
    marks: list[tuple[float, dict[str, Any]]],
) -> str:
    parts = [
        f"{code}: study in months {begin:.0f} to {end:.0f}"
        + (
            f", exam window {windows[code][2]['window_start']} to {windows[code][2]['window_end']}"
            if code in windows
            else ""
        )
        for code, begin, end in schedule
    ]
    parts += [
        f"{m['designation']} earned after {m['after_course']}, testing window "
        f"{m['window_start']} to {m['window_end']}"
        for _, m in marks
    ]
    return "; ".join(parts)


def timeline_svg(
    codes: list[str],
    catalog: Catalog,
    hours_per_week: float,
    title: str,
    exams: list[dict[str, Any]] | None = None,
    start: date | None = None,
    milestones: list[dict[str, Any]] | None = None,
    layout: Layout = WIDE,
) -> Markup:
    """An accessible SVG timeline of `codes` studied one after another at `hours_per_week`.

    Given the exam schedule and its start date, each course's row also shows the testing
    window of its exam as a bracket, and each milestone gets a row with a diamond where the
    designation is earned (the end of its exam's window).
    """
    schedule = course_schedule(codes, catalog, hours_per_week)
    if not schedule:
        return Markup("")
    windows = _exam_windows(exams, start)
    marks = _milestone_marks(milestones, start)
    ends = [schedule[-1][2], *(w[1] for w in windows.values()), *(at for at, _ in marks)]
    span = max(1, math.ceil(max(ends)))
    room = layout.width - layout.label - 12
    scale = room / span
    rows = len(schedule) + len(marks)
    height = rows * ROW + AXIS
    prefix = f"timeline-{layout.name}"
    parts = [
        f'<svg class="timeline timeline-{layout.name}" viewBox="0 0 {layout.width} {height}" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(_description(schedule, windows, marks))}</desc>',
    ]
    for month in range(0, span + 1, _tick_step(span, room)):
        x = layout.label + month * scale
        parts.append(
            f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - AXIS + 4}"/>'
            # Centred under its line: the last one, 12 units from the edge, is not cut off.
            f'<text class="tick" x="{x:.1f}" y="{height - AXIS + 18}" text-anchor="middle">'
            f"{month}</text>"
        )
    parts.append(
        f'<text class="axis-label" x="{layout.axis_x}" y="{height - 2}">months from the start, '
        f"at {escape(plural(hours_per_week, 'hour'))} a week</text>"
    )
    for row, (code, begin, end) in enumerate(schedule):
        y = row * ROW
        x, width = layout.label + begin * scale, max(2.0, (end - begin) * scale)
        requirement = "ethics" if code == catalog.api_ethics else "course"
        parts.append(
            f'<text class="code" x="0" y="{y + ROW * 0.65:.1f}">{escape(code)}</text>'
            f'<rect class="bar bar-{requirement}" x="{x:.1f}" y="{y + 5}" '
            f'width="{width:.1f}" height="{ROW - 10}" rx="3"/>'
        )
        if code in windows:
            x1, x2 = (
                layout.label + windows[code][0] * scale,
                layout.label + windows[code][1] * scale,
            )
            parts.append(
                f'<path class="window" d="M{x1:.1f} {y + 3} V{y + ROW - 3} H{x2:.1f} V{y + 3}"/>'
            )
    for index, (at, milestone) in enumerate(marks, start=len(schedule)):
        middle, x = index * ROW + ROW / 2, layout.label + at * scale
        parts.append(
            f'<text class="code milestone-label" x="0" y="{index * ROW + ROW * 0.65:.1f}">'
            f"{escape(milestone['designation'])}</text>"
            f'<line class="milestone-line" x1="{layout.label}" y1="{middle:.1f}" x2="{x:.1f}" '
            f'y2="{middle:.1f}"/>'
            f'<path class="milestone" d="M{x:.1f} {middle - 8:.1f} L{x + 8:.1f} {middle:.1f} '
            f'L{x:.1f} {middle + 8:.1f} L{x - 8:.1f} {middle:.1f} Z"/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
