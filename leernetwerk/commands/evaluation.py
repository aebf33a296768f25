"""``leernetwerk evaluatie``: the evaluation workbook and the figures of a cycle."""

from __future__ import annotations

import json
from pathlib import Path

import click

from leernetwerk.commands.cycle import parse_today
from leernetwerk.evaluation.run import EvaluationResult, evaluate, write_evaluation_template


def _report(result: EvaluationResult, as_json: bool) -> None:
    if as_json:
        summary = {
            "map": str(result.folder) if result.folder else None,
            "bestanden": [str(p) for p in result.written],
            "waarschuwingen": [str(p) for p in result.warnings],
            "opmerkingen": result.notes,
        }
        if result.figures is not None:
            summary["open_punten"] = result.figures["open_items"]
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    for problem in result.warnings:
        click.echo(str(problem), err=True)
    for note in result.notes:
        click.echo(note)
    if result.folder is None:
        click.echo(f"Evaluatiewerkboek geschreven: '{result.written[0]}'.")
        return
    click.echo(
        f"Evaluatie geschreven in '{result.folder}': "
        + ", ".join(p.name for p in result.written)
        + "."
    )
    figures = result.figures or {}
    sessions = figures.get("sessions", {})
    click.echo(
        f"Leerbijeenkomsten: {sessions.get('planned')} gepland, {sessions.get('held')} gehouden "
        f"(waarvan {sessions.get('moved')} verplaatst), {sessions.get('cancelled')} niet "
        f"doorgegaan, {sessions.get('not_reported')} niet gemeld."
    )
    items = figures.get("open_items", [])
    if items:
        click.echo("Open punten:")
        for item in items:
            click.echo(f"  - {item}")


@click.command("evaluatie")
@click.argument("cycle", type=click.Path(path_type=Path))
@click.option(
    "--template",
    is_flag=True,
    help="Schrijf het lege, vooraf ingevulde evaluatiewerkboek CYCLUS/evaluatie.xlsx "
    "(nooit over een bestaand werkboek).",
)
@click.option("--today", help="Datum van de cijfers en van de map (standaard vandaag; JJJJ-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Samenvatting als JSON.")
def evaluatie_command(cycle: Path, template: bool, today: str | None, as_json: bool) -> int:
    """Na het matchingbesluit: met --template het evaluatiewerkboek schrijven; zonder
    --template het ingevulde werkboek inlezen en de cijfers (evaluatie.json,
    overzicht.xlsx, evaluatie.html) schrijven in CYCLUS/evaluatie/<datum>/."""
    day = parse_today(today)
    result = write_evaluation_template(cycle) if template else evaluate(cycle, day)
    _report(result, as_json)
    return 0


COMMANDS: list[click.Command] = [evaluatie_command]
