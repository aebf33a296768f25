"""Issue 10 at the command line: Ctrl-C and stop signals, unusable output folders
checked before solving, and Dutch wording for click's own messages."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from leernetwerk import fsutil
from leernetwerk.cli import main
from leernetwerk.errors import UserError
from tests.test_cli_run import pilot_inputs

REPO = Path(__file__).resolve().parent.parent
INTERRUPTED = "leernetwerk: onderbroken (Ctrl-C); er is niets weggeschreven."
STOPPED = "leernetwerk: gestopt (stopsignaal); er is niets weggeschreven."


def leftovers(folder: Path) -> list[str]:
    """Hidden staging folders or temporary files left in ``folder``."""
    return sorted(p.name for p in folder.rglob(".*"))


@pytest.fixture
def no_solving(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a command gets as far as reading and solving."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("solving started before the output folder was checked")

    monkeypatch.setattr("leernetwerk.commands.run.run_pipeline", refuse)
    for module in ("leernetwerk.intake", "leernetwerk.pipeline", "leernetwerk.commands.select"):
        monkeypatch.setattr(f"{module}.load_registrations", refuse)


# --- 9. every --out precondition before any solving ---------------------------


@pytest.mark.parametrize("command", ["run", "match", "select"])
@pytest.mark.parametrize("case", ["non-empty", "file", "holds the input"])
def test_out_is_checked_before_solving(tmp_path, capsys, no_solving, command, case):
    workbook, cycle = pilot_inputs(tmp_path / "invoer")
    out = {"non-empty": tmp_path / "vol", "file": tmp_path / "bestand",
           "holds the input": tmp_path / "invoer"}[case]  # fmt: skip
    if case == "non-empty":
        out.mkdir()
        (out / "oud.txt").write_text("eerder werk")
    elif case == "file":
        out.write_text("geen map")
    code = main([command, str(workbook), "--cycle", str(cycle), "--out", str(out)])
    err = capsys.readouterr().err
    assert code in (1, 2), err
    assert "Uitvoermap" in err or "Map" in err
    assert "Traceback" not in err and "Directory" not in err


def test_an_unwritable_out_is_located_dutch_exit_one(tmp_path, capsys, no_solving, monkeypatch):
    workbook, cycle = pilot_inputs(tmp_path / "invoer")
    locked = tmp_path / "alleen-lezen"
    locked.mkdir()

    real_mkdtemp = fsutil.tempfile.mkdtemp

    def mkdtemp(*args: object, dir: object = None, **kwargs: object) -> str:
        if dir is not None and Path(str(dir)) == locked:
            raise PermissionError(13, "Permission denied", str(dir))
        return real_mkdtemp(*args, dir=dir, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(fsutil.tempfile, "mkdtemp", mkdtemp)
    code = main(["run", str(workbook), "--cycle", str(cycle), "--out", str(locked / "voorstel")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"Uitvoermap '{locked / 'voorstel'}' kan niet worden geschreven" in err
    assert "geen schrijfrechten" in err and "PermissionError" not in err
    assert list(locked.iterdir()) == []


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux /sys (read-only)")
def test_an_out_on_a_read_only_filesystem_is_refused_in_a_subprocess(tmp_path):
    workbook, cycle = pilot_inputs(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "leernetwerk.cli", "select", str(workbook), "--cycle", str(cycle),
         "--out", "/sys/leernetwerk-proef"],
        capture_output=True, text=True, timeout=60, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "Uitvoermap '/sys/leernetwerk-proef' kan niet worden geschreven" in done.stderr


def test_a_write_error_after_solving_is_dutch_and_leaves_nothing(tmp_path):
    def broken(path: Path) -> None:
        path.write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(UserError) as raised:
        fsutil.write_outputs(tmp_path / "uit", {"a.txt": broken})
    assert "de schijf is vol" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_a_new_output_folder_appears_complete_with_normal_permissions(tmp_path):
    written = fsutil.write_outputs(tmp_path / "uit", {"a.txt": lambda p: p.write_text("a")})
    assert [p.read_text() for p in written] == ["a"]
    mask = os.umask(0)
    os.umask(mask)
    assert (tmp_path / "uit").stat().st_mode & 0o777 == 0o777 & ~mask
    assert leftovers(tmp_path) == []


# --- 8. Ctrl-C and SIGTERM -----------------------------------------------------


def test_ctrl_c_while_writing_removes_staging(tmp_path):
    def interrupted(path: Path) -> None:
        path.write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        fsutil.write_outputs(
            tmp_path / "uit", {"a.txt": lambda p: p.write_text("a"), "b.txt": interrupted}
        )
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_replacing_a_forced_folder_finishes_the_move_first(tmp_path, monkeypatch):
    out = tmp_path / "uit"
    out.mkdir()
    (out / "a.txt").write_text("oud")
    real_replace = os.replace

    def replace(source: object, target: object) -> None:
        real_replace(source, target)  # type: ignore[arg-type]
        os.kill(os.getpid(), signal.SIGINT)  # arrives while files are moved

    monkeypatch.setattr(fsutil.os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        fsutil.write_outputs(out, {"a.txt": lambda p: p.write_text("nieuw"),
                                   "b.txt": lambda p: p.write_text("b")}, force=True)  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["a.txt", "b.txt"]
    assert leftovers(tmp_path) == []


def test_ctrl_c_in_a_command_is_exit_130_with_one_dutch_line(tmp_path, capsys, monkeypatch):
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("leernetwerk.commands.intake.write_template", interrupted)
    target = tmp_path / "sjabloon.xlsx"
    assert main(["template", str(target)]) == 130
    assert capsys.readouterr().err.strip() == INTERRUPTED
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_run_writes_leaves_no_staging(tmp_path, capsys, monkeypatch):
    workbook, cycle = pilot_inputs(tmp_path / "invoer")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("leernetwerk.pipeline.write_report_html", interrupted)
    out = tmp_path / "voorstel"
    code = main(["run", str(workbook), "--cycle", str(cycle), "--out", str(out), "--quiet"])
    assert code == 130
    assert capsys.readouterr().err.strip().endswith(INTERRUPTED)
    assert not out.exists() and leftovers(tmp_path) == []


def test_signal_handlers_are_restored_after_main(tmp_path):
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    main(["template", str(tmp_path / "sjabloon.xlsx")])
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


SLOW_WRITER = """
import sys, time
from pathlib import Path
import leernetwerk.commands.intake as intake
from leernetwerk.cli import main

