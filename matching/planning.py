"""Dates for the meetings of a cycle: a CP-SAT model over plain data.

Each meeting to plan (a start meeting or a learning session) gets one day in
its window; each learning session also gets a digital preparation call a few
weeks before it. The model knows nothing of cycle folders or workbooks: the
application (:mod:`leernetwerk.planning`) hands it

- the meetings, with their members, window, hand-filled (fixed) dates and the
  meetings they must come after (a club's start meeting before its sessions);
- the days on which anything may be planned at all (allowed weekdays, no
  public holidays, no Christmas break);
- the days each member is away;

and gets back a date per meeting and per preparation call, or a
:class:`~matching.errors.PlanningConflict` naming the meetings, the members'
absent weeks and the limits that together make a plan impossible (a conflict
core over assumption literals, like :mod:`matching.conflicts`).

Hard: a meeting's day is an allowed day inside its window on which none of its
members is away, at most ``per_day`` meetings share a day, a meeting (and its
preparation call) comes after the meetings it must follow, and the call lies
``prep_weeks`` weeks before its session on an allowed day on which no member is
away. A fixed date is kept as it is (the executor chose it).

Soft (weights are integers; the application scales ``cycle.toml``'s):
``spread`` per session above the even number in a week of its round, and
``round_gap`` per day that a member's sessions of consecutive rounds lie closer
than ``round_gap_days``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from leernetwerk.errors import Problem
from matching.errors import InvalidInput, NoSolutionInTime, PlanningConflict
from matching.solver import SolverSettings, SolveStatus, solve

__all__ = [
    "MeetingToPlan",
    "Plan",
    "PlanningRules",
    "plan_dates",
    "week_of",
]

CORE_SHRINK_LIMIT = 60
"""A conflict core of at most this many assumptions is made minimal by deletion."""


@dataclass(frozen=True)
class MeetingToPlan:
    """One meeting that needs a day."""

    key: str
    members: tuple[str, ...]
    first: dt.date
    last: dt.date
    """Its window, inclusive."""
    round: int | None = None
    """The round of a learning session (spread and round gap); None for a start meeting."""
    fixed: dt.date | None = None
    """A hand-filled date: kept as it is."""
    preparation: bool = False
    """Whether the meeting gets a digital preparation call."""
    fixed_preparation: dt.date | None = None
    after: tuple[str, ...] = ()
    """Keys of meetings that must be on an earlier day."""


@dataclass(frozen=True)
class PlanningRules:
    days: frozenset[dt.date]
    """Every day on which a meeting or call may fall (weekday, holiday and break rules)."""
    blocked: Mapping[str, frozenset[dt.date]] = field(default_factory=dict)
    """Member → the days the member is away."""
    per_day: int = 2
    prep_weeks: tuple[int, int] = (2, 4)
    spread: int = 10
    round_gap: int = 1
    round_gap_days: int = 56
    settings: SolverSettings = SolverSettings()


@dataclass(frozen=True)
class Plan:
    dates: dict[str, dt.date]
    preparations: dict[str, dt.date]
    status: SolveStatus
    objective: float | None
    wall_time: float
    deterministic_time: float


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (how absences are grouped in explanations)."""
    return day - dt.timedelta(days=day.weekday())


