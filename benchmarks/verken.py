"""Benchmark of ``leernetwerk verken`` on the national example -- not a test.

Three measurements, each a fresh ``leernetwerk`` process (import time included,
as an analyst sees it), with a fresh cache folder unless said otherwise:

1. **3 × 3 weights**: ``--vary`` three values for each of three weights (one at a
   time around the base: 7 variants), ``--jobs 2``, cold cache; then the same
   command again into a new folder with the warm cache (the issue asks < 1/10).
2. **Matching-only variants**: five variants that only change a matching weight
   (the base and ``weights.clubs.region`` = -2, -1, 1, 2), cold, with ``--jobs 1``
   (selection reuse alone) and ``--jobs 2``, against five plain ``leernetwerk run``
   commands, one per variant (each with a cycle.toml holding that variant).

    .venv/bin/python benchmarks/verken.py

Prints a Markdown table for docs/verken.md. Takes about 4 minutes on a shared
2-core machine.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "examples/national-2026/aanmeldingen.xlsx"
CYCLE = ROOT / "cycles/2026-2027/cycle.toml"
CLI = [sys.executable, "-m", "leernetwerk.cli"]
NINE = [
    "--vary", "weights.clubs.region=-2,0,2",
    "--vary", "weights.clubs.shared_themes=1,3,6",
    "--vary", "weights.sessions.first_choice=0,5,10",
]  # fmt: skip
REGION = [-2.0, -1.0, 1.0, 2.0]


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
    return seconds, result.stdout.strip().splitlines()[0]


def verken(out: Path, cache: Path, jobs: int, *vary: str) -> tuple[float, str]:
    command = [*CLI, "verken", str(WORKBOOK), "--cycle", str(CYCLE), *vary]
    return timed([*command, "--jobs", str(jobs), "--cache", str(cache), "--out", str(out)])


def variant_cycle(folder: Path, region: float | None) -> Path:
    """A cycle.toml equal to the base with weights.clubs.region set (None: the base)."""
    from leernetwerk.config import load_cycle_config, with_overrides
    from leernetwerk.cycle import config_toml

    config = load_cycle_config(CYCLE)
    if region is not None:
        config = with_overrides(config, {"weights.clubs.region": region})
    path = folder / f"cycle-{region}.toml"
    path.write_text(config_toml(config), encoding="utf-8")
    return path


def main() -> None:
    rows: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        cold, line = verken(t / "a", t / "cache-a", 2, *NINE)
        rows.append(("3 × 3 weights (7 variants), --jobs 2, cold cache", line, cold))
        warm, line = verken(t / "b", t / "cache-a", 2, *NINE)
        rows.append(("the same again, warm cache", line, warm))
        region = ["--vary", "weights.clubs.region=" + ",".join(f"{r:g}" for r in REGION)]
        one, line = verken(t / "c", t / "cache-c", 1, *region)
        rows.append(("5 matching-only variants, --jobs 1, cold", line, one))
        two, line = verken(t / "d", t / "cache-d", 2, *region)
        rows.append(("5 matching-only variants, --jobs 2, cold", line, two))
        plain = 0.0
        for k, value in enumerate([None, *REGION]):
            cycle = variant_cycle(t, value)
            command = [*CLI, "run", str(WORKBOOK), "--cycle", str(cycle)]
            seconds, _ = timed([*command, "--out", str(t / f"run-{k}"), "--quiet"])
            plain += seconds
        rows.append(("5 plain `leernetwerk run`, one after another", "", plain))
    print("| measurement | verken's summary line | wall time (s) |")
    print("|---|---|---:|")
    for what, line, seconds in rows:
        print(f"| {what} | {line} | {seconds:.1f} |")
    print()
    print(f"warm / cold: {warm / cold:.3f}")
    print(f"matching-only, --jobs 1 / plain runs: {one / plain:.2f}")
    print(f"matching-only, --jobs 2 / plain runs: {two / plain:.2f}")


if __name__ == "__main__":
    main()