def slow(path, config):
    path.write_bytes(b"half")          # a partial file in the temporary location
    Path(sys.argv[2]).write_text("x")  # tell the test we are writing
    time.sleep(60)

intake.write_template = slow
sys.exit(main(["template", sys.argv[1]]))
"""


@pytest.mark.parametrize(("signum", "line"), [(signal.SIGTERM, STOPPED),
                                              (signal.SIGINT, INTERRUPTED)])  # fmt: skip
def test_a_signal_while_writing_exits_130_and_leaves_nothing(tmp_path, signum, line):
    folder = tmp_path / "uit"
    folder.mkdir()
    target, writing = folder / "sjabloon.xlsx", tmp_path / "bezig"
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SLOW_WRITER), str(target), str(writing)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not writing.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writing.exists(), process.communicate()
    started = time.monotonic()
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == line
    assert "Traceback" not in err
    assert list(folder.iterdir()) == []


SLOW_SELECTION = """
import sys, time
from pathlib import Path
from leernetwerk.proposal import Proposal
from leernetwerk.cli import main

def slow(self):
    Path(sys.argv[4]).write_text("x")  # tell the test the staging folder is being written
    time.sleep(60)
    return "{}"

Proposal.to_json = slow
sys.exit(main(["select", sys.argv[1], "--cycle", sys.argv[2], "--out", sys.argv[3]]))
"""


def test_a_stop_signal_while_select_writes_leaves_no_staging_folder(tmp_path):
    workbook, cycle = pilot_inputs(tmp_path / "invoer")
    out, writing = tmp_path / "selectie", tmp_path / "bezig"
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SLOW_SELECTION), str(workbook), str(cycle),
         str(out), str(writing)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not writing.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert writing.exists(), process.communicate()
    assert [p.name for p in tmp_path.glob(".selectie.staging-*")]  # writing has begun
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130, err
    assert err.strip().splitlines()[-1] == STOPPED
    assert not out.exists() and leftovers(tmp_path) == []


# --- 10. click's own wording ----------------------------------------------------


def test_an_out_that_is_a_file_is_fully_dutch(tmp_path, capsys):
    workbook, cycle = pilot_inputs(tmp_path)
    code = main(["run", str(workbook), "--cycle", str(cycle), "--out", str(cycle)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"Map '{cycle}' is een bestand." in err and "Directory" not in err
