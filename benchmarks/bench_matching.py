"""Benchmark of the matching engine (clubs, then sessions) -- not a test.

Cases (GitHub issue 4, item 6):

- seeded synthetic participants (``tests.factories.random_participants``),
  8, 30, 60 and 100 of them;
- the real examples: ``pilot-2025`` (8 participants, its own cycle.toml) and
  ``national-2026`` (61 registrations, 30 places, ``cycles/2026-2027/cycle.toml``);
- 342 synthetic registrants (the generator of ``benchmarks/selection.py``),
  selection with 100 places, then matching of the selected.

For each: wall time (club stage / session stage), deterministic time,
status, objective, bound, gap, the random baseline and objective/baseline,
number of clubs and sessions, and the hard-rule check
(``matching.rules.check_layout`` must report no hard violation).

Two studies on the club stage alone (``matching.clubs.solve_clubs``):

- ``--club-study``: what a longer ``club_deterministic_time`` buys;
- ``--ls-compare``: the staged engine's club stage versus the grouping
  core's local search alone (``matching.local_search.local_search`` on the
  same ``ClubModel(...).grouping``) at equal wall time. The local search
  ignores the deficit/surplus balance rule; its layouts may break it (counted).

Prints markdown tables. The file is not called ``matching.py`` on purpose:
a script of that name in ``benchmarks/`` would shadow the ``matching``
package for the other scripts here (``python benchmarks/selection.py``).

    .venv/bin/python benchmarks/bench_matching.py                  # main table
    .venv/bin/python benchmarks/bench_matching.py --only none --club-study --ls-compare
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ortools import __version__ as ortools_version  # type: ignore[attr-defined]  # noqa: E402

from leernetwerk.config import CycleConfig, load_cycle_config  # noqa: E402
from leernetwerk.domain import Registration, Registrations  # noqa: E402
from leernetwerk.intake import load_registrations  # noqa: E402
from leernetwerk.pipeline import cycle_history  # noqa: E402
from leernetwerk.proposal import relative_gap  # noqa: E402
from matching.clubs import ClubModel, ClubProblem, choose_tolerance, solve_clubs  # noqa: E402
from matching.engine import MatchResult, match  # noqa: E402
from matching.local_search import local_search  # noqa: E402
from matching.rules import check_layout  # noqa: E402
from matching.selection import select  # noqa: E402
from tests.factories import random_participants  # noqa: E402

PILOT = ROOT / "examples" / "pilot-2025"
NATIONAL_WORKBOOK = ROOT / "examples" / "national-2026" / "aanmeldingen.xlsx"
NATIONAL_CYCLE = ROOT / "cycles" / "2026-2027" / "cycle.toml"


def synthetic_registrations(seed: int) -> Registrations:
    """The 342 registrants of ``benchmarks/selection.py`` (imported, not copied)."""
    spec = importlib.util.spec_from_file_location(
        "selection_benchmark", ROOT / "benchmarks" / "selection.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic_registrations(seed)


@dataclass(frozen=True)
class Case:
    """One benchmark instance: participants, the config to match them with,
    pairs that met in earlier cycles, and how long preparing it took."""

    name: str
    participants: tuple[Registration, ...]
    config: CycleConfig
    met_before: tuple[frozenset[str], ...] = ()
    preparation: str = ""


def with_solver(config: CycleConfig, **changes: float | int | None) -> CycleConfig:
    """``config`` with some ``[solver]`` settings replaced (None values ignored)."""
    update = {k: v for k, v in changes.items() if v is not None}
    return config.model_copy(update={"solver": config.solver.model_copy(update=update)})


def synthetic_case(n: int, seed: int, config: CycleConfig) -> Case:
    return Case(f"synthetisch {n}", tuple(random_participants(n, seed)), config)


def pilot_case(solver: dict) -> Case:
    config = with_solver(load_cycle_config(PILOT / "cycle.toml"), **solver)
    registrations = load_registrations(PILOT / "aanmeldingen.xlsx", config)
    return Case("pilot-2025", tuple(registrations), config)


def selected_case(
    name: str,
    registrations: Registrations,
    config: CycleConfig,
    places: int,
    participation: dict | None = None,
    met_before: tuple = (),
) -> Case:
    """Selection first (as the pipeline does), then the selected become the case."""
    started = time.perf_counter()
    selection = select(registrations, config, places=places, participation=participation)
    wall = time.perf_counter() - started
    people = tuple(registrations.get(n) for n in selection.selected)
    return Case(
        name,
        people,
        config,
        met_before,
        preparation=f"selectie {len(registrations)} → {len(people)}: {wall:.1f} s, "
        f"status {selection.quality.status.value}",
    )


def national_case(solver: dict) -> Case:
    config = with_solver(load_cycle_config(NATIONAL_CYCLE), **solver)
    registrations = load_registrations(NATIONAL_WORKBOOK, config)
    history = cycle_history(NATIONAL_CYCLE)
    return selected_case(
        "national-2026",
        registrations,
        config,
        config.cycle.places,
        dict(history.participation),
        tuple(history.met_pairs.keys()),
    )


def registrants_342_case(places: int, seed: int, config: CycleConfig) -> Case:
    return selected_case(f"342 → {places}", synthetic_registrations(seed), config, places)


@dataclass(frozen=True)
class Row:
    case: Case
    result: MatchResult
    wall: float
    club_wall: float
    session_wall: float
    cpu: float
    """Processor time of this process (all threads): on a busy machine, with one
    worker, closer to what the wall time would be on an idle one."""
    hard_violations: int


def run_case(case: Case) -> Row:
    """Match one case, timing the club and the session stage, and re-check the layout."""
    marks: dict[str, float] = {}
    started = time.perf_counter()
    cpu_started = time.process_time()

    def progress(phase: str, elapsed: float, best: float | None) -> None:
        if phase.startswith("bijeenkomsten") and "sessions" not in marks:
            marks["sessions"] = elapsed
        if phase == "klaar":
            marks["done"] = elapsed

    result = match(case.participants, case.config, met_before=case.met_before, progress=progress)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    people = {p.name: p for p in case.participants}
    hard = [v for v in check_layout(result.layout, people, case.config, case.met_before) if v.hard]
    club_wall = marks.get("sessions", wall)
    return Row(case, result, wall, club_wall, marks.get("done", wall) - club_wall, cpu, len(hard))


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def main_table(rows: Sequence[Row]) -> str:
    head = (
        "| geval | deelnemers | clubs | bijeenkomsten | wandtijd (clubs + bijeenkomsten) | "
        "processortijd | deterministische tijd | status | doel | grens | gap | basislijn | "
        "doel/basislijn | harde overtredingen |\n|" + "---|" * 14
    )
    lines = [head]
    for r in rows:
        q = r.result.quality
        sessions = sum(len(rd.sessions) for rd in r.result.layout.rounds)
        ratio = (
            q.objective / q.baseline_objective
            if q.objective is not None and q.baseline_objective
            else None
        )
        lines.append(
            f"| {r.case.name} | {len(r.case.participants)} | {len(r.result.layout.clubs)} | "
            f"{sessions} | {r.wall:.1f} s ({r.club_wall:.1f} + {r.session_wall:.1f}) | "
            f"{r.cpu:.1f} s | "
            f"{fmt(q.deterministic_time, 2)} | {q.status.value} "
            f"(clubs: {r.result.settings['club_status']}) | {fmt(q.objective)} | {fmt(q.bound)} | "
            f"{fmt(100 * q.gap if q.gap is not None else None)}% | {fmt(q.baseline_objective)} | "
            f"{fmt(ratio, 2)} | {r.hard_violations} |"
        )
    notes = [f"- {r.case.name}: {r.case.preparation}" for r in rows if r.case.preparation]
    return "\n".join(lines + ([""] + notes if notes else []))


def balance_breaks(problem: ClubProblem, groups: Sequence[int], tolerance: int) -> int:
    """Clubs of a layout that break the deficit/surplus balance rule."""
    broken = 0
    for g in set(groups):
        members = [p for p, x in zip(problem.participants, groups, strict=True) if x == g]
        deficit = sum(1 for p in members if p.balance.is_deficit)
        broken += abs(2 * deficit - len(members)) > tolerance
    return broken


def club_study(
    sizes: Sequence[int],
    times: Sequence[float],
    seed: int,
    config: CycleConfig,
    compare_ls: Callable[[float], bool],
) -> str:
    """Club stage at several deterministic times; optionally local search at equal wall time."""
    lines = [
        "| deelnemers | club_deterministic_time | wandtijd | status | clubscore | grens | gap | "
        "lokaal zoeken, zelfde wandtijd: score | … balansregel gebroken in clubs |",
        "|" + "---|" * 9,
    ]
    for n in sizes:
        problem = ClubProblem(tuple(random_participants(n, seed)), config)
        tolerance, _ = choose_tolerance(problem)
        for t in times:
            started = time.perf_counter()
            r = solve_clubs(
                problem,
                seed=config.solver.seed,
                max_deterministic_time=t,
                num_workers=config.solver.num_workers,
            )
            wall = time.perf_counter() - started
            gap = relative_gap(r.objective, r.bound)
            ls_cells = "– | –"
            if compare_ls(t):
                grouping = ClubModel(problem, tolerance).grouping
                groups, score = local_search(grouping, seed=config.solver.seed, time_limit=wall)
                ls_cells = f"{score:.1f} | {balance_breaks(problem, groups, tolerance)}"
            lines.append(
                f"| {n} | {t:g} | {wall:.1f} s | {r.status} | {fmt(r.objective)} | "
                f"{fmt(r.bound)} | {fmt(100 * gap if gap is not None else None)}% | {ls_cells} |"
            )
            print(lines[-1], file=sys.stderr, flush=True)
    return "\n".join(lines)


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data")
    parser.add_argument("--sizes", type=int, nargs="*", default=[8, 30, 60, 100])
    parser.add_argument(
        "--only",
        nargs="*",
        default=["synthetic", "pilot", "national", "342"],
        help="cases of the main table: synthetic pilot national 342 (or 'none')",
    )
    parser.add_argument("--places", type=int, default=100, help="places for the 342 case")
    parser.add_argument("--workers", type=int, default=None, help="[solver] num_workers")
    parser.add_argument("--club-time", type=float, default=None, help="club_deterministic_time")
    parser.add_argument(
        "--session-time", type=float, default=None, help="session_deterministic_time"
    )
    parser.add_argument("--club-study", action="store_true", help="club time 5/30/120 study")
    parser.add_argument("--study-sizes", type=int, nargs="+", default=[30, 100])
    parser.add_argument("--study-times", type=float, nargs="+", default=[5, 30, 120])
    parser.add_argument(
        "--ls-compare", action="store_true", help="local search alone at the club stage's wall time"
    )
    parser.add_argument(
        "--ls-times",
        type=float,
        nargs="+",
        default=None,
        help="club times at which to compare (default: all study times)",
    )
    args = parser.parse_args()

    solver = {
        "num_workers": args.workers,
        "club_deterministic_time": args.club_time,
        "session_deterministic_time": args.session_time,
    }
    config = with_solver(CycleConfig(), **solver)
    before = load_average()
    print(
        f"datum {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, OR-Tools {ortools_version}, "
        f"solver {config.solver.model_dump()}\nvooraf: {before}\n",
        flush=True,
    )

    rows: list[Row] = []
    builders: list[Callable[[], Case]] = []
    if "synthetic" in args.only:
        builders += [partial(synthetic_case, n, args.seed, config) for n in args.sizes]
    if "pilot" in args.only:
        builders.append(lambda: pilot_case(solver))
    if "national" in args.only:
        builders.append(lambda: national_case(solver))
    if "342" in args.only:
        builders.append(lambda: registrants_342_case(args.places, args.seed, config))
    for build in builders:
        row = run_case(build())
        rows.append(row)
        print(main_table([row]).splitlines()[2], file=sys.stderr, flush=True)
    if rows:
        print(main_table(rows) + "\n", flush=True)

    if args.club_study or args.ls_compare:
        default_time = [config.solver.club_deterministic_time]
        times = args.study_times if args.club_study else (args.ls_times or default_time)
        ls_times = set(args.ls_times or times) if args.ls_compare else set()
        study_config = with_solver(config, club_deterministic_time=None)
        print(
            club_study(args.study_sizes, times, args.seed, study_config, lambda t: t in ls_times)
            + "\n",
            flush=True,
        )
    print(f"achteraf: {load_average()}", flush=True)


if __name__ == "__main__":
    main()
