"""A decided cycle on the national example, built once, for the document tests.

``leernetwerk run`` on the 61 registrations of ``examples/national-2026`` in a
cycle folder with the national ``cycle.toml`` (about 8 s), then the selection
and, in the matched copy, the matching decided as the stuurgroep would.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import docx

from leernetwerk.cli import main
from leernetwerk.cycle import PLAN_FILE, record_decision

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "national-2026" / "aanmeldingen.xlsx"
CONFIG = ROOT / "cycles" / "2026-2027" / "cycle.toml"


def build_run(folder: Path) -> str:
    """A cycle folder with the national registrations and one run; returns the run name."""
    folder.mkdir(parents=True)
    shutil.copy(CONFIG, folder / "cycle.toml")
    shutil.copy(WORKBOOK, folder / "aanmeldingen.xlsx")
    code = main(
        [
            "run",
            str(folder / "aanmeldingen.xlsx"),
            "--cycle",
            str(folder / "cycle.toml"),
            "--quiet",
        ]
    )
    assert code == 0
    (run,) = [p.name for p in (folder / "runs").iterdir()]
    return run


def decide(folder: Path, run: str, kinds: tuple[str, ...]) -> None:
    dates = {"selection": dt.date(2026, 6, 20), "matching": dt.date(2026, 7, 1)}
    for kind in kinds:
        record_decision(folder, kind, run, today=dates[kind])


def copy_cycle(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def date_plan(folder: Path, dates: dict[int, str]) -> list[dict[str, str]]:
    """Fill in the Datum of plan rows (0-based data row → date); returns all rows."""
    path = folder / PLAN_FILE
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=";")
        fields = list(reader.fieldnames or ())
        rows = list(reader)
    for index, value in dates.items():
        rows[index]["Datum"] = value
    path.unlink()
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def text_of(path: Path) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)
