"""The club model: partition participants into clubs of comparable peers.

Built on the domain-neutral grouping core (:mod:`matching.grouping`): the
pairwise weights are the weighted club criteria of :mod:`matching.criteria`;
this module adds the domain rules of the rule table (:data:`matching.rules.RULES`:
deficit/surplus balance per club, hosts, pins) and stability against an earlier
proposal. Club sizes and counts: :mod:`matching.club_sizes`; the heuristic start:
:mod:`matching.club_hint`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration
from matching.club_hint import balanced_hint
from matching.club_lp_bound import triangle_lp_bound
from matching.club_pricing import ColumnData
from matching.club_sizes import club_bounds, club_count, host_need, smallest_balance_tolerance
from matching.column_generation import (
    ColumnGenerationResult,
    ColumnGenerationSettings,
    column_generation,
    columns_of,
    groups_of,
)
from matching.conflicts import NamedRules, conflicting_rules
from matching.criteria import club_pair_weight
from matching.errors import NoSolutionInTime, RuleConflict
from matching.grouping import GroupingModel, GroupingProblem
from matching.rules import RULES, Stage
from matching.solver import SolveStatus


@dataclass(frozen=True)
class ClubProblem:
    participants: tuple[Registration, ...]
    config: CycleConfig
    keep: Mapping[str, int] = field(default_factory=dict)
    """With --keep: the earlier club (1-based) of each participant."""

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.participants]

    def index(self, name: str) -> int:
        return self.names.index(name)

    @property
    def has_club_specific_rules(self) -> bool:
        return bool(self.config.pins.club or self.keep)


@dataclass(frozen=True)
class ClubResult:
    status: SolveStatus
    clubs: tuple[tuple[str, ...], ...]
    objective: float | None
    """The pairwise club score (without stability), recomputed in plain Python."""
    bound: float | None
    wall_time: float
    deterministic_time: float
    balance_tolerance: int
    warnings: tuple[str, ...] = ()
    compact_bound: float | None = None
    """The compact CP-SAT model's own bound (for comparison in the benchmarks)."""
    column_generation: ColumnGenerationResult | None = None


COLUMN_GENERATION_FACTOR = 4.0
"""Deterministic time of the column generation's exact pricing, all rounds together,
per unit of ``club_deterministic_time``; 0 turns it off. A cap, not a cost: the
column generation stops as soon as its bound is within ``CLUB_TARGET_GAP`` (the
national example needs 2.4 units to reach 0.50 %); 4 keeps a 30-participant run
within a few seconds of its time without it where the bound shows room."""

COLUMN_GENERATION_MAX_PARTICIPANTS = 40
"""Above this the exact pricing does not prove anything in the default time, so the
column generation is skipped by default and the LP bound carries the club bound.
Measured (docs/quality.md, "Defaults"): at 45, 50, 55 and 60 participants its 4
units added 5–8 s and changed neither the layout nor the bound; at 100
participants there was no pricing proof in 20 units."""

CLUB_TARGET_GAP = 0.005
"""The column generation stops once its bound is within 0.5 % of the layout's
value (half the 1 % the stuurgroep is promised; docs/quality.md). On the national
example that takes one exact pricing round of about 2.4 units."""

PRICING_SHARE = 1.0
"""Share of that budget one exact pricing solve may take."""

MASTER_SHARE = 0.1
"""Share of that budget for the integer master over the generated columns."""


@dataclass
class ClubModel:
    problem: ClubProblem
    tolerance: int
    with_assumptions: bool = False

    def __post_init__(self) -> None:
        p = self.problem
        n = len(p.participants)
        self.k = club_count(n, p.config)
        weights = tuple(
            tuple(
                0.0 if i == j else club_pair_weight(a, b, p.config)
                for j, b in enumerate(p.participants)
            )
            for i, a in enumerate(p.participants)
        )
        self.grouping = GroupingProblem(n=n, weights=weights, bounds=club_bounds(n, self.k))
        self.core = GroupingModel(self.grouping, symmetry_breaking=not p.has_club_specific_rules)
        self.model = self.core.model
        self.rule = NamedRules(self.model, self.with_assumptions)
        self.terms: dict[str, list[tuple[Any, float]]] = {}
        for rule in RULES:
            if rule.clubs is not None:
                self.terms[rule.key] = rule.clubs(self)
                for expr, coefficient in self.terms[rule.key]:
                    self.core.add_objective_term(expr, coefficient)
        self.stability()

    def stability(self) -> None:
        """Soft (with --keep): a participant stays in its earlier club. Not a quality
        criterion (not in the breakdown): it only makes a rerun move few people."""
        weight = self.problem.config.weights.clubs.stability
        if not weight:
            return
        for name, club in self.problem.keep.items():
            if name in self.problem.names and 1 <= club <= self.k:
                self.core.add_objective_term(
                    self.core.assign(self.problem.index(name), club - 1), weight
                )


