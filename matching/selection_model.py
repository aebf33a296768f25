"""Selection, step 3: the CP-SAT model and its four lexicographic stages.

The stages (each a CP-SAT solve on the same model through
:func:`matching.solver.solve`, hinted with the previous solution, all with a
fixed seed and a *deterministic* time limit):

1. **fill** – fill as many places as possible, timely registrations first:
   late registrations only take places that timely ones cannot fill.
2. **balance** – with that fill fixed, the smallest possible
   |deficit − (surplus + neutral)|. When it is within the configured
   tolerance the tolerance becomes a hard limit; otherwise the best possible
   value is the limit and a warning says so.
3. **main** – maximise the weighted soft criteria (safety-net priority,
   balance, spread, earlier participation). This objective is the one
   reported, broken down and recomputed in plain Python.
4. **tie-break** – with the main objective fixed at its stage-3 value, prefer
   earlier registration dates, then names in alphabetical order (see
   :func:`~matching.selection_problem.tie_break_order`), so ties are never
   decided by list order.

A stage without a solution raises :class:`~matching.errors.SelectionInfeasible`
(proven impossible) or :class:`~matching.errors.SelectionOutOfTime` (limit hit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from ortools.sat.python import cp_model

from leernetwerk.config import SolverSection
from leernetwerk.proposal import SolveStatus
from matching.errors import SelectionInfeasible, SelectionOutOfTime
from matching.selection_criteria import CRITERIA, SelectionModel
from matching.selection_problem import Progress, SelectionProblem
from matching.solver import SolverSettings, solve


@dataclass
class BuiltModel:
    sm: SelectionModel
    objective: cp_model.LinearExpr | int
    """Σ scaled weight × raw over the soft criteria (zero weights skipped)."""


def build_model(problem: SelectionProblem, forced: frozenset[int] = frozenset()) -> BuiltModel:
    """The CP-SAT model: variables, every hard rule, and the weighted objective expression."""
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"select_{c.index}") for c in problem.candidates]
    total = sum(c.places for c in problem.candidates)
    imbalance = model.new_int_var(0, max(total, 0), "imbalance")
    sm = SelectionModel(problem, model, x, imbalance, forced)
    objective: cp_model.LinearExpr | int = 0
    for criterion in CRITERIA:
        terms = criterion.build(sm)
        weight = problem.weights.get(criterion.weight_key or "", 0)
        if weight and terms:
            objective += cast(
                cp_model.LinearExpr, sum(weight * coef * expr for coef, expr in terms)
            )
    return BuiltModel(sm, objective)


def solver_settings(settings: SolverSection, limit: float) -> SolverSettings:
    """Selection solves: the configured seed and selection workers, and only a
    deterministic time limit (see :mod:`matching.solver`)."""
    return SolverSettings(
        seed=settings.seed,
        num_workers=settings.selection_num_workers,
        max_deterministic_time=limit,
    )


@dataclass
class StageOutcome:
    status: SolveStatus
    values: list[int] | None
    objective: float | None
    bound: float | None
    wall_time: float
    deterministic_time: float


def solve_stage(built: BuiltModel, limit: float, hint: Iterable[int] | None) -> StageOutcome:
    """Solve the model's current objective; hint with a selection (indices) if given."""
    sm = built.sm
    sm.model.clear_hints()
    if hint is not None:
        chosen = set(hint)
        for c in sm.problem.candidates:
            sm.model.add_hint(sm.x[c.index], 1 if c.index in chosen else 0)
    result = solve(sm.model, solver_settings(sm.problem.settings, limit))
    if not result.has_solution:
        return StageOutcome(
            result.status, None, None, None, result.wall_time, result.deterministic_time
        )
    values = [result.value(v) for v in sm.x]
    return StageOutcome(
        result.status,
        values,
        result.objective,
        result.bound,
        result.wall_time,
        result.deterministic_time,
    )


@dataclass(frozen=True)
class Solution:
    """The outcome of the stages for one problem (the proposal or a forcing run)."""

    chosen: frozenset[int]
    status: SolveStatus
    objective: int
    """Main-stage objective, scaled (divide by SCALE)."""
    bound: float | None
    best_balance: int
    balance_limit: int
    timely_places: int
    late_places: int
    wall_time: float
    deterministic_time: float
    exhausted: bool = False
    """True when a limit stopped a stage before it had a solution."""


