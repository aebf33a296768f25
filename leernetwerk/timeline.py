"""The cycle's timeline: every phase, round and milestone in one table.

Every date of a cycle follows from its budget year T (docs/domain.md §3). The table
:data:`CYCLE_TABLE` states each date once, as an offset from T (``(1, 5, 1)``
is 1 May T+1) or relative to another window (``day_after(Phase.RECRUITMENT)``);
everything else is derived from it: the phase windows and milestones that
``leernetwerk status`` and ``calendar`` show, the round windows a session date
is checked against, the default registration deadline of ``cycle.toml``, the
header of a new ``cycle.toml`` and the month profile of ``leernetwerk
capacity``. Adding a phase, round or milestone is one entry here
(docs/cycle.md shows a worked example). Windows are looked up by key, never by
position.

This module is the bottom layer of the cycle (standard library only), so that
:mod:`leernetwerk.config` and :mod:`leernetwerk.capacity` can use it;
:mod:`leernetwerk.cycle` re-exports it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# --------------------------------------------------------------------------- vocabulary


class Phase(StrEnum):
    """The standard phases of a cycle (docs/domain.md §3), valued by their Dutch name.

    A phase key in the table is any string; these members are the phases the
    code refers to by name (a member equals and hashes as its value)."""

    RECRUITMENT = "werving"
    SELECTION = "selectie"
    MATCHING = "matching"
    EXECUTION = "uitvoering"
    CLOSING = "afronding"


class MeetingKind(StrEnum):
    """Kinds of meeting in the session plan (column ``Soort``)."""

    START = "startbijeenkomst"
    SESSION = "leerbijeenkomst"
    MIDTERM = "tussenevaluatie"
    CLUB_EVALUATION = "terugkommoment"
    FINAL_EVALUATION = "eindevaluatie"


class Evidence(StrEnum):
    """What in the cycle folder shows a milestone is done (besides meetings held)."""

    REGISTRATIONS = "registrations"
    """``aanmeldingen.xlsx`` is in the folder."""
    SELECTION_DECIDED = "selection_decided"
    """A selection decision is recorded."""
    MATCHING_DECIDED = "matching_decided"
    """A matching decision is recorded."""
    PLAN_DATED = "plan_dated"
    """``sessies.csv`` exists and every meeting in it has a date."""


@dataclass(frozen=True)
class Held:
    """Done when every planned meeting of this kind (and round) has a date on or
    before the status day."""

    kind: MeetingKind
    round: int | None = None


Done = Evidence | Held

# --------------------------------------------------------------------------- dates

DayInCycle = tuple[int, int, int]
"""(years after the budget year T, month, day)."""

WindowKey = str | int
"""A phase (its key, e.g. ``Phase.SELECTION``) or a round (its number)."""


@dataclass(frozen=True)
class Edge:
    """A day relative to another window: its first or last day, plus ``days``."""

    window: WindowKey
    last: bool
    days: int = 0


DateRef = DayInCycle | Edge


def start_of(window: WindowKey) -> Edge:
    return Edge(window, last=False)


def end_of(window: WindowKey) -> Edge:
    return Edge(window, last=True)


def day_after(window: WindowKey) -> Edge:
    return Edge(window, last=True, days=1)


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True)
class PhaseSpec:
    phase: str
    """Its key and Dutch name (a :class:`Phase` member for the standard phases)."""
    start: DateRef
    end: DateRef
    activities: str
    """Dutch text; ``{start}`` and ``{end}`` become the window's first and last day."""
    deliverables: tuple[str, ...]
    ends_at_deadline: bool = False
    """This phase ends on the configured registration deadline (werving)."""
    work: tuple[DateRef, DateRef] | None = None
    """When the executor's hours for this phase fall, if not the whole window
    (the month profile of ``leernetwerk capacity``)."""


@dataclass(frozen=True)
class RoundSpec:
    round: int
    start: DateRef
    end: DateRef


