"""report.html: self-contained, escaped, complete and deterministic."""

from __future__ import annotations

import fnmatch
import html
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from leernetwerk.reports import render_report_html, write_report_html
from leernetwerk.reports.graph import meeting_graph
from leernetwerk.reports.heatmap import heat_colour
from leernetwerk.reports.html import environment
from tests.fixtures_proposal import HTML_NAME, build_config, build_proposal, build_registrations


@pytest.fixture(scope="module")
def page() -> str:
    registrations = build_registrations()
    return render_report_html(build_proposal(registrations), registrations, build_config())


class Tags(HTMLParser):
    """Every start tag with its attributes, and all text (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    return tags


def test_no_external_references(page):
    tags = parsed(page).tags
    assert "http" not in page.lower()
    assert not [t for t, _ in tags if t in ("script", "link", "img", "iframe", "object")]
    for tag, attrs in tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or value.startswith("#"), (tag, key, value)
    assert "@import" not in page and "url(" not in page


def test_every_participant_and_club_is_shown(page):
    text = "\n".join(parsed(page).text)
    proposal = build_proposal()
    for entry in proposal.selection:
        assert entry.name in text
    for club in proposal.clubs:
        assert f"Club {club.id}" in text


def test_names_are_escaped(page):
    assert HTML_NAME not in page  # the raw '<&>' never reaches the markup
    assert html.escape(HTML_NAME, quote=False).split('"')[0] in page  # 'Bommel &lt;&amp;&gt; '
    assert HTML_NAME in "\n".join(parsed(page).text)  # and the reader sees it unchanged


def test_markup_in_any_text_is_escaped():
    """Autoescaping covers every template: markup in warnings, reasons, themes stays text."""
    attack = '<script>alert("x")</script><img src=x>'
    registrations = build_registrations()
    proposal = build_proposal(registrations)
    first = proposal.selection[0]
    session = proposal.rounds[0].sessions[0]
    proposal = proposal.model_copy(
        update={
            "warnings": (attack,),
            "moved": (attack,),
            "selection": (first.model_copy(update={"reasons": (attack,)}), *proposal.selection[1:]),
            "rounds": (
                proposal.rounds[0].model_copy(
                    update={
                        "sessions": (
                            session.model_copy(update={"reason": attack}),
                            *proposal.rounds[0].sessions[1:],
                        )
                    }
                ),
                *proposal.rounds[1:],
            ),
        }
    )
    page = render_report_html(proposal, registrations, build_config())
    tags = [tag for tag, _ in parsed(page).tags]
    assert "script" not in tags and "img" not in tags
    assert "\n".join(parsed(page).text).count(attack) == 4


def test_templates_are_strict_and_escaping():
    env = environment()
    assert env.autoescape is True
    with pytest.raises(UndefinedError):
        env.from_string("{{ not_in_the_context }}").render()


def test_every_template_is_package_data():
    """The templates ship with the package: pyproject's package-data globs cover them all."""
    package = Path(__file__).resolve().parents[1] / "leernetwerk"
    config = tomllib.loads((package.parent / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["leernetwerk"]
    templates = sorted((package / "reports" / "templates").iterdir())
    assert templates
    for template in templates:
        relative = template.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, g) for g in globs), relative


def test_writing_twice_gives_identical_bytes(tmp_path: Path):
    registrations = build_registrations()
    proposal = build_proposal(registrations)
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_report_html(proposal, registrations, build_config(), first)
    write_report_html(proposal, registrations, build_config(), second)
    assert first.read_bytes() == second.read_bytes()


def test_one_graph_per_club_with_an_edge_per_shared_pair(page):
    proposal = build_proposal()
    assert page.count('<svg class="graph"') == len(proposal.clubs)
    for club in proposal.clubs:
        graph = meeting_graph(club, proposal)
        expected = sum(
            len(s.members) * (len(s.members) - 1) // 2
            for _, s in proposal.layout.sessions()
            if s.club == club.id
        )
        assert graph.number_of_edges() == expected
        assert set(graph.nodes) == set(club.members)


def test_print_css_breaks_page_per_club(page):
    assert "@media print" in page
    assert re.search(r"section\.club[^{]*\{\s*break-before:\s*page", page)
    assert page.count('<section class="club"') == len(build_proposal().clubs)


def test_heat_colours_run_from_white_to_blue():
    assert heat_colour(0) == "#ffffff"
    assert heat_colour(4) == "#3182bd"
    assert heat_colour(2) == "#9ecae1"
    assert heat_colour(9) == heat_colour(4)  # clamped


def test_summary_states_quality_and_checks(page):
    text = " ".join(parsed(page).text)
    assert "alle harde regels OK" in text
    assert "1,43×" in text  # 620 / 434, the fixture's objective over its baseline
    assert "toegelaten" in text
