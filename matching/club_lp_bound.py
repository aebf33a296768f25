"""A second club bound: the clique-partitioning LP with cutting planes (GLOP).

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

Each round solves the LP (GLOP's dual simplex, warm-started on the same solver
object: only rows change), switches off the cuts that have slack (their rows
become free; a cut that is violated again is added again) and adds the most
violated ones of each family (fixed numbers, ties broken by index). The loop
stops after a fixed number of rounds (by participant count), when a round
lowers the value by less than ``MIN_GAIN`` of it, or when nothing is violated:
counts and values, never the wall clock, so the result is deterministic. Every
LP solved on the way is a relaxation, so every round's value is a valid bound;
the smallest is returned.

GLOP works in floating point: the value is raised by a safety margin of
``1e-6·|value| + 1e-4`` (far below the reported precision).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.linear_solver import pywraplp

from matching.club_pricing import ColumnData

ROUNDS_BY_SIZE = ((40, 4, 40), (80, 8, 40), (120, 5, 40), (200, 4, 10))
"""(at most this many participants, rounds of cuts, triangle cuts per participant and
round). Up to 40 participants the column generation usually carries the bound, so
the LP gets few rounds (national example: 4 rounds, about 0.5 s); up to 80 more
rounds; above that the LP (n² variables) and its solves grow fast (100
participants: 5 rounds, 12–15 s; docs/quality.md, "Measured")."""

STARS_PER_PARTICIPANT = 2
"""Star cuts added per round, per participant (its most violated ones)."""

PSD_CUTS = 5
"""Positive semidefinite cuts added per round (the most negative eigenvalues)."""

MIN_GAIN = 1e-4
"""Stop when a round lowers the LP value by less than this share of it."""

MAX_PARTICIPANTS = 200
"""Above this the LP (n² variables, an n³ violation scan) is not attempted."""

VIOLATION = 1e-6
"""Least violation (and least slack) that counts."""


def default_rounds(n: int) -> tuple[int, int]:
    """(rounds, triangle cuts per participant and round) for n participants."""
    for size, rounds, triangles in ROUNDS_BY_SIZE:
        if n <= size:
            return rounds, triangles
    return ROUNDS_BY_SIZE[-1][1:]


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


def triangle_lp_bound(
    data: ColumnData,
    *,
    rounds: int | None = None,
    cuts_per_participant: int | None = None,
    stars_per_participant: int = STARS_PER_PARTICIPANT,
    psd_cuts_per_round: int = PSD_CUTS,
) -> float | None:
    """Upper bound on the club score (pair weights, penalties dropped) of every layout;
    None when the LP could not be solved. ``rounds`` and ``cuts_per_participant``
    (triangles) None: ``default_rounds(n)``."""
    n = data.n
    if n < 2:
        return 0.0
    if n > MAX_PARTICIPANTS:
        return None
    default = default_rounds(n)
    rounds = default[0] if rounds is None else rounds
    triangles = default[1] if cuts_per_participant is None else cuts_per_participant
    lp = pywraplp.Solver.CreateSolver("GLOP")
    lp.SetSolverSpecificParametersAsString("use_dual_simplex: true")
    z: list[list[Any]] = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            z[i][j] = z[j][i] = lp.NumVar(0.0, 1.0, f"z_{i}_{j}")
    for i, j in data.apart:
        z[i][j].SetBounds(0.0, 0.0)
    for i, j in data.together:
        z[i][j].SetBounds(1.0, 1.0)
    for i, ci in enumerate(data.pinned):
        for j, cj in enumerate(data.pinned):
            if i < j and ci is not None and cj is not None and ci != cj:
                z[i][j].SetBounds(0.0, 0.0)
    add_participant_rows(lp, z, data)
    objective = lp.Objective()
    for i in range(n):
        for j in range(i + 1, n):
            if data.weights[i, j]:
                objective.SetCoefficient(z[i][j], float(data.weights[i, j]))
    objective.SetMaximization()
    cuts: list[tuple[Cut, pywraplp.Constraint]] = []
    cap = data.hi - 1
    best: float | None = None
    for round_ in range(rounds + 1):
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            break
        value = objective.Value()
        if best is not None and best - value < MIN_GAIN * abs(value):
            best = min(best, value)
            break
        best = value if best is None else min(best, value)
        if round_ == rounds:
            break
        values = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                values[i, j] = values[j, i] = z[i][j].solution_value()
        new = triangle_cuts(values, triangles * n)
        if cap >= 1:
            new += star_cuts(values, cap, stars_per_participant)
        new += psd_cuts(values, psd_cuts_per_round)
        if not new:
            break
        for cut, row in cuts:
            if row.ub() < lp.infinity() and cut.activity(values) < cut.rhs - VIOLATION:
                row.SetBounds(-lp.infinity(), lp.infinity())
        for cut in new:
            row = lp.Constraint(-lp.infinity(), cut.rhs)
            terms = zip(cut.rows.tolist(), cut.cols.tolist(), cut.coefs.tolist(), strict=True)
            for a, b, coef in terms:
                row.SetCoefficient(z[a][b], coef)
            cuts.append((cut, row))
    if best is None:
        return None
    return best + 1e-6 * abs(best) + 1e-4


def add_participant_rows(lp: pywraplp.Solver, z: list[list[Any]], data: ColumnData) -> None:
    """Size, balance and host rows of every participant, over its pairs."""
    n = data.n
    inf = lp.infinity()
    assert data.deficit is not None and data.host is not None
    sign = [2 * int(d) - 1 for d in data.deficit]
    for i in range(n):
        others = [j for j in range(n) if j != i]
        size = lp.Constraint(data.lo - 1, data.hi - 1)
        for j in others:
            size.SetCoefficient(z[i][j], 1.0)
        if data.tolerance is not None:
            balance = lp.Constraint(-data.tolerance - sign[i], data.tolerance - sign[i])
            for j in others:
                balance.SetCoefficient(z[i][j], float(sign[j]))
        if data.host_per is not None:
            # per·(Σ_j h_j·z_ij + h_i) − Σ_j z_ij ≥ 1
            hosts = lp.Constraint(1 - data.host_per * int(data.host[i]), inf)
            for j in others:
                hosts.SetCoefficient(z[i][j], data.host_per * int(data.host[j]) - 1.0)
