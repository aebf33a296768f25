"""Domain-neutral grouping core: the Maximally Diverse Grouping Problem on CP-SAT.

Partition ``n`` elements into groups with per-group size bounds, maximising
the sum of pairwise weights of elements that share a group. The club model
(`matching/clubs.py`) builds on this: it adds its own constraints (balance,
pins, forbidden pairs) on ``model``, ``assign`` and ``same_group`` and its own
objective terms with ``add_objective_term``.

Model (why it looks like this):

* ``x[i][g]`` booleans, exactly one group per element, size bounds per group.
* One pair variable ``same[i, j]`` per pair with a non-zero weight. We
  maximise, so a positive weight only needs ``same`` bounded from above
  (``same ≤ 1 − x[i][g] + x[j][g]`` for every g: if i is in g, so is j) and a
  negative weight only from below (``same ≥ x[i][g] + x[j][g] − 1``).
  ``same_group`` asks for both directions, which makes it exact.
* A degree cut per element: ``Σ_j same[i, j] ≤ Σ_g (max_g − 1)·x[i][g]``
  (i has at most ``size − 1`` group mates) and a global cut (pairs together
  ≤ the most any size split allows). Both are redundant for integer
  solutions but lift the LP bound far below the trivial one (all weights).
* Symmetry breaking between groups with identical bounds (optional): order
  the groups of each class by their smallest element. Then element ``i``
  can only sit in the first ``i + 1`` groups of a class, and an element in
  class position ``p > 0`` needs a smaller element in position ``p − 1``.
  Switch it off when the domain layer pins elements to specific groups or
  adds group-specific terms.
* Float weights are scaled to integers (``round(w · scale)``). The reported
  objective is recomputed in plain Python from the layout with the original
  weights; the reported bound is CP-SAT's bound unscaled plus the largest
  possible rounding gain, so it stays a true upper bound.

Determinism: with ``num_workers = 1`` the result depends only on problem,
seed, hint and ``max_deterministic_time``. With ``num_workers > 1`` CP-SAT is
not reproducible (OR-Tools issue 2793) unless ``interleave_search`` is on;
see ``docs/benchmark-grouping.md`` for the measurement.
"""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from matching.local_search import check_bounds_admit, local_search
from matching.solver import SolverSettings, SolveStatus, solve

HINT_ITERATIONS = 200
"""Local-search rounds used to compute a hint when the caller gives none."""


@dataclass(frozen=True)
class GroupingProblem:
    """Index-based grouping data: ``n`` elements, pairwise weights, size bounds per group.

    ``weights`` is a symmetric ``n × n`` matrix (diagonal ignored; entries may
    be negative); ``bounds[g] = (min, max)`` size of group ``g``.
    """

    n: int
    weights: tuple[tuple[float, ...], ...]
    bounds: tuple[tuple[int, int], ...]

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError(f"n must be non-negative, got {self.n}")
        if len(self.weights) != self.n or any(len(row) != self.n for row in self.weights):
            raise ValueError(f"weights must be a {self.n}×{self.n} matrix")
        for i in range(self.n):
            for j in range(i + 1, self.n):
                if self.weights[i][j] != self.weights[j][i]:
                    raise ValueError(
                        f"weights must be symmetric: w[{i}][{j}]={self.weights[i][j]} "
                        f"but w[{j}][{i}]={self.weights[j][i]}"
                    )
                if not math.isfinite(self.weights[i][j]):
                    raise ValueError(f"weight w[{i}][{j}] is not finite")
        for g, (lo, hi) in enumerate(self.bounds):
            if not 0 <= lo <= hi:
                raise ValueError(f"group {g} has invalid size bounds ({lo}, {hi})")

    @property
    def num_groups(self) -> int:
        """Number of groups."""
        return len(self.bounds)

    @classmethod
    def from_mdgplib(cls, path: str | Path) -> GroupingProblem:
        """Read an MDGPLIB instance (``n G type a_1 b_1 … a_G b_G`` then ``i j d_ij`` lines)."""
        lines = Path(path).read_text().split("\n")
        header = lines[0].split()
        n, num_groups = int(header[0]), int(header[1])
        limits = [int(v) for v in header[3 : 3 + 2 * num_groups]]
        bounds = tuple((limits[2 * g], limits[2 * g + 1]) for g in range(num_groups))
        matrix = [[0.0] * n for _ in range(n)]
        for line in lines[1:]:
            parts = line.split()
            if not parts:
                continue
            i, j, d = int(parts[0]), int(parts[1]), float(parts[2])
            matrix[i][j] = matrix[j][i] = d
        return cls(n=n, weights=tuple(tuple(row) for row in matrix), bounds=bounds)

    def objective(self, groups: Sequence[int]) -> float:
        """Sum of the weights of all pairs that share a group (plain Python, any layout)."""
        members: dict[int, list[int]] = {}
        for i, g in enumerate(groups):
            members.setdefault(g, []).append(i)
        total = 0.0
        for group in members.values():
            for a, i in enumerate(group):
                row = self.weights[i]
                for j in group[a + 1 :]:
                    total += row[j]
        return total

    def is_feasible(self, groups: Sequence[int]) -> bool:
        """Whether ``groups`` gives every element a valid group and every group a valid size."""
        if len(groups) != self.n:
            return False
        sizes = [0] * self.num_groups
        for g in groups:
            try:
                index = operator.index(g)
            except TypeError:
                return False
            if not 0 <= index < self.num_groups:
                return False
            sizes[index] += 1
        return all(lo <= size <= hi for size, (lo, hi) in zip(sizes, self.bounds, strict=True))


