"""proposal.xlsx: every sheet, reviewable and printable, text never a formula."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from leernetwerk.domain import Balance
from leernetwerk.excel import LINE_HEIGHT, wrapped_lines
from leernetwerk.proposal import SolveStatus, StageQuality
from leernetwerk.reports import ROUND_HEADERS, write_proposal_workbook
from leernetwerk.reports.checks import check_proposal
from leernetwerk.reports.graph import BALANCE_FILL
from tests.fixtures_proposal import (
    FORMULA_NAMES,
    HTML_NAME,
    build_config,
    build_proposal,
    build_registrations,
)

SHEETS = [
    "Overzicht",
    "Selectie",
    "Clubs",
    "Ronde 1",
    "Ronde 2",
    "Heatmap",
    "Score",
    "Bijlage analist",
]
JARGON = ("doelfunctie", "gap", "grens", "toegelaten", "deterministische", "objective", "bound")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture proposal written once as a workbook."""
    path = tmp_path_factory.mktemp("wb") / "proposal.xlsx"
    registrations = build_registrations()
    write_proposal_workbook(build_proposal(registrations), registrations, build_config(), path)
    return path


@pytest.fixture(scope="module")
def wb(written: Path):
    return load_workbook(written)


def sheet_xml(path: Path, title: str) -> str:
    """The raw XML of the worksheet called ``title``."""
    wb = load_workbook(path, read_only=True)
    index = wb.sheetnames.index(title) + 1
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")


def test_workbook_has_every_sheet_in_order(wb):
    assert wb.sheetnames == SHEETS


def test_table_sheets_have_frozen_header_and_autofilter(wb):
    for title in SHEETS:
        ws = wb[title]
        assert ws.freeze_panes in ("A2", "C2"), title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), title


def test_every_sheet_prints_landscape_one_page_wide(wb):
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1", ws.title  # header repeated on every page


def sheet_width(ws) -> float:
    return sum(
        ws.column_dimensions[get_column_letter(c)].width or 8.43
        for c in range(1, ws.max_column + 1)
    )


def test_sheets_are_narrow_enough_to_print_legibly(wb):
    # A4 landscape holds about 150 character widths at 100 %; at most 200 keeps
    # the text at 75 % or more (the Selectie sheet shrank to ~50 % before).
    for ws in wb.worksheets:
        assert sheet_width(ws) <= 200, (ws.title, sheet_width(ws))
        for c in range(1, ws.max_column + 1):
            assert (ws.column_dimensions[get_column_letter(c)].width or 8.43) <= 80, ws.title


def test_wrapped_text_gets_a_row_height_that_fits(wb):
    checked = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                    continue
                width = ws.column_dimensions[cell.column_letter].width
                lines = wrapped_lines(cell.value, width)
                height = ws.row_dimensions[cell.row].height or LINE_HEIGHT
                assert height >= lines * LINE_HEIGHT, (ws.title, cell.coordinate)
                # A long reason really is wrapped over several lines.
                if len(cell.value) > 2 * width:
                    assert height >= 2 * LINE_HEIGHT, (ws.title, cell.coordinate)
                    checked += 1
    assert checked > 0


def test_wrapped_lines_estimates_word_wrap():
    assert wrapped_lines("kort", 20) == 1
    assert wrapped_lines("een twee drie vier vijf zes zeven acht negen tien", 12) >= 4
    assert wrapped_lines("regel een\nregel twee", 40) == 2
    assert wrapped_lines("x" * 100, 10) >= 9  # one very long word breaks too


def test_heatmap_has_a_colour_scale_from_0_to_4(wb):
    ws = wb["Heatmap"]
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    (rule,) = rules
    assert rule.type == "colorScale"
    values = [float(v.val) for v in rule.colorScale.cfvo]
    assert values == [0, 2, 4]


