"""The whole execution path of issue 11 on the national example, through the CLI:
init → run → decide selection → brieven → decide matching → plan --template, absences
→ plan → startbijeenkomst → draaiboek → calendar per participant, every document read
back."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import icalendar
from openpyxl import load_workbook

from leernetwerk.cli import main
from leernetwerk.cycle import PLAN_FILE, read_plan
from leernetwerk.timeline import MeetingKind
from tests.documents_helpers import WORKBOOK, text_of


def only(folder: Path) -> Path:
    (child,) = [p for p in folder.iterdir() if p.is_dir()]
    return child


def test_from_a_fresh_cycle_folder_to_every_document(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    cycle = tmp_path / "2027-2028"
    assert main(["init", str(cycle), "--budget-year", "2026"]) == 0
    assert (cycle / "sjablonen").is_dir()
    shutil.copy(WORKBOOK, cycle / "aanmeldingen.xlsx")
    config = cycle / "cycle.toml"
    assert main(["run", str(cycle / "aanmeldingen.xlsx"), "--cycle", str(config), "--quiet"]) == 0
    run = only(cycle / "runs").name

    assert main(["brieven", str(cycle)]) == 1  # not before the selection decision
    assert main(["decide", str(cycle), "selection", "--run", run]) == 0
    assert main(["brieven", str(cycle)]) == 0
    letters = only(cycle / "brieven")
    mailing = load_workbook(letters / "verzendlijst.xlsx").worksheets[0]
    rows = list(mailing.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 61 and all(row[-1] and (letters / row[-1]).is_file() for row in rows)

    assert main(["decide", str(cycle), "matching", "--run", run]) == 0
    assert main(["plan", str(cycle), "--template"]) == 0
    absences = cycle / "afwezig.xlsx"
    book = load_workbook(absences)
    sheet = book.worksheets[0]
    first = read_plan(cycle / PLAN_FILE)[0][0]
    away = first.members[0]
    sheet.append([away, dt.date(2027, 10, 1), dt.date(2027, 11, 15), "vakantie"])
    book.save(absences)
    assert main(["plan", str(cycle), "--afwezig", str(absences)]) == 0

    meetings, _ = read_plan(cycle / PLAN_FILE)
    planned = [m for m in meetings if m.kind in (MeetingKind.START, MeetingKind.SESSION)]
    assert len(planned) == 3 + 24 and all(m.date is not None for m in planned)
    mine = [m for m in meetings if away in m.members and m.date is not None]
    assert not any(dt.date(2027, 10, 1) <= m.date <= dt.date(2027, 11, 15) for m in mine)  # type: ignore[operator]

    session = next(m for m in meetings if m.preparation is not None)
    assert session.date is not None and session.preparation is not None
    week_before = (session.date - dt.timedelta(days=7)).isoformat()
    capsys.readouterr()
    main(["status", str(cycle), "--today", week_before])
    status = capsys.readouterr().out
    assert "brieven gemaakt in brieven/" in status
    assert "draaiboek ontbreekt" in status and session.members[0] in status

    assert main(["startbijeenkomst", str(cycle)]) == 0
    assert main(["draaiboek", str(cycle)]) == 0
    capsys.readouterr()
    main(["status", str(cycle), "--today", week_before])
    assert "draaiboek ontbreekt" not in capsys.readouterr().out
    main(["status", str(cycle), "--today", session.preparation.isoformat()])
    assert "voorbereidend gesprek deze week" in capsys.readouterr().out
    draaiboeken = only(cycle / "draaiboeken")
    texts = [text_of(path) for path in sorted(draaiboeken.glob("*.docx"))]
    assert len(texts) == 24
    day = f"{session.date.day} "  # type: ignore[union-attr]
    assert any(
        all(name in text for name in session.members) and day in text and "datum volgt" not in text
        for text in texts
    )
    packs = [text_of(path) for path in only(cycle / "startbijeenkomsten").glob("*.docx")]
    assert len(packs) == 3 and all("datum volgt" not in pack for pack in packs)

    assert main(["calendar", str(cycle), "--agenda"]) == 0
    calendars = only(cycle / "agenda")
    capsys.readouterr()
    main(["status", str(cycle), "--today", week_before])
    status = capsys.readouterr().out
    for folder in ("startbijeenkomsten/", "draaiboeken/", "agenda/"):
        assert folder in status
    own = next(calendars.glob(f"*{away.split()[0]}*.ics"))
    events = icalendar.Calendar.from_ical(own.read_bytes()).walk("VEVENT")
    assert events and all(e.decoded("dtstart") for e in events)
