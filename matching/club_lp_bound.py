"""A second club bound: the clique-partitioning LP with cutting planes (HiGHS).

One variable ``z_ij ∈ [0, 1]`` per pair ("i and j share a club"). Every club
layout gives a 0/1 vector ``z`` that satisfies, for every participant ``i``
(with ``S`` its club)::

    lo − 1 ≤ Σ_j z_ij ≤ hi − 1                              (club size)
    |Σ_j s_j·z_ij + s_i| ≤ tolerance, s = +1 deficit, −1 other  (balance in S)
    per·(Σ_j h_j·z_ij + h_i) ≥ Σ_j z_ij + 1                   (hosts in S)
    z_ij = 0 for pins apart and for different club pins; z_ij = 1 for pins together

and its pair score is ``Σ w_ij·z_ij``. The host-shortfall penalty is never
positive, so the LP maximum of ``Σ w_ij·z_ij`` is an upper bound on the club
score of every layout (not on score + stability: no bound is reported with
``--keep``). Three families of inequalities, each valid for every 0/1 layout
with clubs of at most ``hi`` members, are added as cuts:

* **triangles** ``z_ij + z_jk − z_ik ≤ 1``: being in the same club is transitive.
* **stars** (size-bounded 2-partition inequalities): for a participant ``i``, a
  set ``T`` of others and an integer ``a ≥ 1``,
  ``a·Σ_{j∈T} z_ij − Σ_{j<l∈T} z_jl ≤ max_{0≤m≤min(|T|, hi−1)} (a·m − m(m−1)/2)``.
  Valid: if ``m`` members of ``T`` share ``i``'s club (at most ``hi − 1`` do),
  the first sum is ``m`` and those ``m`` are pairwise together, so the second
  sum is at least ``m(m−1)/2``.
* **positive semidefinite cuts**: for any real vector ``x``,
  ``Σ_i x_i² + 2·Σ_{i<j} x_i·x_j·z_ij ≥ 0``. Valid: for a layout the left side is
  ``Σ_clubs (Σ_{i∈club} x_i)²``. ``x`` is an eigenvector of ``I + Z`` (``Z`` the
  LP's current ``z``) with a negative eigenvalue, so the cut is violated there.

Each round solves the LP afresh (HiGHS's interior point method with crossover,
through OR-Tools MathOpt; GLOP's dual simplex if HiGHS reports no optimum): the
participant rows, the cuts of the last round that are tight and the most violated
new cuts of each family (fixed numbers, ties broken by index). Warm-starting GLOP
on the growing LP was measured no faster than solving it cold, and HiGHS's
interior point method is 3–4 times faster than either here. The loop stops after a
fixed number of rounds (by participant count), when the LPs solved so far hold
``NONZERO_BUDGET`` constraint nonzeros, when a round lowers the bound by less
than ``MIN_GAIN`` of it, or when nothing is violated: counts and values,
never the wall clock, so the result is deterministic (HiGHS runs on one thread
with a fixed seed). Every LP solved on the way is a relaxation, so every round's
bound is valid; the smallest is returned.

**The bound does not trust the solver's tolerances.** Each round's bound is
computed from the solver's row duals ``y`` by weak duality (:func:`lagrangian_bound`):
for any ``y``, ``Σ_r y_r·(hi_r or lo_r) + Σ_p max over z_p ∈ [lower_p, upper_p] of
(w − Aᵀy)_p·z_p`` is at least the LP's maximum, and so at least every layout's
score. With exact optimal duals it equals the LP value; inexact duals only make it
larger, never invalid. The sums are raised by ``1e-9`` of their absolute size for
floating-point rounding.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.math_opt import model_pb2
from ortools.math_opt.python import mathopt
from ortools.math_opt.solvers import highs_pb2

from leernetwerk import interrupt
from matching.club_pricing import ColumnData


@dataclass(frozen=True)
class CutRounds:
    """Up to ``size`` participants: ``rounds`` rounds of cuts, each adding per
    participant its ``triangles`` and ``stars`` most violated triangle and star cuts."""

    size: int
    rounds: int
    triangles: int
    stars: int


LP_SOLVERS = (
    (
        mathopt.SolverType.HIGHS,
        mathopt.SolveParameters(
            lp_algorithm=mathopt.LPAlgorithm.BARRIER,
            random_seed=0,
            enable_output=False,
            highs=highs_pb2.HighsOptionsProto(
                int_options={"threads": 1}, string_options={"run_crossover": "on"}
            ),
        ),
    ),
    (
        mathopt.SolverType.GLOP,
        mathopt.SolveParameters(lp_algorithm=mathopt.LPAlgorithm.DUAL_SIMPLEX, threads=1),
    ),
)
"""LP solvers (OR-Tools MathOpt) in order of preference: the next one is tried when
one does not report an optimum. HiGHS's interior point method solves these LPs 3–4
times faster than GLOP's simplex (100 of the 342 registrants: 5 rounds in 4.1 s
against 14.7 s; docs/quality.md); one thread, so the result does not depend on the
machine. MathOpt rather than pywraplp: pywraplp's HiGHS interface returns the row
activities where the duals belong, and :func:`lagrangian_bound` needs the duals."""

ROUNDS_BY_SIZE = (
    CutRounds(40, rounds=4, triangles=40, stars=2),
    CutRounds(80, rounds=12, triangles=40, stars=4),
    CutRounds(120, rounds=18, triangles=40, stars=4),
    CutRounds(200, rounds=4, triangles=10, stars=2),
)
"""The cut rounds by participant count. Up to 40 participants the column generation
usually carries the bound, so the LP gets few rounds (national example: 4 rounds,
about 0.4 s); above that the LP carries it (100 of the 342 registrants: 18 rounds,
about 30 s, bound 3.0 % above the layout; docs/quality.md, "Measured"); above 120
the LP (n² variables) grows fast and gets few rounds."""

PSD_CUTS = 5
"""Positive semidefinite cuts added per round (the most negative eigenvalues)."""

NONZERO_BUDGET = 3_300_000
"""Stop before the LP solves together would hold more constraint nonzeros than
this (a deterministic measure of their work: a solve takes about 1e-5 s per
nonzero). 100 of the 342 registrants use 3.18 million in their 18 rounds; on
dense random weights (MDGPLIB n = 120) the dense cuts make each LP larger and
the budget stops the rounds early (10 rounds, 52 s instead of 148 s)."""

MIN_GAIN = 1e-4
"""Stop when a round lowers the bound by less than this share of it."""

MAX_PARTICIPANTS = 200
"""Above this the LP (n² variables, an n³ violation scan) is not attempted."""

VIOLATION = 1e-6
"""Least violation (and least slack) that counts."""


def default_rounds(n: int) -> CutRounds:
    """The cut rounds for n participants."""
    for rounds in ROUNDS_BY_SIZE:
        if n <= rounds.size:
            return rounds
    return ROUNDS_BY_SIZE[-1]


def star_rhs(a: int, size: int, cap: int) -> float:
    """Right-hand side of the star cut with coefficient ``a`` over ``size`` others,
    when a club holds at most ``cap`` others."""
    return max(a * m - m * (m - 1) / 2 for m in range(min(size, cap) + 1))


@dataclass(frozen=True)
class Cut:
    """``Σ coef·z[rows, cols] ≤ rhs`` (pairs given with rows < cols)."""

    rows: np.ndarray
    cols: np.ndarray
    coefs: np.ndarray
    rhs: float

    def activity(self, values: np.ndarray) -> float:
        return float((self.coefs * values[self.rows, self.cols]).sum())


def pairs_cut(pairs: list[tuple[int, int]], coefs: list[float], rhs: float) -> Cut:
    rows = np.array([min(p) for p in pairs], dtype=np.int64)
    cols = np.array([max(p) for p in pairs], dtype=np.int64)
    return Cut(rows, cols, np.array(coefs, dtype=float), rhs)


def triangle_cuts(values: np.ndarray, count: int) -> list[Cut]:
    """The ``count`` most violated triangles ``z_ab + z_bc − z_ac ≤ 1`` (b in the middle)."""
    violation = values[:, :, None] + values[None, :, :] - values[:, None, :] - 1.0
    index = np.argwhere(violation > VIOLATION)
    keep = (index[:, 0] < index[:, 2]) & (index[:, 0] != index[:, 1])
    keep &= index[:, 1] != index[:, 2]
    index = index[keep]
    amounts = violation[index[:, 0], index[:, 1], index[:, 2]]
    order = np.argsort(-amounts, kind="stable")[:count]
    return [
        pairs_cut([(int(a), int(b)), (int(b), int(c)), (int(a), int(c))], [1.0, 1.0, -1.0], 1.0)
        for a, b, c in index[order]
    ]


def star_cut(i: int, a: int, members: list[int], cap: int) -> Cut:
    pairs = [(i, j) for j in members]
    coefs = [float(a)] * len(members)
    for p, j in enumerate(members):
        for k in members[p + 1 :]:
            pairs.append((j, k))
            coefs.append(-1.0)
    return pairs_cut(pairs, coefs, star_rhs(a, len(members), cap))


def star_cuts(values: np.ndarray, cap: int, per_participant: int) -> list[Cut]:
    """Per participant ``i`` and coefficient ``a = 1..cap``: a greedy set ``T`` (add the
    participant with the largest gain ``a·z_ij − Σ_{l∈T} z_jl`` while it is positive;
    keep the prefix with the largest violation); the ``per_participant`` cuts with the
    largest violation per unit of norm."""
    n = values.shape[0]
    cuts: list[Cut] = []
    for i in range(n):
        candidates = np.flatnonzero(values[i] > VIOLATION)
        candidates = candidates[candidates != i]
        if len(candidates) < 2:
            continue
        found: list[tuple[float, int, list[int]]] = []
        inner = values[np.ix_(candidates, candidates)]
        for a in range(1, cap + 1):
            gain = a * values[i, candidates]
            used = np.zeros(len(candidates), dtype=bool)
            members: list[int] = []
            lhs = 0.0
            best = (VIOLATION, 0)
            while len(members) < len(candidates):
                b = int(np.argmax(np.where(used, -np.inf, gain)))
                if used[b] or gain[b] <= 0:
                    break
                used[b] = True
                members.append(b)
                lhs += float(gain[b])
                gain = gain - inner[b]
                size = len(members)
                violation = lhs - star_rhs(a, size, cap)
                if size >= 2 and violation > best[0]:
                    best = (violation, size)
            if best[1]:
                size = best[1]
                norm = math.sqrt(a * a * size + size * (size - 1) / 2)
                found.append((best[0] / norm, a, [int(candidates[b]) for b in members[:size]]))
        found.sort(key=lambda f: -f[0])
        cuts.extend(star_cut(i, a, members, cap) for _, a, members in found[:per_participant])
    return cuts


def psd_cuts(values: np.ndarray, count: int) -> list[Cut]:
    """``−2·Σ_{i<j} x_i·x_j·z_ij ≤ Σ_i x_i²`` for eigenvectors ``x`` of ``I + Z`` with
    the most negative eigenvalues (scaled to max |x| = 1 and rounded, so tiny
    floating-point differences do not change the cut; any ``x`` is valid)."""
    n = values.shape[0]
    eigenvalues, vectors = np.linalg.eigh(np.eye(n) + values)
    rows, cols = np.triu_indices(n, 1)
    cuts = []
    for q in range(min(count, n)):
        if eigenvalues[q] > -1e-3:
            break
        x = vectors[:, q] / np.abs(vectors[:, q]).max()
        x = np.round(x, 4)
        coefs = -2.0 * x[rows] * x[cols]
        nonzero = coefs != 0.0
        cuts.append(Cut(rows[nonzero], cols[nonzero], coefs[nonzero], float((x * x).sum())))
    return cuts


@dataclass(frozen=True)
class Row:
    """``lo ≤ Σ coefs·z[pairs] ≤ hi`` over pair indices (see :class:`PairLP`)."""

    pairs: np.ndarray
    coefs: np.ndarray
    lo: float
    hi: float


@dataclass(frozen=True)
class PairLP:
    """The LP without cuts: one variable per pair ``p`` = (``first[p]`` < ``second[p]``)
    with bounds ``lower``/``upper`` (pins), objective ``weight`` and the participant
    rows."""

    n: int
    first: np.ndarray
    second: np.ndarray
    index: np.ndarray
    """``index[i, j]``: the pair index of ``i ≠ j`` (symmetric)."""
    weight: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    rows: tuple[Row, ...]

    @classmethod
    def of(cls, data: ColumnData) -> PairLP:
        n = data.n
        first, second = np.triu_indices(n, 1)
        index = np.full((n, n), -1, dtype=np.int64)
        index[first, second] = index[second, first] = np.arange(len(first))
        lower = np.zeros(len(first))
        upper = np.ones(len(first))
        for i, j in data.apart:
            upper[index[i, j]] = 0.0
        for i, j in data.together:
            lower[index[i, j]] = 1.0
        pins = [(i, c) for i, c in enumerate(data.pinned) if c is not None]
        for (i, ci), (j, cj) in itertools.combinations(pins, 2):
            if ci != cj:
                upper[index[i, j]] = 0.0
        weight = np.asarray(data.weights, dtype=float)[first, second]
        rows = participant_rows(data, index)
        together = pair_count_range(n, data.k, data.lo, data.hi)
        # One row over all pairs; with equal clubs (lo = hi) the size rows imply it.
        if together is not None and data.lo < data.hi:
            rows += (Row(np.arange(len(first)), np.ones(len(first)), *together),)
        return cls(n, first, second, index, weight, lower, upper, rows)

    def cut_row(self, cut: Cut) -> Row:
        return Row(self.index[cut.rows, cut.cols], cut.coefs, -math.inf, cut.rhs)

    def values(self, x: np.ndarray) -> np.ndarray:
        """The symmetric n×n matrix of the pair values ``x``."""
        values = np.zeros((self.n, self.n))
        values[self.first, self.second] = x
        values[self.second, self.first] = x
        return values


def pair_count_range(n: int, k: int, lo: int, hi: int) -> tuple[float, float] | None:
    """The fewest and most pairs sharing a club over every split of n participants
    into exactly k clubs of lo..hi members (None when there is no such split).

    ``Σ_c s_c(s_c − 1)/2`` is convex in the sizes: least when they are as equal as
    possible, most when as unequal as possible (clubs filled to ``hi`` one by one).
    The per-participant size rows allow anything between ``n(lo − 1)/2`` and
    ``n(hi − 1)/2``; with clubs of unequal size (45 participants in 11–12) this row
    is what keeps the LP from giving everyone ``hi − 1`` club mates."""
    if k < 1 or not k * lo <= n <= k * hi:
        return None
    q, r = divmod(n, k)
    fewest = r * math.comb(q + 1, 2) + (k - r) * math.comb(q, 2)
    sizes = [lo] * k
    extra = n - k * lo
    for c in range(k):
        add = min(hi - lo, extra)
        sizes[c] += add
        extra -= add
    most = sum(math.comb(size, 2) for size in sizes)
    return float(fewest), float(most)


def participant_rows(data: ColumnData, index: np.ndarray) -> tuple[Row, ...]:
    """Size, balance and host rows of every participant, over its pairs."""
    n = data.n
    assert data.deficit is not None and data.host is not None
    sign = 2.0 * np.asarray(data.deficit, dtype=float) - 1.0
    host = np.asarray(data.host, dtype=float)
    rows = []
    for i in range(n):
        others = np.array([j for j in range(n) if j != i], dtype=np.int64)
        pairs = index[i, others]
        rows.append(Row(pairs, np.ones(len(others)), data.lo - 1.0, data.hi - 1.0))
        if data.tolerance is not None:
            tol = float(data.tolerance)
            rows.append(Row(pairs, sign[others], -tol - sign[i], tol - sign[i]))
        if data.host_per is not None:
            # per·(Σ_j h_j·z_ij + h_i) − Σ_j z_ij ≥ 1
            per = float(data.host_per)
            rows.append(Row(pairs, per * host[others] - 1.0, 1.0 - per * host[i], math.inf))
    return tuple(rows)


def lagrangian_bound(problem: PairLP, rows: list[Row], duals: np.ndarray) -> float:
    """``max Σ w·z`` over ``lower ≤ z ≤ upper`` and the rows is at most
    ``Σ_r y_r·(hi_r if y_r > 0 else lo_r) + Σ_p max((w − Aᵀy)_p·lower_p, (w − Aᵀy)_p·upper_p)``
    for **any** multipliers ``y`` (weak duality). Both signs of the solver's duals
    are tried (its sign convention does not matter) and the smaller is returned;
    a multiplier whose row side is infinite is set to 0."""
    owner, pairs, coefs = stacked(rows)
    lo = np.array([row.lo for row in rows])
    hi = np.array([row.hi for row in rows])
    best = math.inf
    for y in (duals, -duals):
        y = np.where((y > 0) & np.isinf(hi), 0.0, y)
        y = np.where((y < 0) & np.isinf(lo), 0.0, y)
        rows_part = np.where(y > 0, y * np.where(np.isinf(hi), 0.0, hi), 0.0)
        rows_part += np.where(y < 0, y * np.where(np.isinf(lo), 0.0, lo), 0.0)
        reduced = problem.weight - np.bincount(
            pairs, weights=coefs * y[owner], minlength=len(problem.weight)
        )
        box = np.maximum(reduced * problem.lower, reduced * problem.upper)
        terms = np.concatenate([rows_part, box])
        # Rounding of the float sums: far below the reported precision.
        best = min(best, float(terms.sum()) + 1e-9 * float(np.abs(terms).sum()) + 1e-9)
    return best


def solve_relaxation(problem: PairLP, cuts: list[Cut]) -> tuple[float, np.ndarray] | None:
    """Solve the LP with these cuts: (a valid upper bound from its duals, the pair
    values as an n×n matrix), or None when no solver in ``LP_SOLVERS`` reports an
    optimum."""
    rows = list(problem.rows) + [problem.cut_row(cut) for cut in cuts]
    model, z, constraints = build(problem, rows)
    for solver, parameters in LP_SOLVERS:
        result = mathopt.solve(model, solver, params=parameters)
        if result.termination.reason == mathopt.TerminationReason.OPTIMAL:
            x = np.array(result.variable_values(z))
            duals = np.array(result.dual_values(constraints))
            return lagrangian_bound(problem, rows, duals), problem.values(x)
    return None


def build(
    problem: PairLP, rows: list[Row]
) -> tuple[mathopt.Model, list[mathopt.Variable], list[mathopt.LinearConstraint]]:
    """The MathOpt model, built as one proto from the arrays (per-coefficient calls
    took about a third of the run time at 100 participants)."""
    proto = model_pb2.ModelProto(name="club-lp")
    count = len(problem.weight)
    proto.variables.ids.extend(range(count))
    proto.variables.lower_bounds.extend(problem.lower.tolist())
    proto.variables.upper_bounds.extend(problem.upper.tolist())
    proto.variables.integers.extend([False] * count)
    proto.objective.maximize = True
    nonzero = np.flatnonzero(problem.weight)
    proto.objective.linear_coefficients.ids.extend(nonzero.tolist())
    proto.objective.linear_coefficients.values.extend(problem.weight[nonzero].tolist())
    proto.linear_constraints.ids.extend(range(len(rows)))
    proto.linear_constraints.lower_bounds.extend([row.lo for row in rows])
    proto.linear_constraints.upper_bounds.extend([row.hi for row in rows])
    owner, pairs, coefs = stacked(rows)
    keep = coefs != 0.0
    owner, pairs, coefs = owner[keep], pairs[keep], coefs[keep]
    order = np.lexsort((pairs, owner))
    matrix = proto.linear_constraint_matrix
    matrix.row_ids.extend(owner[order].tolist())
    matrix.column_ids.extend(pairs[order].tolist())
    matrix.coefficients.extend(coefs[order].tolist())
    model = mathopt.Model.from_model_proto(proto)
    z = [model.get_variable(p) for p in range(count)]
    constraints = [model.get_linear_constraint(r) for r in range(len(rows))]
    return model, z, constraints


def stacked(rows: list[Row]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row index, pair index, coefficient) of every nonzero of the rows."""
    owner = np.repeat(np.arange(len(rows)), [len(row.pairs) for row in rows])
    pairs = np.concatenate([row.pairs for row in rows])
    coefs = np.concatenate([row.coefs for row in rows])
    return owner, pairs, coefs


