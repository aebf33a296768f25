"""A strong club bound by column generation (Dantzig–Wolfe / set partitioning).

Master problem over candidate clubs (columns, :mod:`matching.club_pricing`)::

    max  Σ_S value(S)·λ_S
    s.t. Σ_{S ∋ i} λ_S = 1            for every participant i      (dual u_i)
         Σ_{S of type g} λ_S = m_g     for every club type g        (dual μ_g)
         λ ≥ 0

with one type and ``m = k`` when clubs are interchangeable, and one type per
club number with ``m_g = 1`` when pins to a club number or ``--keep`` give clubs
an identity. Its LP (solved with GLOP) is restricted to the columns generated so
far; the master integer problem over the same columns is solved with CP-SAT.

The bound (valid at any moment, not only at convergence): every layout uses
exactly ``m_g`` columns of type ``g`` and covers every participant once, so for
*any* duals ``(u, μ)`` its value is ``Σ_i u_i + Σ_g m_g·μ_g + Σ_S rc(S)`` ≤
``Σ_i u_i + Σ_g m_g·(μ_g + RC_g)``, where ``RC_g`` bounds the best reduced cost
of a column of type ``g``. The exact pricing (CP-SAT) gives a proven ``RC_g``
even when it stops on its time limit, so every exact pricing round yields a
valid Lagrangian bound; the best (smallest) one is reported. When the pricing
proves ``RC_g ≤ 0`` for every type, the bound equals the LP value.

Determinism: GLOP and CP-SAT (one worker, deterministic time) are
deterministic, the heuristic pricing uses a seeded numpy generator, and every
loop is bounded by a count or by CP-SAT's deterministic time, never by wall
time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from leernetwerk import interrupt
from matching.club_pricing import (
    EPS,
    UNTYPED,
    Column,
    ColumnData,
    exact_pricing,
    heuristic_columns,
)
from matching.solver import SolverSettings, SolveStatus, solve

MAX_ROUNDS = 100
"""Heuristic pricing rounds at most; after them only exact pricing rounds (each
bounded by CP-SAT's deterministic time) until the pricing budget is spent."""

COLUMNS_PER_ROUND = 30
"""Columns added per heuristic pricing round, per club type."""

MASTER_SCALE = 10_000
"""Objective coefficients of the integer master are value × this, rounded."""


@dataclass(frozen=True)
class ColumnGenerationSettings:
    seed: int = 0
    pricing_deterministic_time: float = 2.0
    """CP-SAT deterministic time per exact pricing solve."""
    total_pricing_time: float = 20.0
    """Deterministic time for all exact pricing solves together."""
    master_deterministic_time: float = 2.0
    """CP-SAT deterministic time of the integer master."""
    max_rounds: int = MAX_ROUNDS
    target_gap: float = 0.0
    """Stop once the bound is within this fraction of the incumbent's value
    (0: run until the pricing proves the LP optimal or the budget is spent).
    The exact pricing then only has to show that no column has a reduced cost
    above the share of the target left per club (``exact_pricing(threshold=)``),
    which is much faster than solving it to optimality."""


@dataclass(frozen=True)
class ColumnGenerationResult:
    layout: tuple[Column, ...]
    """The best layout found: the incumbent or one from the integer master."""
    value: float
    """Its master value (score plus stability)."""
    lp_value: float
    bound: float | None
    """Best Lagrangian bound on the master value of any layout (None: no exact round)."""
    proven: bool
    """True when the LP was solved to optimality (the bound equals the LP value)."""
    columns: int
    rounds: int
    exact_rounds: int
    deterministic_time: float
    wall_time: float


class Master:
    """The restricted master LP (GLOP), grown column by column."""

    def __init__(self, data: ColumnData) -> None:
        self.data = data
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.rows = [self.solver.Constraint(1.0, 1.0, f"cover_{i}") for i in range(data.n)]
        self.type_rows = {
            g: self.solver.Constraint(data.multiplicity(g), data.multiplicity(g), f"type_{g}")
            for g in data.types
        }
        self.objective = self.solver.Objective()
        self.objective.SetMaximization()
        self.columns: list[Column] = []
        self.values: list[float] = []
        self.vars: list[pywraplp.Variable] = []
        self.known: set[Column] = set()

    def add(self, column: Column) -> bool:
        if column in self.known:
            return False
        self.known.add(column)
        var = self.solver.NumVar(0.0, self.solver.infinity(), f"col_{len(self.vars)}")
        value = self.data.value(column)
        self.objective.SetCoefficient(var, value)
        for i in column[1]:
            self.rows[i].SetCoefficient(var, 1.0)
        self.type_rows[column[0]].SetCoefficient(var, 1.0)
        self.columns.append(column)
        self.values.append(value)
        self.vars.append(var)
        return True

    def solve(self) -> tuple[float, np.ndarray, list[float], list[float]]:
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:  # pragma: no cover - feasible by construction
            raise RuntimeError(f"master LP not solved to optimality (status {status})")
        u = np.array([row.dual_value() for row in self.rows])
        mu = [self.type_rows[g].dual_value() for g in self.data.types]
        primal = [v.solution_value() for v in self.vars]
        return self.objective.Value(), u, mu, primal


def lagrangian_bound(
    data: ColumnData, u: np.ndarray, mu: Sequence[float], rc_bounds: Sequence[float]
) -> float:
    """``Σ u_i + Σ_g m_g·(μ_g + RC_g)``: an upper bound on every layout's value."""
    total = float(u.sum())
    for g_index, g in enumerate(data.types):
        total += data.multiplicity(g) * (mu[g_index] + rc_bounds[g_index])
    return total


def target_value(settings: ColumnGenerationSettings, incumbent_value: float) -> float:
    """The bound at which the column generation may stop (``target_gap``)."""
    if settings.target_gap <= 0:
        return -np.inf
    return incumbent_value + settings.target_gap * abs(incumbent_value)


def pricing_threshold(
    data: ColumnData, settings: ColumnGenerationSettings, incumbent_value: float, lp_value: float
) -> float | None:
    """The reduced cost the exact pricing has to rule out: the room between the LP
    value and the target, shared over the clubs (at least EPS, so that a proof
    still shows the LP optimal when the LP is already above the target); None
    without a target (solve the pricing to optimality)."""
    if settings.target_gap <= 0:
        return None
    clubs = sum(data.multiplicity(g) for g in data.types)
    room = (target_value(settings, incumbent_value) - lp_value) / clubs
    return max(room, EPS)


def column_generation(
    data: ColumnData,
    incumbent: Sequence[Column],
    settings: ColumnGenerationSettings,
    extra_columns: Sequence[Column] = (),
) -> ColumnGenerationResult:
    """Run column generation from the incumbent layout; return the best layout
    (never worse than the incumbent) and the best bound."""
    start = time.perf_counter()
    rng = np.random.default_rng(settings.seed)
    if not all(data.feasible(column) for column in incumbent):
        # The layout breaks a club rule (only when a model rule was loosened, as
        # tests do): the master has no feasible start; report nothing.
        value = sum(data.value(c) for c in incumbent)
        wall = time.perf_counter() - start
        return ColumnGenerationResult(
            tuple(incumbent), value, value, None, False, 0, 0, 0, 0.0, wall
        )
    master = Master(data)
    for column in [*incumbent, *extra_columns]:
        if data.feasible(column):
            master.add(column)
    pricing_time = 0.0
    best_bound: float | None = None
    proven = False
    rounds = exact_rounds = 0
    incumbent_value = lp_value = sum(data.value(c) for c in incumbent)
    while True:
        interrupt.check()  # the GLOP solves and the heuristic do not pass through ``solve``
        rounds += 1
        lp_value, u, mu, primal = master.solve()
        basis = [c for c, x in zip(master.columns, primal, strict=True) if x > 1e-6]
        if rounds <= settings.max_rounds:
            limit = COLUMNS_PER_ROUND * len(mu)
            found = heuristic_columns(data, u, mu, basis, rng, limit=limit, greedy=False)
            if not found:
                found = heuristic_columns(data, u, mu, basis, rng, limit=limit, greedy=True)
            if sum(master.add(c) for _, c in found):
                continue
        # The heuristic found nothing, or its rounds are used up: exact pricing
        # (its bound holds for these duals whatever columns were added since).
        if pricing_time >= settings.total_pricing_time:
            break
        exact_rounds += 1
        rc_bounds = []
        improving = False
        all_optimal = True
        threshold = pricing_threshold(data, settings, incumbent_value, lp_value)
        for g_index, g in enumerate(data.types):
            left = len(data.types) - g_index
            budget = min(
                settings.pricing_deterministic_time,
                (settings.total_pricing_time - pricing_time) / left,
            )
            best_basis = max(
                (c for c in basis if c[0] == g),
                key=lambda c: data.value(c) - float(u[list(c[1])].sum()),
                default=None,
            )
            priced = exact_pricing(
                data,
                u,
                mu[g_index],
                g,
                seed=settings.seed,
                max_deterministic_time=max(budget, 0.05),
                hint=best_basis,
                threshold=threshold,
            )
            pricing_time += priced.deterministic_time
            rc_bounds.append(priced.bound)
            all_optimal &= priced.status in (SolveStatus.OPTIMAL, SolveStatus.INFEASIBLE)
            if priced.column is not None and (priced.reduced_cost or 0.0) > EPS:
                improving |= master.add(priced.column)
        bound = lagrangian_bound(data, u, mu, rc_bounds)
        best_bound = bound if best_bound is None else min(best_bound, bound)
        if not improving and all_optimal:
            # Every type's pricing finished: the bound above holds; when no column
            # has a positive reduced cost at all it is the LP value.
            proven = threshold is None or max(rc_bounds) <= EPS
            if proven:
                best_bound = min(best_bound, max(lp_value, bound))
            break
        if best_bound <= target_value(settings, incumbent_value):
            break
        if not improving:
            # The exact pricing could not find a column in its time: stop here.
            break
    layout, value, master_time = integer_master(data, master.columns, incumbent, settings)
    return ColumnGenerationResult(
        layout=layout,
        value=value,
        lp_value=lp_value,
        bound=best_bound,
        proven=proven,
        columns=len(master.columns),
        rounds=rounds,
        exact_rounds=exact_rounds,
        deterministic_time=pricing_time + master_time,
        wall_time=time.perf_counter() - start,
    )


def integer_master(
    data: ColumnData,
    columns: Sequence[Column],
    incumbent: Sequence[Column],
    settings: ColumnGenerationSettings,
) -> tuple[tuple[Column, ...], float, float]:
    """The best layout from the generated columns (CP-SAT, hinted with the incumbent);
    the incumbent when nothing better is found. Returns layout, value, det. time."""
    incumbent_value = sum(data.value(c) for c in incumbent)
    model = cp_model.CpModel()
    pick = [model.new_bool_var(f"col_{c}") for c in range(len(columns))]
    covering: list[list[cp_model.IntVar]] = [[] for _ in range(data.n)]
    by_type: dict[int, list[cp_model.IntVar]] = {g: [] for g in data.types}
    for var, (g, members) in zip(pick, columns, strict=True):
        for i in members:
            covering[i].append(var)
        by_type[g].append(var)
    for row in covering:
        model.add_exactly_one(row)
    for g, vars_ in by_type.items():
        model.add(sum(vars_) == data.multiplicity(g))
    model.maximize(
        sum(round(data.value(c) * MASTER_SCALE) * v for c, v in zip(columns, pick, strict=True))
    )
    chosen = set(incumbent)
    for column, var in zip(columns, pick, strict=True):
        model.add_hint(var, column in chosen)
    result = solve(
        model,
        SolverSettings(
            seed=settings.seed,
            num_workers=1,
            max_deterministic_time=settings.master_deterministic_time,
        ),
    )
    if not result.has_solution:
        return tuple(incumbent), incumbent_value, result.deterministic_time
    layout = tuple(c for c, v in zip(columns, pick, strict=True) if result.boolean_value(v))
    value = sum(data.value(c) for c in layout)
    if value <= incumbent_value + 1e-9:
        return tuple(incumbent), incumbent_value, result.deterministic_time
    return layout, value, result.deterministic_time


def columns_of(groups: Sequence[int], data: ColumnData) -> tuple[Column, ...]:
    """A layout (group per element) as columns (typed by club number when clubs have one)."""
    members: dict[int, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    return tuple((g if data.typed else UNTYPED, tuple(ms)) for g, ms in sorted(members.items()))


def groups_of(layout: Sequence[Column], data: ColumnData) -> tuple[int, ...]:
    """Columns back to a group per element; untyped clubs numbered by smallest member."""
    groups = [0] * data.n
    ordered = sorted(layout, key=lambda c: (c[0], min(c[1])))
    for index, (g, members) in enumerate(ordered):
        for i in members:
            groups[i] = g if g != UNTYPED else index
    return tuple(groups)
