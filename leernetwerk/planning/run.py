"""``leernetwerk plan``: read the cycle, plan with CP-SAT, write a new session plan.

The start meetings and learning sessions of ``sessies.csv`` get a date inside
their window from the cycle table (start meetings: the start milestone, before
any session of the club; sessions: their round), 10:00–15:00 and, for a
session, the host's municipality as location and a digital preparation call
(column ``Voorbereiding``). Dates already in the plan are kept. The new plan
replaces ``sessies.csv`` only after the current one is kept as
``sessies-<timestamp>.csv``; an impossible plan is explained and nothing is
written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from leernetwerk.cycle import (
    PLAN_COLUMNS,
    PLAN_FILE,
    SESSION_HOURS,
    Meeting,
    MeetingKind,
    cycle_dir_of,
    latest_decision,
    load_cycle,
    read_plan,
    round_window,
    write_plan,
)
from leernetwerk.errors import Problem, Severity, UserError
from leernetwerk.fsutil import write_new_file
from leernetwerk.planning.absences import ABSENCE_FILE, EXECUTOR, Absence, read_absences
from leernetwerk.planning.days import allowed_days, closed_days, weekday_name
from leernetwerk.planning.explain import conflict_problems
from leernetwerk.solver_errors import user_error
from leernetwerk.timeline import format_date, milestone_windows, round_numbers
from matching.errors import MatchingError, PlanningConflict
from matching.planning import MeetingToPlan, PlanningRules, plan_dates
from matching.solver import SolverSettings

WEIGHT_SCALE = 10
"""cycle.toml weights are floats; the model's objective is integer (one decimal kept)."""


@dataclass
class PlanResult:
    plan: Path | None
    """The new ``sessies.csv``; None when nothing needed a date."""
    history: Path | None
    """Where the previous version is kept."""
    planned: list[tuple[Meeting, dt.date, dt.date | None]] = field(default_factory=list)
    """Meetings that got a date: (meeting, date, preparation call)."""
    warnings: list[Problem] = field(default_factory=list)
    absences: int = 0


def participants_of(meetings: list[Meeting]) -> list[str]:
    """Every member of a start meeting or learning session, in plan order."""
    kinds = (MeetingKind.START, MeetingKind.SESSION)
    names = [name for m in meetings if m.kind in kinds for name in m.members]
    return list(dict.fromkeys(names))


def load_plan(cycle: Path | str) -> tuple[Path, list[Meeting]]:
    """The cycle folder's session plan; Dutch errors when the matching is not decided yet."""
    cycle_dir = cycle_dir_of(cycle)
    if latest_decision(cycle_dir, "matching") is None:
        raise UserError(
            "Er is nog geen matching besloten, dus nog niets in te plannen. Leg eerst het "
            f"besluit vast: leernetwerk decide {cycle_dir} matching --run RUN."
        )
    path = cycle_dir / PLAN_FILE
    if not path.is_file():
        raise UserError(
            f"{PLAN_FILE} ontbreekt in '{cycle_dir}'. Het wordt geschreven bij het "
            "matchingbesluit (leernetwerk decide … matching)."
        )
    meetings, problems = read_plan(path)
    if any(p.is_error for p in problems):
        raise UserError(problems)
    return path, meetings


def _windows(budget_year: int) -> dict[MeetingKind | int, tuple[dt.date, dt.date]]:
    starts = {w.spec.key: (w.start, w.due) for w in milestone_windows(budget_year)}
    windows: dict[MeetingKind | int, tuple[dt.date, dt.date]] = {MeetingKind.START: starts["start"]}
    for number in round_numbers():
        windows[number] = round_window(budget_year, number)
    return windows


