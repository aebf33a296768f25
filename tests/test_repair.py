"""``run --keep EDITED.xlsx`` and ``check EDITED.xlsx --repair``: the stuurgroep's edits
to proposal.xlsx become pins, the rest is repaired with as few other moves as possible.

One proposal of 25 random registrants (3 clubs of 8–9, short deterministic solver
limits) is written once; every test edits a copy of its workbook with openpyxl, as the
stuurgroep would in Excel.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from leernetwerk.cli import main
from leernetwerk.config import load_cycle_config
from leernetwerk.domain import Registrations
from leernetwerk.edits import find_edits
from leernetwerk.layout_io import read_edited_workbook
from leernetwerk.proposal import Proposal, SessionFormat, load_proposal
from leernetwerk.registrations_io import write_registrations
from tests.factories import THEMES, random_participants, registration

CYCLE_TOML = """
[cycle]
places = 25

[clubs]
min_size = 7
max_size = 9
target_size = 8

[solver]
club_deterministic_time = 0.5
session_deterministic_time = 1.0
max_deterministic_time = 5.0
forcing_cost_budget = 5.0
"""
PEOPLE = random_participants(25, seed=7)
DEFICIT = {p.name: p.balance.is_deficit for p in PEOPLE}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with aanmeldingen.xlsx, cycle.toml and the run folder ``voorstel``."""
    folder = tmp_path_factory.mktemp("repair")
    (folder / "cycle.toml").write_text(CYCLE_TOML, encoding="utf-8")
    config = load_cycle_config(folder / "cycle.toml")
    write_registrations(
        Registrations(registrations=tuple(PEOPLE)), folder / "aanmeldingen.xlsx", config
    )
    assert run_cli(folder, "voorstel") == 0
    return folder


def run_cli(folder: Path, out: str, *extra: str) -> int:
    return main(
        [
            "run",
            str(folder / "aanmeldingen.xlsx"),
            "--cycle",
            str(folder / "cycle.toml"),
            "--out",
            str(folder / out),
            "--quiet",
            *extra,
        ]
    )


@pytest.fixture()
def case(base: Path, tmp_path: Path) -> Path:
    """A private copy of the base folder (the tests edit its workbook)."""
    folder = tmp_path / "case"
    shutil.copytree(base, folder)
    proposal = (folder / "voorstel" / "proposal.json").read_text(encoding="utf-8")
    (folder / "voorstel" / "proposal.json").write_text(
        proposal.replace(str(base), str(folder)), encoding="utf-8"
    )
    return folder


def original(folder: Path) -> Proposal:
    return load_proposal(folder / "voorstel" / "proposal.json")


def edit(folder: Path, change: Callable[[Any], None]) -> Path:
    """Copy proposal.xlsx to bewerkt.xlsx in the run folder and apply ``change``."""
    path = folder / "voorstel" / "bewerkt.xlsx"
    if not path.exists():
        shutil.copy(folder / "voorstel" / "proposal.xlsx", path)
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def set_cell(wb: Any, sheet: str, name: str, header: str, value: Any) -> None:
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    key = headers.index("Naam" if sheet == "Selectie" else "Deelnemer") + 1
    rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, key).value == name]
    assert rows, f"{name} not in {sheet}"
    for row in rows:
        ws.cell(row, headers.index(header) + 1).value = value


def session_number(wb: Any, round_number: int, name: str) -> int:
    ws = wb[f"Ronde {round_number}"]
    headers = [c.value for c in ws[1]]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, headers.index("Deelnemer") + 1).value == name:
            return int(ws.cell(row, headers.index("Sessie") + 1).value)
    raise AssertionError(name)


def balanced(members: list[str]) -> bool:
    deficit = sum(DEFICIT[m] for m in members)
    return abs(2 * deficit - len(members)) <= 2


def movable(proposal: Proposal, *, from_size: int, to_size: int) -> tuple[str, int, int]:
    """A member of a club of ``from_size`` whose move to a club of ``to_size`` keeps
    both clubs balanced: (name, from club, to club)."""
    for source in proposal.clubs:
        for target in proposal.clubs:
            if source.id == target.id or len(source.members) != from_size:
                continue
            if len(target.members) != to_size:
                continue
            for name in source.members:
                rest = [m for m in source.members if m != name]
                if balanced(rest) and balanced([*target.members, name]):
                    return name, source.id, target.id
    raise AssertionError("no balanced move in this proposal")