def run_stages(
    problem: SelectionProblem,
    *,
    forced: frozenset[int] = frozenset(),
    hint: Iterable[int] | None = None,
    budget: float | None = None,
    tie_break: bool = True,
    stay_close_to: frozenset[int] | None = None,
    progress: Progress | None = None,
) -> Solution:
    """Solve fill → balance → main → tie-break on one model (see module doc).

    ``budget`` caps the deterministic time of all stages together (forcing
    runs); otherwise each stage gets ``solver.max_deterministic_time``.
    Raises :class:`~matching.errors.SelectionOutOfTime` when a stage has no
    solution within its limit (or the budget is used up), and
    :class:`~matching.errors.SelectionInfeasible` when a stage has none at all.
    With ``stay_close_to`` (forcing runs) the last stage keeps as many of
    those candidates as possible instead of the tie-break, so the reported
    drop-outs are the fewest that forcing really requires.
    """
    limit = problem.settings.max_deterministic_time
    if not problem.candidates:
        return Solution(frozenset(), SolveStatus.OPTIMAL, 0, 0.0, 0, problem.tolerance, 0, 0, 0, 0)
    built = build_model(problem, forced)
    sm, model = built.sm, built.sm.model
    candidates = problem.candidates
    timely = [c for c in candidates if not c.late]
    late = [c for c in candidates if c.late]
    wall = det = 0.0
    hint_values: Iterable[int] | None = hint

    def run(stage: str, step: int) -> StageOutcome:
        nonlocal wall, det, hint_values
        stage_limit = limit if budget is None else min(limit, budget - det)
        if stage_limit <= 0:
            raise SelectionOutOfTime(stage, det)
        outcome = solve_stage(built, stage_limit, hint_values)
        wall += outcome.wall_time
        det += outcome.deterministic_time
        if progress is not None:
            progress(stage, step, 4 if tie_break else 3)
        if outcome.values is None:
            if outcome.status is SolveStatus.INFEASIBLE:
                raise SelectionInfeasible(stage)
            raise SelectionOutOfTime(stage, det)
        hint_values = [i for i, v in enumerate(outcome.values) if v]
        return outcome

    # Stage 1: fill, timely first (lexicographic in one objective: timely × (P+1) + late).
    timely_taken = sm.places_taken(timely)
    late_taken = sm.places_taken(late)
    model.maximize(timely_taken * (problem.places + 1) + late_taken)
    fill = run("vullen", 1)
    chosen = [candidates[i] for i, v in enumerate(fill.values or []) if v]
    timely_places = sum(c.places for c in chosen if not c.late)
    late_places = sum(c.places for c in chosen if c.late)
    if fill.status is SolveStatus.OPTIMAL:
        model.add(timely_taken == timely_places)
        model.add(late_taken == late_places)
    else:  # not proven: keep at least what was found
        model.add(timely_taken >= timely_places)
        model.add(timely_taken + late_taken >= timely_places + late_places)

    # Stage 2: the best possible balance with that fill.
    model.minimize(sm.imbalance)
    balance = run("balans", 2)
    best_balance = int(round(balance.objective or 0))
    balance_limit = max(problem.tolerance, best_balance)
    model.add(sm.imbalance <= balance_limit)

    # Stage 3: the weighted criteria.
    model.maximize(built.objective)
    main = run("criteria", 3)
    values = main.values or []
    objective = int(round(main.objective or 0))

    # Stage 4: tie-break among equally good selections (or: stay close to the proposal).
    if (tie_break or stay_close_to is not None) and candidates:
        if not isinstance(built.objective, int):
            model.add(built.objective == objective)
        n = len(candidates)
        if stay_close_to is not None:
            model.maximize(
                sum(sm.x[c.index] for c in candidates if c.index in stay_close_to) * (n + 1)
                + sum((n - c.tie_rank) * sm.x[c.index] for c in candidates)
            )
        else:
            model.maximize(sum((n - c.tie_rank) * sm.x[c.index] for c in candidates))
        try:
            tie = run("gelijke stand", 4)
            values = tie.values or values
        except SelectionOutOfTime:
            pass  # the stage-3 selection stands; it is just as good

    chosen_set = frozenset(i for i, v in enumerate(values) if v)
    # "Optimal" is lexicographic: the fill and the balance must be proven too.
    proven = all(o.status is SolveStatus.OPTIMAL for o in (fill, balance, main))
    return Solution(
        chosen=chosen_set,
        status=SolveStatus.OPTIMAL if proven else SolveStatus.TIME_LIMIT,
        objective=objective,
        bound=main.bound,
        best_balance=best_balance,
        balance_limit=balance_limit,
        timely_places=timely_places,
        late_places=late_places,
        wall_time=wall,
        deterministic_time=det,
    )
