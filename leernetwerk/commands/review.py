"""``leernetwerk check EDITED.xlsx`` and ``leernetwerk compare A B``.

The logic lives in :mod:`leernetwerk.check` and :mod:`leernetwerk.compare`;
these are the click commands. Both print Dutch text, or JSON with ``--json``.
``check`` exits 1 when a hard rule is broken or the workbook cannot be read, 0
otherwise, and writes nothing; ``check --repair`` then also writes a new run
folder with the edits kept as pins (:mod:`leernetwerk.repair`, as ``run --keep
EDITED.xlsx``) and exits 0 when that succeeded.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from leernetwerk.check import (
    CheckInputs,
    check_json,
    check_workbook,
    load_check_inputs,
    render_check,
)
from leernetwerk.commands.run import run_and_write
from leernetwerk.compare import compare_paths, comparison_json, render_comparison
from leernetwerk.errors import UserError
from leernetwerk.pipeline import RunInputs


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
@click.option(
    "--repair",
    is_flag=True,
    help="Herstel daarna het voorstel: elke wijziging wordt een pin, de rest wordt opnieuw "
    "ingedeeld met zo min mogelijk verschuivingen, in een nieuwe runmap (zie docs/repair.md).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Met --repair: nieuwe of lege uitvoermap. Zonder: een nieuwe runmap naast die van "
    "het voorstel (<cyclusmap>/runs/).",
)
@click.option("--force", is_flag=True, help="Met --repair: vervang de uitvoer in --out.")
@click.option("--quiet", is_flag=True, help="Met --repair: geen voortgangsmeldingen.")
def check_command(
    workbook: Path,
    proposal_path: Path | None,
    registrations_path: Path | None,
    cycle_path: Path | None,
    as_json: bool,
    repair: bool,
    out: Path | None,
    force: bool,
    quiet: bool,
) -> int:
    """Controleer een bewerkt voorstel (proposal.xlsx) op alle regels; toon de scorewijziging.
    Met --repair: schrijf ook een hersteld voorstel."""
    if not workbook.exists():
        raise UserError(f"Werkboek '{workbook}' bestaat niet.")
    if (out or force or quiet) and not repair:
        raise UserError("--out, --force en --quiet horen bij --repair.")
    if repair and as_json:
        raise UserError("--json en --repair gaan niet samen.")
    inputs = load_check_inputs(workbook, proposal_path, registrations_path, cycle_path)
    run = repair_inputs(workbook, inputs, cycle_path)
    if repair and out is None and run.cycle_path == inputs.config_path:
        raise UserError(
            "Geef met --out een nieuwe map op voor het herstelde voorstel (het voorstel staat "
            "niet in een runmap van een cyclusmap, <cyclus>/runs/<run>/)."
        )
    report = check_workbook(workbook, inputs)
    if as_json:
        echo_json(check_json(report))
    else:
        click.echo(render_check(report))
    if not repair:
        return 0 if report.ok else 1
    if report.read_errors:
        raise UserError("Niet hersteld: het werkboek is niet te lezen (zie hierboven).")
    click.echo("")
    return run_and_write(run, out, force, quiet)


def repair_inputs(workbook: Path, inputs: CheckInputs, cycle_path: Path | None) -> RunInputs:
    """The run that repairs ``workbook``: its registrations and config as ``check`` found
    them, except that a proposal in ``<cycle>/runs/<run>/`` uses the cycle's own
    cycle.toml (so the new run lands beside it and sees the cycle's history)."""
    config = inputs.config_path
    run_dir = inputs.proposal_path.resolve().parent
    in_cycle = run_dir.parent.name == "runs" and (run_dir.parent.parent / "cycle.toml").is_file()
    if cycle_path is None and in_cycle:
        config = run_dir.parent.parent / "cycle.toml"
    return RunInputs(
        inputs.registrations_path,
        config,
        keep=workbook,
        keep_proposal=inputs.proposal_path,
    )


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