@dataclass(frozen=True)
class MilestoneSpec:
    key: str
    label: str
    phase: str
    done: Done
    start: DateRef | None = None
    """Default: the start of its phase."""
    due: DateRef | None = None
    """Default: the end of its phase."""


@dataclass(frozen=True)
class CycleTable:
    """Phases, rounds and milestones of a cycle, relative to the budget year."""

    phases: tuple[PhaseSpec, ...]
    rounds: tuple[RoundSpec, ...]
    milestones: tuple[MilestoneSpec, ...]


CYCLE_TABLE = CycleTable(
    phases=(
        PhaseSpec(
            Phase.RECRUITMENT,
            (1, 1, 1),
            (1, 5, 1),
            "aanmeldingen komen binnen (deadline {end}, inclusief)",
            ("aanmeldingen (aanmeldingen.xlsx)",),
            ends_at_deadline=True,
        ),
        PhaseSpec(
            Phase.SELECTION,
            day_after(Phase.RECRUITMENT),
            (1, 7, 15),
            "volledigheidscontrole, selectievoorstel, besluit stuurgroep",
            ("selectiebesluit", "toelatings- en afwijzingsbrieven"),
            work=(start_of(Phase.SELECTION), (1, 6, 30)),
        ),
        PhaseSpec(
            Phase.MATCHING,
            day_after(Phase.RECRUITMENT),
            (1, 7, 15),
            "voorstel clubs en leerbijeenkomsten, besloten vóór de zomervakantie",
            ("matchingbesluit",),
            work=((1, 6, 1), end_of(Phase.MATCHING)),
        ),
        PhaseSpec(
            Phase.EXECUTION,
            (1, 9, 1),
            (2, 3, 31),
            "startbijeenkomst per club (sep), ronde 1 (sep–dec), tussenevaluatie "
            "met de begeleidingscommissie (vóór 31 dec), ronde 2 (jan–mrt)",
            ("sessieplanning", "draaiboeken", "reflectieverslagen"),
        ),
        PhaseSpec(
            Phase.CLOSING,
            (2, 3, 1),
            (2, 4, 30),
            "terugkommoment per club, algehele evaluatie, kennisdocument, "
            "lessen voor de volgende cyclus",
            ("cyclusrapport", "historie voor de volgende cyclus"),
        ),
    ),
    rounds=(
        RoundSpec(1, start_of(Phase.EXECUTION), (1, 12, 31)),
        RoundSpec(2, (2, 1, 1), end_of(Phase.EXECUTION)),
    ),
    milestones=(
        MilestoneSpec(
            "registrations",
            "aanmeldingen binnen (aanmeldingen.xlsx)",
            Phase.RECRUITMENT,
            Evidence.REGISTRATIONS,
        ),
        MilestoneSpec(
            "selection",
            "selectiebesluit stuurgroep",
            Phase.SELECTION,
            Evidence.SELECTION_DECIDED,
        ),
        MilestoneSpec(
            "matching",
            "matchingbesluit stuurgroep",
            Phase.MATCHING,
            Evidence.MATCHING_DECIDED,
        ),
        MilestoneSpec(
            "plan",
            "alle bijeenkomsten gedateerd (sessies.csv)",
            Phase.MATCHING,
            Evidence.PLAN_DATED,
            due=(1, 8, 31),
        ),
        MilestoneSpec(
            "start",
            "startbijeenkomst per club",
            Phase.EXECUTION,
            Held(MeetingKind.START),
            due=(1, 9, 30),
        ),
        MilestoneSpec(
            "round1",
            "ronde 1 leerbijeenkomsten",
            Phase.EXECUTION,
            Held(MeetingKind.SESSION, 1),
            start=start_of(1),
            due=end_of(1),
        ),
        MilestoneSpec(
            "midterm",
            "tussenevaluatie met de begeleidingscommissie",
            Phase.EXECUTION,
            Held(MeetingKind.MIDTERM),
            start=(1, 11, 1),
            due=(1, 12, 31),
        ),
        MilestoneSpec(
            "round2",
            "ronde 2 leerbijeenkomsten",
            Phase.EXECUTION,
            Held(MeetingKind.SESSION, 2),
            start=start_of(2),
            due=end_of(2),
        ),
        MilestoneSpec(
            "club_evaluation",
            "terugkommoment per club",
            Phase.CLOSING,
            Held(MeetingKind.CLUB_EVALUATION),
        ),
        MilestoneSpec(
            "final_evaluation",
            "algehele evaluatie en kennisdocument",
            Phase.CLOSING,
            Held(MeetingKind.FINAL_EVALUATION),
        ),
    ),
)
"""The cycle of docs/domain.md §3. Phases may overlap (selectie and matching; the end of
uitvoering and afronding); the summer (August) belongs to no phase."""


