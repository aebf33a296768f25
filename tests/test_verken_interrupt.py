"""Ctrl-C during ``verken --jobs 2``: exit 130, nothing written, no worker left solving."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            text = (task / "children").read_text(encoding="utf-8")
        except OSError:  # the thread ended meanwhile
            continue
        found |= {int(x) for x in text.split()}
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return False
    return "\nState:\tZ" not in status


SLOW = """
[solver]
club_deterministic_time = 200.0
session_deterministic_time = 200.0
"""
"""Matching solves that run for minutes, so only stopping the workers ends them soon."""


def start_slow_exploration(tmp_path: Path) -> tuple[subprocess.Popen[str], set[int]]:
    """A national exploration whose matching solves are under way in two workers."""
    cycle = tmp_path / "cycle.toml"
    cycle.write_text(SLOW, encoding="utf-8")
    national = ROOT / "examples/national-2026/aanmeldingen.xlsx"
    command = [sys.executable, "-m", "leernetwerk.cli", "verken", str(national)]
    command += ["--cycle", str(cycle), "--vary", "weights.clubs.region=-2,2", "--jobs", "2"]
    command += ["--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "verkenning")]
    process = subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stderr is not None
    for line in process.stderr:
        if "selectie 1 van 1 berekend" in line:  # the matching solves have started
            break
    deadline = time.monotonic() + 20
    workers: set[int] = set()
    while time.monotonic() < deadline and len(workers) < 2:
        workers |= children(process.pid)
        time.sleep(0.1)
    assert workers, "no worker processes started"
    time.sleep(1.0)
    return process, workers


def wait_gone(workers: set[int], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(alive(pid) for pid in workers):
        time.sleep(0.1)
    return not any(alive(pid) for pid in workers)


def cleanup(workers: set[int]) -> None:
    """Our own worker processes, should a failing test leave one behind."""
    for pid in workers:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_ctrl_c_stops_the_workers_exits_130_and_writes_nothing(tmp_path: Path) -> None:
    process, workers = start_slow_exploration(tmp_path)
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    try:
        _, err = process.communicate(timeout=120)
    finally:
        process.kill()
        gone = wait_gone(workers)
        cleanup(workers)
    assert time.monotonic() - interrupted < 30, "the exploration went on after Ctrl-C"
    assert process.returncode == 130, err
    assert "onderbroken" in err
    assert "Traceback" not in err
    assert not (tmp_path / "verkenning").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert gone, "a worker process kept running"


def test_workers_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    process, workers = start_slow_exploration(tmp_path)
    process.kill()
    process.communicate(timeout=60)
    gone = wait_gone(workers)
    cleanup(workers)
    assert gone, "an orphaned worker kept solving"
