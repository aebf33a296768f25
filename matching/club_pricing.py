"""Columns of the club master problem: what a feasible club is, what it is worth,
and how to find clubs with a positive reduced cost (pricing).

A *column* is one club: a set of participants (indices) and, when clubs are not
interchangeable (pins to a club number, or ``--keep``), the club number it is
for. The master problem (:mod:`matching.column_generation`) picks ``k`` columns
that cover every participant exactly once.

A column is feasible when it meets every per-club rule of the club model
(:mod:`matching.club_rules`): size ``lo..hi``; balance ``|2·deficit − size| ≤
tolerance``; ``per · hosts ≥ size``; no two members pinned apart; both or
neither of a pair pinned together; with a club number ``g``: every participant
pinned to ``g`` in it, nobody pinned to another club. Its value is the sum of
its pair weights, minus the host-shortfall penalty ``weight · max(0, need −
hosts)``, plus (with ``--keep``) the stability weight per member whose earlier
club was ``g``. These are exactly the terms of the compact model, club by club,
so a layout's value is the sum of its columns' values.

Pricing: given the master's duals ``u_i`` (participants) and ``μ_g`` (club count
or club number), the reduced cost of a column is ``value − Σ_{i∈S} u_i − μ_g``.
:func:`heuristic_columns` searches for positive ones with a seeded descent over
add/drop/swap moves (numpy, deterministic); :func:`exact_pricing` solves the
pricing problem with CP-SAT (a size-constrained maximum-weight subgraph with the
club rules) and returns a proven upper bound on the best reduced cost, which is
what makes the Lagrangian bound valid at any time limit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from matching.solver import SolverSettings, SolveStatus, solve

UNTYPED = -1
"""The club number of a column when clubs are interchangeable."""

PRICING_SCALE = 10_000
"""Objective coefficients of the exact pricing model are value × this, rounded."""

EPS = 1e-7
PRICING_LINEARIZATION = 2
"""CP-SAT's ``linearization_level`` for the exact pricing: level 2 (its LP cuts)
proves the national example's pricing in about 5 units instead of 20."""
"""Least reduced cost that counts as improving (guards float noise)."""

Column = tuple[int, tuple[int, ...]]
"""(club number or UNTYPED, sorted member indices)."""