def current_table() -> CycleTable:
    """The table in force (looked up at call time, so a test can swap it)."""
    return CYCLE_TABLE


# --------------------------------------------------------------------------- resolving dates


@dataclass(frozen=True)
class PhaseWindow:
    phase: str
    start: dt.date
    end: dt.date
    """Inclusive."""
    activities: str
    deliverables: tuple[str, ...]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class _Resolver:
    """Turns the table's date references into dates for one budget year."""

    def __init__(self, table: CycleTable, budget_year: int, deadline: dt.date | None) -> None:
        self.budget_year = budget_year
        self.deadline = deadline
        self.phases = {spec.phase: spec for spec in table.phases}
        self.rounds = {spec.round: spec for spec in table.rounds}
        self._busy: set[tuple[WindowKey, bool]] = set()

    def date(self, ref: DateRef) -> dt.date:
        if isinstance(ref, Edge):
            return self.edge(ref.window, ref.last) + dt.timedelta(days=ref.days)
        years, month, day = ref
        return dt.date(self.budget_year + years, month, day)

    def edge(self, window: WindowKey, last: bool) -> dt.date:
        if (window, last) in self._busy:
            raise ValueError(f"the cycle table refers to itself at {window!r}")
        self._busy.add((window, last))
        try:
            if isinstance(window, int) and window in self.rounds:
                spec = self.rounds[window]
                return self.date(spec.end if last else spec.start)
            if isinstance(window, str) and window in self.phases:
                phase = self.phases[window]
                if last and phase.ends_at_deadline and self.deadline is not None:
                    return self.deadline
                return self.date(phase.end if last else phase.start)
            raise ValueError(f"the cycle table has no phase or round {window!r}")
        finally:
            self._busy.discard((window, last))

    def window(self, window: WindowKey) -> tuple[dt.date, dt.date]:
        return self.edge(window, last=False), self.edge(window, last=True)


def phase_windows(
    budget_year: int, deadline: dt.date | None = None, table: CycleTable | None = None
) -> tuple[PhaseWindow, ...]:
    """The phases with their dates, in table order; a configured registration
    deadline moves the end of werving and what is relative to it."""
    table = table or current_table()
    resolve = _Resolver(table, budget_year, deadline)
    windows = []
    for spec in table.phases:
        start, end = resolve.window(spec.phase)
        text = spec.activities.format(start=_day_month(start), end=_day_month(end))
        windows.append(PhaseWindow(spec.phase, start, end, text, spec.deliverables))
    return tuple(windows)


def phase_window(
    phase: str, budget_year: int, deadline: dt.date | None = None, table: CycleTable | None = None
) -> PhaseWindow:
    """One phase's window, looked up by its key."""
    windows = {w.phase: w for w in phase_windows(budget_year, deadline, table)}
    return windows[phase]


def current_phases(windows: tuple[PhaseWindow, ...], today: dt.date) -> tuple[PhaseWindow, ...]:
    """Phases active on ``today`` (phases may overlap)."""
    return tuple(w for w in windows if w.contains(today))


