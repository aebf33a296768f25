"""The session plan ``sessies.csv``: every meeting of the cycle, with its date.

Written (without dates) when the matching is decided; the executor fills in
the dates. Read back with every problem located by row and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from leernetwerk.errors import Problem, did_you_mean
from leernetwerk.fsutil import write_new_file
from leernetwerk.proposal import Proposal
from leernetwerk.timeline import MeetingKind, round_numbers

PLAN_COLUMNS: tuple[str, ...] = (
    "Soort",
    "Club",
    "Ronde",
    "Deelnemers",
    "Host",
    "Thema's",
    "Datum",
    "Begintijd",
    "Eindtijd",
    "Locatie",
    "Voorbereiding",
)
SESSION_HOURS = (dt.time(10, 0), dt.time(15, 0))
"""A learning session runs 10:00–15:00 (docs/domain.md §9) unless the plan says otherwise."""


@dataclass(frozen=True)
class Meeting:
    """One row of the session plan."""

    row: int
    kind: MeetingKind
    club: int | None
    round: int | None
    members: tuple[str, ...]
    host: str | None
    themes: tuple[str, ...]
    date: dt.date | None
    start: dt.time | None
    end: dt.time | None
    location: str
    preparation: dt.date | None = None
    """Date of the digital preparation call of a learning session (``leernetwerk plan``)."""

    def describe(self) -> str:
        """Short Dutch description, e.g. 'leerbijeenkomst club 1 ronde 2 (A, B)'."""
        parts = [self.kind.value]
        if self.club is not None:
            parts.append(f"club {self.club}")
        if self.round is not None:
            parts.append(f"ronde {self.round}")
        text = " ".join(parts)
        if self.members:
            text += f" ({', '.join(self.members)})"
        return text

    def times(self) -> tuple[dt.time, dt.time] | None:
        """Start and end time; learning sessions default to 10:00–15:00."""
        if self.start is not None:
            return self.start, self.end or self.start
        if self.kind is MeetingKind.SESSION:
            return SESSION_HOURS
        return None


def _split_names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.replace(",", ";").split(";") if part.strip())


def parse_date(text: str) -> dt.date:
    """A date as ``2026-09-15``, ``15-9-2026`` or ``15-09-2026``."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    day, month, year = (int(p) for p in text.replace("/", "-").split("-"))
    return dt.date(year, month, day)


def _parse_time(text: str) -> dt.time:
    hours, minutes = text.strip().replace(".", ":").split(":")
    return dt.time(int(hours), int(minutes))


def _delimiter(header: str) -> str:
    """Excel in a Dutch locale saves CSV with ';'; accept that and ','."""
    return ";" if header.count(";") > header.count(",") else ","


def read_plan(path: Path) -> tuple[list[Meeting], list[Problem]]:
    """Read the session plan; every problem located (file, row, column, value)."""
    sheet = path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Problem(sheet=sheet, message=f"het bestand is niet te lezen ({exc}).")]
    lines = text.splitlines()
    if not lines:
        return [], [Problem(sheet=sheet, message="het bestand is leeg.")]
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(lines[0]))
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or ()}
    problems = [
        Problem(sheet=sheet, row=1, column=c, message="verplichte kolom ontbreekt.")
        for c in ("Soort", "Datum")
        if c.lower() not in headers
    ]
    if problems:
        return [], problems
    meetings = []
    for number, record in enumerate(reader, start=2):
        cells = {
            c: (record.get(headers.get(c.lower(), ""), "") or "").strip() for c in PLAN_COLUMNS
        }
        if not any(cells.values()):
            continue
        meeting, row_problems = _meeting_from_row(number, cells, sheet)
        problems.extend(row_problems)
        if meeting is not None:
            meetings.append(meeting)
    return meetings, problems