def test_heatmap_has_one_row_per_participant_grouped_by_club(wb):
    proposal = build_proposal()
    ws = wb["Heatmap"]
    rows = [(r[0], r[1]) for r in ws.iter_rows(min_row=2, max_col=2, values_only=True)]
    expected = [(club.id, name) for club in proposal.clubs for name in club.members]
    assert rows == expected


def test_overview_has_a_native_bar_chart_of_balance_per_club(wb):
    ws = wb["Overzicht"]
    (chart,) = ws._charts
    assert chart.tagname == "barChart"
    assert len(chart.series) == 2  # tekort, overschot/neutraal


def test_chart_uses_the_report_colours_and_not_colour_alone(written):
    # The same scheme as report.html: red (hatched) tekort, green overschot/neutraal.
    with zipfile.ZipFile(written) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = archive.read(name).decode("utf-8")
    deficit = BALANCE_FILL[Balance.DEFICIT].lstrip("#").upper()
    other = BALANCE_FILL[Balance.SURPLUS].lstrip("#").upper()
    series = re.findall(r"<(?:c:)?ser>.*?</(?:c:)?ser>", xml, re.S)
    assert len(series) == 2
    assert "pattFill" in series[0] and deficit in series[0]
    assert other in series[1] and deficit not in series[1]
    assert re.search(r'<(?:c:)?showVal val="1"', xml)  # values on the bars
    css = (Path(__file__).parents[1] / "leernetwerk/reports/templates/report.css").read_text()
    assert f"--deficit:#{deficit.lower()}" in css and f"--other:#{other.lower()}" in css


def overview_values(wb) -> dict:
    return {r[0]: r[1] for r in wb["Overzicht"].iter_rows(min_row=2, max_col=2, values_only=True)}


def test_overview_speaks_to_the_stuurgroep(wb):
    values = overview_values(wb)
    proposal = build_proposal()
    assert values["Geselecteerd"] == len(proposal.selected)
    # The fixture has a member hosting twice: a warning, not a broken hard rule.
    assert values["Regels"] == "alle harde regels OK; waarschuwing: Niemand twee keer host"
    assert values["Vergeleken met een eenvoudige indeling"] == "1,43 keer zo hoge score"
    assert "Besluit 1" in values and "Besluit 2" in values
    assert "eerst worden de clubs gekozen" in values["Werkwijze"].lower()


def test_no_solver_jargon_outside_the_appendix(wb):
    for ws in wb.worksheets[:-1]:
        for row in ws.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, str):
                    lowered = value.lower()
                    assert not [w for w in JARGON if w in lowered], (ws.title, value)


def test_appendix_is_last_and_explains_every_figure(wb):
    ws = wb.worksheets[-1]
    assert ws.title == "Bijlage analist"
    rows = {r[0]: (r[1], r[2]) for r in ws.iter_rows(min_row=2, values_only=True)}
    proposal = build_proposal()
    assert rows["Doelfunctie (totale score)"][0] == proposal.quality.objective
    assert rows["Bovengrens hele indeling"][0] == proposal.quality.bound
    assert rows["Gap hele indeling"][0] == pytest.approx(proposal.quality.gap)
    assert rows["Status (hele indeling)"][0] == "toegelaten"
    assert rows["Seed"][0] == proposal.seed
    assert rows["Verhouding doelfunctie / basislijn"][0] == pytest.approx(
        proposal.quality.objective / proposal.quality.baseline_objective
    )
    assert all(explanation for _, explanation in rows.values())


