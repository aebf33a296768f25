"""Benchmark the club bound: compact CP-SAT model versus column generation.

Prints markdown tables for docs/quality.md:

1. the club stage of the national example and of 100 of the 342 synthetic
   registrants: the compact model alone, given the same deterministic time as
   compact + column generation; compact model + triangle LP without column
   generation; and compact model + column generation (``--time`` units of exact
   pricing at most, stopping at ``matching.clubs.CLUB_TARGET_GAP``) + triangle
   LP. The last is the engine's default up to 40 participants with the default
   ``--time`` (``COLUMN_GENERATION_FACTOR`` × ``club_deterministic_time``), the
   second above that;
2. MDGPLIB RanReal (equal group sizes) n = 12, 30, 60, 120: the compact model
   with deterministic time T versus 1 unit of compact model + column generation
   with T − 1 units of exact pricing (+ the LP bound).

``--lp-rounds R`` gives the LP bound (:mod:`matching.club_lp_bound`) R rounds of
cuts instead of its default for the size: in the MDGPLIB rows, and in an extra
row per club case ("LP-grens, R rondes": that bound alone, timed, against the
score of the last club model run), to see how the bound moves with more rounds.

Deterministic time is CP-SAT's (the column generation's own LP and heuristic
work is bounded by round counts and not included); wall time depends on the
machine and its load, which is printed.

    .venv/bin/python benchmarks/colgen.py --only clubs --time 10
    .venv/bin/python benchmarks/colgen.py --only clubs --models "compact + LP" \
        --cases synthetic:45:0 synthetic:55:7
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_matching  # noqa: E402

from leernetwerk.config import CycleConfig  # noqa: E402
from matching.club_lp_bound import triangle_lp_bound  # noqa: E402
from matching.club_pricing import ColumnData  # noqa: E402
from matching.clubs import (  # noqa: E402
    COLUMN_GENERATION_FACTOR,
    ClubModel,
    ClubProblem,
    choose_tolerance,
    column_data,
    solve_clubs,
)
from matching.column_generation import (  # noqa: E402
    ColumnGenerationSettings,
    column_generation,
    columns_of,
)
from matching.grouping import HINT_ITERATIONS, GroupingModel, GroupingProblem  # noqa: E402
from matching.local_search import local_search  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "mdgplib"


def gap(objective: float, bound: float | None) -> str:
    if bound is None:
        return "–"
    return f"{max(0.0, (bound - objective) / abs(bound)):.2%}"


def club_rows(
    budget: float,
    models: list[str],
    cases: list[str],
    region: float | None,
    lp_rounds: int | None = None,
) -> list[str]:
    rows = [
        "| geval | model | score | grens | gap | det. tijd | wandtijd (s) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    built = []
    if "national" in cases:
        built.append(bench_matching.national_case({"num_workers": 1}))
    if "342" in cases:
        built.append(bench_matching.registrants_342_case(100, 0, CycleConfig()))
    for spec in cases:
        if spec.startswith("synthetic:"):  # synthetic:N:SEED
            _, n, seed = spec.split(":")
            case = bench_matching.synthetic_case(int(n), int(seed), CycleConfig())
            built.append(replace(case, name=f"{case.name} (seed {seed})"))
    for case in built:
        config = case.config
        if region is not None:
            clubs = config.weights.clubs.model_copy(update={"region": region})
            weights = config.weights.model_copy(update={"clubs": clubs})
            config = config.model_copy(update={"weights": weights})
        problem = ClubProblem(case.participants, config)
        base = case.config.solver.club_deterministic_time
        objective = None
        for label, det, cg, lp in (
            ("compact CP-SAT", base + budget, 0.0, False),
            ("compact + LP", base, 0.0, True),
            ("compact + kolomgen. + LP", base, budget, True),
        ):
            if label not in models:
                continue
            start = time.perf_counter()
            result = solve_clubs(
                problem,
                seed=0,
                max_deterministic_time=det,
                column_generation_budget=cg,
                with_lp_bound=lp,
            )
            wall = time.perf_counter() - start
            assert result.objective is not None
            objective = result.objective
            print(f"{case.name} {label}: {result.objective:.2f} bound {result.bound} {wall:.1f}s")
            rows.append(
                f"| {case.name} ({len(case.participants)}) | {label} | {result.objective:.2f} "
                f"| {result.bound:.2f} | {gap(result.objective, result.bound)} "
                f"| {result.deterministic_time:.1f} | {wall:.1f} |"
            )
        if lp_rounds is not None and objective is not None:
            data = column_data(ClubModel(problem, choose_tolerance(problem)[0]))
            start = time.perf_counter()
            lp_bound = triangle_lp_bound(data, rounds=lp_rounds)
            wall = time.perf_counter() - start
            assert lp_bound is not None
            rows.append(
                f"| {case.name} ({len(case.participants)}) | LP-grens, {lp_rounds} rondes "
                f"| {objective:.2f} | {lp_bound:.2f} | {gap(objective, lp_bound)} | – "
                f"| {wall:.1f} |"
            )
            print(rows[-1], flush=True)
    return rows


def mdgp_rows(total: float, names: list[str], lp_rounds: int | None = None) -> list[str]:
    rows = [
        "| instantie | model | score | grens | gap | det. tijd | wandtijd (s) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name in names:
        problem = GroupingProblem.from_mdgplib(DATA / name)
        start = time.perf_counter()
        compact = GroupingModel(problem).solve(max_deterministic_time=total)
        wall = time.perf_counter() - start
        assert compact.objective is not None and compact.groups is not None
        rows.append(
            f"| {name} | compact CP-SAT | {compact.objective:.3f} | {compact.bound:.3f} "
            f"| {gap(compact.objective, compact.bound)} | {compact.deterministic_time:.1f} "
            f"| {wall:.1f} |"
        )
        start = time.perf_counter()
        first = GroupingModel(problem).solve(max_deterministic_time=min(1.0, total))
        groups = first.groups
        if groups is None:  # n = 120: CP-SAT has not even loaded its hint in 1 unit
            groups, _ = local_search(problem, seed=0, iterations=HINT_ITERATIONS)
        lo, hi = problem.bounds[0]
        data = ColumnData(weights=np.array(problem.weights), k=problem.num_groups, lo=lo, hi=hi)
        rest = max(total - first.deterministic_time, 0.1)
        cg = column_generation(
            data,
            columns_of(groups, data),
            ColumnGenerationSettings(
                pricing_deterministic_time=rest,
                total_pricing_time=rest,
                master_deterministic_time=0.1 * rest,
            ),
        )
        candidates = [b for b in (first.bound, cg.bound) if b is not None]
        lp_start = time.perf_counter()
        lp_bound = triangle_lp_bound(data, rounds=lp_rounds)
        print(f"{name}: LP bound {lp_bound} in {time.perf_counter() - lp_start:.1f}s")
        if lp_bound is not None:
            candidates.append(lp_bound)
        bound = min(candidates)
        wall = time.perf_counter() - start
        print(
            f"{name}: compact {compact.objective:.3f}/{compact.bound:.3f}; "
            f"cg {cg.value:.3f}/{bound:.3f}"
        )
        rows.append(
            f"| {name} | compact (1) + kolomgen. + LP | {cg.value:.3f} | {bound:.3f} "
            f"| {gap(cg.value, bound)} | {first.deterministic_time + cg.deterministic_time:.1f} "
            f"| {wall:.1f} |"
        )
        print("\n".join(rows[-2:]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--time", type=float, default=COLUMN_GENERATION_FACTOR)
    parser.add_argument("--only", nargs="*", default=["clubs", "mdgp"])
    parser.add_argument(
        "--cases",
        nargs="*",
        default=["national", "342"],
        help="national, 342, synthetic:N:SEED (tests.factories.random_participants)",
    )
    parser.add_argument(
        "--models",
        nargs="*",
        default=["compact CP-SAT", "compact + LP", "compact + kolomgen. + LP"],
    )
    parser.add_argument("--region", type=float, default=None, help="weights.clubs.region")
    parser.add_argument(
        "--lp-rounds", type=int, default=None, help="rounds of cuts of the LP bound"
    )
    parser.add_argument(
        "--instances",
        nargs="*",
        default=[
            "RanReal_n012_ss_01.txt",
            "RanReal_n012_ss_02.txt",
            "RanReal_n030_ss_01.txt",
            "RanReal_n060_ss_01.txt",
            "RanReal_n120_ss_01.txt",
        ],
    )
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}")
    if "clubs" in args.only:
        print("\n".join(club_rows(args.time, args.models, args.cases, args.region, args.lp_rounds)))
    if "mdgp" in args.only:
        print("\n".join(mdgp_rows(args.time + 1.0, args.instances, args.lp_rounds)))
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
