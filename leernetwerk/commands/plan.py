"""``leernetwerk plan``: dates for every start meeting and session (docs/planning.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from leernetwerk.cycle import cycle_dir_of
from leernetwerk.planning import (
    ABSENCE_FILE,
    format_result,
    load_plan,
    participants_of,
    plan_cycle,
    write_absence_template,
)


@click.command("plan")
@click.argument("cycle", type=click.Path(path_type=Path))
@click.option(
    "--afwezig",
    "absences",
    type=click.Path(path_type=Path),
    help=f"Afwezigheden (standaard {ABSENCE_FILE} in de cyclusmap, als dat er is).",
)
@click.option(
    "--template",
    is_flag=True,
    help=f"Schrijf een leeg {ABSENCE_FILE} met de deelnemers in de cyclusmap en stop.",
)
@click.option("--json", "as_json", is_flag=True, help="Machineleesbare samenvatting.")
def plan_command(cycle: Path, absences: Path | None, template: bool, as_json: bool) -> int:
    """Plan de startbijeenkomsten en leerbijeenkomsten rond ieders agenda (CP-SAT)."""
    if template:
        cycle_dir = cycle_dir_of(cycle)
        _, meetings = load_plan(cycle_dir)
        path = write_absence_template(cycle_dir / ABSENCE_FILE, participants_of(meetings))
        if as_json:
            click.echo(json.dumps({"bestanden": [str(path)]}, ensure_ascii=False, indent=2))
        else:
            click.echo(
                f"Afwezigheidsformulier geschreven: '{path}'. Vul het in en draai daarna "
                f"leernetwerk plan {cycle}."
            )
        return 0
    result = plan_cycle(cycle, absences)
    if as_json:
        summary = {
            "bestanden": [str(p) for p in (result.plan, result.history) if p is not None],
            "ingepland": [
                {
                    "rij": meeting.row,
                    "bijeenkomst": meeting.describe(),
                    "datum": day.isoformat(),
                    "voorbereiding": call.isoformat() if call else None,
                }
                for meeting, day, call in result.planned
            ],
            "waarschuwingen": [str(w) for w in result.warnings],
        }
        click.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        click.echo(format_result(result))
    return 0
