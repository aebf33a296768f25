"""Benchmark of the selection engine on 342 synthetic registrants (not a test).

One registrant per Dutch municipality (342 in 2025), with synthetic but
plausible, seeded attributes: provinces weighted by their number of
municipalities, log-normal sizes, ~45% deficit, ~10% additional and ~20%
regular safety net, ~30% regional execution, ~5% late, ~8% incomplete, ~10%
earlier participation. Selection with 30 and 100 places; prints wall time,
status, objective, bound, gap and the forcing-cost phase.

    .venv/bin/python benchmarks/selection.py [--seed 0] [--places 30 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import time

from leernetwerk.config import CycleConfig
from leernetwerk.domain import (
    DEFAULT_THEMES,
    Balance,
    Registration,
    Registrations,
    SafetyNet,
    SelfEvaluation,
    ThemeChoice,
)
from matching.selection import select

MUNICIPALITIES_PER_PROVINCE = {
    "Groningen": 10,
    "Friesland": 18,
    "Drenthe": 12,
    "Overijssel": 25,
    "Flevoland": 6,
    "Gelderland": 51,
    "Utrecht": 26,
    "Noord-Holland": 44,
    "Zuid-Holland": 50,
    "Zeeland": 13,
    "Noord-Brabant": 56,
    "Limburg": 31,
}  # 342 in total (2025)
THEMES = [t.name for t in DEFAULT_THEMES]


def synthetic_registrations(seed: int = 0) -> Registrations:
    """342 seeded, plausible registrations, one per municipality."""
    rng = random.Random(seed)
    deadline = CycleConfig().cycle.deadline
    registrations = []
    number = 0
    for province, count in MUNICIPALITIES_PER_PROVINCE.items():
        for _ in range(count):
            number += 1
            complete = rng.random() > 0.08
            chosen = rng.sample(THEMES, 3)
            registrations.append(
                Registration(
                    name=f"Gemeente {number:03d} ({province})",
                    province=province,
                    inhabitants=max(1_000, int(rng.lognormvariate(10.4, 0.8))),
                    balance=rng.choices(list(Balance), weights=(45, 35, 20))[0],
                    safety_net=rng.choices(list(SafetyNet), weights=(10, 20, 70))[0],
                    execution_variant=rng.choices(("gemeentelijk", "regionaal"), weights=(7, 3))[0],
                    registered_on=deadline
                    + dt.timedelta(
                        days=rng.randint(-100, 5) if rng.random() < 0.05 else rng.randint(-100, 0)
                    ),
                    previous_cycles=("2025-2026",) if rng.random() < 0.1 else (),
                    self_evaluation=SelfEvaluation(
                        scores={t: float(rng.randint(0, 4)) for t in THEMES}
                    )
                    if complete
                    else None,
                    themes=tuple(ThemeChoice(rank=k + 1, theme=t) for k, t in enumerate(chosen)),
                )
            )
    return Registrations(registrations=tuple(registrations))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of the synthetic data")
    parser.add_argument("--places", type=int, nargs="+", default=[30, 100])
    args = parser.parse_args()
    registrations = synthetic_registrations(args.seed)
    config = CycleConfig()
    print(
        f"date {dt.date.today()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{len(registrations)} registrants, solver {config.solver.model_dump()}"
    )
    for places in args.places:
        phases: dict[str, float] = {}
        started = time.perf_counter()
        last = [started]

        def progress(
            stage: str,
            done: float,
            total: float | None,
            phases: dict[str, float] = phases,
            last: list[float] = last,
        ) -> None:
            now = time.perf_counter()
            key = "forcing" if stage == "kosten van inpassen" else "selection"
            phases[key] = phases.get(key, 0.0) + now - last[0]
            last[0] = now

        result = select(registrations, config, places=places, progress=progress)
        wall = time.perf_counter() - started
        q = result.quality
        costed = sum(
            1
            for e in result.entries
            if e.forcing_cost is not None and e.forcing_cost.objective_change is not None
        )
        rejected = sum(1 for e in result.entries if e.forcing_cost is not None)
        print(
            f"places {places}: wall {wall:.2f}s (selection {phases.get('selection', 0):.2f}s, "
            f"forcing costs {phases.get('forcing', 0):.2f}s for {costed}/{rejected} rejected), "
            f"status {q.status.value}, objective {q.objective}, bound {q.bound}, gap {q.gap}, "
            f"baseline {q.baseline_objective}, deterministic time {q.deterministic_time} "
            f"(forcing {result.settings['forcing_cost_deterministic_time']}), "
            f"balance {result.balance}, warnings {list(result.warnings)}"
        )


if __name__ == "__main__":
    main()