def round_window(
    budget_year: int, round_: int, table: CycleTable | None = None
) -> tuple[dt.date, dt.date]:
    """First and last day of a session round (round 1 Sep–Dec T+1, round 2 Jan–Mar T+2)."""
    return _Resolver(table or current_table(), budget_year, None).window(round_)


def round_numbers(table: CycleTable | None = None) -> tuple[int, ...]:
    return tuple(spec.round for spec in (table or current_table()).rounds)


def default_deadline(budget_year: int, table: CycleTable | None = None) -> dt.date:
    """The registration deadline without configuration: the end of the phase
    that ends at the deadline (1 May T+1)."""
    table = table or current_table()
    (phase,) = [spec for spec in table.phases if spec.ends_at_deadline]
    return _Resolver(table, budget_year, None).date(phase.end)


@dataclass(frozen=True)
class MilestoneWindow:
    """A milestone of the table with its dates for one budget year."""

    spec: MilestoneSpec
    start: dt.date
    due: dt.date


def milestone_windows(
    budget_year: int, deadline: dt.date | None = None, table: CycleTable | None = None
) -> tuple[MilestoneWindow, ...]:
    """The milestones with their dates; by default they span their phase."""
    table = table or current_table()
    resolve = _Resolver(table, budget_year, deadline)
    return tuple(
        MilestoneWindow(
            spec,
            resolve.date(spec.start or start_of(spec.phase)),
            resolve.date(spec.due or end_of(spec.phase)),
        )
        for spec in table.milestones
    )


# --------------------------------------------------------------------------- months

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

MONTHS_SHORT = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")

REFERENCE_YEAR = 2025
"""Month profiles do not depend on T; they are computed for this budget year."""


def _day_month(day: dt.date) -> str:
    """'1 mei'."""
    return f"{day.day} {MONTHS[day.month - 1]}"


def format_date(day: dt.date) -> str:
    """Dutch date: '1 mei 2027'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def rounds_text(table: CycleTable | None = None) -> str:
    """'ronde 1 sep–dec, ronde 2 jan–mrt'."""
    parts = []
    for number in round_numbers(table):
        start, end = round_window(REFERENCE_YEAR, number, table)
        parts.append(
            f"ronde {number} {MONTHS_SHORT[start.month - 1]}–{MONTHS_SHORT[end.month - 1]}"
        )
    return ", ".join(parts)


def _months(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """(year, month) of every month that a window touches, in order."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _cycle_year(table: CycleTable) -> list[tuple[int, int]]:
    """The cycle year: from the month of the registration deadline through the
    month the last phase ends (May T+1 … April T+2)."""
    windows = phase_windows(REFERENCE_YEAR, table=table)
    last = max(w.end for w in windows)
    return _months(default_deadline(REFERENCE_YEAR, table), last)


def cycle_months(table: CycleTable | None = None) -> tuple[int, ...]:
    """Month numbers of the cycle year in order: 5, 6, …, 12, 1, …, 4."""
    return tuple(month for _, month in _cycle_year(table or current_table()))


def work_months(*phases: str, table: CycleTable | None = None) -> tuple[int, ...]:
    """Months of the cycle year in which the executor works on these phases (their
    ``work`` window, else the whole phase), in cycle order; none given: all phases."""
    table = table or current_table()
    resolve = _Resolver(table, REFERENCE_YEAR, None)
    touched: set[tuple[int, int]] = set()
    for spec in table.phases:
        if phases and spec.phase not in phases:
            continue
        if spec.work is not None:
            start, end = resolve.date(spec.work[0]), resolve.date(spec.work[1])
        else:
            start, end = resolve.window(spec.phase)
        touched.update(_months(start, end))
    return tuple(month for year, month in _cycle_year(table) if (year, month) in touched)
