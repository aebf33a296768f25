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

from leernetwerk.proposal import SolveStatus, StageQuality
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


JARGON = ("doelfunctie", "gap", "grens", "toegelaten", "deterministische", "objective", "bound")


def parts(page: str) -> tuple[str, str]:
    """The visible text before the analyst appendix, and the appendix's text."""
    body = page.split("<body>", 1)[1]
    main, appendix = body.split('<section id="bijlage"', 1)
    return " ".join(parsed(main).text), " ".join(parsed(appendix).text)


def test_summary_states_quality_and_checks(page):
    stuurgroep, appendix = parts(page)
    assert "alle harde regels OK" in stuurgroep
    # 620 / 434, the fixture's objective over its baseline, in words
    assert "1,43 keer zo hoog als een eenvoudige indeling" in stuurgroep
    assert "Besluit 1" in stuurgroep and "Besluit 2" in stuurgroep
    assert "clubs worden gekozen vóór de bijeenkomsten" in stuurgroep
    assert "toegelaten" in appendix


def test_no_solver_jargon_outside_the_appendix(page):
    stuurgroep, appendix = parts(page)
    lowered = stuurgroep.lower()
    assert not [w for w in JARGON if w in lowered]
    assert "Doelfunctie" in appendix and "Deterministische tijd" in appendix


def test_appendix_is_the_last_section_and_explains_every_figure(page):
    assert page.rindex("<section") == page.index('<section id="bijlage"')
    appendix = page.split('<section id="bijlage"', 1)[1]
    table = appendix.split('<table class="analyst">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) >= 8
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert cells[-1].strip(), row  # every figure has its explanation


def staged_page(status: SolveStatus, bound: float | None) -> str:
    registrations = build_registrations()
    proposal = build_proposal(registrations)
    quality = proposal.quality.model_copy(
        update={
            "status": status,
            "bound": bound,
            "gap": None if bound is None else 0.0,
            "stages": {
                "clubs": StageQuality(
                    status=SolveStatus.TIME_LIMIT, objective=300.0, bound=330.0, gap=0.1
                ),
                "sessions": StageQuality(
                    status=SolveStatus.OPTIMAL, objective=320.0, bound=320.0, gap=0.0
                ),
            },
        }
    )
    return render_report_html(
        proposal.model_copy(update={"quality": quality}), registrations, build_config()
    )


def test_stages_are_labelled_and_no_whole_gap_without_a_whole_bound():
    _, appendix = parts(staged_page(SolveStatus.TIME_LIMIT, None))
    assert "Bijeenkomstenfase: beste grens (voor deze clubs)" in appendix
    assert "Clubfase: beste grens" in appendix
    assert "Gap hele indeling" not in appendix
    assert "niet bekend" in appendix
    # 'optimaal' appears only as a stage's own status, never for the whole.
    whole = re.search(r"Status \(hele indeling\)\s+(\S+)", appendix)
    assert whole is not None and whole.group(1) == "tijdslimiet"


def test_whole_gap_and_optimal_only_when_proven():
    _, appendix = parts(staged_page(SolveStatus.OPTIMAL, 620.0))
    assert "Gap hele indeling" in appendix
    whole = re.search(r"Status \(hele indeling\)\s+(\S+)", appendix)
    assert whole is not None and whole.group(1) == "optimaal"


def test_charts_have_text_alternatives_and_do_not_rely_on_colour(page):
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", page, re.S)
    assert svgs
    for svg in svgs:
        assert 'role="img"' in svg and "aria-labelledby=" in svg
        assert "<title id=" in svg and "<desc id=" in svg
    # Deficit participants are squares in the graph, the others circles.
    assert "<rect" in svgs[0] and "<circle" in svgs[0]
    # The balance bars carry their numbers and a hatch for tekort.
    assert 'role="img" aria-label="' in page
    assert "repeating-linear-gradient" in page
    assert "<caption>Tekort en overschot/neutraal per club</caption>" in page