@dataclass(frozen=True)
class GroupingResult:
    """Outcome of one solve; every number is checked or recomputed, never assumed.

    ``objective`` is recomputed from ``groups`` with the original weights, plus
    each extra term's coefficient times the term's value in the solution.
    ``bound`` is an upper bound on that objective (original units) for the
    pairwise part exactly; for extra terms it uses their coefficients rounded
    to ``1/scale``. ``None`` when there is no solution / no bound.
    """

    status: SolveStatus
    groups: tuple[int, ...] | None
    objective: float | None
    bound: float | None
    wall_time: float
    deterministic_time: float

    @property
    def gap(self) -> float | None:
        """Relative gap ``(bound − objective) / |bound|``; ``None`` when unknown."""
        if self.objective is None or self.bound is None:
            return None
        if self.bound == 0:
            return 0.0 if self.objective == 0 else None
        return max(0.0, (self.bound - self.objective) / abs(self.bound))


def canonical_layout(problem: GroupingProblem, groups: Sequence[int]) -> tuple[int, ...]:
    """Relabel groups with identical bounds so that, per class, groups are ordered by
    smallest member.

    This is the representative that survives symmetry breaking; empty groups
    go last in their class. The objective is unchanged.
    """
    classes = _bound_classes(problem.bounds)
    relabel = list(range(problem.num_groups))
    for members in classes:
        first_member = {g: problem.n for g in members}
        for i in reversed(range(len(groups))):
            if groups[i] in first_member:
                first_member[groups[i]] = i
        ordered = sorted(members, key=lambda g: (first_member[g], g))
        for position, g in enumerate(ordered):
            relabel[g] = members[position]
    return tuple(relabel[g] for g in groups)


def max_pairs_together(problem: GroupingProblem) -> int:
    """Most pairs that can share a group over all size splits that fit the bounds (a small DP)."""
    best = {0: 0}
    for lo, hi in problem.bounds:
        step: dict[int, int] = {}
        for total, pairs in best.items():
            for size in range(lo, min(hi, problem.n - total) + 1):
                value = pairs + size * (size - 1) // 2
                if value > step.get(total + size, -1):
                    step[total + size] = value
        best = step
    return best[problem.n]


