"""Same input and config give the same proposal in two separate processes.

Calling the engine twice in one process cannot catch what differs between
processes: Python salts ``str`` hashes per process, so the iteration order of
a set of names (or anything derived from it) may change from run to run. Here
``leernetwerk run`` runs on the pilot example in two subprocesses with
different ``PYTHONHASHSEED`` values, and the outputs must agree: the proposal
and run record apart from their wall-clock fields, the report byte for byte,
and the workbook part for part apart from its modification time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PILOT = ROOT / "examples" / "pilot-2025"
HASH_SEEDS = ("0", "12345")

WALL_CLOCK_KEYS = frozenset({"wall_time"})
"""Keys whose values are measured on the clock (seconds), so they differ per run."""


def run_in_subprocess(out: Path, hash_seed: str) -> None:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    command = [
        sys.executable,
        "-m",
        "leernetwerk.cli",
        "run",
        str(PILOT / "aanmeldingen.xlsx"),
        "--cycle",
        str(PILOT / "cycle.toml"),
        "--out",
        str(out),
    ]
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr


def without_wall_clock(value: object) -> object:
    """``value`` with every wall-clock field removed, at any depth."""
    if isinstance(value, dict):
        return {k: without_wall_clock(v) for k, v in value.items() if k not in WALL_CLOCK_KEYS}
    if isinstance(value, list):
        return [without_wall_clock(v) for v in value]
    return value


def workbook_parts(path: Path) -> dict[str, bytes]:
    """Every part of an .xlsx except the document properties (they hold the save time)."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"
        }


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("determinism")
    outs = tuple(base / f"hashseed-{seed}" for seed in HASH_SEEDS)
    for out, seed in zip(outs, HASH_SEEDS, strict=True):
        run_in_subprocess(out, seed)
    return outs[0], outs[1]


def test_proposal_is_identical_across_processes(runs):
    first, second = (json.loads((d / "proposal.json").read_text("utf-8")) for d in runs)
    assert first["clubs"] and first["rounds"]  # a real proposal, not an empty one
    assert without_wall_clock(first) == without_wall_clock(second)


def test_only_wall_clock_fields_differ(runs):
    """Control: the comparison above drops wall-clock fields and nothing else."""
    first = json.loads((runs[0] / "proposal.json").read_text("utf-8"))
    text = json.dumps(without_wall_clock(first))
    for key in ("selection", "clubs", "rounds", "quality", "breakdown", "seed", "input_sha256"):
        assert f'"{key}"' in text
    assert "wall_time" in json.dumps(first) and "wall_time" not in text


def test_run_record_is_identical_across_processes(runs):
    first, second = (json.loads((d / "run.json").read_text("utf-8")) for d in runs)
    assert without_wall_clock(first) == without_wall_clock(second)


def test_report_and_workbook_are_identical_across_processes(runs):
    first, second = runs
    assert (first / "report.html").read_bytes() == (second / "report.html").read_bytes()
    assert workbook_parts(first / "proposal.xlsx") == workbook_parts(second / "proposal.xlsx")
    assert (first / "cycle.toml").read_bytes() == (second / "cycle.toml").read_bytes()
