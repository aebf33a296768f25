"""Where a cycle stands on a day: its phases, milestones and what is missing.

The phases and milestones come from :data:`leernetwerk.timeline.CYCLE_TABLE`;
this module only looks at the cycle folder (registrations, decisions, session
plan) to see which milestones are done.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from leernetwerk.config import CycleConfig
from leernetwerk.cycle.decisions import Decision, DecisionKind, latest_decision
from leernetwerk.cycle.evaluation_state import evaluation_state
from leernetwerk.cycle.execution import execution
from leernetwerk.cycle.folder import PLAN_FILE, REGISTRATIONS_FILE, cycle_dir_of, load_cycle
from leernetwerk.cycle.next_cycle import previous_cycle_items
from leernetwerk.cycle.plan import Meeting, read_plan
from leernetwerk.cycle.steering import steering_lines
from leernetwerk.errors import Problem, Severity
from leernetwerk.intake import read_registrations
from leernetwerk.timeline import (
    CycleTable,
    Done,
    Evidence,
    Held,
    MeetingKind,
    Phase,
    PhaseWindow,
    current_phases,
    format_date,
    milestone_windows,
    phase_windows,
    round_window,
)


class MilestoneState(StrEnum):
    DONE = "gereed"
    OPEN = "nu aan de orde"
    OVERDUE = "te laat"
    PLANNED = "gepland"


@dataclass(frozen=True)
class CycleState:
    """What the cycle folder holds on a given day."""

    today: dt.date
    has_registrations: bool
    selection: Decision | None
    matching: Decision | None
    meetings: tuple[Meeting, ...]
    has_plan: bool

    def meetings_of(self, kind: MeetingKind, round_: int | None = None) -> list[Meeting]:
        return [
            m for m in self.meetings if m.kind is kind and (round_ is None or m.round == round_)
        ]

    def held(self, kind: MeetingKind, round_: int | None = None) -> bool:
        """All planned meetings of this kind have a date on or before today."""
        meetings = self.meetings_of(kind, round_)
        return bool(meetings) and all(m.date is not None and m.date <= self.today for m in meetings)

    def all_dated(self) -> bool:
        return self.has_plan and all(m.date is not None for m in self.meetings)

    def shows(self, done: Done) -> bool:
        """Whether the folder shows this evidence of a milestone being done."""
        if isinstance(done, Held):
            return self.held(done.kind, done.round)
        checks = {
            Evidence.REGISTRATIONS: self.has_registrations,
            Evidence.SELECTION_DECIDED: self.selection is not None,
            Evidence.MATCHING_DECIDED: self.matching is not None,
            Evidence.PLAN_DATED: self.all_dated(),
        }
        return checks[done]


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    phase: str
    start: dt.date
    due: dt.date
    done: Done

    def state(self, cycle: CycleState) -> MilestoneState:
        if cycle.shows(self.done):
            return MilestoneState.DONE
        if cycle.today > self.due:
            return MilestoneState.OVERDUE
        if cycle.today >= self.start:
            return MilestoneState.OPEN
        return MilestoneState.PLANNED


def milestones(config: CycleConfig, table: CycleTable | None = None) -> tuple[Milestone, ...]:
    """The cycle's milestones with their windows and how the tool sees they are done."""
    return tuple(
        Milestone(m.spec.key, m.spec.label, m.spec.phase, m.start, m.due, m.spec.done)
        for m in milestone_windows(config.cycle.budget_year, config.cycle.deadline, table)
    )


@dataclass
class Status:
    """The cycle on one day: phases, milestones and what is missing."""

    name: str
    today: dt.date
    phases: tuple[PhaseWindow, ...]
    windows: tuple[PhaseWindow, ...]
    milestones: list[tuple[Milestone, MilestoneState]]
    missing: list[str]
    problems: list[Problem]
    notes: list[str]
    execution: list[str] = field(default_factory=list)
    """Letters generated, preparation calls this week (:mod:`leernetwerk.cycle.execution`)."""
    steering: list[str] = field(default_factory=list)
    """The setup and adjustment decisions in force (:mod:`leernetwerk.cycle.steering`)."""
    evaluation: list[str] = field(default_factory=list)
    """The evaluation workbook, the latest figures and their open items (evaluation_state)."""

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def _registration_findings(path: Path, config: CycleConfig) -> tuple[list[str], list[str]]:
    """Incomplete registrations (missing) and a note on read errors."""
    result = read_registrations(path, config)
    missing = [
        f"aanmelding '{r.name}' is onvolledig: {', '.join(r.missing)}" for r in result.incomplete
    ]
    errors = [p for p in result.problems if p.severity is Severity.ERROR]
    notes = []
    if errors:
        notes.append(
            f"{REGISTRATIONS_FILE} bevat {len(errors)} fout(en); zie leernetwerk validate."
        )
    return missing, notes


def _dates_outside_rounds(
    meetings: list[Meeting], budget_year: int, sheet: str, table: CycleTable | None
) -> list[Problem]:
    """Warn about learning sessions dated outside their round's window."""
    problems = []
    for m in meetings:
        if m.kind is not MeetingKind.SESSION or m.date is None or m.round is None:
            continue
        start, end = round_window(budget_year, m.round, table)
        if not start <= m.date <= end:
            problems.append(
                Problem(
                    severity=Severity.WARNING,
                    sheet=sheet,
                    row=m.row,
                    column="Datum",
                    value=m.date.isoformat(),
                    message=f"ronde {m.round} loopt van {format_date(start)} tot en met "
                    f"{format_date(end)}.",
                )
            )
    return problems


