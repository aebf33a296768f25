"""Where the evaluation lives in a cycle folder, and what ``status`` says about it.

``evaluatie.xlsx`` is the evaluation workbook (``leernetwerk evaluatie CYCLE
--template``) and ``evaluatie/<YYYY-MM-DD>/`` holds the figures of each
``leernetwerk evaluatie CYCLE``. This module only looks at files (standard
library), so ``status`` can report the evaluation without depending on
:mod:`leernetwerk.evaluation`, which builds on this package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

EVALUATION_FILE = "evaluatie.xlsx"
EVALUATION_DIR = "evaluatie"
FIGURES_FILE = "evaluatie.json"


@dataclass
class EvaluationState:
    workbook: bool = False
    """``evaluatie.xlsx`` is present."""
    figures: Path | None = None
    """The latest ``evaluatie/<date>/`` folder with an ``evaluatie.json``."""
    open_items: list[str] = field(default_factory=list)
    """The open items of the latest figures (Dutch)."""

    def lines(self) -> list[str]:
        """Dutch lines for ``leernetwerk status``; nothing before the evaluation starts."""
        if not self.workbook and self.figures is None:
            return []
        lines = [
            f"{EVALUATION_FILE} aanwezig"
            if self.workbook
            else f"{EVALUATION_FILE} ontbreekt (leernetwerk evaluatie CYCLUS --template)"
        ]
        if self.figures is None:
            lines.append("nog geen cijfers berekend (leernetwerk evaluatie CYCLUS)")
        else:
            lines.append(f"laatste cijfers: {self.figures}")
            lines += [f"open punt: {item}" for item in self.open_items]
        return lines


def latest_figures(cycle_dir: Path) -> Path | None:
    """The newest dated folder under ``evaluatie/`` holding ``evaluatie.json``."""
    base = Path(cycle_dir) / EVALUATION_DIR
    if not base.is_dir():
        return None
    found = [p for p in base.iterdir() if p.is_dir() and (p / FIGURES_FILE).is_file()]
    return max(found, key=lambda p: _folder_key(p.name), default=None)


def _folder_key(name: str) -> tuple[str, int]:
    """``2027-05-01`` < ``2027-05-01-2`` < ``2027-05-01-10`` < ``2027-05-02``."""
    stem, _, number = name[:10], name[10:11], name[11:]
    return stem, int(number) if number.isdigit() else 1


def evaluation_state(cycle_dir: Path) -> EvaluationState:
    """What the cycle folder shows of the evaluation (never raises on a damaged file)."""
    state = EvaluationState(workbook=(Path(cycle_dir) / EVALUATION_FILE).is_file())
    state.figures = latest_figures(cycle_dir)
    if state.figures is not None:
        try:
            data = json.loads((state.figures / FIGURES_FILE).read_text(encoding="utf-8"))
            items = data.get("open_items", []) if isinstance(data, dict) else []
            state.open_items = [str(item) for item in items]
        except (OSError, ValueError):
            state.open_items = [f"{state.figures / FIGURES_FILE} is niet te lezen"]
    return state
