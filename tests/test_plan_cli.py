"""`leernetwerk plan` and `calendar --ics-per-deelnemer` on a cycle with a decided matching."""

from __future__ import annotations

import csv
import datetime as dt
import json

import openpyxl
import pytest
from icalendar import Calendar
from test_cycle import PEOPLE, TWO_ROUNDS, make_cycle, make_proposal, make_run

from leernetwerk.calendar import cycle_calendar, to_ical
from leernetwerk.cli import main
from leernetwerk.cycle import MeetingKind, read_plan, record_decision

CYCLE = "2027-2028"


def _decided(tmp_path, extra_toml: str = ""):
    folder = make_cycle(tmp_path, CYCLE, 2026)
    if extra_toml:
        with open(folder / "cycle.toml", "a", encoding="utf-8") as handle:
            handle.write(extra_toml)
    run = make_run(folder, "20270601-100000-c0ffee00", make_proposal(CYCLE, PEOPLE, (), TWO_ROUNDS))
    record_decision(folder, "selection", run)
    record_decision(folder, "matching", run)
    return folder


def _absent(folder, rows):
    assert main(["plan", str(folder), "--template"]) == 0
    wb = openpyxl.load_workbook(folder / "afwezig.xlsx")
    for row in rows:
        wb["Afwezigheid"].append(list(row))
    wb.save(folder / "afwezig.xlsx")