class _Model:
    """The CP-SAT model; with ``explaining`` every relaxable fact is an assumption."""

    def __init__(
        self, meetings: list[MeetingToPlan], rules: PlanningRules, explaining: bool
    ) -> None:
        self.model = cp_model.CpModel()
        self.meetings = meetings
        self.rules = rules
        self.explaining = explaining
        self.assumptions: dict[tuple[str, ...], cp_model.IntVar] = {}
        self.x: dict[str, dict[dt.date, cp_model.IntVar]] = {}
        self.y: dict[str, dict[dt.date, cp_model.IntVar]] = {}
        self.day: dict[str, cp_model.LinearExpr] = {}
        self.placed: dict[str, cp_model.IntVar] = {}
        earliest = min([m.first for m in meetings] + sorted(rules.days)[:1])
        self.origin = earliest - dt.timedelta(weeks=rules.prep_weeks[1] + 1)
        self._build()

    # -- assumptions
    def _lits(self, *fact: str) -> list[cp_model.IntVar]:
        """Enforcement literals of a relaxable fact (none outside explaining)."""
        if not self.explaining:
            return []
        if fact not in self.assumptions:
            self.assumptions[fact] = self.model.new_bool_var("|".join(fact))
        return [self.assumptions[fact]]

    def _index(self, day: dt.date) -> int:
        return (day - self.origin).days

    def _when(self, choice: dict[dt.date, cp_model.IntVar]) -> cp_model.LinearExpr:
        """The chosen day as a day number (0 when nothing is chosen)."""
        days = list(choice)
        return cp_model.LinearExpr.weighted_sum(
            [choice[d] for d in days], [self._index(d) for d in days]
        )

    def _absent(self, members: tuple[str, ...], day: dt.date) -> list[str]:
        return [m for m in members if day in self.rules.blocked.get(m, frozenset())]

    def _choice(
        self, key: str, members: tuple[str, ...], candidates: list[dt.date], fixed: dt.date | None
    ) -> dict[dt.date, cp_model.IntVar]:
        """One Boolean per candidate day; absences and fixed dates hard or assumed."""
        variables: dict[dt.date, cp_model.IntVar] = {}
        for day in candidates:
            absent = self._absent(members, day)
            if fixed is not None and day != fixed and not self.explaining:
                continue
            if absent and day != fixed and not self.explaining:
                continue
            var = self.model.new_bool_var(f"{key}@{day}")
            variables[day] = var
            if day != fixed:
                for member in absent:
                    monday = week_of(day).isoformat()
                    self.model.add(var == 0).only_enforce_if(self._lits("afwezig", member, monday))
        if fixed is not None:
            if fixed not in variables:
                variables[fixed] = self.model.new_bool_var(f"{key}@{fixed}")
            self.model.add(variables[fixed] == 1).only_enforce_if(
                [*self._lits("vast", key), *self._lits("bijeenkomst", key)]
            )
        return variables

    def _build(self) -> None:
        rules, model = self.rules, self.model
        days = sorted(rules.days)
        low, high = rules.prep_weeks
        for meeting in self.meetings:
            window = [d for d in days if meeting.first <= d <= meeting.last]
            x = self._choice(meeting.key, meeting.members, window, meeting.fixed)
            self.x[meeting.key] = x
            placed = model.new_bool_var(f"geplaatst {meeting.key}")
            self.placed[meeting.key] = placed
            model.add(sum(x.values()) == placed)
            model.add(placed == 1).only_enforce_if(self._lits("bijeenkomst", meeting.key))
            self.day[meeting.key] = self._when(x)
            if not meeting.preparation:
                continue
            start = min(x, default=meeting.first) - dt.timedelta(weeks=high)
            end = max(x, default=meeting.last) - dt.timedelta(weeks=low)
            options = [d for d in days if start <= d <= end]
            fixed_prep = meeting.fixed_preparation
            if fixed_prep is not None and fixed_prep not in options:
                options.append(fixed_prep)
            y = self._choice(f"voorbereiding {meeting.key}", meeting.members, options, fixed_prep)
            self.y[meeting.key] = y
            model.add(sum(y.values()) == placed)
            gap = self.day[meeting.key] - self._when(y)
            enforce = [placed, *self._lits("voorbereiding")]
            model.add(gap >= 7 * low).only_enforce_if(enforce)
            model.add(gap <= 7 * high).only_enforce_if(enforce)
        keys = {m.key for m in self.meetings}
        for meeting in self.meetings:
            for earlier in meeting.after:
                if earlier not in keys:
                    continue
                both = [self.placed[meeting.key], self.placed[earlier]]
                enforce = [*both, *self._lits("volgorde", earlier, meeting.key)]
                model.add(self.day[meeting.key] >= self.day[earlier] + 1).only_enforce_if(enforce)
                if meeting.key in self.y:  # the call comes after the meeting too
                    call = self._when(self.y[meeting.key])
                    model.add(call >= self.day[earlier] + 1).only_enforce_if(enforce)
        on_day: dict[dt.date, list[cp_model.IntVar]] = defaultdict(list)
        for x in self.x.values():
            for day, var in x.items():
                on_day[day].append(var)
        for _day, variables in sorted(on_day.items()):
            if len(variables) > rules.per_day:
                model.add(sum(variables) <= rules.per_day).only_enforce_if(self._lits("per_dag"))
        if not self.explaining:
            self._objective()

    def _objective(self) -> None:
        rules, model = self.rules, self.model
        terms: list[cp_model.LinearExprT] = []
        by_round: dict[int, list[MeetingToPlan]] = defaultdict(list)
        for meeting in self.meetings:
            if meeting.round is not None:
                by_round[meeting.round].append(meeting)
        if rules.spread > 0:
            for round_meetings in by_round.values():
                weeks: dict[dt.date, list[cp_model.IntVar]] = defaultdict(list)
                for meeting in round_meetings:
                    for day, var in self.x[meeting.key].items():
                        weeks[week_of(day)].append(var)
                if not weeks:
                    continue
                even = math.ceil(len(round_meetings) / len(weeks))
                for monday, variables in sorted(weeks.items()):
                    if len(variables) <= even:
                        continue
                    excess = model.new_int_var(0, len(variables), f"boven gelijk {monday}")
                    model.add(excess >= sum(variables) - even)
                    terms.append(rules.spread * excess)
        if rules.round_gap > 0 and rules.round_gap_days > 0:
            sessions: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
            for meeting in self.meetings:
                if meeting.round is not None:
                    for member in meeting.members:
                        sessions[member][meeting.round].append(meeting.key)
            for member, rounds in sorted(sessions.items()):
                numbers = sorted(rounds)
                for one, two in zip(numbers, numbers[1:], strict=False):
                    for first in rounds[one]:
                        for second in rounds[two]:
                            short = model.new_int_var(0, rules.round_gap_days, f"kort {member}")
                            distance = self.day[second] - self.day[first]
                            model.add(short >= rules.round_gap_days - distance)
                            terms.append(rules.round_gap * short)
        if terms:
            model.minimize(sum(terms))


