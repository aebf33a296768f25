"""Where the evaluation lives in a cycle folder, and what ``status`` says about it.

``evaluatie.xlsx`` is the evaluation workbook (``leernetwerk evaluatie CYCLE
--template``) and ``evaluatie/<YYYY-MM-DD>/`` holds the figures of each
``leernetwerk evaluatie CYCLE`` (file names: :mod:`leernetwerk.cycle.evaluation_data`).
This module only looks at files, so ``status`` can report the evaluation
without depending on :mod:`leernetwerk.evaluation`, which builds on this package.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from leernetwerk.cycle.evaluation_data import (
    EVALUATION_DIR,
    EVALUATION_FILE,
    FIGURES_FILE,
    evaluation_files,
)

__all__ = ["EVALUATION_DIR", "EVALUATION_FILE", "FIGURES_FILE", "EvaluationState"]


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
    files = evaluation_files(cycle_dir)
    return files[-1].parent if files else None


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