@dataclass(eq=False)
class ColumnData:
    """Index-based club problem: everything a column's feasibility and value need."""

    weights: np.ndarray
    k: int
    lo: int
    hi: int
    deficit: np.ndarray | None = None
    tolerance: int | None = None
    host: np.ndarray | None = None
    host_per: int | None = None
    """Hard host rule ``host_per · hosts ≥ size`` (None: no such rule)."""
    host_need: int = 0
    shortfall_weight: float = 0.0
    pinned: tuple[int | None, ...] = ()
    apart: tuple[tuple[int, int], ...] = ()
    together: tuple[tuple[int, int], ...] = ()
    keep: tuple[int | None, ...] = ()
    stability: float = 0.0
    apart_matrix: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        n = self.n
        if not self.pinned:
            self.pinned = (None,) * n
        if not self.keep:
            self.keep = (None,) * n
        if self.deficit is None:
            self.deficit = np.zeros(n, dtype=bool)
        if self.host is None:
            self.host = np.zeros(n, dtype=bool)
        self.apart_matrix = np.zeros((n, n), dtype=np.int64)
        for i, j in self.apart:
            self.apart_matrix[i, j] = self.apart_matrix[j, i] = 1

    @property
    def n(self) -> int:
        return int(self.weights.shape[0])

    @property
    def typed(self) -> bool:
        """Whether clubs have an identity (pins to a club number, or stability)."""
        has_keep = bool(self.stability) and any(c is not None for c in self.keep)
        return has_keep or any(c is not None for c in self.pinned)

    @property
    def types(self) -> list[int]:
        return list(range(self.k)) if self.typed else [UNTYPED]

    def multiplicity(self, g: int) -> int:
        """How many columns of type ``g`` a layout uses."""
        return 1 if g != UNTYPED else self.k

    def linear(self, g: int) -> np.ndarray:
        """Per-member value of a column of type ``g`` (stability), before duals."""
        lin = np.zeros(self.n)
        if g != UNTYPED and self.stability:
            for i, c in enumerate(self.keep):
                if c == g:
                    lin[i] = self.stability
        return lin

    def penalty(self, hosts: int | np.ndarray) -> float | np.ndarray:
        """The host-shortfall penalty (≤ 0) of a club with this many hosts."""
        return -self.shortfall_weight * np.maximum(0, self.host_need - hosts)

    def score(self, members: Sequence[int]) -> float:
        """Pair weights plus host-shortfall penalty: the club score of one club."""
        idx = np.asarray(members, dtype=np.int64)
        pairs = float(self.weights[np.ix_(idx, idx)].sum() / 2.0)
        assert self.host is not None
        return pairs + float(self.penalty(int(self.host[idx].sum())))

    def value(self, column: Column) -> float:
        """The column's objective in the master: score plus stability."""
        g, members = column
        return self.score(members) + float(self.linear(g)[list(members)].sum())

    def feasible(self, column: Column) -> bool:
        g, members = column
        s = set(members)
        size = len(s)
        if not self.lo <= size <= self.hi:
            return False
        assert self.deficit is not None and self.host is not None
        idx = list(members)
        if self.tolerance is not None:
            d = int(self.deficit[idx].sum())
            if abs(2 * d - size) > self.tolerance:
                return False
        if self.host_per is not None and self.host_per * int(self.host[idx].sum()) < size:
            return False
        if any(i in s and j in s for i, j in self.apart):
            return False
        if any((i in s) != (j in s) for i, j in self.together):
            return False
        return all(not (c is not None and (i in s) != (c == g)) for i, c in enumerate(self.pinned))


# --------------------------------------------------------------------------
# Heuristic pricing
# --------------------------------------------------------------------------


class _Descent:
    """Best-improvement descent over add/drop/swap on one club, for one club type."""

    def __init__(self, data: ColumnData, lin: np.ndarray, g: int) -> None:
        self.data = data
        self.lin = lin
        n = data.n
        fixed = np.zeros(n, dtype=bool)
        for i, j in data.together:
            fixed[i] = fixed[j] = True
        pinned_here = np.array([c is not None and c == g for c in data.pinned], dtype=bool)
        pinned_else = np.array([c is not None and c != g for c in data.pinned], dtype=bool)
        self.may_enter = ~fixed & ~pinned_else & ~pinned_here
        self.may_leave = ~fixed & ~pinned_here
        self.fixed_pins = pinned_here
        assert data.deficit is not None and data.host is not None
        self.deficit = data.deficit.astype(np.int64)
        self.host = data.host.astype(np.int64)

    def _ok(self, size: int | np.ndarray, d: np.ndarray, h: np.ndarray) -> np.ndarray:
        data = self.data
        ok = np.ones(np.broadcast(d, h).shape, dtype=bool)
        if data.tolerance is not None:
            ok &= np.abs(2 * d - size) <= data.tolerance
        if data.host_per is not None:
            ok &= data.host_per * h >= size
        return ok

    def run(self, inside: np.ndarray, max_steps: int = 200) -> np.ndarray:
        data, w, lin = self.data, self.data.weights, self.lin
        s = inside.copy()
        contrib = w[:, s].sum(axis=1)
        aparts = data.apart_matrix[:, s].sum(axis=1)
        for _ in range(max_steps):
            size = int(s.sum())
            d = int(self.deficit[s].sum())
            h = int(self.host[s].sum())
            pen = float(data.penalty(h))
            ins = np.flatnonzero(s & self.may_leave)
            outs = np.flatnonzero(~s & self.may_enter & (aparts == 0))
            gain_in = contrib + lin  # value of i's membership given the rest of s
            best_gain = EPS
            best: tuple[int | None, int | None] | None = None
            if size < data.hi and len(outs):
                hh = h + self.host[outs]
                gains = gain_in[outs] + data.penalty(hh) - pen
                gains = np.where(self._ok(size + 1, d + self.deficit[outs], hh), gains, -np.inf)
                b = int(np.argmax(gains))
                if gains[b] > best_gain:
                    best_gain, best = float(gains[b]), (None, int(outs[b]))
            if size > data.lo and len(ins):
                hh = h - self.host[ins]
                gains = -gain_in[ins] + data.penalty(hh) - pen
                gains = np.where(self._ok(size - 1, d - self.deficit[ins], hh), gains, -np.inf)
                a = int(np.argmax(gains))
                if gains[a] > best_gain:
                    best_gain, best = float(gains[a]), (int(ins[a]), None)
            if len(ins) and len(outs):
                hh = h - self.host[ins][:, None] + self.host[outs][None, :]
                dd = d - self.deficit[ins][:, None] + self.deficit[outs][None, :]
                gains = (
                    gain_in[outs][None, :]
                    - w[np.ix_(ins, outs)]
                    - gain_in[ins][:, None]
                    + data.penalty(hh)
                    - pen
                )
                ok = self._ok(size, dd, hh)
                ok &= (aparts[outs][None, :] - data.apart_matrix[np.ix_(ins, outs)]) == 0
                gains = np.where(ok, gains, -np.inf)
                flat = int(np.argmax(gains))
                a, b = divmod(flat, len(outs))
                if gains[a, b] > best_gain:
                    best_gain, best = float(gains[a, b]), (int(ins[a]), int(outs[b]))
            if best is None:
                break
            out, into = best
            if out is not None:
                s[out] = False
                contrib -= w[:, out]
                aparts -= data.apart_matrix[:, out]
            if into is not None:
                s[into] = True
                contrib += w[:, into]
                aparts += data.apart_matrix[:, into]
        return s