def triangle_lp_bound(
    data: ColumnData,
    *,
    rounds: int | None = None,
    cuts_per_participant: int | None = None,
    stars_per_participant: int | None = None,
    psd_cuts_per_round: int = PSD_CUTS,
    on_round: Callable[[int, int], None] | None = None,
) -> float | None:
    """Upper bound on the club score (pair weights, penalties dropped) of every layout;
    None when the LP could not be solved. ``rounds``, ``cuts_per_participant``
    (triangles) and ``stars_per_participant`` None: ``default_rounds(n)``.
    ``on_round(r, rounds)`` is called before round r (0: the LP without cuts) is solved."""
    n = data.n
    if n < 2:
        return 0.0
    if n > MAX_PARTICIPANTS:
        return None
    default = default_rounds(n)
    rounds = default.rounds if rounds is None else rounds
    triangles = default.triangles if cuts_per_participant is None else cuts_per_participant
    stars = default.stars if stars_per_participant is None else stars_per_participant
    problem = PairLP.of(data)
    cap = data.hi - 1
    cuts: list[Cut] = []
    best: float | None = None
    base = sum(len(row.pairs) for row in problem.rows)
    work = 0
    for round_ in range(rounds + 1):
        interrupt.check()  # the LP solves do not pass through ``matching.solver.solve``
        size = base + sum(len(cut.rows) for cut in cuts)
        if round_ and work + size > NONZERO_BUDGET:
            break
        work += size
        if on_round is not None:
            on_round(round_, rounds)
        solved = solve_relaxation(problem, cuts)
        if solved is None:
            break
        bound, values = solved
        if best is not None and best - bound < MIN_GAIN * abs(bound):
            best = min(best, bound)
            break
        best = bound if best is None else min(best, bound)
        if round_ == rounds:
            break
        new = triangle_cuts(values, triangles * n)
        if cap >= 1:
            new += star_cuts(values, cap, stars)
        new += psd_cuts(values, psd_cuts_per_round)
        if not new:
            break
        cuts = [cut for cut in cuts if cut.activity(values) >= cut.rhs - VIOLATION] + new
    return best
