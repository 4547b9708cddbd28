"""The team's course demand as a horizontal bar chart in inline SVG (no script, no inline style)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

ROW = 28  # height of one course's row, px
LABEL = 84  # width of the course-code column, px
COUNT = 52  # room right of the longest bar for its count, px
# The drawing's width in user units; it scales to its container. Narrower than the timeline's
# so that its labels stay legible on a phone.
WIDTH = 480


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def demand_chart_svg(course_demand: list[dict[str, Any]], title: str) -> Markup:
    """An accessible SVG bar chart of `course_demand`: a bar per course, as long as its people."""
    if not course_demand:
        return Markup("")
    most = max(item["members"] for item in course_demand)
    scale = (WIDTH - LABEL - COUNT) / max(1, most)
    height = len(course_demand) * ROW
    description = "; ".join(
        f"{item['code']} ({item['title']}): {_people(item['members'])}" for item in course_demand
    )
    parts = [
        f'<svg class="demand-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        'aria-labelledby="demand-title demand-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="demand-title">{escape(title)}</title>',
        f'<desc id="demand-desc">{escape(description)}</desc>',
    ]
    for row, item in enumerate(course_demand):
        y = row * ROW
        width = max(2.0, item["members"] * scale)
        text_y = f"{y + ROW * 0.67:.1f}"
        parts.append(
            f'<g class="course"><title>{escape(item["code"])}: {escape(item["title"])}, '
            f"{_people(item['members'])}</title>"
            f'<text class="code" x="0" y="{text_y}">{escape(item["code"])}</text>'
            f'<rect class="bar" x="{LABEL}" y="{y + 5}" width="{width:.1f}" '
            f'height="{ROW - 10}" rx="3"/>'
            f'<text class="count" x="{LABEL + width + 6:.1f}" y="{text_y}">'
            f"{item['members']:,}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