def reduced_cost(data: ColumnData, column: Column, u: np.ndarray, mu: float) -> float:
    return data.value(column) - float(u[list(column[1])].sum()) - mu


def _mask(n: int, members: Sequence[int]) -> np.ndarray:
    mask = np.zeros(n, dtype=bool)
    mask[list(members)] = True
    return mask


def _kick(
    data: ColumnData, descent: _Descent, base: np.ndarray, rng: np.random.Generator
) -> np.ndarray | None:
    """Swap two random members for two random outsiders (None when infeasible)."""
    kicked = base.copy()
    ins = np.flatnonzero(kicked & descent.may_leave)
    outs = np.flatnonzero(~kicked & descent.may_enter)
    m = min(2, len(ins), len(outs))
    if m == 0:
        return None
    kicked[rng.choice(ins, m, replace=False)] = False
    kicked[rng.choice(outs, m, replace=False)] = True
    column = (UNTYPED, tuple(int(i) for i in np.flatnonzero(kicked)))
    return kicked if _feasible_ignoring_type(data, column) else None


def _feasible_ignoring_type(data: ColumnData, column: Column) -> bool:
    """Feasibility without the club-number pins (the descent keeps those fixed)."""
    saved = data.pinned
    data.pinned = (None,) * data.n
    try:
        return data.feasible(column)
    finally:
        data.pinned = saved


def _greedy(data: ColumnData, descent: _Descent, first: int) -> np.ndarray | None:
    """A club grown from ``first`` by best marginal reduced cost, within the balance
    caps, up to the largest size (None when the result breaks a rule)."""
    if not (descent.may_enter[first] or not descent.may_leave[first]):
        return None
    assert data.deficit is not None
    n = data.n
    s = np.zeros(n, dtype=bool)
    s[~descent.may_leave & ~descent.may_enter] = False
    for i in np.flatnonzero(~descent.may_leave & descent.fixed_pins):
        s[i] = True
    s[first] = True
    cap = (data.hi + (data.tolerance if data.tolerance is not None else data.hi)) // 2
    contrib = data.weights[:, s].sum(axis=1)
    aparts = data.apart_matrix[:, s].sum(axis=1)
    while s.sum() < data.hi:
        d = int(data.deficit[s].sum())
        room = np.where(data.deficit, d < cap, int(s.sum()) - d < cap)
        ok = ~s & descent.may_enter & (aparts == 0) & room
        if not ok.any():
            break
        gains = np.where(ok, contrib + descent.lin, -np.inf)
        j = int(np.argmax(gains))
        s[j] = True
        contrib += data.weights[:, j]
        aparts += data.apart_matrix[:, j]
    column = (UNTYPED, tuple(int(i) for i in np.flatnonzero(s)))
    return s if _feasible_ignoring_type(data, column) else None


