"""ILLUSTRATIVE evaluation of the national example: a decided cycle with a filled
evaluation workbook, and its figures.

Everything this script writes into the evaluation workbook is made up (seeded
random numbers, stock sentences): it shows what ``leernetwerk evaluatie``
does with a filled workbook, and says nothing about a real cycle. The
workbook's ``Instructies`` sheet, ``evaluatie.json`` (``"illustrative": true``)
and ``evaluatie.html`` say so too.

    .venv/bin/python examples/evaluatie.py --out /tmp/evaluatie-voorbeeld

builds ``<out>/2026-2027/``: the national registrations and ``cycle.toml``,
one ``leernetwerk run``, the selection and matching decided, ``evaluatie.xlsx``
from ``leernetwerk evaluatie --template`` filled by :func:`fill_workbook`
(``random.Random(2027)``), and ``leernetwerk evaluatie`` on it. Same seed,
same workbook, same figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

from openpyxl import load_workbook

from leernetwerk.cli import main
from leernetwerk.cycle import record_decision
from leernetwerk.cycle.decisions import DecisionKind
from leernetwerk.documents.cycle_data import load_cycle_data
from leernetwerk.evaluation import model as m
from leernetwerk.timeline import round_window

ROOT = Path(__file__).resolve().parent.parent
WORKBOOK = ROOT / "examples" / "national-2026" / "aanmeldingen.xlsx"
CONFIG = ROOT / "cycles" / "2026-2027" / "cycle.toml"
SEED = 2027
FUNCTIONS = (
    "klantmanager",
    "beleidsadviseur",
    "teamleider",
    "werkconsulent",
    "handhaver",
    "data-analist",
    "manager werk en inkomen",
    "jobcoach",
)
LESSONS = (
    "We gaan de aanpak van {theme} van onze gastgemeente uitproberen.",
    "Door de bijeenkomst over {theme} zien we waar onze eigen werkwijze knelt.",
    "Een vaste contactpersoon bij de andere gemeente helpt ons verder met {theme}.",
    "Over {theme} bleken we meer te kunnen brengen dan we dachten.",
)


def build_cycle(root: Path, name: str = "2026-2027") -> Path:
    """A cycle folder with the national example, one run, selection and matching decided."""
    folder = root / name
    folder.mkdir(parents=True)
    shutil.copy(CONFIG, folder / "cycle.toml")
    shutil.copy(WORKBOOK, folder / "aanmeldingen.xlsx")
    code = main(
        ["run", str(folder / "aanmeldingen.xlsx"), "--cycle", str(folder / "cycle.toml"), "--quiet"]
    )
    if code != 0:
        raise SystemExit(code)
    (run,) = [p.name for p in (folder / "runs").iterdir()]
    record_decision(folder, "selection", run, today=dt.date(2026, 6, 20))
    record_decision(folder, "matching", run, today=dt.date(2026, 7, 1))
    return folder


def _weekday(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    while True:
        day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        if day.weekday() < 5:
            return day


def fill_workbook(cycle: Path, seed: int = SEED) -> None:
    """Fill ``cycle/evaluatie.xlsx`` (from ``--template``) with made-up, plausible answers."""
    rng = random.Random(seed)
    data = load_cycle_data(cycle, DecisionKind.MATCHING, "evaluatie")
    year = data.config.cycle.budget_year
    path = cycle / "evaluatie.xlsx"
    wb = load_workbook(path)
    info = wb[m.SHEET_INSTRUCTIONS]
    info.insert_rows(2)
    info.cell(2, 1).value = m.ILLUSTRATIVE_TEXT

    sessions = wb[m.SHEET_SESSIONS]
    headers = [c.value for c in sessions[1]]
    held: dict[tuple[int, int, int], str] = {}
    for row in sessions.iter_rows(min_row=2):
        cells = dict(zip(headers, row, strict=False))
        key = (cells[m.COL_CLUB].value, cells[m.COL_ROUND].value, cells[m.COL_SESSION].value)
        status = rng.choices(["ja", "verplaatst", "nee", ""], weights=[80, 8, 6, 6])[0]
        held[key] = status
        if not status:
            continue
        cells[m.COL_HELD].value = status
        start, end = round_window(year, key[1])
        cells[m.COL_DATE].value = _weekday(
            rng, start + dt.timedelta(days=14), end - dt.timedelta(days=14)
        )
        cells[m.COL_DATE].number_format = "DD-MM-YYYY"
        if status == "nee":
            continue
        for slot in range(1, 10):
            who, count, functions = m.slot_columns(slot)
            if who not in cells or not cells[who].value:
                continue
            present = 0 if rng.random() < 0.03 else rng.randint(1, 4)
            cells[count].value = present
            if present:
                cells[functions].value = "; ".join(sorted(rng.sample(FUNCTIONS, min(present, 3))))

    ratings = wb[m.SHEET_RATINGS]
    headers = [c.value for c in ratings[1]]
    for row in ratings.iter_rows(min_row=2):
        cells = dict(zip(headers, row, strict=False))
        key = (cells[m.COL_CLUB].value, cells[m.COL_ROUND].value, cells[m.COL_SESSION].value)
        if held.get(key) not in ("ja", "verplaatst") or rng.random() < 0.05:
            continue
        cells[m.COL_USEFUL].value = rng.choices([2, 3, 4, 5], weights=[1, 3, 5, 3])[0]
        cells[m.COL_BLOCK_1].value = rng.choices([2, 3, 4, 5], weights=[1, 3, 5, 3])[0]
        if cells[m.COL_THEME_2].value:
            cells[m.COL_BLOCK_2].value = rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 5, 2])[0]

    reflection = wb[m.SHEET_REFLECTION]
    headers = [c.value for c in reflection[1]]
    for row in reflection.iter_rows(min_row=2):
        cells = dict(zip(headers, row, strict=False))
        name = cells[m.COL_PARTICIPANT].value
        if rng.random() < 0.85:
            cells[m.COL_REPORT].value = _weekday(
                rng, dt.date(year + 2, 3, 20), dt.date(year + 2, 4, 25)
            )
            cells[m.COL_REPORT].number_format = "DD-MM-YYYY"
            cells[m.COL_CARDS].value = rng.choice(["ja", "ja", "nee"])
            registration = data.registrations[name]
            theme = registration.first_choice or data.config.catalogue.names[0]
            cells[m.COL_LESSONS].value = rng.choice(LESSONS).format(theme=theme.lower())

    scores = wb[m.SHEET_END_SCORES]
    headers = [c.value for c in scores[1]]
    for row in scores.iter_rows(min_row=2):
        cells = dict(zip(headers, row, strict=False))
        name = cells[m.COL_PARTICIPANT].value
        if rng.random() < 0.08:
            continue  # no end measurement from this participant yet
        registration = data.registrations[name]
        for theme in data.config.catalogue.names:
            level = registration.self_evaluation.level(theme) if registration.self_evaluation else 0
            chosen = registration.theme_rank(theme) is not None
            step = rng.choices(
                [-1, 0, 1, 2], weights=[1, 5, 4 if chosen else 2, 1 if chosen else 0]
            )[0]
            cells[theme].value = (
                0 if level == 0 and rng.random() < 0.8 else min(4, max(0, level + step))
            )
    wb.save(path)


def build(out: Path, today: str = "2027-04-30") -> Path:
    """The whole example under ``out``; returns the cycle folder."""
    cycle = build_cycle(out)
    if main(["evaluatie", str(cycle), "--template"]) != 0:
        raise SystemExit(1)
    fill_workbook(cycle)
    if main(["evaluatie", str(cycle), "--today", today]) != 0:
        raise SystemExit(1)
    return cycle


def cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="new or empty folder")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        print(f"'{args.out}' is niet leeg; kies een nieuwe map.", file=sys.stderr)
        return 1
    cycle = build(args.out)
    print(f"Illustratieve evaluatie in '{cycle / 'evaluatie'}'.")
    return 0


if __name__ == "__main__":
    raise SystemExit(cli())
