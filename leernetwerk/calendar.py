"""The cycle calendar: phases, milestones and dated meetings, as text or iCalendar.

The ``.ics`` output is reproducible: UIDs are derived from what an event *is*
(cycle, kind, club, round, members), not from its date, so re-exporting after
a date change updates the event in a calendar client instead of duplicating
it; DTSTAMP is fixed at 1 January of the cycle's recruitment year instead of
"now". Meetings carry the Europe/Amsterdam time zone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from leernetwerk.cycle import PLAN_FILE, Meeting, cycle_dir_of, load_cycle, milestones, read_plan
from leernetwerk.errors import UserError
from leernetwerk.fsutil import write_new_file, write_outputs
from leernetwerk.timeline import CycleTable, format_date, phase_windows

TIMEZONE = ZoneInfo("Europe/Amsterdam")
UID_DOMAIN = "leernetwerk"


@dataclass(frozen=True)
class CalendarItem:
    """One event: all-day (``start``/``end`` dates) or timed (``times`` set)."""

    key: str
    """Identity used for the UID (independent of the date)."""
    title: str
    start: dt.date
    end: dt.date
    """Inclusive last day."""
    times: tuple[dt.time, dt.time] | None = None
    location: str = ""
    description: str = ""
    members: tuple[str, ...] = ()
    """Participants the event concerns (their own calendars get it)."""


PREPARATION_HOURS = (dt.time(10, 0), dt.time(11, 0))
"""The digital preparation call of a session: one hour (the plan holds only its date)."""


@dataclass(frozen=True)
class CycleCalendar:
    name: str
    budget_year: int
    items: tuple[CalendarItem, ...]
    undated: tuple[Meeting, ...]


def _meeting_item(name: str, meeting: Meeting) -> CalendarItem:
    assert meeting.date is not None
    identity = "|".join(
        [name, meeting.kind.value, str(meeting.club), str(meeting.round), ";".join(meeting.members)]
    )
    lines = []
    if meeting.host:
        lines.append(f"Host: {meeting.host}")
    if meeting.members:
        lines.append(f"Deelnemers: {', '.join(meeting.members)}")
    if meeting.themes:
        lines.append(f"Thema's: {'; '.join(meeting.themes)}")
    title = meeting.describe()
    return CalendarItem(
        key=identity,
        title=f"{title[0].upper()}{title[1:]}",
        start=meeting.date,
        end=meeting.date,
        times=meeting.times(),
        location=meeting.location,
        description="\n".join(lines),
        members=meeting.members,
    )


def _preparation_item(name: str, meeting: Meeting) -> CalendarItem:
    assert meeting.preparation is not None and meeting.date is not None
    identity = "|".join(
        [name, "voorbereiding", str(meeting.club), str(meeting.round), ";".join(meeting.members)]
    )
    return CalendarItem(
        key=identity,
        title=f"Voorbereidingsgesprek (digitaal) {meeting.describe()}",
        start=meeting.preparation,
        end=meeting.preparation,
        times=PREPARATION_HOURS,
        description=f"Voorbereiding van de {meeting.kind.value} op {format_date(meeting.date)}.",
        members=meeting.members,
    )


def cycle_calendar(cycle: Path | str, table: CycleTable | None = None) -> CycleCalendar:
    """Phases, milestones and (dated) meetings of a cycle, in date order; the
    phases and milestones come from the cycle table."""
    cycle_dir = cycle_dir_of(cycle)
    config = load_cycle(cycle_dir)
    name = config.cycle.name
    items = [
        CalendarItem(
            key=f"{name}|fase|{w.phase}",
            title=f"Fase {w.phase}",
            start=w.start,
            end=w.end,
            description=w.activities,
        )
        for w in phase_windows(config.cycle.budget_year, config.cycle.deadline, table)
    ]
    items += [
        CalendarItem(
            key=f"{name}|mijlpaal|{m.key}",
            title=f"Uiterlijk: {m.label}",
            start=m.due,
            end=m.due,
            description=f"Fase {m.phase}; van {format_date(m.start)} tot en met "
            f"{format_date(m.due)}.",
        )
        for m in milestones(config, table)
    ]
    undated: list[Meeting] = []
    plan = cycle_dir / PLAN_FILE
    if plan.is_file():
        meetings, problems = read_plan(plan)
        if any(p.is_error for p in problems):
            raise UserError(problems)
        items += [_meeting_item(name, m) for m in meetings if m.date is not None]
        items += [
            _preparation_item(name, m)
            for m in meetings
            if m.preparation is not None and m.date is not None
        ]
        undated = [m for m in meetings if m.date is None]
    # stable: same-day items keep phase, milestone, plan order
    items.sort(key=lambda i: (i.start, i.times or (dt.time(0), dt.time(0))))
    return CycleCalendar(name, config.cycle.budget_year, tuple(items), tuple(undated))


def format_calendar(calendar: CycleCalendar) -> str:
    """Dutch text listing of the calendar."""
    lines = [f"Kalender cyclus {calendar.name}", ""]
    for item in calendar.items:
        when = format_date(item.start)
        if item.end != item.start:
            when = f"{when} – {format_date(item.end)}"
        if item.times:
            when += f", {item.times[0]:%H:%M}–{item.times[1]:%H:%M}"
        where = f" ({item.location})" if item.location else ""
        lines.append(f"{when}: {item.title}{where}")
    if calendar.undated:
        lines.append("")
        lines.append(f"Nog zonder datum ({PLAN_FILE}):")
        lines += [f"  - {m.describe()}" for m in calendar.undated]
    return "\n".join(lines)


def _uid(key: str, seen: dict[str, int]) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
    seen[digest] = seen.get(digest, 0) + 1
    suffix = f"-{seen[digest]}" if seen[digest] > 1 else ""
    return f"{digest}{suffix}@{UID_DOMAIN}"


def to_ical(calendar: CycleCalendar, title: str | None = None) -> bytes:
    """An RFC 5545 calendar; identical input gives identical bytes."""
    cal = Calendar()
    cal.add("prodid", "-//leernetwerk//cyclus kalender//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", title or f"Leernetwerk cyclus {calendar.name}")
    stamp = dt.datetime(calendar.budget_year + 1, 1, 1, tzinfo=dt.UTC)
    seen: dict[str, int] = {}
    for item in calendar.items:
        event = Event()
        event.add("uid", _uid(item.key, seen))
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        if item.times:
            event.add("dtstart", dt.datetime.combine(item.start, item.times[0], TIMEZONE))
            event.add("dtend", dt.datetime.combine(item.end, item.times[1], TIMEZONE))
        else:
            event.add("dtstart", item.start)
            event.add("dtend", item.end + dt.timedelta(days=1))
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def write_ics(calendar: CycleCalendar, path: Path) -> Path:
    """Write the .ics file; refuses to overwrite an existing file."""
    data = to_ical(calendar)
    return write_new_file(Path(path), lambda target: target.write_bytes(data))


def participant_calendars(calendar: CycleCalendar) -> dict[str, bytes]:
    """One .ics per participant with only its own meetings and preparation calls
    (same UIDs as the whole cycle's calendar), keyed by participant name."""
    names = dict.fromkeys(name for item in calendar.items for name in item.members)
    calendars = {}
    for participant in names:
        own = tuple(item for item in calendar.items if participant in item.members)
        subset = CycleCalendar(calendar.name, calendar.budget_year, own, ())
        title = f"Leernetwerk {calendar.name}: {participant}"
        calendars[participant] = to_ical(subset, title)
    return calendars


def ics_file_name(participant: str) -> str:
    """A safe file name: letters, digits, '-' and '_' kept, anything else '_'."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in participant).strip("_")
    return f"{safe or 'deelnemer'}.ics"


def _bytes_writer(data: bytes) -> Callable[[Path], object]:
    return lambda target: target.write_bytes(data)


def write_participant_ics(calendar: CycleCalendar, folder: Path) -> list[Path]:
    """Write one .ics per participant into a new (or empty) folder, all or nothing."""
    calendars = participant_calendars(calendar)
    if not calendars:
        raise UserError(
            "Er zijn nog geen gedateerde bijeenkomsten met deelnemers; plan ze eerst "
            "(leernetwerk plan)."
        )
    writers: dict[str, Callable[[Path], object]] = {}
    for participant, data in calendars.items():
        name = ics_file_name(participant)
        stem, number = name[: -len(".ics")], 2
        while name in writers:
            name, number = f"{stem}-{number}.ics", number + 1
        writers[name] = _bytes_writer(data)
    return write_outputs(Path(folder), writers)