def _validate(meetings: list[MeetingToPlan]) -> None:
    problems = []
    seen: set[str] = set()
    for meeting in meetings:
        if meeting.key in seen:
            problems.append(Problem(message=f"bijeenkomst '{meeting.key}' staat dubbel."))
        seen.add(meeting.key)
        if meeting.last < meeting.first:
            problems.append(Problem(message=f"bijeenkomst '{meeting.key}' heeft een leeg venster."))
    if problems:
        raise InvalidInput(problems)


def plan_dates(meetings: list[MeetingToPlan], rules: PlanningRules) -> Plan:
    """A day for every meeting and preparation call.

    Raises :class:`PlanningConflict` when no plan keeps the hard rules (with the
    meetings, absences and limits that clash), :class:`NoSolutionInTime` when
    none was found within the deterministic time limit.
    """
    _validate(meetings)
    if not meetings:
        return Plan({}, {}, SolveStatus.OPTIMAL, 0.0, 0.0, 0.0)
    built = _Model(meetings, rules, explaining=False)
    result = solve(built.model, rules.settings)
    if result.status is SolveStatus.INFEASIBLE:
        raise _conflict(meetings, rules)
    if not result.has_solution:
        raise NoSolutionInTime("de planning", "planning.max_deterministic_time")
    dates = {
        key: next(day for day, var in x.items() if result.boolean_value(var))
        for key, x in built.x.items()
    }
    preparations = {
        key: next(day for day, var in y.items() if result.boolean_value(var))
        for key, y in built.y.items()
    }
    return Plan(
        dates,
        preparations,
        result.status,
        result.objective,
        result.wall_time,
        result.deterministic_time,
    )


def _infeasible(
    meetings: list[MeetingToPlan],
    rules: PlanningRules,
    keep: set[tuple[str, ...]],
    time_limit: float,
) -> set[tuple[str, ...]] | None:
    """Solve with only the assumptions in ``keep`` enforced: the core if infeasible."""
    built = _Model(meetings, rules, explaining=True)
    chosen = {fact: lit for fact, lit in built.assumptions.items() if fact in keep}
    built.model.add_assumptions(list(chosen.values()))
    settings = SolverSettings(num_workers=1, max_deterministic_time=time_limit)
    result = solve(built.model, settings)
    if result.status is not SolveStatus.INFEASIBLE:
        return None
    core = set(result.solver.sufficient_assumptions_for_infeasibility())
    return {fact for fact, lit in chosen.items() if lit.index in core}


def _conflict(meetings: list[MeetingToPlan], rules: PlanningRules) -> PlanningConflict:
    """The meetings, absences and limits that together allow no plan."""
    time_limit = max(rules.settings.max_deterministic_time, 1.0)
    everything = set(_Model(meetings, rules, explaining=True).assumptions)
    core = _infeasible(meetings, rules, everything, time_limit)
    if core is None:
        return PlanningConflict((), (), ())
    if len(core) <= CORE_SHRINK_LIMIT:
        for fact in sorted(core):
            if fact not in core:
                continue
            smaller = _infeasible(meetings, rules, core - {fact}, time_limit)
            if smaller is not None:
                core = smaller
    facts = sorted(core)
    return PlanningConflict(
        meetings=tuple(f[1] for f in facts if f[0] == "bijeenkomst"),
        absences=tuple((f[1], dt.date.fromisoformat(f[2])) for f in facts if f[0] == "afwezig"),
        limits=tuple(":".join(f) for f in facts if f[0] not in ("bijeenkomst", "afwezig")),
    )
