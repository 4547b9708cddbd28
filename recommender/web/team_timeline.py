"""The team's cohorts as an SVG timeline: window by window, a bar per cohort (no script)."""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup, escape

ROW = 26  # height of one cohort's row, px
HEADING = 30  # height of a window's heading row, px
LABEL = 84  # width of the course-code column, px
COUNT = 84  # room right of the longest bar for its count, px
# User units; the drawing scales to its container, and at this width its 14px labels stay
# legible on a 375px phone (the demand chart's width, whose styles it shares).
WIDTH = 480


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def _size(cohort: dict[str, Any]) -> int:
    # A saved team's cohort names only some of its people: `people` counts them all.
    return int(cohort.get("people", len(cohort["members"])))


def _window(window: dict[str, Any]) -> str:
    start = date.fromisoformat(window["window_start"])
    end = date.fromisoformat(window["window_end"])
    return f"{start:%d %b %Y} to {end:%d %b %Y}"


def cohort_timeline_svg(schedule: list[dict[str, Any]], title: str) -> Markup:
    """An accessible SVG of the schedule: a heading per window, a bar per cohort by its size."""
    if not schedule:
        return Markup("")
    most = max(_size(c) for w in schedule for c in w["cohorts"])
    scale = (WIDTH - LABEL - COUNT) / max(1, most)
    height = sum(HEADING + ROW * len(w["cohorts"]) for w in schedule)
    description = " ".join(
        f"{_window(w)}: "
        + "; ".join(f"{c['code']}, {_people(_size(c))}" for c in w["cohorts"])
        + "."
        for w in schedule
    )
    parts = [
        f'<svg class="demand-chart cohort-timeline" viewBox="0 0 {WIDTH} {height}" role="img" '
        'aria-labelledby="timeline-title timeline-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="timeline-title">{escape(title)}</title>',
        f'<desc id="timeline-desc">{escape(description)}</desc>',
    ]
    y = 0
    for window in schedule:
        parts.append(
            f'<text class="code" x="0" y="{y + HEADING * 0.7:.1f}">{escape(_window(window))}</text>'
            f'<line x1="0" x2="{WIDTH}" y1="{y + HEADING - 2}" y2="{y + HEADING - 2}" '
            'stroke="currentColor" stroke-opacity="0.25"/>'
        )
        y += HEADING
        for cohort in window["cohorts"]:
            people = _size(cohort)
            width = max(2.0, people * scale)
            text_y = f"{y + ROW * 0.67:.1f}"
            faint = "" if cohort["group_session"] else ' fill-opacity="0.55"'  # on one's own
            named = cohort["members"][:20]
            names = "; ".join(named) + ("; ..." if people > len(named) else "")
            parts.append(
                f"<g><title>{escape(cohort['code'])}: {escape(names)}</title>"
                f'<text class="count" x="0" y="{text_y}">{escape(cohort["code"])}</text>'
                f'<rect class="bar" x="{LABEL}" y="{y + 5}" width="{width:.1f}" '
                f'height="{ROW - 10}" rx="3"'
                f"{faint}/>"
                f'<text class="count" x="{LABEL + width + 6:.1f}" y="{text_y}">'
                f"{_people(people)}</text></g>"
            )
            y += ROW
    parts.append("</svg>")
    return Markup("".join(parts))
