"""``leernetwerk evaluatie CYCLE [--template]``: the workbook out, the figures out.

Both need the decided matching. ``--template`` writes ``CYCLE/evaluatie.xlsx``
(never over an existing one). Without it the filled workbook is read; any
error stops the command before anything is written, else ``evaluatie.json``,
``overzicht.xlsx`` and ``evaluatie.html`` appear together in a new
``CYCLE/evaluatie/<YYYY-MM-DD>/``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leernetwerk.cycle.decisions import DecisionKind
from leernetwerk.cycle.evaluation_state import EVALUATION_DIR, EVALUATION_FILE, FIGURES_FILE
from leernetwerk.cycle.folder import dated_folder
from leernetwerk.documents.cycle_data import CycleData, load_cycle_data
from leernetwerk.errors import Problem, UserError
from leernetwerk.evaluation.figures import compute_figures
from leernetwerk.evaluation.html import write_evaluation_html
from leernetwerk.evaluation.overview import write_overview
from leernetwerk.evaluation.reader import read_evaluation
from leernetwerk.evaluation.workbook import planned_note, write_template
from leernetwerk.fsutil import write_new_file, write_outputs
from leernetwerk.history import load_history

HTML_FILE = "evaluatie.html"
OVERVIEW_FILE = "overzicht.xlsx"


@dataclass
class EvaluationResult:
    folder: Path | None
    written: list[Path]
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: dict[str, Any] | None = None


def _data(cycle: Path) -> CycleData:
    return load_cycle_data(cycle, DecisionKind.MATCHING, "evaluatie")


def write_evaluation_template(cycle: Path, *, illustrative: bool = False) -> EvaluationResult:
    """``CYCLE/evaluatie.xlsx`` for the decided matching; refuses to overwrite one."""
    data = _data(cycle)
    path = data.cycle_dir / EVALUATION_FILE
    if path.exists():
        raise UserError(
            f"'{path}' bestaat al en wordt niet overschreven: het kan al ingevulde gegevens "
            "bevatten. Lees het in met 'leernetwerk evaluatie CYCLUS', of verplaats het als u "
            "echt een nieuw, leeg werkboek wilt."
        )
    write_new_file(path, lambda target: write_template(data, target, illustrative))
    notes = list(data.notes)
    if note := planned_note(data):
        notes.append(note)
    return EvaluationResult(None, [path], notes=notes)


def evaluate(cycle: Path, today: dt.date | None = None) -> EvaluationResult:
    """Read the filled workbook and write the figures into a new dated folder."""
    data = _data(cycle)
    path = data.cycle_dir / EVALUATION_FILE
    if not path.is_file():
        raise UserError(
            f"'{path}' ontbreekt. Maak het werkboek met: leernetwerk evaluatie "
            f"{data.cycle_dir} --template, vul het in en lees het dan in."
        )
    evaluation = read_evaluation(path, data)
    if evaluation.errors:
        raise UserError(evaluation.errors + evaluation.warnings)
    history = load_history(data.cycle_dir.parent, before=data.cycle_dir.name)
    today = today or dt.date.today()
    figures = compute_figures(data, evaluation, history, today)
    text = json.dumps(figures, ensure_ascii=False, indent=2) + "\n"
    out, note = dated_folder(data.cycle_dir / EVALUATION_DIR, today)
    written = write_outputs(
        out,
        {
            FIGURES_FILE: lambda target: target.write_text(text, encoding="utf-8"),
            OVERVIEW_FILE: lambda target: write_overview(figures, target),
            HTML_FILE: lambda target: write_evaluation_html(figures, target),
        },
        inputs=(path,),
    )
    notes = list(data.notes) + ([note] if note else [])
    return EvaluationResult(out, written, evaluation.warnings, notes, figures)
