"""Reading a layout back from proposal.xlsx: lossless when unedited, located problems when not."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from leernetwerk.layout_io import read_edited_workbook, read_layout
from leernetwerk.reports import write_proposal_workbook
from tests.fixtures_proposal import (
    FORMULA_NAMES,
    HTML_NAME,
    build_config,
    build_proposal,
    build_registrations,
)

CATALOGUE = build_config().catalogue


@pytest.fixture()
def workbook(tmp_path: Path) -> Path:
    """The fixture proposal written as proposal.xlsx in a fresh folder."""
    registrations = build_registrations()
    path = tmp_path / "proposal.xlsx"
    write_proposal_workbook(build_proposal(registrations), registrations, build_config(), path)
    return path


def edit(path: Path, change: Callable[[Any], None]) -> Path:
    """Open the workbook with openpyxl, apply ``change(wb)`` and save it in place."""
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def set_cell(wb: Any, sheet: str, name: str, header: str, value: Any) -> int:
    """Set ``header`` in the first row of ``sheet`` whose Deelnemer is ``name``; return the row."""
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    column = headers.index(header) + 1
    name_column = headers.index("Deelnemer") + 1
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, name_column).value == name:
            ws.cell(row, column).value = value
            return row
    raise AssertionError(f"{name} not in {sheet}")


def test_unedited_workbook_reads_back_to_the_proposal_layout(workbook: Path) -> None:
    layout, problems = read_layout(workbook, catalogue=CATALOGUE)
    assert problems == []
    assert layout == build_proposal().layout


def test_formula_looking_and_html_names_survive_an_openpyxl_edit(workbook: Path) -> None:
    # Opening and saving in openpyxl (as a script of the executor would) keeps the names text.
    edit(workbook, lambda wb: None)
    layout, problems = read_layout(workbook, catalogue=CATALOGUE)
    assert problems == []
    names = {n for club in layout.clubs for n in club.members}
    assert set(FORMULA_NAMES) | {HTML_NAME, "'s-Hertogenbosch"} <= names
    assert layout == build_proposal().layout


def test_headers_match_regardless_of_case_and_spacing(workbook: Path) -> None:
    def shout(wb: Any) -> None:
        for title in ("Clubs", "Ronde 1", "Ronde 2"):
            for cell in wb[title][1]:
                if cell.value:
                    cell.value = f"  {str(cell.value).upper()}  "

    edit(workbook, shout)
    layout, problems = read_layout(workbook, catalogue=CATALOGUE)
    assert problems == []
    assert layout == build_proposal().layout


def test_changing_a_session_number_moves_the_member(workbook: Path) -> None:
    # Barendrecht goes from round-1 session 2 to session 3 ('s-Hertogenbosch, Schagen).
    edit(workbook, lambda wb: set_cell(wb, "Ronde 1", "Barendrecht", "Sessie", 3))
    layout, problems = read_layout(workbook, catalogue=CATALOGUE)
    round1 = {frozenset(s.members): s for r, s in layout.sessions() if r == 1}
    assert frozenset({"Wageningen", "Oude IJsselstreek"}) in round1
    joined = round1[frozenset({"'s-Hertogenbosch", "Schagen", "Barendrecht"})]
    # Barendrecht's row still carries its old session's themes and format: the two
    # rows already in session 3 outvote it, and the disagreement is a warning.
    original = build_proposal().rounds[0].sessions[2]
    assert joined.themes == original.themes
    assert joined.format == original.format
    assert problems and not [p for p in problems if p.is_error]
    assert all("Barendrecht" in p.message for p in problems)


def test_host_is_put_first_and_two_hosts_are_a_conflict(workbook: Path) -> None:
    edit(workbook, lambda wb: set_cell(wb, "Ronde 1", "Zwolle", "Host", "ja"))
    edited = read_edited_workbook(workbook, catalogue=CATALOGUE)
    assert edited.errors == []
    (conflict,) = edited.host_conflicts
    assert (conflict.round, conflict.number) == (1, 1)
    assert conflict.hosts == ("Amstelveen", "Zwolle")


def test_a_session_without_host_is_a_conflict_with_its_members(workbook: Path) -> None:
    edit(workbook, lambda wb: set_cell(wb, "Ronde 2", "Amstelveen", "Host", "nee"))
    edited = read_edited_workbook(workbook, catalogue=CATALOGUE)
    (conflict,) = edited.host_conflicts
    assert conflict.hosts == ()
    assert set(conflict.members) == {"Amstelveen", "Wageningen", "'s-Hertogenbosch"}


def test_unreadable_cells_are_located_problems_all_in_one_pass(workbook: Path) -> None:
    rows: dict[str, int] = {}

    def damage(wb: Any) -> None:
        rows["sessie"] = set_cell(wb, "Ronde 1", "Zwolle", "Sessie", "twee")
        rows["theme"] = set_cell(wb, "Ronde 1", "Emmen", "Thema blok 1", "Handhavin")
        rows["host"] = set_cell(wb, "Ronde 2", "Delft", "Host", "misschien")
        rows["format"] = set_cell(wb, "Ronde 2", "Venlo", "Werkvorm", "iv")
        rows["club"] = set_cell(wb, "Clubs", "Meppel", "Club", "B")

    edit(workbook, damage)
    _, problems = read_layout(workbook, catalogue=CATALOGUE)
    located = {(p.sheet, p.row, p.column, p.value) for p in problems if p.is_error}
    assert ("Ronde 1", rows["sessie"], "Sessie", "twee") in located
    assert ("Ronde 1", rows["theme"], "Thema blok 1", "Handhavin") in located
    assert ("Ronde 2", rows["host"], "Host", "misschien") in located
    assert ("Ronde 2", rows["format"], "Werkvorm", "iv") in located
    assert ("Clubs", rows["club"], "Club", "B") in located
    theme = next(p for p in problems if p.column == "Thema blok 1")
    assert "Bedoelde u 'Handhaving'?" in theme.message


def test_themes_are_read_in_catalogue_spelling(workbook: Path) -> None:
    def lower(wb: Any) -> None:
        for name in ("Amstelveen", "Zwolle", "Leeuwarden"):
            set_cell(wb, "Ronde 1", name, "Thema blok 2", "  handhaving ")

    edit(workbook, lower)
    layout, problems = read_layout(workbook, catalogue=CATALOGUE)
    assert problems == []
    session = next(s for r, s in layout.sessions() if r == 1 and "Zwolle" in s.members)
    assert session.themes[1] == "Handhaving"


def test_rows_of_one_session_that_disagree_give_a_warning_and_the_majority_value(
    workbook: Path,
) -> None:
    edit(workbook, lambda wb: set_cell(wb, "Ronde 1", "Leeuwarden", "Thema blok 1", "Handhaving"))
    layout, problems = read_layout(workbook, catalogue=CATALOGUE)
    assert [(p.column, p.value) for p in problems] == [("Thema blok 1", "Handhaving")]
    assert not problems[0].is_error
    assert "Leeuwarden" in problems[0].message
    session = next(s for r, s in layout.sessions() if r == 1 and "Zwolle" in s.members)
    assert session.themes[0] == build_proposal().rounds[0].sessions[0].themes[0]


def test_missing_sheet_and_missing_column_are_reported(workbook: Path) -> None:
    def damage(wb: Any) -> None:
        del wb["Ronde 2"]
        wb["Ronde 1"]["B1"].value = "Sessienr"

    edit(workbook, damage)
    _, problems = read_layout(workbook, catalogue=CATALOGUE)
    messages = [str(p) for p in problems]
    assert any("'Ronde 2' ontbreekt" in m for m in messages)
    assert any("kolom 'Sessie' ontbreekt" in m and "Sessienr" in m for m in messages)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"Club;Sessie;Deelnemer\n1;1;Zwolle\n", "geen Excel-bestand"),
        (b"", "leeg"),
        (b"PK\x03\x04 broken zip", "beschadigd"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_one_located_problem(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "bewerkt.xlsx"
    path.write_bytes(content)
    layout, problems = read_layout(path)
    assert layout.clubs == () and layout.rounds == ()
    (problem,) = problems
    assert problem.sheet == "bewerkt.xlsx"
    assert expected in problem.message


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The fixture proposal's workbook, written once for the property test."""
    path = tmp_path_factory.mktemp("once") / "proposal.xlsx"
    registrations = build_registrations()
    write_proposal_workbook(build_proposal(registrations), registrations, build_config(), path)
    return path.read_bytes()


