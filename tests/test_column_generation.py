"""Column generation for the club stage (matching/column_generation.py): on small
instances, checked against exhaustive enumeration of every club layout, the
reported bound is never below the true optimum, the layout never above it and
never worse than the starting layout; the club rules hold in every column."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leernetwerk.config import CycleConfig, config_from_dict
from matching.club_pricing import UNTYPED, ColumnData, exact_pricing, heuristic_columns
from matching.clubs import ClubProblem, solve_clubs
from matching.column_generation import (
    ColumnGenerationSettings,
    column_generation,
    columns_of,
    groups_of,
)
from matching.criteria import club_pair_weight
from tests.enumeration import partitions
from tests.factories import random_participants

SMALL = ColumnGenerationSettings(
    pricing_deterministic_time=2.0, total_pricing_time=10.0, master_deterministic_time=2.0
)


def club_ok(data: dict, members: Sequence[int], club: int | None) -> bool:
    """The club rules, written out again independently of matching/club_pricing.py."""
    size = len(members)
    d = sum(1 for i in members if data["deficit"][i])
    h = sum(1 for i in members if data["host"][i])
    if abs(2 * d - size) > data["tolerance"] or data["per"] * h < size:
        return False
    for a, b in data["apart"]:
        if a in members and b in members:
            return False
    for a, b in data["together"]:
        if (a in members) != (b in members):
            return False
    return all((i in members) == (club == c) for i, c in data["pinned"].items())


def club_value(data: dict, members: Sequence[int]) -> float:
    w = data["weights"]
    pairs = sum(w[a][b] for a, b in itertools.combinations(sorted(members), 2))
    hosts = sum(1 for i in members if data["host"][i])
    return pairs - data["shortfall"] * max(0, data["need"] - hosts)


def brute_force(data: dict, n: int, k: int, lo: int, hi: int) -> float:
    """The best layout value by enumeration (clubs numbered in every order when pinned)."""
    best = -math.inf
    for layout in partitions(range(n), lo, hi, k):
        orders = itertools.permutations(layout) if data["pinned"] else [layout]
        for order in orders:
            if all(club_ok(data, club, g) for g, club in enumerate(order)):
                best = max(best, sum(club_value(data, club) for club in order))
    return best


def instance(seed: int, n: int = 12, k: int = 3, *, pins: bool = False) -> tuple[dict, ColumnData]:
    rng = np.random.default_rng(seed)
    w = np.round(rng.uniform(-2, 10, (n, n)), 2)
    w = np.triu(w, 1)
    w = w + w.T
    deficit = rng.random(n) < 0.5
    host = rng.random(n) < 0.7
    raw = {
        "weights": w.tolist(),
        "deficit": deficit.tolist(),
        "host": host.tolist(),
        "tolerance": 2,
        "per": 3,
        "need": 2,
        "shortfall": 3.0,
        "apart": [(0, 1)] if pins else [],
        "together": [(2, 3)] if pins else [],
        "pinned": {4: 1} if pins else {},
    }
    lo, hi = n // k, math.ceil(n / k)
    data = ColumnData(
        weights=w,
        k=k,
        lo=lo,
        hi=hi,
        deficit=deficit,
        tolerance=2,
        host=host,
        host_per=3,
        host_need=2,
        shortfall_weight=3.0,
        pinned=tuple(raw["pinned"].get(i) for i in range(n)),
        apart=tuple(raw["apart"]),
        together=tuple(raw["together"]),
    )
    return raw, data


def a_feasible_layout(raw: dict, data: ColumnData) -> list[list[int]] | None:
    """The worst feasible layout: a poor start for the column generation."""
    worst, found = math.inf, None
    for layout in partitions(range(data.n), data.lo, data.hi, data.k):
        orders = itertools.permutations(layout) if raw["pinned"] else [layout]
        for order in orders:
            if all(club_ok(raw, club, g) for g, club in enumerate(order)):
                value = sum(club_value(raw, club) for club in order)
                if value < worst:
                    worst, found = value, [list(c) for c in order]
    return found


@pytest.mark.parametrize(("seed", "pins"), [(0, False), (1, False), (2, True), (3, True)])
def test_bound_and_layout_against_enumeration(seed: int, pins: bool) -> None:
    raw, data = instance(seed, pins=pins)
    start = a_feasible_layout(raw, data)
    assert start is not None
    groups = [0] * data.n
    for g, club in enumerate(start):
        for i in club:
            groups[i] = g
    incumbent = columns_of(groups, data)
    start_value = sum(data.value(c) for c in incumbent)
    optimum = brute_force(raw, data.n, data.k, data.lo, data.hi)
    result = column_generation(data, incumbent, SMALL)
    assert result.bound is not None
    assert result.bound >= optimum - 1e-6
    assert result.value <= optimum + 1e-6
    assert result.value >= start_value - 1e-9
    # Every club of the returned layout keeps the rules, and the layout covers everyone once.
    for g, members in result.layout:
        assert club_ok(raw, members, None if g == UNTYPED else g)
    assert sorted(i for _, m in result.layout for i in m) == list(range(data.n))
    # Small enough for the exact pricing to prove the LP optimal.
    assert result.proven
    assert result.bound == pytest.approx(result.lp_value, abs=0.01)
    back = groups_of(result.layout, data)
    assert sum(data.value(c) for c in columns_of(back, data)) == pytest.approx(result.value)


@pytest.mark.parametrize(("seed", "pins"), [(4, False), (5, True)])
@pytest.mark.parametrize("target_gap", [0.002, 0.05, 0.3])
def test_early_stop_at_a_target_gap_keeps_the_bound_valid(
    seed: int, pins: bool, target_gap: float
) -> None:
    """With a target gap the exact pricing only rules out reduced costs above the
    room left per club (a cut on its objective): the bound still holds against
    enumeration, and when the run stops on the target, the target is met."""
    raw, data = instance(seed, pins=pins)
    optimum = brute_force(raw, data.n, data.k, data.lo, data.hi)
    start = a_feasible_layout(raw, data)
    assert start is not None
    groups = [0] * data.n
    for g, club in enumerate(start):
        for i in club:
            groups[i] = g
    # A good start (the layout of a full run), so that the room is not just EPS.
    good = column_generation(data, columns_of(groups, data), SMALL).layout
    settings_ = ColumnGenerationSettings(
        pricing_deterministic_time=2.0,
        total_pricing_time=10.0,
        master_deterministic_time=2.0,
        target_gap=target_gap,
    )
    result = column_generation(data, good, settings_)
    good_value = sum(data.value(c) for c in good)
    assert result.bound is not None
    assert result.bound >= optimum - 1e-6
    assert good_value - 1e-9 <= result.value <= optimum + 1e-6
    assert result.bound <= good_value + target_gap * abs(good_value) + 0.01 or result.proven


def test_a_start_that_breaks_a_club_rule_is_returned_without_a_bound() -> None:
    """A layout that breaks a club rule (a loosened model, as tests/test_rules.py
    builds) gives the master no feasible start: no bound, the layout unchanged."""
    raw, data = instance(6)
    groups = [i % data.k for i in range(data.n)]
    incumbent = columns_of(groups, data)
    broken = (incumbent[0][0], tuple(range(data.n)))  # everyone in one club: too big
    result = column_generation(data, (broken,), SMALL)
    assert result.bound is None and not result.proven
    assert result.layout == (broken,)


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000), offset=st.floats(-20, 20))
def test_pricing_with_a_threshold_bounds_the_best_reduced_cost(seed: int, offset: float) -> None:
    """``exact_pricing(threshold=t)``: when it proves that no column reaches ``t``
    the best reduced cost is below ``t`` (+ rounding); its bound is always valid."""
    raw, data = instance(seed, n=9, k=3, pins=seed % 2 == 1)
    rng = np.random.default_rng(seed)
    u = rng.uniform(0, 15, data.n)
    mu = float(rng.uniform(-5, 5))
    for g in data.types:
        best = -math.inf
        for members in itertools.combinations(range(data.n), data.lo):
            if club_ok(raw, members, None if g == UNTYPED else g):
                best = max(best, club_value(raw, members) - u[list(members)].sum() - mu)
        threshold = (best if math.isfinite(best) else 0.0) + offset
        priced = exact_pricing(
            data, u, mu, g, seed=0, max_deterministic_time=5.0, threshold=threshold
        )
        assert priced.bound >= best - 1e-6
        if priced.column is not None:
            assert club_ok(raw, priced.column[1], None if g == UNTYPED else g)
            assert priced.reduced_cost is not None
            assert priced.reduced_cost >= threshold - 0.01
        elif math.isfinite(best):
            assert best < threshold + 0.01


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_reduced_costs_of_priced_columns(seed: int) -> None:
    """Heuristic and exact pricing return feasible columns whose reduced cost is
    what they claim, and the exact pricing bound is at least every column's."""
    raw, data = instance(seed, n=9, k=3, pins=seed % 2 == 1)
    rng = np.random.default_rng(seed)
    u = rng.uniform(0, 15, data.n)
    mu = float(rng.uniform(-5, 5))
    for g in data.types:
        priced = exact_pricing(data, u, mu, g, seed=0, max_deterministic_time=5.0)
        best = -math.inf
        for members in itertools.combinations(range(data.n), data.lo):
            if club_ok(raw, members, None if g == UNTYPED else g):
                best = max(best, club_value(raw, members) - u[list(members)].sum() - mu)
        assert priced.bound >= best - 1e-6
        if priced.column is not None:
            assert club_ok(raw, priced.column[1], None if g == UNTYPED else g)
    starts = [(g, tuple(range(g * 3, g * 3 + 3))) for g in data.types]
    for rc, column in heuristic_columns(data, u, [mu] * len(data.types), starts, rng):
        g, members = column
        assert club_ok(raw, members, None if g == UNTYPED else g)
        assert rc == pytest.approx(club_value(raw, members) - u[list(members)].sum() - mu)


