"""Seeded iterated local search for the grouping problem (MDGP).

Used on its own as a baseline and, more importantly, to give CP-SAT a good
first layout (``model.add_hint``): on pairwise grouping objectives CP-SAT's
own first solutions are poor and its bound is weak, so a cheap heuristic
start matters more than anything else.

The search is greedy construction + best-improvement descent over moves
(one element to another group) and swaps (two elements trade groups), then
iterated: perturb the best layout with a few random swaps/moves and descend
again; every ``RESTART_AFTER`` iterations without improvement it restarts
from a fresh greedy construction. Size bounds hold at every step.

Determinism: with an ``iterations`` budget the result depends only on the
problem, the seed and the start (numpy's seeded ``Generator``, fixed
tie-breaking by ``argmax``). A ``time_limit`` makes the result depend on
machine speed; use it only for benchmarks.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matching.grouping import GroupingProblem

DEFAULT_ITERATIONS = 100
"""ILS iterations when neither ``iterations`` nor ``time_limit`` is given."""

RESTART_AFTER = 50
"""Iterations without improving the best layout before a fresh greedy start."""

_EPS = 1e-9
"""Minimum gain for a step to count as an improvement (guards float noise)."""


class _State:
    """A layout with its incremental bookkeeping.

    ``contrib[i, g]`` is the sum of weights between element ``i`` and the
    members of group ``g`` (excluding ``i`` itself), so the gain of any move or
    swap is O(1) and applying one is O(n).
    """

    def __init__(self, weights: np.ndarray, groups: np.ndarray, num_groups: int) -> None:
        self.weights = weights
        self.groups = groups.copy()
        self.num_groups = num_groups
        onehot = np.zeros((len(groups), num_groups))
        onehot[np.arange(len(groups)), groups] = 1.0
        self.contrib = weights @ onehot
        self.sizes = np.bincount(groups, minlength=num_groups)
        self.value = float(self.contrib[np.arange(len(groups)), groups].sum() / 2.0)

    def move(self, i: int, target: int) -> None:
        """Move element ``i`` to group ``target`` and update the bookkeeping."""
        source = int(self.groups[i])
        column = self.weights[:, i]
        self.value += float(self.contrib[i, target] - self.contrib[i, source])
        self.contrib[:, source] -= column
        self.contrib[:, target] += column
        self.sizes[source] -= 1
        self.sizes[target] += 1
        self.groups[i] = target

    def swap(self, i: int, j: int) -> None:
        """Let elements ``i`` and ``j`` (in different groups) trade groups."""
        gi, gj = int(self.groups[i]), int(self.groups[j])
        self.move(i, gj)
        self.move(j, gi)


def _greedy_construction(
    weights: np.ndarray, lower: np.ndarray, upper: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Place elements one by one, in random order, in the feasible group they add most to.

    A group still below its minimum is mandatory once the remaining elements
    are just enough to fill all minimums, so the result always respects the
    bounds (given ``sum(lower) <= n <= sum(upper)``).
    """
    n, num_groups = weights.shape[0], len(lower)
    groups = np.full(n, -1)
    sizes = np.zeros(num_groups, dtype=int)
    contrib = np.zeros((n, num_groups))
    order = rng.permutation(n)
    tiebreak = rng.random(num_groups) * 1e-7
    for placed, i in enumerate(order):
        remaining = n - placed
        shortfall = np.maximum(lower - sizes, 0)
        allowed = shortfall > 0 if shortfall.sum() >= remaining else sizes < upper
        # Seed empty groups first: a new group costs nothing and gains nothing.
        score = np.where(allowed, contrib[i] + tiebreak, -np.inf)
        target = int(np.argmax(score))
        groups[i] = target
        sizes[target] += 1
        contrib[:, target] += weights[:, i]
    return groups


def _best_step(state: _State, lower: np.ndarray, upper: np.ndarray) -> tuple[float, int, int, int]:
    """The best improving move or swap: ``(gain, kind, a, b)``;
    kind 0 = none, 1 = move, 2 = swap."""
    groups, contrib = state.groups, state.contrib
    n = len(groups)
    own = contrib[np.arange(n), groups]

    move_gain = contrib - own[:, None]
    can_leave = state.sizes[groups] > lower[groups]
    can_enter = state.sizes < upper
    move_ok = can_leave[:, None] & can_enter[None, :]
    move_ok[np.arange(n), groups] = False
    move_gain = np.where(move_ok, move_gain, -np.inf)
    best_move = int(np.argmax(move_gain))
    move_value = float(move_gain.flat[best_move])

    cross = contrib[:, groups]  # cross[i, j] = contribution of i to j's group
    swap_gain = cross + cross.T - own[:, None] - own[None, :] - 2.0 * state.weights
    swap_gain = np.where(groups[:, None] != groups[None, :], swap_gain, -np.inf)
    best_swap = int(np.argmax(swap_gain))
    swap_value = float(swap_gain.flat[best_swap])

    if max(move_value, swap_value) <= _EPS:
        return 0.0, 0, -1, -1
    if move_value >= swap_value:
        return move_value, 1, best_move // state.num_groups, best_move % state.num_groups
    return swap_value, 2, best_swap // n, best_swap % n


