"""Small things a person sees, in Debian's chromium: /api/docs, linked from every page, passes
axe-core as every other page does; no timeline label is cut off at the drawing's edge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.browser

AXE_ALL = "async () => (await axe.run(document)).violations"


@pytest.mark.parametrize("width", [1280, 375])
def test_the_api_docs_pass_axe(
    new_page: Callable[..., Any], base_url: str, axe: Callable[[Any], list[Any]], width: int
) -> None:
    page = new_page(viewport={"width": width, "height": 800}, bypass_csp=True)
    page.goto(base_url + "/api/docs")
    page.locator("#operations-heading").wait_for()  # Swagger UI has drawn the operations
    violations = axe(page)
    assert violations == [], [(v["id"], v["help"], len(v["nodes"])) for v in violations]
    everything = page.evaluate(AXE_ALL)  # moderate and minor ones too
    assert everything == [], [(v["id"], v["impact"], v["help"]) for v in everything]


BOXES = """() => [...document.querySelectorAll('svg.timeline')]
  .filter(svg => svg.getBoundingClientRect().width > 0)
  .map(svg => [svg.viewBox.baseVal.width,
               Math.max(...[...svg.querySelectorAll('text')].map(t => {
                 const b = t.getBBox(); return b.x + b.width; }))])"""


@pytest.mark.parametrize("width", [1280, 375])
def test_no_timeline_label_is_cut_off(
    new_page: Callable[..., Any], base_url: str, width: int
) -> None:
    page = new_page(viewport={"width": width, "height": 800})
    for hours in ("2", "10", "40"):
        page.goto(
            f"{base_url}/result?role=agent&lines=personal&years_experience=4"
            f"&goal=advance_to_leadership&hours_per_week={hours}"
        )
        boxes = page.evaluate(BOXES)
        assert boxes, "no timeline drawn"
        for drawing, right in boxes:
            assert right <= drawing, f"a label ends at {right:.1f} of {drawing} ({hours} h)"