def _meeting_from_row(
    number: int, cells: dict[str, str], sheet: str
) -> tuple[Meeting | None, list[Problem]]:
    problems: list[Problem] = []

    def bad(column: str, message: str) -> None:
        problems.append(
            Problem(sheet=sheet, row=number, column=column, value=cells[column], message=message)
        )

    kind = None
    try:
        kind = MeetingKind(cells["Soort"].lower())
    except ValueError:
        kinds = [k.value for k in MeetingKind]
        bad("Soort", "onbekende soort." + did_you_mean(cells["Soort"], kinds))
    club = _whole(cells, "Club", 1, None, bad)
    rounds = round_numbers()
    round_ = _whole(cells, "Ronde", min(rounds), max(rounds), bad)
    if kind is MeetingKind.SESSION and round_ is None and not cells["Ronde"]:
        *first, last = (str(r) for r in rounds)
        names = f"{', '.join(first)} of {last}" if first else last
        bad("Ronde", f"een leerbijeenkomst hoort bij ronde {names}.")
    date = None
    if cells["Datum"]:
        try:
            date = parse_date(cells["Datum"])
        except ValueError:
            bad("Datum", "geen geldige datum; gebruik bijvoorbeeld 2026-09-15 of 15-9-2026.")
    preparation = None
    if cells["Voorbereiding"]:
        try:
            preparation = parse_date(cells["Voorbereiding"])
        except ValueError:
            bad("Voorbereiding", "geen geldige datum; gebruik bijvoorbeeld 2026-09-01.")
    times = []
    for column in ("Begintijd", "Eindtijd"):
        value = None
        if cells[column]:
            try:
                value = _parse_time(cells[column])
            except ValueError:
                bad(column, "geen geldige tijd; gebruik bijvoorbeeld 10:00.")
        times.append(value)
    start, end = times
    if start and end and end <= start:
        bad("Eindtijd", "de eindtijd ligt niet na de begintijd.")
    members = _split_names(cells["Deelnemers"])
    host = cells["Host"] or None
    if host and members and host not in members:
        bad("Host", "de host staat niet bij de deelnemers.")
    if problems or kind is None:
        return None, problems
    meeting = Meeting(
        row=number,
        kind=kind,
        club=club,
        round=round_,
        members=members,
        host=host,
        themes=_split_names(cells["Thema's"]),
        date=date,
        start=start,
        end=end,
        location=cells["Locatie"],
        preparation=preparation,
    )
    return meeting, problems


def _whole(
    cells: dict[str, str],
    column: str,
    low: int,
    high: int | None,
    bad: Callable[[str, str], None],
) -> int | None:
    text = cells[column]
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        bad(column, "geen geheel getal.")
        return None
    if value < low or (high is not None and value > high):
        bad(column, f"moet tussen {low} en {high} liggen." if high else f"moet ≥ {low} zijn.")
        return None
    return value


def plan_rows_for(proposal: Proposal) -> list[dict[str, str]]:
    """Session plan rows (without dates) for a decided matching: a start meeting
    and an evaluation meeting per club, every session of both rounds, and the
    mid-term and final evaluation with the begeleidingscommissie."""
    rows: list[dict[str, str]] = []

    def add(kind: MeetingKind, **cells: str) -> None:
        rows.append({c: "" for c in PLAN_COLUMNS} | {"Soort": kind.value} | cells)

    for club in proposal.clubs:
        add(MeetingKind.START, Club=str(club.id), Deelnemers="; ".join(club.members))
    for round_ in proposal.rounds:
        for session in round_.sessions:
            add(
                MeetingKind.SESSION,
                Club=str(session.club),
                Ronde=str(round_.round),
                Deelnemers="; ".join(session.members),
                Host=session.host or "",
                **{"Thema's": "; ".join(session.themes)},
            )
    add(MeetingKind.MIDTERM)
    for club in proposal.clubs:
        add(MeetingKind.CLUB_EVALUATION, Club=str(club.id), Deelnemers="; ".join(club.members))
    add(MeetingKind.FINAL_EVALUATION)
    return rows


def write_plan(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write a new session plan (UTF-8 with BOM so Excel shows accents; ';'
    separated as Dutch Excel expects); never overwrites an existing plan."""

    def writer(target: Path) -> None:
        with open(target, "w", encoding="utf-8-sig", newline="") as handle:
            out = csv.DictWriter(handle, fieldnames=PLAN_COLUMNS, delimiter=";")
            out.writeheader()
            out.writerows(rows)

    return write_new_file(path, writer)