def small_clubs(**extra: object) -> CycleConfig:
    data = CycleConfig().model_dump(mode="json")
    data["clubs"] = data["clubs"] | {"min_size": 4, "max_size": 4, "target_size": 4}
    data["solver"] = data["solver"] | {"club_deterministic_time": 0.2}
    for key, value in extra.items():
        data[key] = data[key] | value
    return config_from_dict(data)


def test_solve_clubs_bound_holds_for_every_layout() -> None:
    """The club stage on real participants: the reported bound is at least the best
    layout's score, which the stage reaches (12 participants, 3 clubs of 4)."""
    people = random_participants(12, seed=5)
    config = small_clubs()
    result = solve_clubs(
        ClubProblem(tuple(people), config),
        seed=0,
        max_deterministic_time=0.2,
        column_generation_budget=10.0,
    )
    k = 3
    need_per = config.sessions.max_size
    w = [[club_pair_weight(a, b, config) for b in people] for a in people]
    tolerance = result.balance_tolerance
    best = -math.inf
    from matching.club_sizes import host_need

    need = host_need(4, config)
    for layout in partitions(range(12), 4, 4, k):
        total = 0.0
        for club in layout:
            d = sum(1 for i in club if people[i].balance.is_deficit)
            h = sum(1 for i in club if people[i].can_host)
            if abs(2 * d - len(club)) > tolerance or need_per * h < len(club):
                break
            total += sum(w[a][b] for a, b in itertools.combinations(club, 2))
            total -= config.weights.clubs.host_shortfall * max(0, need - h)
        else:
            best = max(best, total)
    assert result.bound is not None and result.objective is not None
    assert result.bound >= best - 1e-6
    assert result.objective <= best + 1e-6
    assert result.objective == pytest.approx(best, abs=1e-6)


