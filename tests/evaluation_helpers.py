"""A decided pilot cycle and the illustrative filler of examples/evaluatie.py, for the
evaluation tests (the pilot: 8 participants, one club, 6 sessions; about 3 s)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

from leernetwerk.cli import main
from leernetwerk.cycle import record_decision

ROOT = Path(__file__).resolve().parent.parent
PILOT = ROOT / "examples" / "pilot-2025"
PILOT_CYCLE = "pilot-2025-2026"


def load_example() -> ModuleType:
    """Import examples/evaluatie.py (a script, not a package module)."""
    name = "examples_evaluatie"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / "evaluatie.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def decided_pilot(root: Path, name: str = PILOT_CYCLE) -> Path:
    """``root/<name>``: the pilot registrations, one run, both decisions."""
    folder = root / name
    folder.mkdir(parents=True)
    shutil.copy(PILOT / "cycle.toml", folder / "cycle.toml")
    shutil.copy(PILOT / "aanmeldingen.xlsx", folder / "aanmeldingen.xlsx")
    args = ["run", str(folder / "aanmeldingen.xlsx"), "--cycle", str(folder / "cycle.toml")]
    assert main([*args, "--quiet"]) == 0
    (run,) = [p.name for p in (folder / "runs").iterdir()]
    record_decision(folder, "selection", run, today=dt.date(2025, 6, 20))
    record_decision(folder, "matching", run, today=dt.date(2025, 7, 1))
    return folder


def filled_pilot(root: Path, seed: int = 7) -> Path:
    folder = decided_pilot(root)
    assert main(["evaluatie", str(folder), "--template"]) == 0
    load_example().fill_workbook(folder, seed)
    return folder