def test_appendix_labels_stages_and_hides_a_whole_problem_gap_without_a_bound(tmp_path):
    registrations = build_registrations()
    proposal = build_proposal(registrations)
    staged = proposal.quality.model_copy(
        update={
            "bound": None,
            "gap": None,
            "status": SolveStatus.TIME_LIMIT,
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
    path = tmp_path / "p.xlsx"
    write_proposal_workbook(
        proposal.model_copy(update={"quality": staged}), registrations, build_config(), path
    )
    ws = load_workbook(path).worksheets[-1]
    rows = {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert "Gap hele indeling" not in rows
    assert rows["Bovengrens hele indeling"] == "niet bekend"
    assert rows["Clubfase: beste grens"] == 330.0
    assert rows["Bijeenkomstenfase: beste grens (voor deze clubs)"] == 320.0
    assert rows["Status (hele indeling)"] == "tijdslimiet bereikt"


def test_formula_looking_names_stay_text_in_every_sheet(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.data_type == "s", (ws.title, cell.coordinate, cell.value)


def test_saved_xml_has_no_formula_elements(written):
    for title in SHEETS:
        xml = sheet_xml(written, title)
        assert "<f>" not in xml and "<f " not in xml, title


def test_formula_names_arrive_literally(wb):
    names = {c.value for c in wb["Selectie"]["A"][1:]}
    assert set(FORMULA_NAMES) <= names
    assert HTML_NAME in names


def test_round_sheet_has_one_row_per_session_member(wb):
    proposal = build_proposal()
    for rnd in proposal.rounds:
        ws = wb[f"Ronde {rnd.round}"]
        header = [c.value for c in ws[1]]
        assert header == list(ROUND_HEADERS)
        rows = list(ws.iter_rows(min_row=2, values_only=True))
        assert len(rows) == sum(len(s.members) for s in rnd.sessions)
        for number, session in enumerate(rnd.sessions, start=1):
            mine = [r for r in rows if r[1] == number]
            assert [r[2] for r in mine] == list(session.members)
            assert {r[0] for r in mine} == {session.club}
            assert [r[2] for r in mine if r[3] == "ja"] == [session.host]


def test_round_sheet_can_be_edited_back_into_sessions(wb):
    """The edit contract: grouping rows by (Sessie) rebuilds the sessions."""
    proposal = build_proposal()
    ws = wb["Ronde 1"]
    sessions: dict[int, set[str]] = {}
    for _club, number, name, *_ in ws.iter_rows(min_row=2, values_only=True):
        sessions.setdefault(number, set()).add(name)
    assert sorted(map(sorted, sessions.values())) == sorted(
        sorted(s.members) for s in proposal.rounds[0].sessions
    )


def test_round_sheet_validates_session_numbers_and_host(wb):
    ws = wb["Ronde 1"]
    kinds = sorted(dv.type for dv in ws.data_validations.dataValidation)
    assert kinds == ["list", "whole"]


def test_score_sheet_rows_add_up(wb):
    proposal = build_proposal()
    rows = list(wb["Score"].iter_rows(min_row=2, values_only=True))
    total = [r for r in rows if r[0] == "totaal" and r[5] == "Totaal"]
    assert total[0][9] == pytest.approx(proposal.breakdown.total)
    for r in rows:
        if r[7] is not None:  # a criterion row: contribution = weight × raw
            assert r[9] == pytest.approx(r[7] * r[8])
    assert {r[0] for r in rows} == {"totaal", "club", "sessie"}


def test_checks_flag_a_repeated_pair():
    """A layout where a pair meets twice is reported, not hidden."""
    registrations = build_registrations()
    proposal = build_proposal(registrations)
    first, second = proposal.rounds
    repeated = second.model_copy(update={"sessions": first.sessions})
    broken = proposal.model_copy(update={"rounds": (first, repeated)})
    results = {c.label: c for c in check_proposal(broken, registrations, build_config())}
    assert not results["Geen paar twee keer samen"].ok
    assert results["Clubgrootte"].ok


def test_selected_count_and_sheet_rows_match(wb):
    proposal = build_proposal()
    selection = list(wb["Selectie"].iter_rows(min_row=2, values_only=True))
    assert len(selection) == len(proposal.selection)
    assert sum(r[1] == "ja" for r in selection) == len(proposal.selected)
    clubs = list(wb["Clubs"].iter_rows(min_row=2, values_only=True))
    assert len(clubs) == len(proposal.selected)
    assert all(re.fullmatch(r"(tekort|overschot|neutraal)", r[2]) for r in clubs)
