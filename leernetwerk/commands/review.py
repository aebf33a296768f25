"""``leernetwerk check EDITED.xlsx`` and ``leernetwerk compare A B``.

The logic lives in :mod:`leernetwerk.check` and :mod:`leernetwerk.compare`;
these are the click commands. Both print Dutch text, or JSON with ``--json``.
Neither writes any file. ``check`` exits 1 when a hard rule is broken or the
workbook cannot be read, 0 otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from leernetwerk.check import check_json, check_workbook, load_check_inputs, render_check
from leernetwerk.compare import compare_paths, comparison_json, render_comparison
from leernetwerk.errors import UserError


def echo_json(data: Mapping[str, Any]) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


PATH = click.Path(path_type=Path)


@click.command("check")
@click.argument("workbook", type=PATH)
@click.option(
    "--proposal",
    "proposal_path",
    type=PATH,
    default=None,
    help="Oorspronkelijk voorstel: uitvoermap van 'run' of proposal.json "
    "(standaard: proposal.json naast het werkboek).",
)
@click.option(
    "--registrations",
    "registrations_path",
    type=PATH,
    default=None,
    help="Aanmeldbestand (standaard: het invoerbestand uit het voorstel).",
)
@click.option(
    "--cycle",
    "cycle_path",
    type=PATH,
    default=None,
    help="Cycleconfiguratie (standaard: cycle.toml naast het voorstel, "
    "anders de standaardinstellingen).",
)
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def check_command(
    workbook: Path,
    proposal_path: Path | None,
    registrations_path: Path | None,
    cycle_path: Path | None,
    as_json: bool,
) -> int:
    """Controleer een bewerkt voorstel (proposal.xlsx) op alle regels; toon de scorewijziging."""
    if not workbook.exists():
        raise UserError(f"Werkboek '{workbook}' bestaat niet.")
    inputs = load_check_inputs(workbook, proposal_path, registrations_path, cycle_path)
    report = check_workbook(workbook, inputs)
    if as_json:
        echo_json(check_json(report))
    else:
        click.echo(render_check(report))
    return 0 if report.ok else 1


@click.command("compare")
@click.argument("a", type=PATH)
@click.argument("b", type=PATH)
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON.")
def compare_command(a: Path, b: Path, as_json: bool) -> int:
    """Vergelijk twee voorstellen (mappen of proposal.json): wie verschoof, wat veranderde."""
    comparison = compare_paths(a, b)
    if as_json:
        echo_json(comparison_json(comparison))
    else:
        click.echo(render_comparison(comparison))
    return 0


COMMANDS: list[click.Command] = [check_command, compare_command]
