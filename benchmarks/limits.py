"""Workbooks at and beyond the intake limits, for measuring ``run`` and ``validate`` (not a test).

Writes ``aanmeldingen-<n>.xlsx`` with ``n`` seeded, plausible registrants in
the contract format (:func:`leernetwerk.registrations_io.write_registrations`),
so the README's limits can be measured with the real commands, e.g.::

    .venv/bin/python benchmarks/limits.py --registrants 500 20000 --out /tmp/limits
    /usr/bin/time -v .venv/bin/leernetwerk run /tmp/limits/aanmeldingen-500.xlsx \\
        --places 30 --out /tmp/limits/run-500 --quiet
    /usr/bin/time -v .venv/bin/leernetwerk validate /tmp/limits/aanmeldingen-20000.xlsx
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from pathlib import Path

from leernetwerk.config import CycleConfig
from leernetwerk.domain import (
    DEFAULT_THEMES,
    PROVINCES,
    Balance,
    Registration,
    Registrations,
    SafetyNet,
    SelfEvaluation,
    ThemeChoice,
)
from leernetwerk.registrations_io import write_registrations

THEMES = [t.name for t in DEFAULT_THEMES]


def registrations(count: int, seed: int = 0) -> Registrations:
    """``count`` complete registrations with seeded attributes (as benchmarks/selection.py)."""
    rng = random.Random(seed)
    deadline = CycleConfig().cycle.deadline
    people = []
    for number in range(1, count + 1):
        chosen = rng.sample(THEMES, 3)
        scores = {t: float(rng.randint(0, 4)) for t in THEMES}
        people.append(
            Registration(
                name=f"Gemeente {number:05d}",
                province=rng.choice(PROVINCES),
                inhabitants=max(1_000, int(rng.lognormvariate(10.4, 0.8))),
                balance=rng.choices(list(Balance), weights=(45, 35, 20))[0],
                safety_net=rng.choices(list(SafetyNet), weights=(10, 20, 70))[0],
                execution_variant=rng.choices(("gemeentelijk", "regionaal"), weights=(7, 3))[0],
                registered_on=deadline - dt.timedelta(days=rng.randint(0, 100)),
                self_evaluation=SelfEvaluation(scores=scores),
                themes=tuple(ThemeChoice(rank=k + 1, theme=t) for k, t in enumerate(chosen)),
            )
        )
    return Registrations(registrations=tuple(people))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registrants", type=int, nargs="+", default=[500])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for count in args.registrants:
        path = args.out / f"aanmeldingen-{count}.xlsx"
        write_registrations(registrations(count, args.seed), path, CycleConfig())
        print(f"{path}: {count} registrants, {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
