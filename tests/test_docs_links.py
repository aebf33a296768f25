"""The documentation is self-contained: every relative link resolves inside the repository.

A user who clones the repository has nothing outside it, so README.md and the
docs may link only to files in the repository (and to web addresses), and
every ``file.md#anchor`` must name a heading that exists (GitHub's anchor
rules: lower case, punctuation dropped, spaces to hyphens).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted(
    [
        ROOT / "README.md",
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "examples").rglob("README.md"),
        *(ROOT / "cycles").rglob("README.md"),
        *(ROOT / "benchmarks").glob("README.md"),
    ]
)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link shows its text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(h) for h in HEADING.findall(text)}


def links(path: Path) -> list[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return LINK.findall(text)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve_inside_the_repository(doc: Path):
    broken = []
    for target in links(doc):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        file_part, _, anchor = target.partition("#")
        path = (doc.parent / file_part).resolve() if file_part else doc
        missing = not path.is_relative_to(ROOT) or not path.exists()
        bad_anchor = not missing and bool(anchor) and path.suffix == ".md"
        if missing or (bad_anchor and anchor not in anchors(path)):
            broken.append(target)
    assert broken == []


def test_docs_cite_no_design_file_outside_the_repository():
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "DESIGN" not in text and "../shared" not in text, doc


def test_slug_follows_github():
    assert slug("11. The pilot") == "11-the-pilot"
    assert slug("9a. Execution and closing") == "9a-execution-and-closing"
    assert slug("## `report.html`".lstrip("# ")) == "reporthtml"