def repaired(folder: Path, out: str = "hersteld") -> tuple[Proposal, dict[str, Any]]:
    run = folder / out
    return load_proposal(run / "proposal.json"), json.loads(
        (run / "run.json").read_text(encoding="utf-8")
    )


def check_ok(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["check", str(path)])
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def set_format(wb: Any, members: tuple[str, ...], value: str) -> None:
    """Change the Werkvorm of a round-2 session on all its rows."""
    for member in members:
        set_cell(wb, "Ronde 2", member, "Werkvorm", value)


def test_a_moved_participant_stays_moved_and_nobody_else_changes_club(case, capsys):
    before = original(case)
    name, old, new = movable(before, from_size=9, to_size=8)
    untouched = next(s for r, s in before.layout.sessions() if r == 2 and s.club not in (old, new))
    fmt = next(f for f in SessionFormat if f is not untouched.format)

    def change(wb: Any) -> None:
        set_cell(wb, "Clubs", name, "Club", new)
        set_format(wb, untouched.members, fmt.value)

    edited = edit(case, change)
    assert main(["check", str(edited)]) == 1  # the sessions are broken by the move
    capsys.readouterr()

    assert run_cli(case, "hersteld", "--keep", str(edited)) == 0
    out = capsys.readouterr().out
    after, record = repaired(case)
    assert after.layout.club_of()[name] == new
    others = {n: c for n, c in before.layout.club_of().items() if n != name}
    assert {n: after.layout.club_of()[n] for n in others} == others
    assert not [line for line in after.moved if "van club" in line]
    assert record["repair"]["edits"][0] == f"{name}: in club {new} (was club {old})"
    assert f"{name}: in club {new} (was club {old})" in out
    members = set(untouched.members)
    [kept] = [s for r, s in after.layout.sessions() if r == 2 and set(s.members) == members]
    assert kept.format is fmt  # a changed format is carried over to the kept session
    check_ok(case / "hersteld" / "proposal.xlsx", capsys)


def test_a_move_that_unbalances_club_sizes_moves_one_other_and_says_why(case, capsys):
    before = original(case)
    name, _, new = movable(before, from_size=8, to_size=8)
    edited = edit(case, lambda wb: set_cell(wb, "Clubs", name, "Club", new))

    assert run_cli(case, "hersteld", "--keep", str(edited)) == 0
    after, record = repaired(case)
    assert after.layout.club_of()[name] == new
    moved = [
        n
        for n, c in before.layout.club_of().items()
        if n != name and after.layout.club_of()[n] != c
    ]
    assert len(moved) == 1, moved
    [line] = [line for line in after.moved if "van club" in line]
    assert line.startswith(f"{moved[0]}: van club")
    assert "zo gelijk mogelijk van grootte" in line
    assert record["repair"]["moved"] == list(after.moved)
    check_ok(case / "hersteld" / "proposal.xlsx", capsys)


def test_a_registrant_taken_out_of_the_selection_is_gone_and_the_rest_stays(case, capsys):
    before = original(case)
    big = next(c for c in before.clubs if len(c.members) == 9)
    name = next(m for m in big.members if balanced([n for n in big.members if n != m]))
    edited = edit(case, lambda wb: set_cell(wb, "Selectie", name, "Geselecteerd", "nee"))

    assert run_cli(case, "hersteld", "--keep", str(edited)) == 0
    after, record = repaired(case)
    assert name not in after.selected
    assert name not in after.layout.club_of()
    assert set(after.selected) == set(before.selected) - {name}
    others = {n: c for n, c in before.layout.club_of().items() if n != name}
    assert after.layout.club_of() == others
    assert f"{name}: uit de selectie gehaald" in record["repair"]["edits"]
    assert f'exclude = ["{name}"]' in (case / "hersteld" / "cycle.toml").read_text("utf-8")
    check_ok(case / "hersteld" / "proposal.xlsx", capsys)


