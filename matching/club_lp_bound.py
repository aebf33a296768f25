"""A second club bound: the clique-partitioning LP with triangle cuts (GLOP).

One variable ``z_ij ∈ [0, 1]`` per pair ("i and j share a club"). Every club
layout gives a 0/1 vector ``z`` that satisfies, for every participant ``i``
(with ``S`` its club)::

    lo − 1 ≤ Σ_j z_ij ≤ hi − 1                              (club size)
    |Σ_j s_j·z_ij + s_i| ≤ tolerance, s = +1 deficit, −1 other  (balance in S)
    per·(Σ_j h_j·z_ij + h_i) ≥ Σ_j z_ij + 1                   (hosts in S)
    z_ij + z_jk − z_ik ≤ 1                                   (triangles: together is transitive)
    z_ij = 0 for pins apart and for different club pins; z_ij = 1 for pins together

and its pair score is ``Σ w_ij·z_ij``. The host-shortfall penalty is never
positive, so the LP maximum of ``Σ w_ij·z_ij`` is an upper bound on the club
score of every layout (not on score + stability: no bound is reported with
``--keep``). The triangle inequalities (``3·C(n, 3)`` of them) are added as cuts:
a fixed number of rounds, each adding the most violated ones (a fixed number,
ties broken by index), so the result is deterministic. Any LP solved on the way
is a relaxation, so every round's value is a valid bound; the last is the best.

GLOP works in floating point: the value is raised by a safety margin of
``1e-6·|value| + 1e-4`` (far below the reported precision).
"""

from __future__ import annotations

import numpy as np
from ortools.linear_solver import pywraplp

from matching.club_pricing import ColumnData

CUT_ROUNDS = 4
"""Rounds of triangle cuts."""

CUTS_PER_PARTICIPANT = 10
"""Triangle cuts added per round, per participant."""

MAX_PARTICIPANTS = 200
"""Above this the LP (n² variables, an n³ violation scan) is not attempted."""


def triangle_lp_bound(
    data: ColumnData, *, rounds: int = CUT_ROUNDS, cuts_per_participant: int = CUTS_PER_PARTICIPANT
) -> float | None:
    """Upper bound on the club score (pair weights, penalties dropped) of every layout;
    None when the LP could not be solved."""
    n = data.n
    if n < 2:
        return 0.0
    if n > MAX_PARTICIPANTS:
        return None
    lp = pywraplp.Solver.CreateSolver("GLOP")
    z: dict[tuple[int, int], pywraplp.Variable] = {}
    for i in range(n):
        for j in range(i + 1, n):
            z[i, j] = z[j, i] = lp.NumVar(0.0, 1.0, f"z_{i}_{j}")
    for i, j in data.apart:
        z[i, j].SetBounds(0.0, 0.0)
    for i, j in data.together:
        z[i, j].SetBounds(1.0, 1.0)
    for i, ci in enumerate(data.pinned):
        for j, cj in enumerate(data.pinned):
            if i < j and ci is not None and cj is not None and ci != cj:
                z[i, j].SetBounds(0.0, 0.0)
    assert data.deficit is not None and data.host is not None
    sign = [2 * int(d) - 1 for d in data.deficit]
    for i in range(n):
        others = [j for j in range(n) if j != i]
        mates = sum(z[i, j] for j in others)
        lp.Add(mates <= data.hi - 1)
        lp.Add(mates >= data.lo - 1)
        if data.tolerance is not None:
            excess = sum(sign[j] * z[i, j] for j in others) + sign[i]
            lp.Add(excess <= data.tolerance)
            lp.Add(excess >= -data.tolerance)
        if data.host_per is not None:
            hosts = sum(z[i, j] for j in others if data.host[j]) + int(data.host[i])
            lp.Add(data.host_per * hosts >= mates + 1)
    objective = lp.Objective()
    for i in range(n):
        for j in range(i + 1, n):
            if data.weights[i, j]:
                objective.SetCoefficient(z[i, j], float(data.weights[i, j]))
    objective.SetMaximization()
    best: float | None = None
    for round_ in range(rounds + 1):
        if lp.Solve() != pywraplp.Solver.OPTIMAL:
            return best
        value = objective.Value()
        best = value if best is None else min(best, value)
        if round_ == rounds:
            break
        values = np.zeros((n, n))
        for i in range(n):
            for j in range(i + 1, n):
                values[i, j] = values[j, i] = z[i, j].solution_value()
        # violation[i, j, k] = z_ij + z_jk − z_ik − 1 (j in the middle)
        violation = values[:, :, None] + values[None, :, :] - values[:, None, :] - 1.0
        index = np.argwhere(violation > 1e-6)
        keep = (index[:, 0] < index[:, 2]) & (index[:, 0] != index[:, 1])
        keep &= index[:, 1] != index[:, 2]
        index = index[keep]
        if len(index) == 0:
            break
        amounts = violation[index[:, 0], index[:, 1], index[:, 2]]
        order = np.argsort(-amounts, kind="stable")[: cuts_per_participant * n]
        for a, b, c in index[order]:
            lp.Add(z[int(a), int(b)] + z[int(b), int(c)] - z[int(a), int(c)] <= 1)
    if best is None:
        return None
    return best + 1e-6 * abs(best) + 1e-4