def _bound_classes(bounds: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Groups with identical bounds, in index order: these are interchangeable."""
    classes: dict[tuple[int, int], list[int]] = {}
    for g, (lo, hi) in enumerate(bounds):
        classes.setdefault((lo, hi), []).append(g)
    return list(classes.values())


class _ImprovementReporter(cp_model.CpSolverSolutionCallback):
    """Calls ``progress(elapsed, objective)`` on each improving solution (original units)."""

    def __init__(
        self,
        grouping: GroupingModel,
        progress: Callable[[float, float], None],
        start: float,
    ) -> None:
        super().__init__()
        self._grouping = grouping
        self._progress = progress
        self._start = start
        self._best = -math.inf

    def on_solution_callback(self) -> None:
        groups = self._grouping._read_groups(self.boolean_value)
        value = self._grouping._true_objective(groups, self.value)
        if value > self._best:
            self._best = value
            self._progress(time.perf_counter() - self._start, value)


class GroupingModel:
    """CP-SAT model of a ``GroupingProblem``, open for extra domain constraints and terms."""

    def __init__(
        self, problem: GroupingProblem, *, scale: int = 1000, symmetry_breaking: bool = True
    ) -> None:
        if scale < 1:
            raise ValueError("scale must be at least 1")
        self.problem = problem
        self.scale = scale
        self.symmetry_breaking = symmetry_breaking
        self.model = cp_model.CpModel()
        self._x = [
            [
                self.model.new_bool_var(f"element_{i}_in_group_{g}")
                for g in range(problem.num_groups)
            ]
            for i in range(problem.n)
        ]
        self._same: dict[tuple[int, int], cp_model.IntVar] = {}
        self._upper_linked: set[tuple[int, int]] = set()
        self._lower_linked: set[tuple[int, int]] = set()
        self._extra_terms: list[tuple[Any, float]] = []
        self._scaled_weights: dict[tuple[int, int], int] = {}
        self._rounding_slack = 0.0
        self._one_group_per_element()
        self._group_sizes()
        self._pairwise_weights()
        self._degree_cut()
        self._total_pairs_cut()
        if symmetry_breaking:
            self._group_symmetry()

    # --- public API -------------------------------------------------------

    def assign(self, i: int, g: int) -> cp_model.IntVar:
        """The boolean ``x[i][g]``: element ``i`` is in group ``g``."""
        return self._x[i][g]

    def same_group(self, i: int, j: int) -> cp_model.IntVar:
        """Boolean that is true exactly when ``i`` and ``j`` share a group (both directions
        enforced)."""
        if i == j:
            raise ValueError("same_group needs two different elements")
        key = (min(i, j), max(i, j))
        self._link_upper(key)
        self._link_lower(key)
        return self._same_var(key)

    def add_objective_term(self, expr: Any, coefficient: float) -> None:
        """Add ``coefficient · expr`` to the maximised objective (same units as the weights).

        The coefficient is scaled like the weights (``round(c · scale)``).
        """
        self._extra_terms.append((expr, coefficient))

    def solve(
        self,
        *,
        seed: int = 0,
        max_deterministic_time: float = 10.0,
        num_workers: int = 1,
        hint: Sequence[int] | None = None,
        progress: Callable[[float, float], None] | None = None,
        interleave_search: bool | None = None,
        log_search_progress: bool = False,
    ) -> GroupingResult:
        """Solve and return a result whose objective is recomputed from the layout.

        Without ``hint`` a seeded local search (``HINT_ITERATIONS`` rounds, no
        wall clock) computes one. ``interleave_search`` (default: on with more
        than one worker) makes multi-worker solves reproducible (see the module
        docstring and :mod:`matching.solver`).
        """
        start = time.perf_counter()
        problem = self.problem
        if hint is None and problem.n > 0 and check_bounds_admit(problem.n, problem.bounds):
            hint, _ = local_search(problem, seed=seed, iterations=HINT_ITERATIONS)
        self._set_objective()
        self.model.clear_hints()
        if hint is not None:
            self._add_hint(hint)

        settings = SolverSettings(
            seed=seed,
            num_workers=num_workers,
            max_deterministic_time=max_deterministic_time,
            interleave_search=interleave_search,
            log_search_progress=log_search_progress,
        )
        callback = _ImprovementReporter(self, progress, start) if progress is not None else None
        result = solve(self.model, settings, callback)

        groups: tuple[int, ...] | None = None
        objective: float | None = None
        bound = None
        if result.has_solution:
            groups = self._read_groups(result.boolean_value)
            objective = self._true_objective(groups, result.value)
            if result.bound is not None:
                bound = result.bound / self.scale + self._rounding_slack
                if result.status is SolveStatus.OPTIMAL:
                    bound = max(bound, objective)
        return GroupingResult(
            status=result.status,
            groups=groups,
            objective=objective,
            bound=bound,
            wall_time=time.perf_counter() - start,
            deterministic_time=result.deterministic_time,
        )

    # --- constraints, one per rule ---------------------------------------

    def _one_group_per_element(self) -> None:
        """Hard: every element is in exactly one group."""
        for row in self._x:
            self.model.add_exactly_one(row)

    def _group_sizes(self) -> None:
        """Hard: group ``g`` holds between ``min_g`` and ``max_g`` elements."""
        for g, (lo, hi) in enumerate(self.problem.bounds):
            self.model.add_linear_constraint(
                sum(self._x[i][g] for i in range(self.problem.n)), lo, hi
            )

    def _pairwise_weights(self) -> None:
        """Objective: a pair variable per non-zero scaled weight, linked in the needed direction."""
        weights = self.problem.weights
        for i in range(self.problem.n):
            for j in range(i + 1, self.problem.n):
                w = weights[i][j]
                scaled = round(w * self.scale)
                self._rounding_slack += max(0.0, w - scaled / self.scale)
                if scaled == 0:
                    continue
                self._scaled_weights[(i, j)] = scaled
                if scaled > 0:
                    self._link_upper((i, j))
                else:
                    self._link_lower((i, j))

    def _degree_cut(self) -> None:
        """Redundant: element i has at most ``max_g − 1`` mates among its positive-weight pairs."""
        neighbours: dict[int, list[cp_model.IntVar]] = {}
        for (i, j), scaled in self._scaled_weights.items():
            if scaled > 0:
                neighbours.setdefault(i, []).append(self._same[(i, j)])
                neighbours.setdefault(j, []).append(self._same[(i, j)])
        for i, mates in neighbours.items():
            capacity = sum(
                (hi - 1) * self._x[i][g] for g, (_, hi) in enumerate(self.problem.bounds)
            )
            self.model.add(sum(mates) <= capacity)

    def _total_pairs_cut(self) -> None:
        """Redundant: positive-weight pairs together ≤ the most pairs any size split allows.

        Proves the n = 12 MDGPLIB instances with unequal bounds in well under a
        second where the degree cut alone leaves a 50 % gap.
        """
        positive = [self._same[key] for key, scaled in self._scaled_weights.items() if scaled > 0]
        if positive and check_bounds_admit(self.problem.n, self.problem.bounds):
            self.model.add(sum(positive) <= max_pairs_together(self.problem))

    def _group_symmetry(self) -> None:
        """Symmetry: within each class of identical bounds, groups ordered by smallest member."""
        n = self.problem.n
        for members in _bound_classes(self.problem.bounds):
            for position, g in enumerate(members):
                for i in range(min(position, n)):
                    self.model.add(self._x[i][g] == 0)
                if position == 0:
                    continue
                previous = members[position - 1]
                for i in range(n):
                    earlier = [self._x[j][previous] for j in range(i)]
                    self.model.add(self._x[i][g] <= sum(earlier))

    # --- helpers ----------------------------------------------------------

    def _same_var(self, key: tuple[int, int]) -> cp_model.IntVar:
        if key not in self._same:
            self._same[key] = self.model.new_bool_var(f"element_{key[0]}_with_{key[1]}")
        return self._same[key]

    def _link_upper(self, key: tuple[int, int]) -> None:
        """``same → i and j in one group``: for every g, ``same ≤ 1 − x[i][g] + x[j][g]``."""
        if key in self._upper_linked:
            return
        self._upper_linked.add(key)
        same, (i, j) = self._same_var(key), key
        for g in range(self.problem.num_groups):
            self.model.add(same <= 1 - self._x[i][g] + self._x[j][g])
            self.model.add(same <= 1 - self._x[j][g] + self._x[i][g])

    def _link_lower(self, key: tuple[int, int]) -> None:
        """``i and j in one group → same``: for every g, ``same ≥ x[i][g] + x[j][g] − 1``."""
        if key in self._lower_linked:
            return
        self._lower_linked.add(key)
        same, (i, j) = self._same_var(key), key
        for g in range(self.problem.num_groups):
            self.model.add(same >= self._x[i][g] + self._x[j][g] - 1)

    def _set_objective(self) -> None:
        terms = [scaled * self._same[key] for key, scaled in self._scaled_weights.items()]
        terms += [round(c * self.scale) * expr for expr, c in self._extra_terms]
        self.model.maximize(sum(terms))

    def _add_hint(self, hint: Sequence[int]) -> None:
        if len(hint) != self.problem.n:
            raise ValueError(f"hint has {len(hint)} entries, expected {self.problem.n}")
        if self.symmetry_breaking:
            hint = canonical_layout(self.problem, hint)
        for i, g_i in enumerate(hint):
            for g in range(self.problem.num_groups):
                self.model.add_hint(self._x[i][g], g == g_i)
        for (i, j), var in self._same.items():
            self.model.add_hint(var, hint[i] == hint[j])

    def _read_groups(self, boolean_value: Callable[[Any], bool]) -> tuple[int, ...]:
        return tuple(next(g for g, var in enumerate(row) if boolean_value(var)) for row in self._x)

    def _true_objective(self, groups: Sequence[int], value: Callable[[Any], int]) -> float:
        """Pairwise score from the layout in original units, plus each extra term's value."""
        total = self.problem.objective(groups)
        for expr, coefficient in self._extra_terms:
            total += coefficient * (value(expr) if not isinstance(expr, int) else expr)
        return total
