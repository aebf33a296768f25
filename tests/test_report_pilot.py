"""The stuurgroep's view of a real run (the pilot): CLI summary, comparisons, no jargon.

One run of the pilot example through the CLI; then its summary, its report
and its workbook are read as a stuurgroep member would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from leernetwerk.config import load_cycle_config
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import Layout, load_proposal
from leernetwerk.reports import render_report_html
from leernetwerk.reports.common import baseline_comparison, manual_comparison
from tests.test_cli_run import pilot_inputs, run

PILOT = Path(__file__).resolve().parent.parent / "examples" / "pilot-2025"
JARGON = ("doelfunctie", "gap", "grens", "toegelaten", "deterministische", "objective", "bound")


@pytest.fixture(scope="module")
def pilot_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    folder = tmp_path_factory.mktemp("pilot")
    workbook, cycle = pilot_inputs(folder)
    out = folder / "voorstel"
    capture = pytest.MonkeyPatch()
    lines: list[str] = []
    capture.setattr("click.echo", lambda message="", err=False, **_: lines.append(str(message)))
    try:
        assert run(workbook, cycle, out) == 0
    finally:
        capture.undo()
    return out, cycle, "\n".join(lines)


def test_cli_summary_has_no_solver_jargon(pilot_run):
    _, _, printed = pilot_run
    lowered = printed.lower()
    assert not [w for w in JARGON if w in lowered], printed
    assert "keer zo hoog als een eenvoudige indeling" in printed
    assert "gedeelde leerthema's" in printed
    assert "eerst zijn de clubs gekozen" in printed


def test_simple_layout_comparison_matches_the_stored_baseline(pilot_run):
    out, cycle, _ = pilot_run
    config = load_cycle_config(cycle)
    proposal = load_proposal(out)
    registrations = load_registrations(out.parent / "aanmeldingen.xlsx", config)
    comparison = baseline_comparison(proposal, registrations, config)
    assert comparison is not None
    assert comparison.other_total == pytest.approx(proposal.quality.baseline_objective)
    assert comparison.ours_total == pytest.approx(proposal.quality.objective)
    shared = comparison.raw("sessions.shared_themes")
    assert shared is not None and shared.ours > shared.other
    # The report's headline is computed from exactly these raw values.
    html = (out / "report.html").read_text(encoding="utf-8")
    pct = round(100 * (shared.ours - shared.other) / shared.other)
    assert f"{pct} % meer gedeelde leerthema&#39;s in de leerbijeenkomsten" in html


def test_pilot_manual_layout_is_compared_with_its_broken_rules(pilot_run):
    out, cycle, _ = pilot_run
    config = load_cycle_config(cycle)
    proposal = load_proposal(out)
    registrations = load_registrations(out.parent / "aanmeldingen.xlsx", config)
    manual = Layout.model_validate(
        json.loads((PILOT / "manual_layout.json").read_text(encoding="utf-8"))
    )
    comparison = manual_comparison(proposal, registrations, config, manual)
    assert comparison is not None and comparison.other_hard_broken == 2  # docs/pilot.md
    html = render_report_html(proposal, registrations, config, manual=manual)
    stuurgroep = html.split('<section id="bijlage"', 1)[0]
    assert "De handmatige indeling breekt 2 harde regels." in stuurgroep
    assert "<caption>Dit voorstel en de handmatige indeling, per criterium</caption>" in html


def test_real_outputs_keep_solver_terms_in_the_appendix(pilot_run):
    out, _, _ = pilot_run
    html = (out / "report.html").read_text(encoding="utf-8")
    # The stuurgroep summary (the selection's reasons come from the selection engine).
    summary = html.split('<section id="samenvatting"', 1)[1].split('<section id="selectie"')[0]
    text = re.sub(r"<[^>]+>", " ", summary).lower()
    assert "wat vraagt uw besluit" in text
    assert not [w for w in JARGON if w in text]
    wb = load_workbook(out / "proposal.xlsx")
    assert wb.sheetnames[-1] == "Bijlage analist"
    for row in wb["Overzicht"].iter_rows(values_only=True):
        for value in row:
            assert not (isinstance(value, str) and [w for w in JARGON if w in value.lower()])
