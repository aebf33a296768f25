"""``leernetwerk draaiboek`` and ``leernetwerk startbijeenkomst`` after the matching decision."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from leernetwerk.cli import main
from leernetwerk.config import load_cycle_config
from leernetwerk.cycle import MeetingKind
from leernetwerk.documents.render import dated_folder
from leernetwerk.domain import Registrations
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import Proposal, load_proposal
from tests.documents_helpers import copy_cycle, date_plan, decide, text_of

TODAY = "2026-08-15"


@pytest.fixture(scope="module")
def base(
    national_cycle: tuple[Path, str], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    folder = copy_cycle(national_cycle[0], tmp_path_factory.mktemp("documents") / "2026-2027")
    decide(folder, national_cycle[1], ("selection",))
    return folder, national_cycle[1]


@pytest.fixture
def matched(base: tuple[Path, str], tmp_path: Path) -> Path:
    folder = copy_cycle(base[0], tmp_path / "2026-2027")
    decide(folder, base[1], ("matching",))
    return folder


def _proposal(folder: Path) -> Proposal:
    return load_proposal(next((folder / "runs").iterdir()))


def _registrations(folder: Path) -> Registrations:
    return load_registrations(
        folder / "aanmeldingen.xlsx", load_cycle_config(folder / "cycle.toml")
    )


@pytest.mark.parametrize("command", ["draaiboek", "startbijeenkomst"])
def test_refused_before_the_matching_decision(base, tmp_path, capsys, command):
    folder = copy_cycle(base[0], tmp_path / "c")
    assert main([command, str(folder), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert "matchingbesluit" in err and "Traceback" not in err
    assert not (folder / "draaiboeken").exists() and not (folder / "startbijeenkomsten").exists()


def _dated_rows(folder: Path) -> tuple[list[dict[str, str]], dict[int, str]]:
    """Date the first session of the plan and every start meeting but the last."""
    rows = date_plan(folder, {})
    dates = {}
    kinds = [row["Soort"] for row in rows]
    starts = [i for i, k in enumerate(kinds) if k == MeetingKind.START.value]
    sessions = [i for i, k in enumerate(kinds) if k == MeetingKind.SESSION.value]
    for offset, index in enumerate(starts[:-1]):
        dates[index] = f"2026-09-{15 + offset:02d}"
    dates[sessions[0]] = "6-10-2026"
    return date_plan(folder, dates), dates


def test_a_draaiboek_per_session_with_everything_filled_in(matched, capsys):
    rows, dates = _dated_rows(matched)
    assert main(["draaiboek", str(matched), "--today", TODAY, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    written = [Path(f) for f in summary["bestanden"]]
    files = [f for f in written if f.suffix == ".docx"]
    proposal = _proposal(matched)
    assert len(files) == sum(len(r.sessions) for r in proposal.rounds)
    # plus the manifest that tells `status` which session each draaiboek is for
    assert {f.name for f in written} - {f.name for f in files} == {"draaiboeken.json"}
    manifest = json.loads((files[0].parent / "draaiboeken.json").read_text(encoding="utf-8"))
    assert sorted(e["file"] for e in manifest["draaiboeken"]) == sorted(f.name for f in files)
    assert all(f.parent == matched / "draaiboeken" / TODAY and f.is_file() for f in files)

    registrations = _registrations(matched).by_name()
    session = proposal.rounds[0].sessions[0]
    (first,) = [f for f in files if f.name.startswith("club-1-ronde-1-sessie-1-")]
    text = text_of(first)
    assert "Datum: 6 oktober 2026, 10:00–15:00" in text
    assert f"Host: {session.host}" in text
    for name in session.members:
        assert registrations[name].contact in text and registrations[name].email in text
    for number, theme in enumerate(session.themes, start=1):
        assert f"Blok {number}: {theme}" in text
        assert f"Leerkaart blok {number}: {theme}" in text
    # each member's learning question on a theme comes from sheet Leerthemas
    member = session.members[0]
    choice = next(c for c in registrations[member].themes if c.theme == session.themes[0])
    assert choice.want_to_learn.rstrip(".?") in text
    assert f"Werkvorm: {session.format.value}. {session.format.label}" in text
    # every slot of appendix D filled in
    for slot in ("10:00–10:30", "10:30–11:00", "11:00–12:15", "12:15–12:30", "12:30–13:00"):
        assert f"{slot} | " in text
    assert "13:00–14:00 | Blok 2:" in text
    assert "14:30–15:00 | Afsluiting" in text
    assert "{{" not in text and "{%" not in text
    # the preparation call's checklist a–f, its date still open
    assert "Datum van het gesprek: datum volgt" in text
    for letter in "abcdef":
        assert f"\n{letter}. " in text
    assert "casus of dilemma" in text and "Bewonderpunten" in text

    undated = text_of(next(f for f in files if f.name.startswith("club-1-ronde-2-")))
    assert "Datum: datum volgt" in undated


def test_a_draaiboek_lists_the_data_sources_that_fit_its_themes(matched):
    main(["draaiboek", str(matched), "--today", TODAY])
    folder = matched / "draaiboeken" / TODAY
    proposal = _proposal(matched)
    checked = 0
    for round_ in proposal.rounds:
        for index, session in enumerate(round_.sessions, start=1):
            (path,) = folder.glob(f"club-{session.club}-ronde-{round_.round}-sessie-{index}-*")
            text = text_of(path)
            assert ("BUIG-budgettool" in text) == bool(
                {"Financieel", "Beleid", "Data- en informatiegedreven werken"} & set(session.themes)
            )
            checked += "Financieel" in session.themes
    assert checked  # the national example has sessions on Financieel


def test_a_start_pack_per_club(matched, capsys):
    rows, dates = _dated_rows(matched)
    assert main(["startbijeenkomst", str(matched), "--today", TODAY]) == 0
    assert "3 bestanden (startpakketten)" in capsys.readouterr().out
    proposal = _proposal(matched)
    registrations = _registrations(matched).by_name()
    folder = matched / "startbijeenkomsten" / TODAY
    assert sorted(p.name for p in folder.iterdir()) == [f"club-{c.id}.docx" for c in proposal.clubs]
    text = text_of(folder / "club-1.docx")
    assert "Startbijeenkomst club 1" in text
    assert "Datum: 15 september 2026" in text
    assert "a. Kennismaking" in text and "f. Inplannen van de leerbijeenkomsten" in text
    assert "ronde 1: 1 september 2026 – 31 december 2026" in text
    for name in proposal.clubs[0].members:
        registration = registrations[name]
        assert f"{registration.contact} | {registration.email}" in text
        for choice in registration.themes:
            assert f"{choice.rank}. {choice.theme}: " in text
    first = proposal.rounds[0].sessions[0]
    assert f"1 | 6 oktober 2026 | {first.host} | {', '.join(first.members)}" in text
    assert "| datum volgt |" in text
    last = text_of(folder / f"club-{proposal.clubs[-1].id}.docx")
    assert "Datum: datum volgt" in last


def test_a_second_run_never_overwrites(matched, capsys):
    assert main(["startbijeenkomst", str(matched), "--today", TODAY]) == 0
    first = matched / "startbijeenkomsten" / TODAY
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    assert main(["startbijeenkomst", str(matched), "--today", TODAY]) == 0
    assert "bestaat al" in capsys.readouterr().out
    second = matched / "startbijeenkomsten" / f"{TODAY}-2"
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    assert {p.name: p.read_bytes() for p in second.iterdir()} == before  # deterministic


def test_dated_folder_counts_on(tmp_path):
    day = dt.date(2026, 8, 15)
    (tmp_path / "2026-08-15").mkdir()
    (tmp_path / "2026-08-15-2").mkdir()
    folder, note = dated_folder(tmp_path, day)
    assert folder.name == "2026-08-15-3" and note and "2026-08-15-3" in note
