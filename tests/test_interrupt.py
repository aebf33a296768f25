"""Ctrl-C stops a run promptly, writes nothing and exits 130.

CP-SAT catches SIGINT itself unless told not to, and then returns its best
solution as if the time limit had been reached: the run would go on and
write a different proposal. ``matching.solver.solve`` switches that off and
turns Ctrl-C into ``KeyboardInterrupt`` by stopping the search.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from ortools.sat.python import cp_model

from matching.solver import SolverSettings, solve

ROOT = Path(__file__).resolve().parents[1]


def hard_model() -> cp_model.CpModel:
    """A model CP-SAT does not finish quickly (so a solve can be interrupted)."""
    model = cp_model.CpModel()
    n = 60
    x = [model.new_int_var(0, n, f"x{i}") for i in range(n)]
    model.add_all_different(x)
    for i in range(n - 1):
        model.add(x[i] + x[i + 1] != 17)
    model.maximize(sum((i % 7 + 1) * x[i] for i in range(n)) - sum(x[i] for i in range(0, n, 3)))
    return model


def test_interrupting_a_solve_raises_keyboard_interrupt_promptly() -> None:
    """SIGINT during a solve in the main thread: KeyboardInterrupt within a second,
    not the solver's best solution after its full time limit."""
    from leernetwerk.cli import interrupt_handlers

    timer = threading.Timer(0.5, lambda: signal.raise_signal(signal.SIGINT))
    started = time.perf_counter()
    timer.start()
    try:
        # The CLI's handlers, as in a run: they also record the signal, so an
        # interrupt Python drops in a finaliser during the wait is not lost.
        with interrupt_handlers():
            solve(hard_model(), SolverSettings(num_workers=2, max_deterministic_time=60.0))
    except KeyboardInterrupt:
        elapsed = time.perf_counter() - started
    else:  # pragma: no cover - the failure this test exists for
        raise AssertionError("the solve ran to its limit instead of stopping")
    finally:
        timer.cancel()
    assert elapsed < 5.0, elapsed


def test_ctrl_c_during_run_exits_130_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "voorstel"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "leernetwerk.cli",
            "run",
            str(ROOT / "examples/national-2026/aanmeldingen.xlsx"),
            "--cycle",
            str(ROOT / "cycles/2026-2027/cycle.toml"),
            "--out",
            str(out),
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    # Wait until the run is solving (its progress line), then press Ctrl-C.
    for line in process.stderr:
        if "selectie" in line or "clubs" in line:
            break
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    started = time.perf_counter()
    stdout, stderr = process.communicate(timeout=30)
    assert time.perf_counter() - started < 10
    assert process.returncode == 130, (stdout, stderr)
    assert "Traceback" not in stdout + stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [], list(tmp_path.iterdir())


def test_an_error_caused_by_ctrl_c_still_exits_130(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library that turns the interrupt into another exception (as an import cut
    short can) is still an interruption, not an 'unexpected error'."""
    import leernetwerk.cli as cli

    def broken_import() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise ImportError("initialisation failed") from exc

    monkeypatch.setattr(cli, "_register_commands", broken_import)
    assert cli.main(["--help"]) == 130
    assert "onderbroken" in capsys.readouterr().err


class _InterruptedFinaliser:
    """An object whose finaliser is running when Ctrl-C arrives: Python calls the
    signal handler there, and the exception it raises is dropped ("Exception
    ignored in ...") — what happened with a ``zipfile.ZipFile`` collected during
    the selection."""

    raised: list[BaseException] = []

    def __del__(self) -> None:
        try:
            signal.raise_signal(signal.SIGINT)
        except KeyboardInterrupt as exc:
            self.raised.append(exc)
            raise


def test_ctrl_c_dropped_in_a_finaliser_still_stops_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import leernetwerk.cli as cli
    import matching.selection_model as selection_model

    dropped = _InterruptedFinaliser.raised
    dropped.clear()
    build_model = selection_model.build_model

    def build_model_while_ctrl_c_is_dropped(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not dropped:
            finaliser = _InterruptedFinaliser()
            del finaliser
        return build_model(*args, **kwargs)

    monkeypatch.setattr(selection_model, "build_model", build_model_while_ctrl_c_is_dropped)
    out = tmp_path / "voorstel"
    pilot = ROOT / "examples/pilot-2025"
    code = cli.main(
        [
            "run",
            str(pilot / "aanmeldingen.xlsx"),
            "--cycle",
            str(pilot / "cycle.toml"),
            "--out",
            str(out),
        ]
    )
    assert len(dropped) == 1 and isinstance(dropped[0], KeyboardInterrupt)
    assert code == 130
    err = capsys.readouterr().err
    assert "onderbroken (Ctrl-C)" in err
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_recorded_interrupt_stops_writing_and_is_cleared_by_the_cli(tmp_path: Path) -> None:
    from leernetwerk import interrupt
    from leernetwerk.fsutil import write_new_file, write_outputs

    with pytest.raises(interrupt.Interrupted):
        interrupt.record(signal.SIGTERM)
    try:
        assert interrupt.pending() == signal.SIGTERM
        with pytest.raises(interrupt.Interrupted):
            write_outputs(tmp_path / "uit", {"a.txt": lambda p: p.write_text("x")})
        with pytest.raises(interrupt.Interrupted):
            write_new_file(tmp_path / "b.txt", lambda p: p.write_text("x"))
        with pytest.raises(interrupt.Interrupted):
            solve(hard_model(), SolverSettings(max_deterministic_time=0.01))
        assert list(tmp_path.iterdir()) == []
    finally:
        interrupt.clear()
    assert interrupt.pending() is None
