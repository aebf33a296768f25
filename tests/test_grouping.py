"""Grouping core (MDGP on CP-SAT) and its local search: rules on tiny instances, MDGPLIB optima."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.grouping import (
    GroupingModel,
    GroupingProblem,
    canonical_layout,
    max_pairs_together,
)
from matching.local_search import local_search
from matching.solver import SolveStatus

MDGPLIB = Path(__file__).resolve().parents[1] / "benchmarks" / "data" / "mdgplib"
SHORT = 2.0
"""Deterministic time per solve in tests: tiny instances need far less."""


def problem_from_pairs(
    n: int, pairs: dict[tuple[int, int], float], bounds: list[tuple[int, int]]
) -> GroupingProblem:
    """A problem whose weights are zero except for the listed pairs."""
    matrix = [[0.0] * n for _ in range(n)]
    for (i, j), w in pairs.items():
        matrix[i][j] = matrix[j][i] = w
    return GroupingProblem(n=n, weights=tuple(map(tuple, matrix)), bounds=tuple(bounds))


def brute_force_optimum(problem: GroupingProblem) -> float:
    """Best objective over every assignment that fits the bounds (n ≤ 8 only)."""
    layouts = itertools.product(range(problem.num_groups), repeat=problem.n)
    return max(problem.objective(g) for g in layouts if problem.is_feasible(g))


def random_problem(
    seed: int, n: int, bounds: list[tuple[int, int]], negative: bool
) -> GroupingProblem:
    """Reproducible random weights in [-50, 100) or [0, 100), with one decimal."""
    rng = random.Random(seed)
    low = -50.0 if negative else 0.0
    pairs = {(i, j): round(rng.uniform(low, 100.0), 1) for i in range(n) for j in range(i + 1, n)}
    return problem_from_pairs(n, pairs, bounds)


def mdgplib_optima() -> dict[str, float]:
    """Proven optima of the 20 n = 12 MDGPLIB instances."""
    lines = (MDGPLIB / "optima_n012.tsv").read_text().splitlines()
    return {name: float(value) for name, value in (line.split("\t") for line in lines if line)}


# --- problem data ---------------------------------------------------------


def test_objective_sums_weights_of_pairs_that_share_a_group():
    problem = problem_from_pairs(3, {(0, 1): 5.0, (1, 2): 7.0, (0, 2): 1.0}, [(1, 2), (1, 2)])
    # 0 and 1 together (5), 2 alone.
    assert problem.objective((0, 0, 1)) == 5.0
    assert problem.is_feasible((0, 0, 1))
    # Three in one group breaks the max of 2; group 1 is empty, below its min of 1.
    assert not problem.is_feasible((0, 0, 0))
    assert not problem.is_feasible((0, 2, 1))


def test_asymmetric_weights_are_rejected():
    with pytest.raises(ValueError, match="symmetric"):
        GroupingProblem(n=2, weights=((0.0, 1.0), (2.0, 0.0)), bounds=((2, 2),))


def test_mdgplib_reader_builds_symmetric_weights_and_bounds():
    problem = GroupingProblem.from_mdgplib(MDGPLIB / "RanReal_n012_ds_01.txt")
    assert problem.n == 12
    assert problem.bounds == ((3, 4), (3, 4), (2, 5), (3, 4))
    assert problem.weights[0][1] == problem.weights[1][0] == 50.214


def test_max_pairs_together_prefers_uneven_splits():
    # 6 elements in two groups of 1..5: 5 + 1 gives 10 pairs, 3 + 3 only 6.
    problem = problem_from_pairs(6, {}, [(1, 5), (1, 5)])
    assert max_pairs_together(problem) == 10


def test_canonical_layout_orders_interchangeable_groups_by_smallest_member():
    problem = problem_from_pairs(4, {}, [(2, 2), (2, 2)])
    assert canonical_layout(problem, (1, 0, 1, 0)) == (0, 1, 0, 1)


# --- solver: rules on tiny instances -----------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_solver_reaches_brute_force_optimum(seed):
    problem = random_problem(seed, 7, [(2, 4), (2, 4), (1, 3)], negative=False)
    result = GroupingModel(problem).solve(max_deterministic_time=SHORT)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(brute_force_optimum(problem))
    assert result.bound == pytest.approx(result.objective)


def test_negative_weights_keep_enemies_apart():
    # 0-1 and 2-3 like each other a little; 0-2 hate each other a lot.
    # Best: {0,1} and {2,3} (2 + 2), not {0,2} anything (−100).
    pairs = {(0, 1): 2.0, (2, 3): 2.0, (0, 2): -100.0, (1, 3): 3.0}
    problem = problem_from_pairs(4, pairs, [(2, 2), (2, 2)])
    result = GroupingModel(problem).solve(max_deterministic_time=SHORT)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(4.0)
    assert result.groups[0] == result.groups[1] != result.groups[2] == result.groups[3]


@pytest.mark.parametrize("seed", [4, 5])
def test_negative_weights_reach_brute_force_optimum(seed):
    problem = random_problem(seed, 8, [(2, 5), (2, 5), (2, 5)], negative=True)
    result = GroupingModel(problem).solve(max_deterministic_time=SHORT)
    assert result.status is SolveStatus.OPTIMAL
    assert result.objective == pytest.approx(brute_force_optimum(problem))


def test_bounds_are_respected_even_when_a_big_group_would_score_more():
    # All weights positive: everyone together would be best, but max size is 3.
    problem = random_problem(6, 8, [(2, 3), (2, 3), (2, 3)], negative=False)
    result = GroupingModel(problem).solve(max_deterministic_time=SHORT)
    sizes = sorted(result.groups.count(g) for g in range(3))
    assert sizes == [2, 3, 3]
    assert problem.is_feasible(result.groups)


def test_same_group_is_exact_in_both_directions():
    # Weights want 0 and 1 together; forbidding it via same_group must hold,
    # and forcing 2 and 3 together (zero weight, no objective pull) too.
    # Best then: {0, 2, 3} and {1, 4, 5}, scoring 0-2 (1) + 1-4 (1).
    pairs = {(0, 1): 10.0, (0, 2): 1.0, (1, 4): 1.0}
    problem = problem_from_pairs(6, pairs, [(3, 3), (3, 3)])
    grouping = GroupingModel(problem)
    grouping.model.add(grouping.same_group(0, 1) == 0)
    grouping.model.add(grouping.same_group(2, 3) == 1)
    result = grouping.solve(max_deterministic_time=SHORT)
    assert result.status is SolveStatus.OPTIMAL
    assert result.groups[0] != result.groups[1]
    assert result.groups[2] == result.groups[3] == result.groups[0]
    assert result.objective == pytest.approx(2.0)


def test_same_group_variable_reports_the_truth_when_not_constrained():
    problem = problem_from_pairs(4, {(0, 1): 10.0}, [(2, 2), (2, 2)])
    grouping = GroupingModel(problem)
    together = grouping.same_group(0, 2)
    # Reward 0 and 2 being together a little less than 0 and 1.
    grouping.add_objective_term(together, 1.0)
    result = grouping.solve(max_deterministic_time=SHORT)
    assert result.groups[0] == result.groups[1]
    assert result.objective == pytest.approx(10.0)  # together is 0, adds nothing


def test_extra_objective_term_can_outweigh_pair_weights():
    # Weight pulls 0 and 1 together (10); a stability bonus of 15.5 for
    # element 0 staying in group 1 with element 2 wins.
    problem = problem_from_pairs(4, {(0, 1): 10.0}, [(2, 2), (2, 2)])
    grouping = GroupingModel(problem, symmetry_breaking=False)
    grouping.add_objective_term(grouping.assign(0, 1), 15.5)
    grouping.model.add(grouping.assign(2, 1) == 1)
    result = grouping.solve(max_deterministic_time=SHORT)
    assert result.status is SolveStatus.OPTIMAL
    assert result.groups[0] == 1 == result.groups[2]
    assert result.objective == pytest.approx(15.5)
    assert result.bound == pytest.approx(15.5)


def test_infeasible_bounds_give_status_infeasible_without_exception():
    problem = random_problem(7, 7, [(8, 12)], negative=False)
    result = GroupingModel(problem).solve(max_deterministic_time=SHORT)
    assert result.status is SolveStatus.INFEASIBLE
    assert result.groups is None and result.objective is None and result.bound is None


def test_local_search_refuses_infeasible_bounds():
    problem = random_problem(7, 7, [(8, 12)], negative=False)
    with pytest.raises(ValueError, match="bounds"):
        local_search(problem, seed=0, iterations=5)


def test_progress_reports_improving_solutions_in_original_units():
    problem = random_problem(8, 8, [(2, 4), (2, 4), (2, 4)], negative=False)
    seen: list[tuple[float, float]] = []
    result = GroupingModel(problem).solve(
        max_deterministic_time=SHORT, progress=lambda t, v: seen.append((t, v))
    )
    assert seen, "at least the hinted solution is reported"
    values = [v for _, v in seen]
    assert values == sorted(values)
    assert values[-1] == pytest.approx(result.objective)


def test_same_input_seed_and_limits_give_the_same_result():
    problem = GroupingProblem.from_mdgplib(MDGPLIB / "RanReal_n030_ss_01.txt")
    first = GroupingModel(problem).solve(seed=3, max_deterministic_time=1.0)
    second = GroupingModel(problem).solve(seed=3, max_deterministic_time=1.0)
    assert (first.status, first.groups, first.objective, first.bound) == (
        second.status,
        second.groups,
        second.objective,
        second.bound,
    )


def test_local_search_is_deterministic_for_an_iteration_budget():
    problem = GroupingProblem.from_mdgplib(MDGPLIB / "RanReal_n030_ss_02.txt")
    assert local_search(problem, seed=9, iterations=30) == local_search(
        problem, seed=9, iterations=30
    )


# --- MDGPLIB n = 12: proven optima --------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "RanReal_n012_ss_01.txt",
        "RanReal_n012_ss_08.txt",
        "RanReal_n012_ds_03.txt",
        "RanReal_n012_ds_08.txt",
    ],
)
def test_mdgplib_n12_reaches_the_proven_optimum(name):
    problem = GroupingProblem.from_mdgplib(MDGPLIB / name)
    result = GroupingModel(problem).solve(max_deterministic_time=5.0)
    assert result.objective == pytest.approx(mdgplib_optima()[name], abs=1e-6)
    assert problem.is_feasible(result.groups)


@pytest.mark.parametrize("name", ["RanReal_n012_ss_05.txt", "RanReal_n012_ds_05.txt"])
def test_local_search_alone_reaches_the_proven_optimum(name):
    problem = GroupingProblem.from_mdgplib(MDGPLIB / name)
    layout, value = local_search(problem, seed=0, iterations=100)
    assert problem.is_feasible(layout)
    assert value == pytest.approx(mdgplib_optima()[name], abs=1e-6)


# --- properties ---------------------------------------------------------------


@st.composite
def small_problems(draw) -> GroupingProblem:
    """Random instances: 2..8 elements, 1..3 groups with bounds that admit a layout."""
    n = draw(st.integers(2, 8))
    num_groups = draw(st.integers(1, 3))
    bounds = []
    for _ in range(num_groups):
        lo = draw(st.integers(0, 3))
        hi = draw(st.integers(lo, lo + 4))
        bounds.append((lo, hi))
    weight = st.floats(-20, 50, allow_nan=False, allow_infinity=False).map(lambda w: round(w, 3))
    pairs = {(i, j): draw(weight) for i in range(n) for j in range(i + 1, n)}
    return problem_from_pairs(n, pairs, bounds)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems(), st.booleans())
def test_any_result_is_feasible_and_scored_honestly(problem, symmetry_breaking):
    result = GroupingModel(problem, symmetry_breaking=symmetry_breaking).solve(
        max_deterministic_time=0.5
    )
    admits = sum(lo for lo, _ in problem.bounds) <= problem.n <= sum(hi for _, hi in problem.bounds)
    if not admits:
        assert result.status is SolveStatus.INFEASIBLE
        return
    assert result.status in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)
    assert problem.is_feasible(result.groups)
    assert result.objective == pytest.approx(problem.objective(result.groups))
    assert result.bound >= result.objective - 1e-6
    if result.status is SolveStatus.OPTIMAL:
        assert result.objective == pytest.approx(brute_force_optimum(problem), abs=1e-6)
