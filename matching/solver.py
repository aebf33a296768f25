"""One place for CP-SAT: a configured solver, the solve itself, and its status.

Every model in :mod:`matching` is solved through :func:`solve`, so that

- every solve is reproducible: a fixed ``random_seed``, only a *deterministic*
  time limit (never wall clock), and with more than one worker
  ``interleave_search`` (CP-SAT's parallel portfolio is otherwise not
  reproducible by seed alone, OR-Tools issue 2793);
- the status says what happened, including "the time limit was reached"
  (:class:`SolveStatus`), instead of CP-SAT's FEASIBLE/UNKNOWN;
- Ctrl-C stops the solve promptly and propagates as :class:`KeyboardInterrupt`.
  CP-SAT would otherwise catch SIGINT itself and return its best solution as if
  the time limit had been reached, so an interrupted run would quietly go on with
  a different result. The solve runs in a worker thread while the main thread
  waits; on an interrupt the main thread calls ``stop_search`` and re-raises.
  An interrupt that Python dropped elsewhere (in a finaliser) is raised again
  before and after each solve (:mod:`leernetwerk.interrupt`).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from leernetwerk import interrupt
from leernetwerk.proposal import SolveStatus

__all__ = ["SolveResult", "SolveStatus", "SolverSettings", "configured_solver", "solve"]


@dataclass(frozen=True)
class SolverSettings:
    """What a single solve needs: seed, workers and a deterministic time limit."""

    seed: int = 0
    num_workers: int = 1
    max_deterministic_time: float = 10.0
    interleave_search: bool | None = None
    """None: on exactly when there is more than one worker (the reproducible
    choice); benchmarks set it explicitly to measure the alternative."""
    log_search_progress: bool = False
    linearization_level: int | None = None
    """None: CP-SAT's default (1); 2 adds its LP cuts (the club pricing model)."""


def configured_solver(settings: SolverSettings) -> cp_model.CpSolver:
    """A CP-SAT solver set up for reproducible solves (see the module docstring)."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.random_seed = settings.seed
    params.num_workers = settings.num_workers
    interleave = settings.interleave_search
    params.interleave_search = settings.num_workers > 1 if interleave is None else interleave
    params.log_search_progress = settings.log_search_progress
    params.max_deterministic_time = max(settings.max_deterministic_time, 1e-3)
    params.catch_sigint_signal = False
    if settings.linearization_level is not None:
        params.linearization_level = settings.linearization_level
    return solver


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    # With only a deterministic time limit and no solution limit, CP-SAT stops
    # with FEASIBLE (a solution) or UNKNOWN (none) exactly when the limit is hit.
    cp_model.FEASIBLE: SolveStatus.TIME_LIMIT,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.NO_SOLUTION,
}


@dataclass(frozen=True)
class SolveResult:
    """The outcome of one solve; values are read through ``value``/``boolean_value``."""

    status: SolveStatus
    objective: float | None
    """CP-SAT's objective value (model units); None without a solution."""
    bound: float | None
    """CP-SAT's best objective bound (model units); None without a solution."""
    wall_time: float
    deterministic_time: float
    solver: cp_model.CpSolver = field(repr=False, compare=False)

    @property
    def has_solution(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)

    def value(self, expression: cp_model.LinearExprT) -> int:
        return int(self.solver.value(expression))

    def boolean_value(self, literal: cp_model.IntVar) -> bool:
        return bool(self.solver.boolean_value(literal))


def solve(
    model: cp_model.CpModel,
    settings: SolverSettings,
    callback: cp_model.CpSolverSolutionCallback | None = None,
) -> SolveResult:
    """Solve ``model``; Ctrl-C stops the search and raises :class:`KeyboardInterrupt`.

    Raises :class:`ValueError` for an invalid model (a programming error).
    """
    interrupt.check()
    solver = configured_solver(settings)
    outcome: dict[str, object] = {}
    began, done = threading.Event(), threading.Event()

    def work() -> None:
        began.set()
        try:
            outcome["code"] = solver.solve(model, callback)
        except BaseException as exc:  # pragma: no cover - re-raised below
            outcome["error"] = exc
        finally:
            done.set()

    started = time.perf_counter()
    worker = threading.Thread(target=work, name="cp-sat", daemon=True)
    try:
        worker.start()
        while not done.wait(0.05):
            interrupt.check()  # a Ctrl-C dropped in a finaliser meanwhile
    except KeyboardInterrupt:
        # The interrupt may even land inside ``start``: once the thread runs, its
        # solve must be stopped and finished before the process may exit (a C++
        # solve still running at exit aborts the interpreter).
        if began.wait(1.0) or worker.is_alive():
            _stop_until_done(solver, done)
        raise
    wall = time.perf_counter() - started
    interrupt.check()
    if "error" in outcome:  # pragma: no cover - CP-SAT raised inside the worker
        raise outcome["error"]  # type: ignore[misc]
    code = outcome["code"]
    if code == cp_model.MODEL_INVALID:
        raise ValueError(f"invalid CP-SAT model: {model.validate()}")
    status = _STATUS.get(code, SolveStatus.UNKNOWN)  # type: ignore[call-overload]
    has_solution = status in (SolveStatus.OPTIMAL, SolveStatus.TIME_LIMIT)
    has_objective = has_solution and model.has_objective()
    return SolveResult(
        status=status,
        objective=solver.objective_value if has_objective else None,
        bound=solver.best_objective_bound if has_objective else None,
        wall_time=wall,
        deterministic_time=solver.deterministic_time,
        solver=solver,
    )


def _stop_until_done(solver: cp_model.CpSolver, done: threading.Event) -> None:
    """Ask the solve to stop until it has: a request made before CP-SAT set up its
    search is lost, so it is repeated; a second Ctrl-C does not cut this short."""
    while True:
        try:
            solver.stop_search()
            if done.wait(0.05):
                return
        except KeyboardInterrupt:
            continue
