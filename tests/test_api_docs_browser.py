"""/api/docs, linked from every page, passes axe-core as every other page does (Debian's
chromium), at a desktop's and a phone's width."""

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