def choose_tolerance(problem: ClubProblem) -> tuple[int, list[str]]:
    """The configured balance tolerance, or the best achievable one (reported)."""
    n = len(problem.participants)
    k = club_count(n, problem.config)
    deficits = sum(1 for r in problem.participants if r.balance.is_deficit)
    tol = problem.config.clubs.balance_tolerance
    bounds = club_bounds(n, k)
    best = smallest_balance_tolerance(bounds, n, deficits, tol)
    if best == tol:
        return tol, []
    return best, [
        f"Balans per club binnen {tol} is niet haalbaar met {deficits} tekortgemeenten en "
        f"{n - deficits} overschot/neutraal in {k} clubs; best mogelijke verschil: {best}."
    ]


def solve_clubs(
    problem: ClubProblem,
    *,
    seed: int,
    max_deterministic_time: float,
    num_workers: int = 1,
    hint: Sequence[int] | None = None,
    progress: Callable[[float, float], None] | None = None,
    column_generation_budget: float | None = None,
    with_lp_bound: bool = True,
    phase: Callable[[str], None] | None = None,
) -> ClubResult:
    """The compact CP-SAT model from the heuristic start, the triangle LP bound
    (``with_lp_bound``), then column generation from its layout (bound and possibly
    a better layout). ``column_generation_budget``: 0 switches it off; None is the
    default budget up to COLUMN_GENERATION_MAX_PARTICIPANTS, skipped when the
    bound so far is already within ``CLUB_TARGET_GAP``; a number runs it always.
    ``phase`` hears the steps after the compact model, in Dutch (for the progress
    lines): "bovengrens (ronde r van R)" and "indeling toetsen"."""
    start = time.perf_counter()
    by_default = column_generation_budget is None
    if column_generation_budget is None:
        column_generation_budget = default_column_generation_budget(
            len(problem.participants), max_deterministic_time
        )
    tolerance, warnings = choose_tolerance(problem)
    cm = ClubModel(problem, tolerance)
    if hint is None:
        hint = balanced_hint(cm, seed)
    result = cm.core.solve(
        seed=seed,
        max_deterministic_time=max_deterministic_time,
        num_workers=num_workers,
        hint=hint,
        progress=progress,
    )
    if result.groups is None:
        if result.status is SolveStatus.INFEASIBLE:
            raise explain_infeasible_clubs(problem, tolerance)
        raise NoSolutionInTime("de clubindeling", "club_deterministic_time")
    groups = result.groups
    bound = result.bound
    det_time = result.deterministic_time
    if not problem.keep and bound is not None and with_lp_bound:
        lp_bound = triangle_lp_bound(
            column_data(cm),
            on_round=None
            if phase is None
            else lambda r, rounds: phase(f"bovengrens (ronde {r} van {rounds})"),
        )
        if lp_bound is not None:
            bound = min(bound, lp_bound)
    colgen = None
    # By default it is skipped when the bound already shows the layout within target.
    needed = not (by_default and within_target(cm, groups, bound))
    if column_generation_budget > 0 and needed:
        if phase is not None:
            phase("indeling toetsen")
        colgen = improve_by_column_generation(cm, groups, seed, column_generation_budget)
        groups = colgen_groups(cm, colgen, groups)
        det_time += colgen.deterministic_time
        if colgen.bound is not None and bound is not None:
            bound = min(bound, colgen.bound)
    clubs = tuple(
        tuple(problem.names[i] for i in range(len(groups)) if groups[i] == g) for g in range(cm.k)
    )
    objective = cm.grouping.objective(groups) + penalties(cm, clubs)
    status = result.status
    if not problem.keep and bound is not None and bound <= objective + 1e-6:
        status = SolveStatus.OPTIMAL
    return ClubResult(
        status=status,
        clubs=clubs,
        objective=objective,
        # With --keep the objective also rewards staying put: no bound on the score alone.
        bound=None if problem.keep else bound,
        wall_time=time.perf_counter() - start,
        deterministic_time=det_time,
        balance_tolerance=tolerance,
        warnings=tuple(warnings),
        compact_bound=None if problem.keep else result.bound,
        column_generation=colgen,
    )