def test_pins_and_keep_hold_through_the_column_generation() -> None:
    """Club pins, apart and together pins hold in the layout the column generation
    returns; with --keep no club bound is claimed."""
    people = random_participants(12, seed=7)
    names = [p.name for p in people]
    config = small_clubs(
        pins={
            "club": [{"name": names[0], "club": 2}, {"name": names[5], "club": 3}],
            "apart": [[names[1], names[2]]],
            "together": [{"members": [names[3], names[4]], "round": 1}],
        }
    )
    problem = ClubProblem(tuple(people), config)
    result = solve_clubs(problem, seed=0, max_deterministic_time=0.2, column_generation_budget=5.0)
    assert result.column_generation is not None
    club_of = {n: g for g, club in enumerate(result.clubs, start=1) for n in club}
    assert club_of[names[0]] == 2 and club_of[names[5]] == 3
    assert club_of[names[1]] != club_of[names[2]]
    assert club_of[names[3]] == club_of[names[4]]
    assert result.bound is not None and result.objective is not None
    assert result.bound >= result.objective - 1e-6
    keep = {n: 1 + i % 3 for i, n in enumerate(names)}
    kept = solve_clubs(
        ClubProblem(tuple(people), config, keep=keep),
        seed=0,
        max_deterministic_time=0.2,
        column_generation_budget=5.0,
    )
    assert kept.bound is None
    kept_club = {n: g for g, club in enumerate(kept.clubs, start=1) for n in club}
    assert kept_club[names[0]] == 2 and kept_club[names[5]] == 3
