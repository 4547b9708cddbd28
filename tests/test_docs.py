"""The README and docs/ point only at files and headings that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

# Written on another branch (issue 17's layout); drop it from here once that branch is merged.
PENDING: set[Path] = set()

LINK = re.compile(r"\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`\s]+)`")
FENCED = re.compile(r"^```.*?^```", re.M | re.S)
# A repository path in backticks: words joined by slashes, or a file name with an extension
# the repository uses. URL paths (`/team`), run-time files (`instance/...`) and media types
# (`text/csv`) are not.
PATH = re.compile(r"^(?!instance/|text/|application/|multipart/)[\w.-]+(/[\w.*-]+)*/?$")
FILE_TYPES = (".md", ".py", ".yaml", ".html", ".csv", ".toml")


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _references(doc: Path) -> list[tuple[str, bool]]:
    """Each link and path-like code span of `doc` outside code blocks, and whether it exists."""
    text = FENCED.sub("", doc.read_text(encoding="utf-8"))
    anchors = {_slug(h) for h in re.findall(r"^#+ (.*)$", text, re.M)}
    found = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z]+:", target):
            continue  # a web address
        path, _, anchor = target.partition("#")
        if not path:
            found.append((target, anchor in anchors))
        else:
            found.append((target, (doc.parent / path).exists() or doc.parent / path in PENDING))
    for token in CODE.findall(text):
        if PATH.match(token) and ("/" in token or token.endswith(FILE_TYPES)):
            found.append((token, any(ROOT.glob(token)) or (doc.parent / token).exists()))
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_reference_names_a_file_or_heading_that_exists(doc: Path) -> None:
    references = _references(doc)
    assert references, f"{doc.name}: no references found, so the check reads nothing"
    assert [ref for ref, exists in references if not exists] == []


def test_the_check_catches_a_missing_file_and_a_missing_heading(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(
        "# Title\n\nSee [there](gone.md), [here](#title), [no](#nowhere) and `bin/nothing`.\n",
        encoding="utf-8",
    )
    missing = [ref for ref, exists in _references(doc) if not exists]
    assert missing == ["gone.md", "#nowhere", "bin/nothing"]