def heuristic_columns(
    data: ColumnData,
    u: np.ndarray,
    mu: Sequence[float],
    starts: Sequence[Column],
    rng: np.random.Generator,
    *,
    perturbations: int = 3,
    limit: int | None = None,
    greedy: bool = True,
) -> list[tuple[float, Column]]:
    """Columns with a positive reduced cost, best first, found by descending from
    ``starts`` and (``greedy``) from a greedy club grown around every participant,
    each followed by ``perturbations`` random kicks. Deterministic for a seeded
    ``rng``."""
    found: dict[Column, float] = {}
    n = data.n
    for g_index, g in enumerate(data.types):
        lin = data.linear(g) - u
        descent = _Descent(data, lin, g)
        starts_g = [_mask(n, c[1]) for c in starts if c[0] == g]
        if greedy:
            starts_g += [m for i in range(n) if (m := _greedy(data, descent, i)) is not None]

        def consider(s: np.ndarray, g: int = g, g_index: int = g_index) -> float:
            cand = (g, tuple(int(i) for i in np.flatnonzero(s)))
            if cand in found or not data.feasible(cand):
                return -np.inf
            rc = reduced_cost(data, cand, u, mu[g_index])
            if rc > EPS:
                found[cand] = rc
            return rc

        for base in starts_g:
            best = descent.run(base)
            best_rc = consider(best)
            for _ in range(perturbations):
                kicked = _kick(data, descent, best, rng)
                if kicked is None:
                    continue
                s = descent.run(kicked)
                rc = consider(s)
                if rc > best_rc:
                    best, best_rc = s, rc
    ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
    return [(rc, c) for c, rc in ranked[:limit]]


# --------------------------------------------------------------------------
# Exact pricing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class PricingResult:
    column: Column | None
    """The best column found (None when the model found none in time)."""
    reduced_cost: float | None
    bound: float
    """Upper bound on the best reduced cost of any feasible column of this type."""
    status: SolveStatus
    deterministic_time: float


