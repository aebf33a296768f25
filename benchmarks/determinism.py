"""Determinism study of the matching engine (GitHub issue 4, item 12) -- not a test.

CP-SAT with several workers is not reproducible by seed alone (OR-Tools
issue 2793): the workers race and share solutions, so thread timing decides
which of several equally good (or better) layouts comes out. The engine
therefore sets ``interleave_search`` for the club solve when
``num_workers > 1``; the session solve does not (yet).

This script runs :func:`matching.engine.match` several times per variant,
each run in a fresh Python process (``python determinism.py --child SPEC``)
so nothing can be cached in-process, and compares the layouts exactly:

- ``1``: ``num_workers = 1`` (the default);
- ``2``: ``num_workers = 2`` as the engine does it (clubs with interleave,
  sessions without);
- ``2+i``: ``num_workers = 2`` and, patched in the child process only,
  ``interleave_search`` also for the session solve (what a fix would do);
- ``2-i``: ``num_workers = 2`` and no interleave anywhere (patched), to see
  issue 2793 on the club model itself.

It also reports the quality of each variant at the same deterministic time
limits (objective, bound, gap).

    .venv/bin/python benchmarks/determinism.py --n 30 --repeats 2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
import types
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass(frozen=True)
class Variant:
    workers: int
    sessions_interleave: bool
    clubs_interleave: bool


VARIANTS = {
    "1": Variant(workers=1, sessions_interleave=True, clubs_interleave=True),
    "2": Variant(workers=2, sessions_interleave=True, clubs_interleave=True),
    "2-i": Variant(workers=2, sessions_interleave=False, clubs_interleave=False),
}
DESCRIPTION = {
    "1": "1 worker",
    "2": "2 workers, interleaved (the engine's default)",
    "2-i": "2 workers, interleave switched off (patched, for comparison)",
}


def patch_interleave(sessions: bool, clubs: bool) -> None:
    """Child process only: switch ``interleave_search`` off for the session
    and/or club solves, without touching the engine's code."""
    from ortools.sat.python import cp_model

    import matching.grouping
    import matching.sessions

    if not sessions:

        class InterleavingSolver(cp_model.CpSolver):
            def solve(self, model, solution_callback=None):  # type: ignore[no-untyped-def]
                self.parameters.interleave_search = False
                return super().solve(model, solution_callback)

        shim = types.SimpleNamespace(**vars(cp_model))
        shim.CpSolver = InterleavingSolver
        matching.sessions.cp_model = shim  # type: ignore[assignment]
    if not clubs:
        original = matching.grouping.GroupingModel.solve

        def solve_without_interleave(self, **kwargs):  # type: ignore[no-untyped-def]
            kwargs["interleave_search"] = False
            return original(self, **kwargs)

        matching.grouping.GroupingModel.solve = solve_without_interleave  # type: ignore[method-assign]


def child(spec: dict) -> dict:
    """One match in this process; returns fingerprints of the layout and its quality."""
    from leernetwerk.config import CycleConfig
    from matching.engine import match
    from tests.factories import random_participants

    variant = VARIANTS[spec["variant"]]
    patch_interleave(variant.sessions_interleave, variant.clubs_interleave)
    base = CycleConfig()
    solver = base.solver.model_copy(
        update={
            "num_workers": variant.workers,
            "club_deterministic_time": spec["club_time"],
            "session_deterministic_time": spec["session_time"],
        }
    )
    config = base.model_copy(update={"solver": solver})
    started = time.perf_counter()
    result = match(random_participants(spec["n"], spec["seed"]), config)
    layout = result.layout
    partition = sorted(sorted(c.members) for c in layout.clubs)
    q = result.quality
    return {
        "layout": hashlib.sha256(layout.model_dump_json().encode()).hexdigest()[:12],
        "clubs": hashlib.sha256(json.dumps(partition).encode()).hexdigest()[:12],
        "club_status": result.settings["club_status"],
        "status": q.status.value,
        "objective": q.objective,
        "bound": q.bound,
        "gap": q.gap,
        "deterministic_time": q.deterministic_time,
        "wall": round(time.perf_counter() - started, 1),
    }


def run_child(spec: dict) -> dict:
    """Run :func:`child` in a fresh interpreter and parse its JSON answer."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=30, help="synthetic participants")
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data")
    parser.add_argument("--repeats", type=int, default=2, help="runs per variant")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    from leernetwerk.config import CycleConfig

    defaults = CycleConfig().solver
    parser.add_argument("--club-time", type=float, default=defaults.club_deterministic_time)
    parser.add_argument("--session-time", type=float, default=defaults.session_deterministic_time)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return

    print(
        f"{os.cpu_count()} cores; {args.n} deelnemers (seed {args.seed}); "
        f"club_deterministic_time {args.club_time}, session_deterministic_time "
        f"{args.session_time}; {args.repeats} runs per variant, each in its own process\n"
    )
    print(
        "| variant | run | indeling (sha256) | clubs (sha256) | status (clubs) | doel | grens | "
        "gap | det. tijd | wandtijd |\n|" + "---|" * 10,
        flush=True,
    )
    summary = []
    for name in args.variants:
        runs = []
        for k in range(args.repeats):
            spec = {
                "variant": name,
                "n": args.n,
                "seed": args.seed,
                "club_time": args.club_time,
                "session_time": args.session_time,
            }
            r = run_child(spec)
            runs.append(r)
            gap = f"{100 * r['gap']:.1f}%" if r["gap"] is not None else "–"
            print(
                f"| {DESCRIPTION[name]} | {k + 1} | {r['layout']} | {r['clubs']} | "
                f"{r['status']} ({r['club_status']}) | {r['objective']:.1f} | {r['bound']} | "
                f"{gap} | {r['deterministic_time']:.2f} | {r['wall']:.1f} s |",
                flush=True,
            )
        same = len({r["layout"] for r in runs}) == 1
        same_clubs = len({r["clubs"] for r in runs}) == 1
        summary.append(
            f"- {DESCRIPTION[name]}: indeling {'gelijk' if same else 'VERSCHILLEND'} "
            f"in {len(runs)} runs; clubs {'gelijk' if same_clubs else 'VERSCHILLEND'}"
        )
    print("\n" + "\n".join(summary))


if __name__ == "__main__":
    main()
