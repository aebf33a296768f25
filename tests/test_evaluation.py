"""``leernetwerk evaluatie`` on the pilot: the workbook, its located errors, the outputs."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from leernetwerk.cli import main
from leernetwerk.cycle import cycle_status, format_status
from leernetwerk.cycle.evaluation_data import latest_evaluation
from leernetwerk.cycle.evaluation_state import EVALUATION_DIR, EVALUATION_FILE
from leernetwerk.evaluation import model as m
from leernetwerk.proposal import load_proposal
from tests.evaluation_helpers import PILOT_CYCLE, decided_pilot, filled_pilot

TODAY = "2026-04-20"


@pytest.fixture(scope="module")
def pilot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return filled_pilot(tmp_path_factory.mktemp("pilot"))


@pytest.fixture
def cycle(pilot: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pilot, tmp_path / PILOT_CYCLE))


def _proposal(folder: Path):
    return load_proposal(next((folder / "runs").iterdir()))


def _set(folder: Path, sheet: str, row: int, column: str, value: object) -> None:
    path = folder / EVALUATION_FILE
    wb = load_workbook(path)
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    ws.cell(row, headers.index(column) + 1).value = value
    wb.save(path)


def test_template_is_prefilled_with_every_session_and_participant(tmp_path):
    folder = decided_pilot(tmp_path)
    assert main(["evaluatie", str(folder), "--template"]) == 0
    proposal = _proposal(folder)
    wb = load_workbook(folder / EVALUATION_FILE)
    assert wb.sheetnames == [
        m.SHEET_INSTRUCTIONS,
        m.SHEET_SESSIONS,
        m.SHEET_RATINGS,
        m.SHEET_REFLECTION,
        m.SHEET_END_SCORES,
    ]
    sessions = list(wb[m.SHEET_SESSIONS].iter_rows(min_row=2, values_only=True))
    planned = [(r.round, s) for r in proposal.rounds for s in r.sessions]
    assert len(sessions) == len(planned) == 6
    assert {(row[0], row[1], row[3]) for row in sessions} == {
        (s.club, rnd, "; ".join(s.members)) for rnd, s in planned
    }
    ratings = list(wb[m.SHEET_RATINGS].iter_rows(min_row=2, values_only=True))
    assert len(ratings) == sum(len(s.members) for _, s in planned)
    names = sorted(n for c in proposal.clubs for n in c.members)
    for sheet in (m.SHEET_REFLECTION, m.SHEET_END_SCORES):
        rows = wb[sheet].iter_rows(min_row=2, values_only=True)
        assert sorted(row[1] for row in rows) == names
    # dropdowns: Gehouden on Bijeenkomsten, the three cijfers on Beoordelingen
    held = wb[m.SHEET_SESSIONS].data_validations.dataValidation[0]
    assert held.formula1 == '"ja,nee,verplaatst"'
    scores = wb[m.SHEET_RATINGS].data_validations.dataValidation
    assert {v.formula1 for v in scores} == {'"1,2,3,4,5"'}
    instructions = " ".join(str(c.value) for c in wb[m.SHEET_INSTRUCTIONS]["A"] if c.value)
    assert "verplaatst" in instructions and m.SHEET_END_SCORES in instructions


def test_template_never_over_a_filled_workbook(cycle, capsys):
    before = (cycle / EVALUATION_FILE).read_bytes()
    assert main(["evaluatie", str(cycle), "--template"]) == 1
    assert "wordt niet overschreven" in capsys.readouterr().err
    assert (cycle / EVALUATION_FILE).read_bytes() == before


def test_refused_before_the_matching_decision(tmp_path, capsys):
    folder = decided_pilot(tmp_path)
    for decision in (folder / "decisions").glob("*-matching.json"):
        decision.unlink()
    assert main(["evaluatie", str(folder), "--template"]) == 1
    assert "matchingbesluit" in capsys.readouterr().err
    assert not (folder / EVALUATION_FILE).exists()


def test_figures_are_written_into_a_new_dated_folder_each_time(cycle, capsys):
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 0
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 0
    first, second = cycle / EVALUATION_DIR / TODAY, cycle / EVALUATION_DIR / f"{TODAY}-2"
    for folder in (first, second):
        assert sorted(p.name for p in folder.iterdir()) == [
            "evaluatie.html",
            "evaluatie.json",
            "overzicht.xlsx",
        ]
    # deterministic: the same workbook on the same day gives the same files
    for name in ("evaluatie.json", "evaluatie.html"):
        assert (first / name).read_bytes() == (second / name).read_bytes()
    figures = json.loads((first / "evaluatie.json").read_text(encoding="utf-8"))
    assert figures["cycle"] == "pilot-2025-2026" and figures["generated_on"] == TODAY
    assert figures["illustrative"] is True
    sessions = figures["sessions"]
    assert sessions["planned"] == 6
    assert sessions["held"] + sessions["cancelled"] + sessions["not_reported"] == 6
    overview = load_workbook(first / "overzicht.xlsx")
    assert "Groei per thema" in overview.sheetnames and "Open punten" in overview.sheetnames


def test_status_shows_the_evaluation(cycle):
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 0
    text = format_status(cycle_status(cycle, today=dt.date(2026, 4, 21)))
    assert "Evaluatie:" in text and f"{EVALUATION_FILE} aanwezig" in text
    assert str(cycle / EVALUATION_DIR / TODAY) in text


def test_missing_workbook_says_how_to_make_one(tmp_path, capsys):
    folder = decided_pilot(tmp_path)
    assert main(["evaluatie", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "--template" in err and "Traceback" not in err
    assert not (folder / EVALUATION_DIR).exists()


def test_broken_workbook_every_error_located_in_one_pass(cycle, capsys):
    """Wrong score, unknown participant, session not in the plan, date outside the cycle."""
    _set(cycle, m.SHEET_RATINGS, 2, m.COL_USEFUL, 7)
    _set(cycle, m.SHEET_RATINGS, 3, m.COL_PARTICIPANT, "Zwole")
    _set(cycle, m.SHEET_RATINGS, 4, m.COL_SESSION, 9)
    _set(cycle, m.SHEET_SESSIONS, 2, m.COL_HELD, "ja")
    _set(cycle, m.SHEET_SESSIONS, 2, m.COL_DATE, "15-10-2019")
    _set(cycle, m.SHEET_END_SCORES, 2, "Handhaving", 5)
    _set(cycle, m.SHEET_REFLECTION, 3, m.COL_PARTICIPANT, "Onbekendorp")
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()

    def line_with(*parts: str) -> str:
        found = [line for line in lines if all(p in line for p in parts)]
        assert found, f"geen regel met {parts} in:\n{err}"
        return found[0]

    assert "1 tot en met 5" in line_with(
        "blad 'Beoordelingen'", "rij 2", "kolom 'Nuttig'", "waarde: '7'"
    )
    assert "Bedoelde u 'Zwolle'?" in line_with(
        "blad 'Beoordelingen'", "rij 3", "kolom 'Deelnemer'", "'Zwole'", "onbekende deelnemer"
    )
    assert "Sessies van club 1 in ronde" in line_with(
        "blad 'Beoordelingen'", "rij 4", "kolom 'Sessie'", "waarde: '9'", "niet in de planning"
    )
    assert "Controleer het jaar" in line_with(
        "blad 'Bijeenkomsten'", "rij 2", "kolom 'Datum'", "2019", "buiten de cyclus"
    )
    line_with("blad 'Zelfevaluatie eind'", "rij 2", "kolom 'Handhaving'", "waarde: '5'", "0 tot")
    line_with("blad 'Reflectie'", "rij 3", "kolom 'Deelnemer'", "Onbekendorp")
    assert sum(line.startswith("Fout") for line in lines) == 6
    assert not (cycle / EVALUATION_DIR).exists()


def test_ratings_of_a_cancelled_session_and_members_outside_it(cycle, capsys):
    proposal = _proposal(cycle)
    first = proposal.rounds[0].sessions[0]
    outsider = next(n for c in proposal.clubs for n in c.members if n not in first.members)
    _set(cycle, m.SHEET_SESSIONS, 2, m.COL_HELD, "nee")
    _set(cycle, m.SHEET_RATINGS, 2, m.COL_USEFUL, 4)
    _set(cycle, m.SHEET_RATINGS, 3, m.COL_PARTICIPANT, outsider)
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert "niet gehouden" in err and "rij 2" in err
    assert f"waarde: '{outsider}'" in err and "zit niet in club 1 ronde 1 sessie 1" in err
    assert not (cycle / EVALUATION_DIR).exists()


def test_missing_sheet_and_damaged_file(cycle, capsys):
    path = cycle / EVALUATION_FILE
    wb = load_workbook(path)
    wb[m.SHEET_REFLECTION].title = "Reflecties oud"
    wb.save(path)
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert "het verplichte blad 'Reflectie' ontbreekt" in err and "Reflecties oud" in err
    path.unlink()
    path.write_bytes(b"geen excel")
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert f"bestand '{EVALUATION_FILE}'" in err and "Traceback" not in err
    assert not (cycle / EVALUATION_DIR).exists()


def test_formula_like_lessons_stay_text(cycle):
    _set(cycle, m.SHEET_REFLECTION, 2, m.COL_LESSONS, None)
    path = cycle / EVALUATION_FILE
    wb = load_workbook(path)
    cell = wb[m.SHEET_REFLECTION].cell(2, 5)
    cell.value = "=SOM(A1) is geen formule"
    cell.data_type = "s"
    wb.save(path)
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 0
    folder = cycle / EVALUATION_DIR / TODAY
    figures = json.loads((folder / "evaluatie.json").read_text(encoding="utf-8"))
    assert "=SOM(A1) is geen formule" in [lesson["text"] for lesson in figures["lessons"]]
    lessons = load_workbook(folder / "overzicht.xlsx")["Lessen"]
    found = [c for row in lessons.iter_rows() for c in row if c.value == "=SOM(A1) is geen formule"]
    assert found and found[0].data_type == "s"


def test_a_rating_twice_is_an_error_naming_the_first_row(cycle, capsys):
    path = cycle / EVALUATION_FILE
    wb = load_workbook(path)
    ws = wb[m.SHEET_RATINGS]
    first = [c.value for c in ws[2]]
    ws.append(first)
    last = ws.max_row
    wb.save(path)
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert f"blad 'Beoordelingen', rij {last}, kolom 'Deelnemer'" in err
    assert "deze beoordeling staat al in rij 2" in err


def test_session_usefulness_reaches_the_history_reader(cycle, capsys):
    """The per-session mean of 'Nuttig' in evaluatie.json is what the next cycle reads."""
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 0
    found = latest_evaluation(cycle)
    assert found is not None
    wb = load_workbook(cycle / EVALUATION_FILE, read_only=True)
    rows = list(wb[m.SHEET_RATINGS].iter_rows(min_row=2, values_only=True))
    headers = [c.value for c in next(wb[m.SHEET_RATINGS].iter_rows(max_row=1))]
    col = {h: i for i, h in enumerate(headers)}
    for session in found[1].sessions.attendance:
        scores = [
            r[col["Nuttig"]]
            for r in rows
            if (r[col["Club"]], r[col["Ronde"]], r[col["Sessie"]])
            == (session.club, session.round, session.session)
            and isinstance(r[col["Nuttig"]], int)
        ]
        if session.held in ("ja", "verplaatst") and scores:
            assert session.usefulness == pytest.approx(sum(scores) / len(scores), abs=0.01)
        else:
            assert session.usefulness is None
    pairs = found[1].session_usefulness()
    assert pairs and all(1 <= v <= 5 for values in pairs.values() for v in values)
