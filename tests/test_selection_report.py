"""The selection report and workbook that ``leernetwerk select`` writes for the stuurgroep.

On a small selection: the figures (balance, provinces, sizes, rules), every
registrant with its reason, no solver words before the analyst appendix,
labels next to every colour, the same bytes twice, and the workbook's sheets,
colours and A4 print settings. On the national example: the CLI writes all
three files, and headless Chromium renders the report (a real picture, no
console messages, every registrant in the DOM).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from leernetwerk.cli import main
from leernetwerk.config import load_cycle_config
from leernetwerk.domain import Balance, Registrations, SafetyNet
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import Proposal
from leernetwerk.reports.selection_report import render_selection_report
from leernetwerk.reports.selection_view import MAP_GRID, selection_view
from leernetwerk.reports.selection_workbook import (
    DEFICIT_FILL,
    OTHER_FILL,
    SELECTION_HEADERS,
    write_selection_workbook,
)
from matching.selection import SelectionResult, select
from tests.test_reasons import FORBIDDEN
from tests.test_report_browser import console_lines, decode_png, dom_text, run_chromium
from tests.test_selection import config, reg

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "examples" / "national-2026" / "aanmeldingen.xlsx"
CYCLE = ROOT / "cycles" / "2026-2027" / "cycle.toml"


def small() -> tuple[Proposal, Registrations, SelectionResult]:
    late = dt.date(2026, 5, 20)
    registrations = Registrations(
        registrations=(
            reg("Emmen", net=SafetyNet.ADDITIONAL, province="Drenthe", inhabitants=107_000),
            reg("Assen", net=SafetyNet.REGULAR, province="Drenthe", on=dt.date(2026, 4, 20)),
            reg("Goes", balance=Balance.SURPLUS, province="Zeeland", inhabitants=12_000),
            reg("Zeist", balance=Balance.NEUTRAL, variant="regionaal"),
            reg("Laat & <Co>", on=late),
            reg("Hoorn", complete=False, province="Noord-Holland"),
        )
    )
    cfg = config()
    result = select(registrations, cfg, places=3)
    proposal = Proposal(
        cycle="2026-2027",
        input_file="aanmeldingen.xlsx",
        input_sha256="ab" * 32,
        config_sha256="",
        seed=0,
        solver=dict(result.settings),
        selection=result.entries,
        selection_quality=result.quality,
        warnings=result.warnings,
    )
    return proposal, registrations, result


def main_part(html: str) -> str:
    """The stuurgroep part: everything before the analyst appendix, without the CSS."""
    return re.sub(r"<style>.*?</style>", "", html.split('id="bijlage"', 1)[0], flags=re.S)


def test_view_counts_balance_provinces_and_rules():
    proposal, registrations, _ = small()
    v = selection_view(proposal, registrations, config())
    assert [r.name for r in v.selected] == ["Emmen", "Assen", "Goes"]
    assert {r.name for r in v.rejected} == {"Zeist", "Laat & <Co>"}
    assert [r.name for r in v.not_selectable] == ["Hoorn"]
    assert (v.deficit, v.other, v.taken, v.places) == (2, 1, 3, 3)
    assert all(rule.met for rule in v.rules)
    drenthe = next(g for g in v.provinces if g.label == "Drenthe")
    assert (drenthe.registered, drenthe.selected, drenthe.names) == (2, 2, ("Emmen", "Assen"))
    assert sum(g.selected for g in v.provinces) == len(v.selected)
    assert sum(g.registered for g in v.sizes) == v.registered
    # the map grid holds the twelve provinces, each once
    on_map = [g.label for line in v.province_map for g in line if g is not None]
    assert sorted(on_map) == sorted(p for line in MAP_GRID for p in line if p)
    assert len(on_map) == 12


def test_report_shows_everyone_with_reasons_and_no_solver_words_before_the_appendix():
    proposal, registrations, result = small()
    html = render_selection_report(proposal, registrations, config(), result.breakdown)
    assert html == render_selection_report(proposal, registrations, config(), result.breakdown)
    assert '<html lang="nl">' in html
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")
    assert "Laat &amp; &lt;Co&gt;" in html and "<Co>" not in html
    for entry in proposal.selection:
        assert entry.reason.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") in html
    zeist = next(e for e in proposal.selection if e.name == "Zeist")
    assert zeist.forcing_cost is not None and zeist.forcing_cost.note in html
    lowered = main_part(html).casefold()
    assert [w for w in FORBIDDEN if re.search(rf"\b{w}\b", lowered)] == []
    # the appendix does carry the figures, each explained
    appendix = html.split('id="bijlage"', 1)[1]
    assert "Score (doelfunctie)" in appendix and "Bovengrens (bound)" in appendix
    assert "voorrang vangnet" in appendix  # the score per criterion


def test_colour_is_never_the_only_signal():
    proposal, registrations, _ = small()
    html = main_part(render_selection_report(proposal, registrations, config()))
    tags = re.findall(r'<span class="tag (d|o)">([^<]*)</span>', html)
    assert tags
    for kind, label in tags:
        assert ("tekort" if kind == "d" else "overschot/neutraal") in label
    bars = re.findall(r'<span class="(d|o)" style="width: [0-9.]+%">([^<]*)</span>', html)
    assert [(k, t) for k, t in bars] == [("d", "2 tekort"), ("o", "1 overschot/neutraal")]
    assert 'role="img" aria-label="Balans: 2 tekort tegen 1 overschot/neutraal"' in html


def test_workbook_sheets_colours_and_print_settings(tmp_path):
    proposal, registrations, result = small()
    path = write_selection_workbook(
        proposal, registrations, config(), tmp_path / "selectie.xlsx", result.breakdown
    )
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Overzicht",
        "Selectie",
        "Provincies",
        "Kaart",
        "Grootte en variant",
        "Bijlage analist",
    ]
    ws = wb["Selectie"]
    assert tuple(c.value for c in ws[1]) == SELECTION_HEADERS
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == ["Emmen", "Assen", "Goes", "Zeist", "Laat & <Co>", "Hoorn"]
    by_name = {e.name: e for e in proposal.selection}
    for index, row in enumerate(rows, start=2):
        assert row[5] == by_name[row[0]].reason
        saldo = ws.cell(index, 4)
        if saldo.value == "tekort":
            assert saldo.fill.fgColor.rgb.endswith(DEFICIT_FILL.fgColor.rgb[-6:])
        elif saldo.value == "overschot/neutraal":
            assert saldo.fill.fgColor.rgb.endswith(OTHER_FILL.fgColor.rgb[-6:])
    assert {r[1] for r in rows} == {"geselecteerd", "niet geselecteerd", "niet selecteerbaar"}
    for sheet in wb.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert ws.print_title_rows == "$1:$1"
    assert ws.cell(2, 6).alignment.wrap_text
    text = " ".join(
        str(c) for s in wb.worksheets[:-1] for row in s.iter_rows(values_only=True) for c in row
    ).casefold()
    assert [w for w in FORBIDDEN if re.search(rf"\b{w}\b", text)] == []


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("select") / "selectie"
    assert main(["select", str(NATIONAL), "--cycle", str(CYCLE), "--out", str(out)]) == 0
    return out


def test_select_writes_the_report_and_workbook_for_the_national_example(national):
    assert sorted(p.name for p in national.iterdir()) == [
        "report.html",
        "selectie.xlsx",
        "selection.json",
    ]
    proposal = Proposal.model_validate_json((national / "selection.json").read_text("utf-8"))
    html = (national / "report.html").read_text("utf-8")
    lowered = main_part(html).casefold()
    assert [w for w in FORBIDDEN if re.search(rf"\b{w}\b", lowered)] == []
    wb = load_workbook(national / "selectie.xlsx")
    assert wb["Selectie"].max_row == len(proposal.selection) + 1
    registrations = load_registrations(NATIONAL, load_cycle_config(CYCLE))
    v = selection_view(proposal, registrations, load_cycle_config(CYCLE))
    assert (v.deficit, v.other) == (16, 14)
    assert len(v.selected) == 30


def test_chromium_renders_the_national_report(national, tmp_path):
    page = national / "report.html"
    shot = tmp_path / "selectie.png"
    screenshot = run_chromium(
        page, tmp_path, f"--screenshot={shot}", "--window-size=1280,2000",
        "--enable-logging=stderr", "--v=0",
    )  # fmt: skip
    dom = run_chromium(page, tmp_path, "--dump-dom", "--enable-logging=stderr", "--v=0")
    image = decode_png(shot.read_bytes())
    assert image.shape[:2] == (2000, 1280)
    pixels = image[:, :, :3].reshape(-1, 3)
    assert len(np.unique(pixels[::7], axis=0)) > 50
    # the balance bar's two colours are on the page: tekort red-ish, overschot green-ish
    assert np.any(np.all(np.abs(pixels.astype(int) - (0xC2, 0x41, 0x0C)) < 12, axis=1))
    assert np.any(np.all(np.abs(pixels.astype(int) - (0x15, 0x80, 0x3D)) < 12, axis=1))
    assert console_lines(screenshot.stderr + dom.stderr) == []
    text = dom_text(dom.stdout)
    proposal = Proposal.model_validate_json((national / "selection.json").read_text("utf-8"))
    assert [e.name for e in proposal.selection if e.name not in text] == []