def exact_pricing(
    data: ColumnData,
    u: np.ndarray,
    mu: float,
    g: int,
    *,
    seed: int,
    max_deterministic_time: float,
    hint: Column | None = None,
    threshold: float | None = None,
) -> PricingResult:
    """Solve the pricing problem for club type ``g`` with CP-SAT; the bound is a
    proven upper bound on ``max reduced cost`` (rounding of the scaled
    coefficients included).

    With ``threshold`` the model only admits columns whose (scaled) reduced cost
    is at least ``threshold``: proving that none exists (status INFEASIBLE) is
    much faster than proving the optimum, and then ``threshold`` (plus the
    rounding slack) bounds the best reduced cost. A column found is one with a
    reduced cost of about ``threshold`` or more."""
    n, s = data.n, PRICING_SCALE
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"member_{i}") for i in range(n)]
    size = sum(x)
    model.add_linear_constraint(size, data.lo, data.hi)
    assert data.deficit is not None and data.host is not None
    if data.tolerance is not None:
        d = sum(x[i] for i in range(n) if data.deficit[i])
        model.add(2 * d - size <= data.tolerance)
        model.add(size - 2 * d <= data.tolerance)
    hosts = sum(x[i] for i in range(n) if data.host[i])
    if data.host_per is not None:
        model.add(data.host_per * hosts >= size)
    for i, j in data.apart:
        model.add(x[i] + x[j] <= 1)
    for i, j in data.together:
        model.add(x[i] == x[j])
    for i, c in enumerate(data.pinned):
        if c is not None:
            model.add(x[i] == (1 if c == g else 0))
    terms = []
    lin = data.linear(g) - u
    # One product variable per pair, exact in both directions (y = x_i·x_j), and
    # the size and balance rows multiplied by x_i (first-level RLT): redundant for
    # integer solutions, but they make the LP bound of the pricing model tight
    # enough to prove that no column improves.
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    for i in range(n):
        for j in range(i + 1, n):
            v = model.new_bool_var(f"pair_{i}_{j}")
            model.add(v <= x[i])
            model.add(v <= x[j])
            model.add(v >= x[i] + x[j] - 1)
            y[i, j] = y[j, i] = v
            c = round(float(data.weights[i, j]) * s)
            if c:
                terms.append(c * v)
    for i in range(n):
        mates = [y[i, j] for j in range(n) if j != i]
        model.add(sum(mates) <= (data.hi - 1) * x[i])
        model.add(sum(mates) >= (data.lo - 1) * x[i])
        if data.tolerance is not None:
            sign = [2 * int(data.deficit[j]) - 1 for j in range(n)]
            excess = sum(sign[j] * y[i, j] for j in range(n) if j != i) + sign[i] * x[i]
            model.add(excess <= data.tolerance * x[i])
            model.add(-excess <= data.tolerance * x[i])
        if data.host_per is not None:
            h = sum(y[i, j] for j in range(n) if j != i and data.host[j]) + int(data.host[i]) * x[i]
            model.add(data.host_per * h >= sum(mates) + x[i])
    terms += [round(float(lin[i]) * s) * x[i] for i in range(n)]
    if data.shortfall_weight and data.host_need:
        short = model.new_int_var(0, data.host_need, "shortfall")
        model.add(short >= data.host_need - hosts)
        terms.append(-round(data.shortfall_weight * s) * short)
    objective = cp_model.LinearExpr.sum(terms)
    cut = None
    if threshold is not None:
        cut = math.ceil((threshold + mu) * s)
        model.add(objective >= cut)
    model.maximize(objective)
    if hint is not None and hint[0] == g:
        chosen = set(hint[1])
        for i in range(n):
            model.add_hint(x[i], i in chosen)
    result = solve(
        model,
        SolverSettings(
            seed=seed,
            num_workers=1,
            max_deterministic_time=max_deterministic_time,
            linearization_level=PRICING_LINEARIZATION,
        ),
    )
    slack = 0.5 / s * (data.hi * (data.hi - 1) / 2 + data.hi + data.host_need) + 1e-9
    if result.status is SolveStatus.INFEASIBLE:
        # Without the cut: no feasible column of this type at all. With it: every
        # feasible column has a scaled objective below ``cut``.
        bound = -np.inf if cut is None else (cut - 1) / s + slack - mu
        return PricingResult(None, None, bound, result.status, result.deterministic_time)
    if not result.has_solution or result.bound is None:
        # No bound from CP-SAT: fall back to the trivial one (every positive term).
        trivial = _trivial_bound(data, lin) - mu
        return PricingResult(None, None, trivial, result.status, result.deterministic_time)
    members = tuple(i for i in range(n) if result.boolean_value(x[i]))
    column = (g, members)
    rc = reduced_cost(data, column, u, mu)
    # With the cut, CP-SAT's bound covers the columns above it; the others are below.
    scaled = result.bound if cut is None else max(result.bound, cut)
    bound = max(scaled / s + slack - mu, rc)
    return PricingResult(column, rc, bound, result.status, result.deterministic_time)


def _trivial_bound(data: ColumnData, lin: np.ndarray) -> float:
    """Sum of the ``hi`` best member terms plus the best ``hi·(hi−1)/2`` pair weights."""
    w = data.weights[np.triu_indices(data.n, 1)]
    pairs = np.sort(np.maximum(w, 0))[::-1][: data.hi * (data.hi - 1) // 2].sum()
    members = np.sort(np.maximum(lin, 0))[::-1][: data.hi].sum()
    return float(pairs + members)