def cycle_status(
    cycle: Path | str, today: dt.date | None = None, table: CycleTable | None = None
) -> Status:
    """Everything ``leernetwerk status`` shows, computed from the cycle folder."""
    cycle_dir = cycle_dir_of(cycle)
    config = load_cycle(cycle_dir)
    today = today or dt.date.today()
    windows = phase_windows(config.cycle.budget_year, config.cycle.deadline, table)
    by_phase = {w.phase: w for w in windows}
    missing: list[str] = []
    problems: list[Problem] = []
    notes: list[str] = []

    registrations = cycle_dir / REGISTRATIONS_FILE
    if registrations.is_file():
        found, extra = _registration_findings(registrations, config)
        missing += found
        notes += extra

    selection = latest_decision(cycle_dir, DecisionKind.SELECTION, as_of=today)
    matching = latest_decision(cycle_dir, DecisionKind.MATCHING, as_of=today)
    plan = cycle_dir / PLAN_FILE
    meetings: list[Meeting] = []
    if plan.is_file():
        meetings, plan_problems = read_plan(plan)
        problems += plan_problems

    state = CycleState(
        today=today,
        has_registrations=registrations.is_file(),
        selection=selection,
        matching=matching,
        meetings=tuple(meetings),
        has_plan=plan.is_file(),
    )
    if today >= by_phase[Phase.SELECTION].start and selection is None:
        missing.append("de selectie is nog niet besloten (leernetwerk decide … selection)")
    if today >= by_phase[Phase.MATCHING].start and matching is None:
        missing.append("de matching is nog niet besloten (leernetwerk decide … matching)")
    if selection and matching and matching.selection_decision != selection.id:
        missing.append(
            f"de matching ('{matching.id}') is gebaseerd op een eerder selectiebesluit; "
            f"besluit opnieuw over de matching bij selectiebesluit '{selection.id}'"
        )
    if matching and not plan.is_file():
        missing.append(f"de sessieplanning {PLAN_FILE} ontbreekt")
    missing += [f"{m.describe()} heeft nog geen datum" for m in meetings if m.date is None]
    carried_out = execution(cycle_dir, meetings, selection, today)
    missing += carried_out.missing
    missing += previous_cycle_items(cycle_dir, config, today)
    problems += _dates_outside_rounds(meetings, config.cycle.budget_year, plan.name, table)
    statuses = [(m, m.state(state)) for m in milestones(config, table)]
    return Status(
        name=config.cycle.name,
        today=today,
        phases=current_phases(windows, today),
        windows=windows,
        milestones=statuses,
        missing=missing,
        problems=problems,
        notes=notes,
        execution=carried_out.done,
        steering=steering_lines(cycle_dir, today),
        evaluation=evaluation_state(cycle_dir).lines(),
    )


def format_status(status: Status) -> str:
    """Dutch text for ``leernetwerk status``."""
    lines = [f"Cyclus {status.name} — stand op {format_date(status.today)}", ""]
    if status.phases:
        names = " en ".join(str(w.phase) for w in status.phases)
        lines.append(f"Huidige fase: {names}")
        for window in status.phases:
            lines.append(
                f"  {window.phase}: {format_date(window.start)} – "
                f"{format_date(window.end)}; {window.activities}"
            )
    else:
        lines.append(f"Huidige fase: geen ({_between_phases(status)})")
    for label, wanted in (
        ("Te laat", MilestoneState.OVERDUE),
        ("Nu aan de orde", MilestoneState.OPEN),
        ("Gereed", MilestoneState.DONE),
    ):
        items = [m for m, s in status.milestones if s is wanted]
        if items:
            lines.append("")
            lines.append(f"{label}:")
            lines += [f"  - {m.label} (uiterlijk {format_date(m.due)})" for m in items]
    if status.execution:
        lines.append("")
        lines.append("Uitvoering:")
        lines += [f"  - {item}" for item in status.execution]
    lines += _steering_block(status)
    if status.evaluation:
        lines += ["", "Evaluatie:", *(f"  - {item}" for item in status.evaluation)]
    if status.missing:
        lines.append("")
        lines.append("Ontbreekt:")
        lines += [f"  - {item}" for item in status.missing]
    if status.problems:
        lines.append("")
        lines.append("Problemen:")
        lines += [f"  - {p}" for p in status.problems]
    if status.notes:
        lines.append("")
        lines += status.notes
    return "\n".join(lines)


def _steering_block(status: Status) -> list[str]:
    """The setup and adjustment decisions, as a block of ``format_status``."""
    if not status.steering:
        return []
    return ["", "Besluiten over opzet en bijsturing:", *(f"  - {s}" for s in status.steering)]


def _between_phases(status: Status) -> str:
    first = min(status.windows, key=lambda w: w.start)
    last = max(status.windows, key=lambda w: w.end)
    if status.today < first.start:
        return f"de {first.phase} begint op {format_date(first.start)}"
    if status.today > last.end:
        return f"de cyclus is afgelopen op {format_date(last.end)}"
    upcoming = min((w for w in status.windows if w.start > status.today), key=lambda w: w.start)
    return f"zomerperiode; {upcoming.phase} begint op {format_date(upcoming.start)}"
