"""The selection engine: who takes part when more register than there are places.

docs/domain.md §5 and §8, GitHub issue 3. Data moves forward only, one module per step
(each imports only the ones before it):

1. :mod:`matching.selection_problem` – ``Registrations`` + ``CycleConfig`` →
   :class:`SelectionProblem` (index-based candidates, validated pins);
2. :mod:`matching.selection_criteria` – the named rules in :data:`CRITERIA`;
3. :mod:`matching.selection_model` – the CP-SAT model built from them, solved
   in four lexicographic stages (fill, balance, criteria, tie-break);
4. :mod:`matching.selection_explain` – Dutch reasons for every registrant and
   the cost of forcing a rejected one in;
5. this module – :func:`select` runs them in that order and returns the
   explained :class:`SelectionResult`.

Failures are typed (:mod:`matching.errors`): :class:`InvalidInput` for places
and pins, :class:`SelectionInfeasible` and :class:`SelectionOutOfTime` for a
stage without a solution. :mod:`leernetwerk` turns them into Dutch messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import ortools

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registrations
from leernetwerk.proposal import CriterionScore, Quality, SelectionEntry, SolveStatus, relative_gap
from matching.errors import InvalidInput, SelectionInfeasible, SelectionOutOfTime
from matching.selection_criteria import CRITERIA, scaled_objective, score_breakdown
from matching.selection_explain import explain, hard_violations
from matching.selection_model import run_stages
from matching.selection_problem import (
    SCALE,
    Candidate,
    Progress,
    SelectionProblem,
    build_problem,
    deficit_places,
    other_places,
    tie_break_order,
)

__all__ = [
    "CRITERIA",
    "SCALE",
    "InvalidInput",
    "Progress",
    "SelectionInfeasible",
    "SelectionOutOfTime",
    "SelectionResult",
    "baseline_selection",
    "select",
    "tie_break_order",
]


@dataclass(frozen=True)
class SelectionResult:
    """The explained selection proposal."""

    entries: tuple[SelectionEntry, ...]
    """One per registrant, in workbook order."""
    quality: Quality
    breakdown: tuple[CriterionScore, ...]
    selected: tuple[str, ...]
    """Selected names in workbook order."""
    warnings: tuple[str, ...]
    """Dutch."""
    settings: dict[str, float | int | str] = field(default_factory=dict)
    """Seed, limits and figures that make the run reproducible and auditable."""
    balance: tuple[int, int] = (0, 0)
    """Places taken by deficit and by surplus-or-neutral selected registrants."""


def select(
    registrations: Registrations,
    config: CycleConfig,
    *,
    places: int | None = None,
    participation: Mapping[str, tuple[str, ...]] | None = None,
    progress: Progress | None = None,
) -> SelectionResult:
    """Propose who takes part, explain every decision and cost every rejection.

    ``places`` overrides ``config.cycle.places``; ``participation`` maps a
    registrant (or member municipality) name to the cycles it took part in
    (from the history of decided cycles) and adds to ``previous_cycles``.
    ``progress(stage, done, total)`` is called after each solve.
    Raises :class:`InvalidInput` for places or pins that cannot be honoured,
    :class:`SelectionInfeasible` when no selection keeps the hard rules, and
    :class:`SelectionOutOfTime` when a stage finds nothing within its limit.
    """
    problem, not_candidates = build_problem(
        registrations, config, places=places, participation=participation
    )
    solution = run_stages(problem, progress=progress)
    chosen = problem.by_index(solution.chosen)
    explained = explain(
        problem,
        solution,
        registrations,
        not_candidates,
        progress=progress,
        deadline=config.cycle.deadline,
    )

    warnings = list(explained.warnings)
    if solution.best_balance > problem.tolerance:
        warnings.insert(
            0,
            f"balans binnen {problem.tolerance} niet haalbaar; beste mogelijke: "
            f"{solution.best_balance}",
        )
    objective = solution.objective / SCALE
    bound = solution.bound / SCALE if solution.bound is not None else None
    if solution.status is not SolveStatus.OPTIMAL:
        warnings.append(
            "de berekening stopte aan het eind van de rekentijd: een iets betere selectie is "
            "niet uitgesloten (meer rekentijd: solver.max_deterministic_time in cycle.toml, nu "
            f"{problem.settings.max_deterministic_time})"
        )
    baseline = baseline_selection(problem, solution.balance_limit)
    baseline_objective = (
        None
        if hard_violations(problem, solution, baseline)
        else scaled_objective(problem, baseline) / SCALE
    )
    quality = Quality(
        status=solution.status,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        baseline_objective=baseline_objective,
        wall_time=round(solution.wall_time + explained.wall_time, 3),
        deterministic_time=round(solution.deterministic_time + explained.deterministic_time, 3),
    )
    settings: dict[str, float | int | str] = {
        "seed": problem.settings.seed,
        "num_workers": problem.settings.selection_num_workers,
        "interleave_search": str(problem.settings.selection_num_workers > 1).lower(),
        "max_deterministic_time": problem.settings.max_deterministic_time,
        "forcing_cost_budget": problem.settings.forcing_cost_budget,
        "forcing_cost_deterministic_time": round(explained.deterministic_time, 3),
        "places": problem.places,
        "balance_tolerance": problem.tolerance,
        "balance_limit": solution.balance_limit,
        "ortools": _ortools_version(),
    }
    by_name = {e.name: e for e in explained.entries}
    return SelectionResult(
        entries=tuple(by_name[r.name] for r in registrations),
        quality=quality,
        breakdown=score_breakdown(problem, chosen),
        selected=tuple(r.name for r in registrations if by_name[r.name].selected),
        warnings=tuple(warnings),
        settings=settings,
        balance=(deficit_places(chosen), other_places(chosen)),
    )


def baseline_selection(problem: SelectionProblem, balance_limit: int) -> list[Candidate]:
    """A simple greedy baseline for comparison: pins first, then timely before late,
    safety-net priority, no earlier participation, tie-break order; a candidate is
    skipped when it would push |deficit − other| past the limit (a second pass fills
    what is left). Spread is ignored. Reported only when it keeps every hard rule."""
    order = sorted(
        problem.candidates,
        key=lambda c: (not c.pinned, c.late, -c.priority, bool(c.earlier), c.tie_rank),
    )
    chosen: list[Candidate] = []
    used: set[str] = set()
    room = problem.places
    for balance_aware in (True, False):
        for c in order:
            if c in chosen or c.places > room or used & set(c.represents):
                continue
            after = [*chosen, c]
            imbalance = abs(deficit_places(after) - other_places(after))
            if balance_aware and not c.pinned and imbalance > max(balance_limit, 1):
                continue
            chosen.append(c)
            used |= set(c.represents)
            room -= c.places
    return chosen


def _ortools_version() -> str:
    return str(ortools.__version__)  # type: ignore[attr-defined]  # no stub for it
