"""Run records: one immutable folder per ``leernetwerk run`` inside a cycle.

Layout: ``<cycle>/runs/<YYYYmmdd-HHMMSS>-<first 8 of input sha>/`` holding
``proposal.json`` (:class:`leernetwerk.proposal.Proposal`), ``run.json``
(input hash, config, seed, solver statistics) and the outputs. A run folder is
never reused: :func:`new_run_dir` adds a suffix (``-2``, ``-3``, …) when the
name is taken, and the writer (``fsutil.write_outputs``) refuses non-empty
folders, so an earlier run is never overwritten.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from leernetwerk.errors import UserError, did_you_mean
from leernetwerk.proposal import Proposal, load_proposal

RUNS_DIR = "runs"
PROPOSAL_FILE = "proposal.json"
RUN_FILE = "run.json"


def runs_root(cycle_dir: Path) -> Path:
    return Path(cycle_dir) / RUNS_DIR


def new_run_dir(cycle_dir: Path, input_sha256: str, now: dt.datetime | None = None) -> Path:
    """A fresh, not yet existing run folder named after the time and the input hash.

    The folder is not created here (the caller writes it atomically); an
    existing name gets a numeric suffix so no earlier run is ever reused.
    """
    digest = input_sha256.strip().lower()
    if len(digest) < 8 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"not a SHA-256 hex digest: {input_sha256!r}")
    now = now or dt.datetime.now()
    base = f"{now:%Y%m%d-%H%M%S}-{digest[:8]}"
    root = runs_root(cycle_dir)
    candidate = root / base
    suffix = 2
    while candidate.exists() or _staging_exists(root, candidate.name):
        candidate = root / f"{base}-{suffix}"
        suffix += 1
    return candidate


def _staging_exists(root: Path, name: str) -> bool:
    """Whether ``fsutil.write_outputs`` is currently staging a folder of this name."""
    return root.is_dir() and any(root.glob(f".{name}.staging-*"))


def list_runs(cycle_dir: Path) -> list[Path]:
    """Run folders of a cycle, oldest first (names start with the timestamp).

    Hidden entries (staging folders of a run being written) are skipped.
    """
    root = runs_root(cycle_dir)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def resolve_run(cycle_dir: Path, run: str | Path) -> Path:
    """Find a run by folder name (or path) inside the cycle; Dutch error if unknown."""
    runs = list_runs(cycle_dir)
    by_name = {p.name: p for p in runs}
    text = str(run).rstrip("/\\")
    name = Path(text).name
    if name in by_name:
        return by_name[name]
    known = list(by_name)
    hint = did_you_mean(name, known) if known else " Deze cyclus heeft nog geen runs."
    raise UserError(f"Onbekende run '{run}' in '{runs_root(cycle_dir)}'.{hint}")


def load_run_proposal(run_dir: Path) -> Proposal:
    """The proposal of a run; Dutch error if the run has none."""
    path = Path(run_dir) / PROPOSAL_FILE
    if not path.is_file():
        raise UserError(f"Run '{Path(run_dir).name}' bevat geen {PROPOSAL_FILE}.")
    return load_proposal(path)