def _descend(state: _State, lower: np.ndarray, upper: np.ndarray) -> None:
    """Best-improvement descent until no move or swap improves the layout."""
    while True:
        gain, kind, a, b = _best_step(state, lower, upper)
        if kind == 0:
            return
        if kind == 1:
            state.move(a, b)
        else:
            state.swap(a, b)


def _perturb(
    state: _State, lower: np.ndarray, upper: np.ndarray, rng: np.random.Generator, strength: int
) -> None:
    """Apply ``strength`` random swaps (and feasible moves) to escape a local optimum."""
    n = len(state.groups)
    for _ in range(strength):
        i, j = (int(v) for v in rng.integers(0, n, size=2))
        gi, gj = int(state.groups[i]), int(state.groups[j])
        if gi == gj:
            continue
        if rng.random() < 0.5 and state.sizes[gi] > lower[gi] and state.sizes[gj] < upper[gj]:
            state.move(i, gj)
        else:
            state.swap(i, j)


def check_bounds_admit(n: int, bounds: Sequence[tuple[int, int]]) -> bool:
    """Whether some layout of ``n`` elements fits the size bounds at all."""
    return sum(lo for lo, _ in bounds) <= n <= sum(hi for _, hi in bounds)


def local_search(
    problem: GroupingProblem,
    *,
    seed: int,
    iterations: int | None = None,
    time_limit: float | None = None,
    start: Sequence[int] | None = None,
) -> tuple[tuple[int, ...], float]:
    """Best layout found by iterated local search, with its objective.

    ``iterations`` bounds the number of perturb-and-descend rounds (the
    deterministic budget); ``time_limit`` (seconds) stops earlier on the wall
    clock. With neither, ``DEFAULT_ITERATIONS`` rounds are run. ``start`` is a
    feasible layout to begin from instead of a greedy construction.

    Raises ``ValueError`` when no layout fits the bounds or ``start`` is
    infeasible. The returned objective is recomputed with
    ``problem.objective`` so it never drifts from the plain-Python score.
    """
    if not check_bounds_admit(problem.n, problem.bounds):
        raise ValueError(
            f"no layout of {problem.n} elements fits the group size bounds {problem.bounds}"
        )
    if start is not None and not problem.is_feasible(start):
        raise ValueError("start layout is not feasible for this problem")
    if iterations is None and time_limit is None:
        iterations = DEFAULT_ITERATIONS
    deadline = None if time_limit is None else time.perf_counter() + time_limit

    rng = np.random.default_rng(seed)
    weights = np.array(problem.weights, dtype=float)
    np.fill_diagonal(weights, 0.0)
    lower = np.array([lo for lo, _ in problem.bounds])
    upper = np.array([hi for _, hi in problem.bounds])
    num_groups = len(problem.bounds)
    n = problem.n

    if n == 0:
        return (), 0.0
    initial = (
        np.array(start, dtype=int)
        if start is not None
        else _greedy_construction(weights, lower, upper, rng)
    )
    current = _State(weights, initial, num_groups)
    _descend(current, lower, upper)
    best_groups, best_value = current.groups.copy(), current.value
    stale = 0
    iteration = 0
    while (iterations is None or iteration < iterations) and (
        deadline is None or time.perf_counter() < deadline
    ):
        iteration += 1
        if stale >= RESTART_AFTER:
            candidate = _State(
                weights, _greedy_construction(weights, lower, upper, rng), num_groups
            )
            stale = 0
        else:
            candidate = _State(weights, best_groups, num_groups)
            strength = int(rng.integers(2, max(3, n // 8) + 1))
            _perturb(candidate, lower, upper, rng, strength)
        _descend(candidate, lower, upper)
        if candidate.value > best_value + _EPS:
            best_groups, best_value = candidate.groups.copy(), candidate.value
            stale = 0
        else:
            stale += 1
    layout = tuple(int(g) for g in best_groups)
    return layout, problem.objective(layout)
