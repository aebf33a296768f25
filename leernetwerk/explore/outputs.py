"""Write ``verkenning.json``, ``verkenning.xlsx`` and ``verkenning.html`` at once."""

from __future__ import annotations

import json
from pathlib import Path

from leernetwerk.explore.html import write_exploration_html
from leernetwerk.explore.report import Exploration, findings, findings_json
from leernetwerk.explore.workbook import write_exploration_workbook
from leernetwerk.fsutil import write_outputs

OUTPUTS = ("verkenning.json", "verkenning.xlsx", "verkenning.html")


def write_exploration(
    exploration: Exploration, out: Path, *, force: bool, inputs: tuple[Path, ...]
) -> list[Path]:
    """All three files or none (:func:`leernetwerk.fsutil.write_outputs`)."""
    f = findings(exploration)
    document = json.dumps(findings_json(f), ensure_ascii=False, indent=2) + "\n"
    writers = {
        "verkenning.json": lambda path: path.write_text(document, encoding="utf-8"),
        "verkenning.xlsx": lambda path: write_exploration_workbook(f, path),
        "verkenning.html": lambda path: write_exploration_html(f, path),
    }
    return write_outputs(out, writers, force=force, inputs=inputs)