def _to_plan(meetings: list[Meeting], budget_year: int) -> dict[str, MeetingToPlan]:
    windows = _windows(budget_year)
    starts = {m.club: f"r{m.row}" for m in meetings if m.kind is MeetingKind.START}
    planned = {}
    for meeting in meetings:
        key = f"r{meeting.row}"
        if meeting.kind is MeetingKind.START:
            first, last = windows[MeetingKind.START]
            after: tuple[str, ...] = ()
        elif meeting.kind is MeetingKind.SESSION and meeting.round in windows:
            first, last = windows[meeting.round]
            after = (starts[meeting.club],) if meeting.club in starts else ()
        else:
            continue
        planned[key] = MeetingToPlan(
            key=key,
            members=meeting.members,
            first=first,
            last=last,
            round=meeting.round if meeting.kind is MeetingKind.SESSION else None,
            fixed=meeting.date,
            preparation=meeting.kind is MeetingKind.SESSION,
            fixed_preparation=meeting.preparation,
            after=after,
        )
    return planned


def _fixed_warnings(
    meetings: dict[str, Meeting],
    planned: dict[str, MeetingToPlan],
    closed: dict[dt.date, str],
    blocked: dict[str, set[dt.date]],
    weekdays: frozenset[int],
) -> list[Problem]:
    """A hand-filled date is kept, but said when it breaks a rule."""
    warnings = []
    for key, item in planned.items():
        meeting, day = meetings[key], item.fixed
        if day is None:
            continue
        reasons = []
        if not item.first <= day <= item.last:
            reasons.append("ligt buiten het venster")
        if day.weekday() not in weekdays:
            reasons.append(f"valt op een {weekday_name(day)}")
        if day in closed:
            reasons.append(f"valt op {closed[day]}")
        reasons += [f"{m} is dan afwezig" for m in item.members if day in blocked.get(m, ())]
        if reasons:
            warnings.append(
                Problem(
                    severity=Severity.WARNING,
                    sheet=PLAN_FILE,
                    row=meeting.row,
                    column="Datum",
                    value=day.isoformat(),
                    message=f"deze datum blijft staan, maar {'; '.join(reasons)}.",
                )
            )
    return warnings


def plan_cycle(
    cycle: Path | str, absences_file: Path | None = None, now: dt.datetime | None = None
) -> PlanResult:
    """Plan every undated start meeting and session of the cycle and write a new plan."""
    cycle_dir = cycle_dir_of(cycle)
    config = load_cycle(cycle_dir)
    settings = config.planning
    path, meetings = load_plan(cycle_dir)
    participants = participants_of(meetings)
    source = absences_file or cycle_dir / ABSENCE_FILE
    absences: list[Absence] = []
    if absences_file is not None and not absences_file.is_file():
        raise UserError(f"Afwezigheidsbestand '{absences_file}' bestaat niet.")
    if source.is_file():
        absences = read_absences(source, participants)
    blocked: dict[str, set[dt.date]] = {}
    for absence in absences:
        blocked.setdefault(absence.name, set()).update(absence.days())
    planned = _to_plan(meetings, config.cycle.budget_year)
    by_key = {f"r{m.row}": m for m in meetings}
    if not planned:
        return PlanResult(None, None, absences=len(absences))
    low, high = settings.prep_weeks
    first = min(p.first for p in planned.values()) - dt.timedelta(weeks=high + 1)
    last = max(p.last for p in planned.values())
    closed = closed_days(first, last, settings)
    days = allowed_days(first, last, settings) - blocked.get(EXECUTOR, set())
    rules = PlanningRules(
        days=frozenset(days),
        blocked={name: frozenset(d) for name, d in blocked.items() if name != EXECUTOR},
        per_day=settings.sessions_per_day,
        prep_weeks=(low, high),
        spread=round(settings.spread * WEIGHT_SCALE),
        round_gap=round(settings.round_gap * WEIGHT_SCALE),
        round_gap_days=7 * settings.round_gap_weeks,
        settings=SolverSettings(
            seed=config.solver.seed,
            num_workers=config.solver.num_workers,
            max_deterministic_time=settings.max_deterministic_time,
        ),
    )
    warnings = _fixed_warnings(by_key, planned, closed, blocked, settings.weekday_numbers)
    todo = [
        k
        for k, p in planned.items()
        if p.fixed is None or (p.preparation and p.fixed_preparation is None)
    ]
    if not todo:
        return PlanResult(None, None, warnings=warnings, absences=len(absences))
    try:
        result = plan_dates(list(planned.values()), rules)
    except PlanningConflict as conflict:
        raise UserError(conflict_problems(conflict, by_key, planned, settings, PLAN_FILE)) from None
    except MatchingError as error:
        raise user_error(error) from None
    updates = {by_key[key].row: (result.dates[key], result.preparations.get(key)) for key in todo}
    rows = _updated_rows(path, updates, by_key)
    new, history = _write_version(path, rows, now or dt.datetime.now())
    done = [(by_key[k], result.dates[k], result.preparations.get(k)) for k in todo]
    return PlanResult(new, history, done, warnings, len(absences))


