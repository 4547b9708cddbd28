"""Pages of a list: which pages to link to, and RFC 8288 `Link` headers naming them."""

from __future__ import annotations

from collections.abc import Callable


def page_links(page: int, last: int) -> dict[str, int]:
    """The pages next to `page` of `last`, by link relation: first, prev, next, last.

    A page past the last has no next, and its prev is the last page.
    """
    links = {"first": 1}
    if page > 1:
        links["prev"] = min(page - 1, last)
    if page < last:
        links["next"] = page + 1
    links["last"] = last
    return links


def link_header(links: dict[str, int], url_of: Callable[[int], str]) -> str:
    """The `Link` header (RFC 8288) of these pages: `<url>; rel="next", ...`."""
    return ", ".join(f'<{url_of(page)}>; rel="{rel}"' for rel, page in links.items())
