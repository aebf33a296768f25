"""The cycle calendar: milestones, dated meetings and a reproducible .ics file."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from icalendar import Calendar
from test_cycle import _decide_both, make_cycle

from leernetwerk.calendar import cycle_calendar, format_calendar, to_ical, write_ics
from leernetwerk.cli import main
from leernetwerk.cycle import PLAN_FILE
from leernetwerk.errors import UserError


def _date_sessions(folder, dates):
    """Fill in the Datum column of the plan's learning sessions, in order."""
    path = folder / PLAN_FILE
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    pending = iter(dates)
    for row in rows:
        if row["Soort"] == "leerbijeenkomst":
            row["Datum"] = next(pending, "")
            row["Locatie"] = "Zwolle"
    path.unlink()
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def cycle(tmp_path):
    """A decided cycle whose four learning sessions have dates."""
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    _decide_both(folder)
    _date_sessions(folder, ["2027-10-05", "15-11-2027", "2028-01-20", "2028-02-14"])
    return folder


def test_milestones_and_dated_sessions_are_listed_in_dutch(cycle):
    text = format_calendar(cycle_calendar(cycle))
    assert "1 mei 2027: Uiterlijk: aanmeldingen binnen" in text
    assert "5 oktober 2027, 10:00–15:00: Leerbijeenkomst club 1 ronde 1" in text
    assert "Nog zonder datum" in text and "startbijeenkomst club 1" in text


def test_without_a_plan_only_phases_and_milestones(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    calendar = cycle_calendar(folder)
    assert calendar.undated == ()
    assert all(item.times is None for item in calendar.items)


def test_ics_parses_back_with_every_event(cycle, tmp_path):
    path = write_ics(cycle_calendar(cycle), tmp_path / "cyclus.ics")
    parsed = Calendar.from_ical(path.read_bytes())
    events = list(parsed.walk("VEVENT"))
    sessions = [e for e in events if str(e["SUMMARY"]).startswith("Leerbijeenkomst")]
    assert len(sessions) == 4
    first = min(sessions, key=lambda e: e.decoded("DTSTART"))
    start, end = first.decoded("DTSTART"), first.decoded("DTEND")
    assert (start.date(), start.hour, end.hour) == (dt.date(2027, 10, 5), 10, 15)
    assert str(start.tzinfo) in ("Europe/Amsterdam", "CET")
    assert str(first["LOCATION"]) == "Zwolle"
    assert len({str(e["UID"]) for e in events}) == len(events)
    assert {e.decoded("DTSTAMP") for e in events} == {dt.datetime(2027, 1, 1, tzinfo=dt.UTC)}
    assert list(parsed.walk("VTIMEZONE"))


def test_ics_is_reproducible(cycle):
    assert to_ical(cycle_calendar(cycle)) == to_ical(cycle_calendar(cycle))


def _session_events(folder):
    """Learning-session events by summary (unique: it names the members)."""
    events = Calendar.from_ical(to_ical(cycle_calendar(folder))).walk("VEVENT")
    return {str(e["SUMMARY"]): e for e in events if str(e["SUMMARY"]).startswith("Leer")}


def test_uids_do_not_change_when_a_date_moves(cycle):
    before = _session_events(cycle)
    _date_sessions(cycle, ["2027-10-06", "15-11-2027", "2028-01-20", "2028-02-14"])
    after = _session_events(cycle)
    title = "Leerbijeenkomst club 1 ronde 1 (Amstelveen, Wageningen)"
    assert before[title].decoded("DTSTART").date() == dt.date(2027, 10, 5)
    assert after[title].decoded("DTSTART").date() == dt.date(2027, 10, 6)
    assert str(after[title]["UID"]) == str(before[title]["UID"])


def test_ics_never_overwrites(cycle, tmp_path, capsys):
    target = tmp_path / "cyclus.ics"
    target.write_text("eigen bestand", encoding="utf-8")
    assert main(["calendar", str(cycle), "--ics", str(target)]) == 1
    assert "niet overschreven" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "eigen bestand"


def test_calendar_cli_writes_ics(cycle, tmp_path, capsys):
    target = tmp_path / "cyclus.ics"
    assert main(["calendar", str(cycle), "--ics", str(target)]) == 0
    assert "Kalender geschreven" in capsys.readouterr().out
    assert Calendar.from_ical(target.read_bytes())["X-WR-CALNAME"] == "Leernetwerk cyclus 2027-2028"


def test_a_broken_plan_is_reported_not_exported(cycle):
    (cycle / PLAN_FILE).write_text("Soort;Datum\nborrel;morgen\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        cycle_calendar(cycle)
    assert {p.column for p in info.value.problems} == {"Soort", "Datum"}