@settings(
    max_examples=25,
    deadline=None,
)
@given(numbers=st.lists(st.integers(min_value=1, max_value=9), min_size=10, max_size=10))
def test_any_renumbering_of_club_one_reads_back_as_that_grouping(
    tmp_path_factory: pytest.TempPathFactory, workbook_bytes: bytes, numbers: list[int]
) -> None:
    # Whatever session numbers the executor types, members with equal numbers form one session.
    path = tmp_path_factory.mktemp("renumber") / "proposal.xlsx"
    path.write_bytes(workbook_bytes)
    club = build_proposal().clubs[0].members
    offset = 100  # numbers unused by club 2, so club-1 sessions never merge with club 2

    def renumber(wb: Any) -> None:
        for name, number in zip(club, numbers, strict=True):
            set_cell(wb, "Ronde 1", name, "Sessie", offset + number)

    edit(path, renumber)
    layout, problems = read_layout(path, catalogue=CATALOGUE)
    assert not [p for p in problems if p.is_error]
    expected: dict[int, set[str]] = {}
    for name, number in zip(club, numbers, strict=True):
        expected.setdefault(number, set()).add(name)
    got = {frozenset(s.members) for r, s in layout.sessions() if r == 1 and s.club == 1}
    assert got == {frozenset(m) for m in expected.values()}