def _delimiter(header: str) -> str:
    return ";" if header.count(";") > header.count(",") else ","


def _updated_rows(
    path: Path,
    updates: dict[int, tuple[dt.date, dt.date | None]],
    meetings: dict[str, Meeting],
) -> list[dict[str, str]]:
    """The plan's rows as in the file, with the planned rows' date, times, location and
    preparation call filled in (cells already filled are kept)."""
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text.splitlines()[0]))
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or ()}
    rows = []
    for number, record in enumerate(reader, start=2):
        cells = {
            c: (record.get(headers.get(c.lower(), ""), "") or "").strip() for c in PLAN_COLUMNS
        }
        if number in updates:
            day, call = updates[number]
            meeting = meetings[f"r{number}"]
            start, end = SESSION_HOURS
            filled = {
                "Datum": day.isoformat(),
                "Begintijd": f"{start:%H:%M}",
                "Eindtijd": f"{end:%H:%M}",
                "Locatie": meeting.host or "",
                "Voorbereiding": call.isoformat() if call else "",
            }
            cells |= {c: v for c, v in filled.items() if not cells[c]}
        rows.append(cells)
    return rows


def _write_version(path: Path, rows: list[dict[str, str]], now: dt.datetime) -> tuple[Path, Path]:
    """Keep the current plan as ``sessies-<timestamp>.csv``, then put the new one in place."""
    stamp = now.strftime("%Y%m%d-%H%M%S")
    history = path.with_name(f"{path.stem}-{stamp}{path.suffix}")
    suffix = 2
    while history.exists():
        history = path.with_name(f"{path.stem}-{stamp}-{suffix}{path.suffix}")
        suffix += 1
    staging = write_plan(path.with_name(f".{path.stem}-{stamp}.nieuw{path.suffix}"), rows)
    try:
        write_new_file(history, lambda target: shutil.copyfile(path, target))
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)
    return path, history


def format_result(result: PlanResult) -> str:
    """Dutch summary of a planning run."""
    lines = [str(w) for w in result.warnings]
    if result.plan is None:
        lines.append(
            "Alle startbijeenkomsten en leerbijeenkomsten hebben al een datum; niets geschreven."
        )
        return "\n".join(lines)
    lines.append(
        f"{len(result.planned)} bijeenkomsten ingepland ({result.absences} "
        "afwezigheden meegenomen):"
    )
    for meeting, day, call in sorted(result.planned, key=lambda p: (p[1], p[0].row)):
        text = f"  {format_date(day)} ({weekday_name(day)}): {meeting.describe()}"
        if call is not None:
            text += f"; voorbereidingsgesprek {format_date(call)}"
        lines.append(text)
    lines.append(f"Nieuwe versie van het sessieplan: '{result.plan}'.")
    lines.append(f"De vorige versie is bewaard als '{result.history}'.")
    return "\n".join(lines)
