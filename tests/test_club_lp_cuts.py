"""The club LP's cut families are valid for every club layout: exhaustive checks.

Small cases (n ≤ 10) enumerate every partition into clubs of ``lo..hi`` members
(and, for the bound, the balance and host rules) without the LP code, and check
that every cut the separation routines produce from arbitrary fractional points
holds at every layout's 0/1 point, and that the LP bound is at least the
enumerated best.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator

import numpy as np
import pytest
from ortools.math_opt.python import mathopt

from matching import club_lp_bound
from matching.club_lp_bound import (
    Cut,
    PairLP,
    lagrangian_bound,
    pair_count_range,
    psd_cuts,
    solve_relaxation,
    star_cut,
    star_cuts,
    star_rhs,
    triangle_cuts,
    triangle_lp_bound,
)
from matching.club_pricing import ColumnData
from tests.enumeration import partitions


def together(layout: list[tuple[int, ...]], n: int) -> np.ndarray:
    z = np.zeros((n, n))
    for club in layout:
        for a in club:
            for b in club:
                if a != b:
                    z[a, b] = 1.0
    return z


def activities(cuts: list[Cut], layouts: list[list[tuple[int, ...]]], n: int) -> np.ndarray:
    """Left-hand sides of every cut (columns) at every layout's 0/1 point (rows)."""
    matrix = np.zeros((len(cuts), n, n))
    for c, cut in enumerate(cuts):
        np.add.at(matrix[c], (cut.rows, cut.cols), cut.coefs)
    points = np.array([together(layout, n) for layout in layouts])
    return np.einsum("lij,cij->lc", points, matrix)


def random_point(n: int, rng: np.random.Generator, density: float) -> np.ndarray:
    values = rng.random((n, n)) * (rng.random((n, n)) < density)
    values = np.triu(values, 1)
    return values + values.T


@pytest.mark.parametrize(("n", "lo", "hi"), [(9, 2, 4), (9, 3, 3), (8, 1, 5)])
def test_star_right_hand_side_holds_for_every_layout_and_set(n, lo, hi):
    rng = np.random.default_rng(n)
    checks = [
        (i, a, tuple(int(j) for j in rng.choice([j for j in range(n) if j != i], size, False)))
        for i in range(n)
        for size in range(2, n)
        for a in range(1, hi)
    ]
    cuts = [star_cut(i, a, list(members), hi - 1) for i, a, members in checks]
    layouts = list(partitions(tuple(range(n)), lo, hi))
    assert layouts
    lhs = activities(cuts, layouts, n)
    rhs = np.array([cut.rhs for cut in cuts])
    assert (lhs <= rhs + 1e-9).all()
    tight = (lhs >= rhs - 1e-9).any(axis=0)
    # The right-hand side is no loose constant: for small sets some layout reaches it.
    small = [c for c, (_, _, members) in enumerate(checks) if len(members) <= 3]
    assert small and all(tight[c] for c in small)


def test_star_rhs_is_the_best_count():
    assert star_rhs(1, 5, 9) == 1.0  # m = 1 or 2
    assert star_rhs(3, 10, 9) == 6.0  # m = 3 or 4: 9 − 3 = 12 − 6
    assert star_rhs(9, 12, 9) == 45.0  # capped at m = 9: 81 − 36
    assert star_rhs(9, 4, 9) == 30.0  # m = 4: 36 − 6


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("n", "lo", "hi"), [(9, 3, 3), (10, 2, 4)])
def test_separated_cuts_hold_for_every_layout(seed, n, lo, hi):
    rng = np.random.default_rng(seed)
    cuts: list[Cut] = []
    for density in (0.3, 0.6, 1.0):
        values = random_point(n, rng, density)
        cuts += triangle_cuts(values, 50)
        cuts += star_cuts(values, hi - 1, 5)
        cuts += psd_cuts(values, 5)
    assert any(len(cut.rows) > 3 for cut in cuts)  # stars or PSD cuts were found
    layouts = list(partitions(tuple(range(n)), lo, hi))
    assert layouts
    lhs = activities(cuts, layouts, n)
    assert (lhs <= np.array([cut.rhs for cut in cuts]) + 1e-9).all()


def club_data(n: int, lo: int, hi: int, k: int, seed: int) -> ColumnData:
    rng = np.random.default_rng(seed)
    weights = np.triu(np.round(rng.random((n, n)) * 10 * (rng.random((n, n)) < 0.7), 1), 1)
    return ColumnData(
        weights=weights + weights.T,
        k=k,
        lo=lo,
        hi=hi,
        deficit=np.array([i % 2 == 0 for i in range(n)]),
        tolerance=1,
        host=np.array([i % 3 != 0 for i in range(n)]),
        host_per=3,
    )


def pairs(club: tuple[int, ...]) -> Iterator[tuple[int, int]]:
    return itertools.combinations(club, 2)


