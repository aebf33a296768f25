"""``leernetwerk tussenevaluatie``, ``reflectieoverzicht`` and ``cyclusrapport``.

The documents of the closing phase, rendered from the cycle's latest
``evaluatie.json`` (written by ``leernetwerk evaluatie``) with the Word
templates in ``sjablonen/`` the executor may edit. Each command writes into a
new dated folder (``<YYYY-MM-DD>``, else ``…-2``), all files or none:

- ``tussenevaluatie/<date>/tussenevaluatie.docx``: the memo for the
  begeleidingscommissie (report §3.4.1);
- ``reflectieoverzichten/<date>/club-<n>.docx``: one per club, for its
  evaluation meeting (§3.4.2);
- ``cyclusrapport/<date>/cyclusrapport.docx``: the draft cycle report and
  kennisdocument (§3.4.3–3.4.4).

What the documents say is built in :mod:`leernetwerk.documents.evaluation_context`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from leernetwerk.cycle.evaluation_data import EvaluationData, latest_evaluation
from leernetwerk.cycle.folder import cycle_dir_of, load_cycle
from leernetwerk.documents.evaluation_context import (
    clubs_of,
    memo_context,
    overview_context,
    report_context,
)
from leernetwerk.documents.letters import DocumentsResult
from leernetwerk.documents.render import (
    check_template,
    dated_folder,
    ensure_templates,
    render_to,
    templates_dir,
)
from leernetwerk.documents.templates import CYCLE_REPORT, MIDTERM_MEMO, REFLECTION_OVERVIEW
from leernetwerk.errors import UserError
from leernetwerk.fsutil import write_outputs
from leernetwerk.timeline import format_date

MIDTERM_DIR = "tussenevaluatie"
OVERVIEWS_DIR = "reflectieoverzichten"
REPORT_DIR = "cyclusrapport"


def _evaluation(cycle_dir: Path, command: str) -> tuple[Path, EvaluationData]:
    found = latest_evaluation(cycle_dir)
    if found is None:
        raise UserError(
            f"'leernetwerk {command}' maakt het document uit de evaluatiecijfers, en cyclus "
            f"'{cycle_dir}' heeft nog geen evaluatie. Vul CYCLUS/evaluatie.xlsx in en draai "
            "leernetwerk evaluatie CYCLUS. Er is niets weggeschreven."
        )
    return found


def _write(
    cycle_dir: Path,
    template: str,
    base: str,
    documents: dict[str, dict[str, Any]],
    today: dt.date,
    notes: list[str],
) -> tuple[Path, list[Path]]:
    """Render every document (file name → context) into a new dated folder."""
    folder = templates_dir(cycle_dir)
    for context in documents.values():  # a broken template fails before any writing
        check_template(folder / template, context)
        break
    writers: dict[str, Callable[[Path], object]] = {
        name: partial(render_to, folder / template, context) for name, context in documents.items()
    }
    out, note = dated_folder(cycle_dir / base, today)
    if note:
        notes.append(note)
    return out, write_outputs(out, writers)


def _source_note(path: Path, data: EvaluationData) -> str:
    return f"Cijfers uit '{path}' (evaluatie van {format_date(data.generated_on)})."


def write_midterm_memo(cycle: Path, today: dt.date | None = None) -> DocumentsResult:
    """The tussenevaluatie memo for the begeleidingscommissie."""
    today = today or dt.date.today()
    cycle_dir = cycle_dir_of(cycle)
    config = load_cycle(cycle_dir)
    path, data = _evaluation(cycle_dir, "tussenevaluatie")
    notes = ensure_templates(cycle_dir, (MIDTERM_MEMO,)) + [_source_note(path, data)]
    context = memo_context(data, cycle_dir, config, format_date(today))
    out, written = _write(
        cycle_dir, MIDTERM_MEMO, MIDTERM_DIR, {MIDTERM_MEMO: context}, today, notes
    )
    return DocumentsResult(out, written, notes, {"memo": 1})


def write_reflection_overviews(cycle: Path, today: dt.date | None = None) -> DocumentsResult:
    """One overview of the reflectieverslagen per club, for its evaluation meeting."""
    today = today or dt.date.today()
    cycle_dir = cycle_dir_of(cycle)
    path, data = _evaluation(cycle_dir, "reflectieoverzicht")
    clubs = clubs_of(data)
    if not clubs:
        raise UserError(
            f"De evaluatie '{path}' noemt geen clubs (geen bijeenkomsten of reflectieverslagen); "
            "er is niets weggeschreven."
        )
    notes = ensure_templates(cycle_dir, (REFLECTION_OVERVIEW,)) + [_source_note(path, data)]
    documents = {
        f"club-{club}.docx": overview_context(data, club, format_date(today)) for club in clubs
    }
    out, written = _write(cycle_dir, REFLECTION_OVERVIEW, OVERVIEWS_DIR, documents, today, notes)
    return DocumentsResult(out, written, notes, {"clubs": len(clubs)})


def write_cycle_report(cycle: Path, today: dt.date | None = None) -> DocumentsResult:
    """The draft cycle report / kennisdocument."""
    today = today or dt.date.today()
    cycle_dir = cycle_dir_of(cycle)
    path, data = _evaluation(cycle_dir, "cyclusrapport")
    notes = ensure_templates(cycle_dir, (CYCLE_REPORT,)) + [_source_note(path, data)]
    context = report_context(data, cycle_dir, format_date(today))
    out, written = _write(
        cycle_dir, CYCLE_REPORT, REPORT_DIR, {CYCLE_REPORT: context}, today, notes
    )
    return DocumentsResult(out, written, notes, {"rapport": 1})