def test_a_pair_put_together_in_both_rounds_is_a_conflict_and_nothing_is_written(case, capsys):
    before = original(case)
    club = before.clubs[0].members
    a, b = next(
        (a, b)
        for i, a in enumerate(club)
        for b in club[i + 1 :]
        if not any({a, b} <= set(s.members) for _, s in before.layout.sessions())
    )

    def together(wb: Any) -> None:
        for r in (1, 2):
            set_cell(wb, f"Ronde {r}", a, "Sessie", session_number(wb, r, b))

    edited = edit(case, together)
    assert run_cli(case, "hersteld", "--keep", str(edited)) == 1
    err = capsys.readouterr().err
    assert "zijn samen niet uit te voeren" in err
    assert f"pin: {min(a, b)} en {max(a, b)} samen in ronde" in err
    assert a in err and b in err
    assert "Er is niets weggeschreven." in err
    assert not (case / "hersteld").exists()


def test_session_and_host_edits_become_together_and_host_pins(case):
    before = original(case)
    config = load_cycle_config(case / "cycle.toml")
    registrations = Registrations(registrations=tuple(PEOPLE))
    first = next(s for r, s in before.layout.sessions() if r == 1 and len(s.members) == 3)
    mover = first.members[-1]
    target = next(
        s
        for r, s in before.layout.sessions()
        if r == 1 and s.club == first.club and s is not first and len(s.members) == 2
    )
    new_host = next(m for m in target.members if m != target.host)

    def change(wb: Any) -> None:
        set_cell(wb, "Ronde 1", mover, "Sessie", session_number(wb, 1, target.members[0]))
        set_cell(wb, "Ronde 1", target.host, "Host", "nee")
        set_cell(wb, "Ronde 1", new_host, "Host", "ja")

    path = edit(case, change)
    edited = read_edited_workbook(path, catalogue=config.catalogue)
    edits = find_edits(path, case / "voorstel", before, edited, registrations, config)
    group = sorted([mover, *target.members])
    assert {(t.members, t.round) for t in edits.together} == {
        ((x, y), 1) for i, x in enumerate(group) for y in group[i + 1 :]
    }
    assert [(p.name, p.round) for p in edits.host] == [(new_host, 1)]
    assert not edits.club and not edits.added and not edits.removed
    assert f"ronde 1: {', '.join(group)} samen in één bijeenkomst" in edits.lines()


def test_check_repair_writes_a_new_run_and_never_the_edited_folder(case, capsys):
    before = original(case)
    name, _, new = movable(before, from_size=9, to_size=8)
    edited = edit(case, lambda wb: set_cell(wb, "Clubs", name, "Club", new))
    content = edited.read_bytes()

    code = main(["check", str(edited), "--repair", "--out", str(case / "voorstel"), "--quiet"])
    assert code == 1
    assert "invoerbestand" in capsys.readouterr().err
    code = main(["check", str(edited), "--repair", "--out", str(case / "hersteld"), "--quiet"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Uitslag: NIET akkoord" in out  # the check of the edit itself, then the repair
    assert "vastgezet als pins: 1" in out
    assert edited.read_bytes() == content
    after, _ = repaired(case)
    assert after.layout.club_of()[name] == new
    check_ok(case / "hersteld" / "proposal.xlsx", capsys)


def test_a_registrant_added_in_clubs_takes_a_place_and_who_drops_out_is_explained(case, capsys):
    before = original(case)
    newcomer = registration("Gemeente 900", themes=tuple(THEMES[3:6]))
    config = load_cycle_config(case / "cycle.toml")
    write_registrations(
        Registrations(registrations=(*PEOPLE, newcomer)), case / "aanmeldingen.xlsx", config
    )
    club = next(c.id for c in before.clubs if len(c.members) == 8)
    edited = edit(case, lambda wb: wb["Clubs"].append([club, newcomer.name]))

    assert run_cli(case, "hersteld", "--keep", str(edited)) == 0
    after, record = repaired(case)
    assert "Gemeente 900: toegevoegd aan de selectie" in record["repair"]["edits"]
    assert after.layout.club_of()["Gemeente 900"] == club
    [dropped] = set(before.selected) - set(after.selected)
    assert len(after.selected) == 25  # the places of cycle.toml
    [line] = [m for m in after.moved if m.startswith(f"{dropped}: niet meer geselecteerd")]
    assert "26 plaatsen bezet, maar er zijn er 25" in line
    check_ok(case / "hersteld" / "proposal.xlsx", capsys)
