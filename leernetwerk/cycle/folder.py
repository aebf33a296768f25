"""A cycle folder: where its files are, and loading its ``cycle.toml``.

A cycle folder (``cycles/<name>/``) holds ``cycle.toml``, the registrations
``aanmeldingen.xlsx``, the runs (:mod:`leernetwerk.runs`), the stuurgroep's
decisions (``decisions/<timestamp>-<kind>.json``, immutable) and the session
plan ``sessies.csv``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from leernetwerk.config import CycleConfig, load_cycle_config
from leernetwerk.errors import UserError

CONFIG_FILE = "cycle.toml"
REGISTRATIONS_FILE = "aanmeldingen.xlsx"
TEMPLATE_FILE = "aanmeldingen-template.xlsx"
DECISIONS_DIR = "decisions"
PLAN_FILE = "sessies.csv"
AGENDA_DIR = "agenda"
LETTERS_DIR = "brieven"
START_DIR = "startbijeenkomsten"
SCRIPTS_DIR = "draaiboeken"
SCRIPTS_MANIFEST = "draaiboeken.json"
"""In each dated draaiboeken folder: which session each draaiboek is for, and the
date it shows (``leernetwerk status`` reads it)."""


def config_path(cycle: Path | str) -> Path:
    """``cycle.toml`` of a cycle folder (or the file itself); Dutch error if absent."""
    path = Path(cycle)
    if path.is_file() and path.name == CONFIG_FILE:
        return path
    if not path.is_dir():
        raise UserError(f"Cyclusmap '{path}' bestaat niet.")
    candidate = path / CONFIG_FILE
    if not candidate.is_file():
        raise UserError(
            f"'{path}' is geen cyclusmap: {CONFIG_FILE} ontbreekt. "
            "Maak een nieuwe cyclus met: leernetwerk init MAP --budget-year JAAR."
        )
    return candidate


def cycle_dir_of(cycle: Path | str) -> Path:
    return config_path(cycle).parent


def load_cycle(cycle: Path | str) -> CycleConfig:
    return load_cycle_config(config_path(cycle))


def dated_folder(base: Path, today: dt.date) -> tuple[Path, str | None]:
    """``base/<YYYY-MM-DD>``, or the first free ``…-2``, ``…-3`` (with a Dutch note)."""
    stem = today.isoformat()
    folder = base / stem
    number = 1
    while folder.exists():
        number += 1
        folder = base / f"{stem}-{number}"
    note = None
    if number > 1:
        note = (
            f"'{base / stem}' bestaat al; de nieuwe bestanden staan in '{folder}' "
            "(eerdere bestanden blijven ongewijzigd)."
        )
    return folder, note