def feasible(data: ColumnData, club: tuple[int, ...]) -> bool:
    assert data.deficit is not None and data.host is not None and data.host_per is not None
    deficits = int(data.deficit[list(club)].sum())
    hosts = int(data.host[list(club)].sum())
    assert data.tolerance is not None
    return abs(2 * deficits - len(club)) <= data.tolerance and data.host_per * hosts >= len(club)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("n", "lo", "hi", "k"), [(10, 3, 4, 3), (9, 3, 3, 3), (12, 4, 4, 3)])
def test_lp_bound_is_at_least_the_best_layout(seed, n, lo, hi, k):
    data = club_data(n, lo, hi, k, seed)
    best = best_layout_score(data, n, lo, hi, k)
    bound = triangle_lp_bound(data, rounds=20)
    assert bound is not None
    assert bound >= best - 1e-6
    # The cuts do work: the bound without them is higher (or already tight).
    plain = triangle_lp_bound(data, rounds=0)
    assert plain is not None and plain >= bound - 1e-6


def best_layout_score(data: ColumnData, n: int, lo: int, hi: int, k: int) -> float:
    return max(
        sum(float(data.weights[a, b]) for club in layout for a, b in pairs(club))
        for layout in partitions(tuple(range(n)), lo, hi)
        if len(layout) == k and all(feasible(data, club) for club in layout)
    )


@pytest.mark.parametrize("seed", range(3))
def test_lagrangian_bound_holds_for_any_multipliers(seed):
    """The bound does not rely on the solver's duals being right: arbitrary
    multipliers (and their sign flips) still bound every layout, and the solver's
    duals give the LP value."""
    n, lo, hi, k = 10, 3, 4, 3
    data = club_data(n, lo, hi, k, seed)
    best = best_layout_score(data, n, lo, hi, k)
    problem = PairLP.of(data)
    rows = list(problem.rows)
    rng = np.random.default_rng(seed)
    for scale in (0.1, 1.0, 10.0):
        duals = rng.normal(0.0, scale, len(rows))
        assert lagrangian_bound(problem, rows, duals) >= best - 1e-9
    solved = solve_relaxation(problem, [])
    assert solved is not None
    bound, values = solved
    assert bound >= best - 1e-9
    # The duals are optimal: the bound is the LP value (up to the rounding margin).
    assert bound == pytest.approx(lp_value(problem, values), rel=1e-6)


def lp_value(problem: PairLP, values: np.ndarray) -> float:
    return float((problem.weight * values[problem.first, problem.second]).sum())


def test_glop_fallback_gives_the_same_lp_value(monkeypatch):
    """GLOP (used when HiGHS reports no optimum) solves the same LP to the same value."""
    data = club_data(10, 3, 4, 3, 0)
    problem = PairLP.of(data)
    highs = solve_relaxation(problem, [])
    monkeypatch.setattr(club_lp_bound, "LP_SOLVERS", club_lp_bound.LP_SOLVERS[1:])
    assert club_lp_bound.LP_SOLVERS[0][0] == mathopt.SolverType.GLOP
    glop = solve_relaxation(problem, [])
    assert highs is not None and glop is not None
    assert glop[0] == pytest.approx(highs[0], rel=1e-7)


def test_nonzero_budget_stops_the_rounds(monkeypatch):
    """The work budget counts: with room for the first LP only, the bound is the
    bound without cuts."""
    data = club_data(10, 3, 4, 3, 1)
    plain = triangle_lp_bound(data, rounds=0)
    full = triangle_lp_bound(data, rounds=5)
    assert plain is not None and full is not None and full < plain
    monkeypatch.setattr(club_lp_bound, "NONZERO_BUDGET", 1)
    assert triangle_lp_bound(data, rounds=5) == plain


def size_vectors(n: int, k: int, lo: int, hi: int) -> Iterator[tuple[int, ...]]:
    return (
        sizes
        for sizes in itertools.combinations_with_replacement(range(lo, hi + 1), k)
        if sum(sizes) == n
    )


@pytest.mark.parametrize(
    ("n", "k", "lo", "hi"),
    [(45, 4, 11, 12), (55, 6, 9, 10), (30, 3, 10, 10), (10, 3, 2, 5), (17, 4, 1, 9), (12, 5, 3, 4)],
)
def test_pair_count_range_is_the_least_and_most_over_every_size_vector(n, k, lo, hi):
    counts = [sum(math.comb(s, 2) for s in sizes) for sizes in size_vectors(n, k, lo, hi)]
    expected = (float(min(counts)), float(max(counts))) if counts else None
    assert pair_count_range(n, k, lo, hi) == expected


@pytest.mark.parametrize("seed", range(3))
def test_lp_bound_holds_with_clubs_of_very_different_sizes(seed):
    """Clubs of 2–5 (three clubs of ten people: 2+3+5, 2+4+4, 3+3+4): the pair-count
    row spans a range, and the bound still holds against every layout."""
    n, lo, hi, k = 10, 2, 5, 3
    data = club_data(n, lo, hi, k, seed)
    best = best_layout_score(data, n, lo, hi, k)
    bound = triangle_lp_bound(data, rounds=10)
    assert bound is not None and bound >= best - 1e-6
