"""CLI: ``leernetwerk template`` and ``leernetwerk validate`` (registrations intake)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from leernetwerk.config import load_cycle_config
from leernetwerk.errors import Problem, UserError
from leernetwerk.fsutil import write_new_file
from leernetwerk.intake import IntakeResult, read_registrations
from leernetwerk.registrations_io import write_template

CYCLE_OPTION = click.option(
    "--cycle",
    "cycle_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Cycleconfiguratie (cycle.toml); zonder deze optie gelden de standaardwaarden.",
)

SUMMARY_LABELS: tuple[tuple[str, str], ...] = (
    ("by_balance", "Saldo"),
    ("by_safety_net", "Vangnet"),
    ("by_province", "Provincie"),
    ("by_execution_variant", "Uitvoeringsvariant"),
    ("by_kind", "Type"),
)


@click.command("template")
@click.argument("path", type=click.Path(path_type=Path))
@CYCLE_OPTION
def template(path: Path, cycle_path: Path | None) -> int:
    """Maak een leeg aanmeldbestand (.xlsx) met keuzelijsten en instructies."""
    if path.suffix.lower() != ".xlsx":
        raise UserError(f"Geef een bestandsnaam die eindigt op .xlsx (niet '{path.name}').")
    config = load_cycle_config(cycle_path)
    write_new_file(path, lambda target: write_template(target, config))
    click.echo(
        f"Aanmeldsjabloon geschreven naar '{path}' (leercyclus {config.cycle.name}, "
        f"uiterste aanmelddatum {config.cycle.deadline:%d-%m-%Y})."
    )
    return 0


def problem_json(problem: Problem) -> dict[str, Any]:
    return {
        "severity": "error" if problem.is_error else "warning",
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "message": problem.message,
    }


def result_json(result: IntakeResult) -> dict[str, Any]:
    """The machine-readable validation result (``validate --json``)."""
    return {
        "ok": result.ok,
        "summary": result.summary(),
        "problems": [problem_json(p) for p in result.errors + result.warnings],
        "incomplete": [{"name": r.name, "missing": list(r.missing)} for r in result.incomplete],
        "late": [
            {"name": r.name, "registered_on": r.registered_on.isoformat()}
            for r in result.late
            if r.registered_on is not None
        ],
    }


def summary_lines(result: IntakeResult) -> list[str]:
    """The Dutch summary printed by ``validate``."""
    summary = result.summary()
    lines = [f"Aanmeldingen gelezen: {summary['total']}"]
    for key, label in SUMMARY_LABELS:
        counts = ", ".join(f"{name} {n}" for name, n in summary[key].items()) or "-"
        lines.append(f"  {label}: {counts}")
    lines.append(
        f"  Volledig: {summary['complete']}, onvolledig: {summary['incomplete']}, "
        f"te laat: {summary['late']} (uiterste datum {result.deadline:%d-%m-%Y})"
    )
    if result.incomplete:
        lines.append("Onvolledige aanmeldingen:")
        lines.extend(f"  - {r.name}: {'; '.join(r.missing)}" for r in result.incomplete)
    if result.late:
        lines.append("Te late aanmeldingen:")
        lines.extend(
            f"  - {r.name}: aangemeld op {r.registered_on:%d-%m-%Y}"
            for r in result.late
            if r.registered_on
        )
    return lines


@click.command("validate")
@click.argument("workbook", type=click.Path(path_type=Path))
@CYCLE_OPTION
@click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON (voor andere programma's).")
def validate(workbook: Path, cycle_path: Path | None, as_json: bool) -> int:
    """Controleer een aanmeldbestand en toon een samenvatting en alle problemen.

    Exitcode 0: bruikbaar (eventueel met waarschuwingen); 1: fouten gevonden.
    """
    config = load_cycle_config(cycle_path)
    result = read_registrations(workbook, config)
    if as_json:
        click.echo(json.dumps(result_json(result), ensure_ascii=False, indent=2))
        return 0 if result.ok else 1
    if not result.readable:
        for problem in result.errors:
            click.echo(str(problem))
        return 1
    for line in summary_lines(result):
        click.echo(line)
    if result.errors:
        click.echo(f"\n{len(result.errors)} fout(en):")
        for problem in result.errors:
            click.echo(f"  {problem}")
    if result.warnings:
        click.echo(f"\n{len(result.warnings)} waarschuwing(en):")
        for problem in result.warnings:
            click.echo(f"  {problem}")
    if result.ok:
        click.echo("\nHet aanmeldbestand is bruikbaar.")
        return 0
    click.echo("\nHet aanmeldbestand bevat fouten; los ze op en controleer opnieuw.")
    return 1