def default_column_generation_budget(n: int, club_time: float) -> float:
    """The column generation's pricing budget for n participants (0: skipped)."""
    budget = COLUMN_GENERATION_FACTOR * club_time
    if n > COLUMN_GENERATION_MAX_PARTICIPANTS:
        return 0.0
    return budget


def column_data(cm: ClubModel) -> ColumnData:
    """The club model's rules, index-based, for the column generation."""
    p = cm.problem
    n = len(p.participants)
    lo, hi = cm.grouping.bounds[0]
    index = {name: i for i, name in enumerate(p.names)}
    pinned: list[int | None] = [None] * n
    for pin in p.config.pins.club:
        if pin.name in index and 1 <= pin.club <= cm.k:
            pinned[index[pin.name]] = pin.club - 1
    apart = tuple((index[a], index[b]) for a, b in p.config.pins.apart if a in index and b in index)
    together = tuple(
        (index[pin.members[0]], index[pin.members[1]])
        for pin in p.config.pins.together
        if pin.members[0] in index and pin.members[1] in index
    )
    keep: list[int | None] = [None] * n
    for name, club in p.keep.items():
        if name in index and 1 <= club <= cm.k:
            keep[index[name]] = club - 1
    return ColumnData(
        weights=np.array(cm.grouping.weights, dtype=float),
        k=cm.k,
        lo=lo,
        hi=hi,
        deficit=np.array([r.balance.is_deficit for r in p.participants], dtype=bool),
        tolerance=cm.tolerance,
        host=np.array([r.can_host for r in p.participants], dtype=bool),
        host_per=p.config.sessions.max_size,
        host_need=host_need(lo, p.config),
        shortfall_weight=p.config.weights.clubs.host_shortfall,
        pinned=tuple(pinned),
        apart=apart,
        together=together,
        keep=tuple(keep),
        stability=p.config.weights.clubs.stability if p.keep else 0.0,
    )


def within_target(cm: ClubModel, groups: Sequence[int], bound: float | None) -> bool:
    """Whether ``bound`` already shows the layout within ``CLUB_TARGET_GAP`` of the
    best possible (then the column generation has nothing to add: small cases,
    where the compact model or the triangle LP is tight)."""
    if bound is None:
        return False
    clubs = [[i for i, g in enumerate(groups) if g == c] for c in range(cm.k)]
    names = [[cm.problem.names[i] for i in club] for club in clubs]
    value = cm.grouping.objective(groups) + penalties(cm, names)
    return bound <= value + CLUB_TARGET_GAP * abs(value) + 1e-9


def improve_by_column_generation(
    cm: ClubModel, groups: Sequence[int], seed: int, budget: float
) -> ColumnGenerationResult:
    """Column generation from the compact model's layout: a bound on the club
    score and possibly a better layout (never a worse one)."""
    data = column_data(cm)
    settings = ColumnGenerationSettings(
        seed=seed,
        pricing_deterministic_time=budget * PRICING_SHARE,
        total_pricing_time=budget,
        master_deterministic_time=budget * MASTER_SHARE,
        target_gap=CLUB_TARGET_GAP,
    )
    return column_generation(data, columns_of(groups, data), settings)


def colgen_groups(
    cm: ClubModel, colgen: ColumnGenerationResult, fallback: Sequence[int]
) -> tuple[int, ...]:
    data = column_data(cm)
    groups = groups_of(colgen.layout, data)
    return groups if len(groups) == len(fallback) else tuple(fallback)


def penalties(cm: ClubModel, clubs: Sequence[Sequence[str]]) -> float:
    """The penalised rules' share of the club score, recomputed from the layout."""
    people = {p.name: p for p in cm.problem.participants}
    need = host_need(cm.grouping.bounds[0][0], cm.problem.config)
    weight = cm.problem.config.weights.clubs.host_shortfall
    short = sum(max(0, need - sum(1 for n in club if people[n].can_host)) for club in clubs)
    return -weight * short


def explain_infeasible_clubs(problem: ClubProblem, tolerance: int) -> RuleConflict:
    """Named rules that together make the club layout impossible (with the club sizes)."""
    cm = ClubModel(problem, tolerance, with_assumptions=True)
    lo, hi = cm.grouping.bounds[0]
    sizes = f"{cm.k} clubs van {lo}–{hi} deelnemers"
    rules = conflicting_rules(cm.rule)
    if rules is None:
        unknown = "de clubindeling is onmogelijk, maar de oorzaak kon niet worden bepaald"
        return RuleConflict([], [sizes, unknown], stage=Stage.CLUBS)
    return RuleConflict(rules, [sizes], stage=Stage.CLUBS)