def _files(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_plan_dates_every_meeting_around_the_absences_and_keeps_the_old_plan(tmp_path, capsys):
    folder = _decided(tmp_path)
    away = (dt.date(2027, 9, 1), dt.date(2027, 9, 24))
    _absent(folder, [("Zwolle", *away, "vakantie")])
    before = (folder / "sessies.csv").read_bytes()
    assert main(["plan", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "5 bijeenkomsten ingepland (1 afwezigheden meegenomen)" in out
    (history,) = folder.glob("sessies-*.csv")
    assert history.read_bytes() == before, "the previous plan is kept as it was"
    meetings, problems = read_plan(folder / "sessies.csv")
    assert not problems
    planned = [m for m in meetings if m.kind in (MeetingKind.START, MeetingKind.SESSION)]
    start = next(m for m in planned if m.kind is MeetingKind.START)
    assert dt.date(2027, 9, 1) <= start.date <= dt.date(2027, 9, 30)
    assert start.date > away[1], "Zwolle is away until 24 September"
    for meeting in planned:
        assert meeting.date.weekday() in (1, 2, 3)
        assert meeting.times() == (dt.time(10), dt.time(15))
        if meeting.kind is MeetingKind.SESSION:
            assert meeting.date > start.date
            assert meeting.location == meeting.host
            assert 14 <= (meeting.date - meeting.preparation).days <= 28
            first, last = (2027, 9, 1), (2027, 12, 31)
            if meeting.round == 2:
                first, last = (2028, 1, 1), (2028, 3, 31)
            assert dt.date(*first) <= meeting.date <= dt.date(*last)
            if "Zwolle" in meeting.members:
                assert not away[0] <= meeting.preparation <= away[1]
    undated = [m for m in meetings if m not in planned]
    assert undated and all(m.date is None for m in undated), "evaluations are not planned"


def test_a_hand_filled_date_is_kept_and_a_second_run_writes_nothing(tmp_path, capsys):
    folder = _decided(tmp_path)
    plan = folder / "sessies.csv"
    rows = list(csv.reader(plan.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    rows[2][6] = "9-11-2027"  # first session of round 1, on a Tuesday
    with open(plan, "w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    assert main(["plan", str(folder), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert len(summary["ingepland"]) == 5  # the fixed session still gets its call
    meetings, _ = read_plan(plan)
    assert meetings[1].date == dt.date(2027, 11, 9)
    assert meetings[1].preparation is not None
    assert main(["plan", str(folder)]) == 0
    assert "niets geschreven" in capsys.readouterr().out
    assert len(list(folder.glob("sessies-*.csv"))) == 1


def test_an_impossible_plan_names_members_and_weeks_and_writes_nothing(tmp_path, capsys):
    folder = _decided(tmp_path)
    _absent(
        folder,
        [
            ("Amstelveen", dt.date(2027, 9, 1), dt.date(2027, 9, 17), ""),
            ("Leeuwarden", dt.date(2027, 9, 18), dt.date(2027, 9, 30), ""),
        ],
    )
    before = _files(folder)
    assert main(["plan", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "Niet alle bijeenkomsten zijn in te plannen" in err
    assert "startbijeenkomst club 1" in err and "rij 2" in err
    assert "Amstelveen is afwezig in week 35" in err
    assert "week 37 (13–17 september 2027)" in err
    assert "Leeuwarden is afwezig in week 38 (20–24 september 2027) en week 39" in err
    assert "Wageningen" not in err.split("Wat u kunt doen")[0].split("moet tussen")[1]
    assert "Er is niets weggeschreven." in err
    assert _files(folder) == before


def test_too_few_days_for_the_staff_is_explained_by_the_per_day_limit(tmp_path, capsys):
    folder = _decided(tmp_path, '\n[planning]\nweekdays = ["dinsdag"]\nsessions_per_day = 1\n')
    _absent(folder, [("Uitvoerder", dt.date(2027, 10, 1), dt.date(2027, 12, 31), "")])
    assert main(["plan", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "Niet alle bijeenkomsten" in err and "Er is niets weggeschreven." in err
    assert "hoogstens 1 bijeenkomsten per dag ([planning] sessions_per_day)" in err
    assert "te weinig dagen vrij" in err


def test_plan_before_the_matching_is_decided_is_a_dutch_error(tmp_path, capsys):
    folder = make_cycle(tmp_path, CYCLE, 2026)
    assert main(["plan", str(folder)]) == 1
    assert "nog geen matching besloten" in capsys.readouterr().err
    assert main(["plan", str(folder), "--afwezig", str(tmp_path / "x.xlsx")]) == 1


def test_bad_absences_stop_the_plan_with_located_errors(tmp_path, capsys):
    folder = _decided(tmp_path)
    _absent(folder, [("Zwole", "1-9-2027", "", "")])
    before = _files(folder)
    assert main(["plan", str(folder)]) == 1
    assert "kolom 'Naam' (waarde: 'Zwole')" in capsys.readouterr().err
    assert _files(folder) == before


def test_one_calendar_per_participant_with_only_its_own_meetings(tmp_path, capsys):
    folder = _decided(tmp_path)
    assert main(["plan", str(folder)]) == 0
    agenda = tmp_path / "agenda"
    assert main(["calendar", str(folder), "--ics-per-deelnemer", str(agenda)]) == 0
    assert "4 agenda's per deelnemer" in capsys.readouterr().out
    whole = cycle_calendar(folder)
    uids = {}
    cal = Calendar.from_ical(to_ical(whole))
    for event in cal.walk("VEVENT"):
        uids[str(event["uid"])] = str(event["summary"])
    assert sorted(p.name for p in agenda.iterdir()) == sorted(f"{n}.ics" for n in PEOPLE)
    for name in PEOPLE:
        own = Calendar.from_ical((agenda / f"{name}.ics").read_bytes())
        events = list(own.walk("VEVENT"))
        # start meeting, two sessions, two preparation calls
        assert len(events) == 5
        for event in events:
            assert name in str(event["description"]) or name in str(event["summary"])
            assert str(event["uid"]) in uids
        assert sum("Voorbereidingsgesprek" in str(e["summary"]) for e in events) == 2
    assert main(["calendar", str(folder), "--ics-per-deelnemer", str(agenda)]) == 1


@pytest.mark.parametrize("flag", ["--template"])
def test_the_template_is_not_overwritten(tmp_path, capsys, flag):
    folder = _decided(tmp_path)
    assert main(["plan", str(folder), flag]) == 0
    assert main(["plan", str(folder), flag]) == 1
    assert "bestaat al" in capsys.readouterr().err
