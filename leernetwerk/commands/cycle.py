"""Cycle commands: ``init``, ``status``, ``decide``, ``capacity`` and ``calendar``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from leernetwerk.calendar import (
    cycle_calendar,
    format_calendar,
    write_ics,
    write_participant_ics,
)
from leernetwerk.capacity import CapacityNorms, capacity, format_table
from leernetwerk.config import load_cycle_config
from leernetwerk.cycle import (
    DecisionKind,
    cycle_dir_of,
    cycle_status,
    format_date,
    format_status,
    init_cycle,
    parse_date,
    record_decision,
)
from leernetwerk.cycle.folder import AGENDA_DIR, dated_folder
from leernetwerk.documents.templates import template_writers
from leernetwerk.errors import UserError


def parse_today(value: str | None) -> dt.date | None:
    """The date of a --today option (None: today), or a Dutch usage error."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        raise UserError(
            f"'{value}' is geen geldige datum voor --today; gebruik bijvoorbeeld 2027-05-15."
        ) from None


@click.command("init")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--budget-year", type=int, required=True, help="Begrotingsjaar T van de cyclus.")
@click.option("--places", type=int, default=30, show_default=True, help="Aantal plaatsen.")
def init_command(folder: Path, budget_year: int, places: int) -> int:
    """Maak een nieuwe cyclusmap met cycle.toml, een leeg aanmeldsjabloon en de Word-sjablonen."""
    result = init_cycle(folder, budget_year, places, extra=template_writers())
    click.echo(f"Nieuwe cyclus in '{result.folder}':")
    for path in result.written:
        click.echo(f"  {path.relative_to(result.folder)}")
    for note in result.notes:
        click.echo(note)
    return 0


@click.command("status")
@click.argument("cycle", type=click.Path(path_type=Path))
@click.option("--today", help="Stand op deze datum in plaats van vandaag (JJJJ-MM-DD).")
def status_command(cycle: Path, today: str | None) -> int:
    """Toon fase, wat nu aan de orde is, wat te laat is en wat ontbreekt."""
    status = cycle_status(cycle, parse_today(today))
    click.echo(format_status(status))
    return 1 if status.has_errors else 0


@click.command("decide")
@click.argument("cycle", type=click.Path(path_type=Path))
@click.argument("kind", type=click.Choice([k.value for k in DecisionKind]))
@click.option("--run", "run", required=True, help="De run (map in CYCLUS/runs) van het besluit.")
@click.option("--by", "by", default="stuurgroep", show_default=True, help="Wie besloot.")
@click.option("--note", default="", help="Toelichting bij het besluit.")
@click.option("--today", help="Datum van het besluit (standaard vandaag; JJJJ-MM-DD).")
def decide_command(cycle: Path, kind: str, run: str, by: str, note: str, today: str | None) -> int:
    """Leg een besluit van de stuurgroep vast (selectie of matching); nooit overschreven."""
    result = record_decision(
        cycle_dir_of(cycle), kind, run, by=by, note=note, today=parse_today(today)
    )
    decision = result.decision
    click.echo(
        f"Besluit {DecisionKind(kind).label} vastgelegd in '{result.path}': run "
        f"'{decision.run}', door {decision.decided_by} op {format_date(decision.decided_on)}, "
        f"{len(decision.selected)} deelnemers."
    )
    for line in result.notes:
        click.echo(line)
    return 0


@click.command("capacity")
@click.argument("participants", type=int, nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Machineleesbare uitvoer.")
@click.option(
    "--cycle",
    "cycle_file",
    type=click.Path(path_type=Path),
    help="cycle.toml: de urennormen uit [capacity]; zonder aantallen het aantal plaatsen.",
)
def capacity_command(participants: tuple[int, ...], as_json: bool, cycle_file: Path | None) -> int:
    """Benodigde capaciteit van de uitvoerder per aantal deelnemers (uren, dagen, fte)."""
    counts = list(participants)
    config = load_cycle_config(cycle_file) if cycle_file is not None else None
    if config is not None and not counts:
        counts = [config.cycle.places]
    if not counts:
        raise UserError("Geef een of meer aantallen deelnemers, bijvoorbeeld: capacity 20 30 40.")
    negative = [n for n in counts if n < 0]
    if negative:
        raise UserError(f"Aantal deelnemers kan niet negatief zijn: {negative[0]}.")
    norms = config.capacity if config is not None else CapacityNorms()
    rows = [capacity(n, norms) for n in counts]
    if as_json:
        click.echo(json.dumps([r.as_json(norms) for r in rows], ensure_ascii=False, indent=2))
    else:
        click.echo(format_table(rows, norms))
    return 0


@click.command("calendar")
@click.argument("cycle", type=click.Path(path_type=Path))
@click.option("--ics", type=click.Path(path_type=Path), help="Schrijf ook een iCalendar-bestand.")
@click.option(
    "--ics-per-deelnemer",
    "per_participant",
    type=click.Path(path_type=Path),
    help="Schrijf in deze (nieuwe) map één .ics per deelnemer met alleen diens bijeenkomsten.",
)
@click.option(
    "--agenda",
    is_flag=True,
    help="Schrijf één .ics per deelnemer in een nieuwe map CYCLUS/agenda/<datum>/.",
)
def calendar_command(
    cycle: Path, ics: Path | None, per_participant: Path | None, agenda: bool
) -> int:
    """Toon de mijlpalen en bijeenkomsten van de cyclus; optioneel als .ics."""
    calendar = cycle_calendar(cycle)
    click.echo(format_calendar(calendar))
    if ics is not None:
        path = write_ics(calendar, ics)
        click.echo(f"\nKalender geschreven naar '{path}'.")
    if agenda:
        folder, note = dated_folder(cycle_dir_of(cycle) / AGENDA_DIR, dt.date.today())
        if note:
            click.echo(f"\n{note}")
        per_participant = folder
    if per_participant is not None:
        paths = write_participant_ics(calendar, per_participant)
        click.echo(f"\n{len(paths)} agenda's per deelnemer geschreven naar '{per_participant}'.")
    return 0


COMMANDS: list[click.Command] = [
    init_command,
    status_command,
    decide_command,
    capacity_command,
    calendar_command,
]
