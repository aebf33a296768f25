"""The example notebook runs headless (nbclient), so it never rots.

``examples/analyse-nationaal.ipynb`` analyses the national example with
:mod:`leernetwerk.api`: two runs of about 7 s each. Any cell error fails the
test; the committed file carries no outputs.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "examples" / "analyse-nationaal.ipynb"


def cell_text(cell: nbformat.NotebookNode) -> str:
    """The printed and displayed plain text of an executed code cell."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.data.get("text/plain", ""))
    return "\n".join(parts)


def test_the_committed_notebook_has_no_outputs() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


def test_the_notebook_runs_and_its_breakdown_adds_up() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # Run where Jupyter would (the notebook's folder); raises CellExecutionError on any error.
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()

    texts = [cell_text(c) for c in notebook.cells if c.cell_type == "code"]
    assert not any("Traceback" in t for t in texts)
    totals = [m for t in texts if (m := re.search(r"objective (\S+), breakdown total (\S+)", t))]
    assert len(totals) == 1
    objective, total = (float(x) for x in totals[0].groups())
    assert objective > 0 and abs(objective - total) < 1e-3

    # The variant's table of moves is shown and names participants with both clubs.
    moves = next(t for t in texts if "club_a" in t and "club_b" in t)
    assert re.search(r"^\d+\s+\S.*\s\d+\s+\d+$", moves, flags=re.MULTILINE)
    # The pivot of provinces per club shows both runs.
    assert any("base" in t and "weights.clubs.region=5" in t and "province" in t for t in texts)
