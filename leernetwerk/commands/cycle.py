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
from leernetwerk.capacity import (
    CapacityNorms,
    affordable_places,
    capacity,
    cost_of,
    format_budget,
    format_line_items,
    format_staff,
    format_table,
)
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
from leernetwerk.cycle.decisions import AdjustmentMoment
from leernetwerk.cycle.folder import AGENDA_DIR, dated_folder
from leernetwerk.cycle.next_cycle import init_from
from leernetwerk.cycle.steering import parse_amount, parse_changes, record_adjustment, record_setup
from leernetwerk.documents.templates import template_writers
from leernetwerk.errors import Problem, UserError


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
@click.option(
    "--budget-year",
    type=int,
    help="Begrotingsjaar T van de cyclus (verplicht, behalve met --from: dan het jaar na de "
    "vorige cyclus).",
)
@click.option("--places", type=int, help="Aantal plaatsen (standaard 30; met --from overgenomen).")
@click.option(
    "--from",
    "source",
    type=click.Path(path_type=Path),
    help="Vorige cyclus: neem haar instellingen over (zonder vastzettingen) met de besloten "
    "bijsturingen.",
)
def init_command(
    folder: Path, budget_year: int | None, places: int | None, source: Path | None
) -> int:
    """Maak een nieuwe cyclusmap met cycle.toml, een leeg aanmeldsjabloon en de Word-sjablonen."""
    if source is not None:
        if places is not None:
            raise UserError(
                "--places gaat niet samen met --from: het aantal plaatsen komt uit de vorige "
                "cyclus en haar bijsturing (--set cycle.places=N), of uit het opzetbesluit.",
                exit_code=2,
            )
        result = init_from(folder, source, budget_year, extra=template_writers())
    else:
        if budget_year is None:
            raise UserError("Geef --budget-year JAAR op (of --from VORIGE_CYCLUS).", exit_code=2)
        result = init_cycle(
            folder, budget_year, 30 if places is None else places, extra=template_writers()
        )
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
@click.option("--run", "run", help="Selectie en matching: de run (map in CYCLUS/runs).")
@click.option("--by", "by", default="stuurgroep", show_default=True, help="Wie besloot.")
@click.option("--note", default="", help="Toelichting bij het besluit (bij bijsturing verplicht).")
@click.option("--today", help="Datum van het besluit (standaard vandaag; JJJJ-MM-DD).")
@click.option("--places", type=int, help="Opzet: het aantal plaatsen.")
@click.option("--budget", help="Opzet: het budget van de uitvoerder in euro (bijv. 120.000).")
@click.option("--uurtarief", "hourly_rate", help="Opzet: het uurtarief van de uitvoerder in euro.")
@click.option(
    "--moment",
    type=click.Choice([m.value for m in AdjustmentMoment]),
    help="Bijsturing: na de tussenevaluatie of aan het eind van de cyclus.",
)
@click.option(
    "--set",
    "changes",
    multiple=True,
    help="Bijsturing: INSTELLING=waarde voor de volgende cyclus (herhaalbaar), bijv. "
    "weights.selection.earlier_participation=40.",
)
def decide_command(
    cycle: Path,
    kind: str,
    run: str | None,
    by: str,
    note: str,
    today: str | None,
    places: int | None,
    budget: str | None,
    hourly_rate: str | None,
    moment: str | None,
    changes: tuple[str, ...],
) -> int:
    """Leg een besluit van de stuurgroep vast: selectie of matching (op een run), de opzet
    (plaatsen, budget, uurtarief) of een bijsturing; nooit overschreven."""
    decision_kind = DecisionKind(kind)
    day = parse_today(today)
    _check_decide_options(decision_kind, run, places, budget, hourly_rate, moment, changes)
    if decision_kind is DecisionKind.SETUP:
        assert places is not None
        setup = record_setup(
            cycle,
            places,
            budget=parse_amount(budget, "--budget"),
            hourly_rate=parse_amount(hourly_rate, "--uurtarief"),
            by=by,
            note=note,
            today=day,
        )
        click.echo(f"Besluit opzet vastgelegd in '{setup.path}'.")
        for line in setup.notes:
            click.echo(line)
        return 0
    if decision_kind is DecisionKind.ADJUSTMENT:
        assert moment is not None
        adjusted = record_adjustment(cycle, moment, note, parse_changes(changes), by=by, today=day)
        click.echo(f"Besluit bijsturing vastgelegd in '{adjusted.path}'.")
        for line in adjusted.notes:
            click.echo(line)
        return 0
    assert run is not None
    result = record_decision(cycle_dir_of(cycle), kind, run, by=by, note=note, today=day)
    decision = result.decision
    click.echo(
        f"Besluit {decision_kind.label} vastgelegd in '{result.path}': run "
        f"'{decision.run}', door {decision.decided_by} op {format_date(decision.decided_on)}, "
        f"{len(decision.selected)} deelnemers."
    )
    for line in result.notes:
        click.echo(line)
    return 0


def _check_decide_options(
    kind: DecisionKind,
    run: str | None,
    places: int | None,
    budget: str | None,
    hourly_rate: str | None,
    moment: str | None,
    changes: tuple[str, ...],
) -> None:
    """Each kind takes its own options; a missing or foreign one is a usage error."""
    given = {
        "--run": run is not None,
        "--places": places is not None,
        "--budget": budget is not None,
        "--uurtarief": hourly_rate is not None,
        "--moment": moment is not None,
        "--set": bool(changes),
    }
    allowed, required = {
        DecisionKind.SELECTION: ({"--run"}, {"--run"}),
        DecisionKind.MATCHING: ({"--run"}, {"--run"}),
        DecisionKind.SETUP: ({"--places", "--budget", "--uurtarief"}, {"--places"}),
        DecisionKind.ADJUSTMENT: ({"--moment", "--set"}, {"--moment"}),
    }[kind]
    problems = [
        f"{option} hoort niet bij een besluit over de {kind.label}."
        for option, present in given.items()
        if present and option not in allowed
    ]
    problems += [
        f"Een besluit over de {kind.label} vraagt {option}."
        for option in sorted(required)
        if not given[option]
    ]
    if problems:
        raise UserError([Problem(message=m) for m in problems], exit_code=2)


@click.command("capacity")
@click.argument("participants", type=int, nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Machineleesbare uitvoer.")
@click.option(
    "--cycle",
    "cycle_file",
    type=click.Path(path_type=Path),
    help="cycle.toml: de urennormen uit [capacity]; zonder aantallen het aantal plaatsen.",
)
@click.option("--uurtarief", "hourly_rate", help="Uurtarief van de uitvoerder in euro: het budget.")
@click.option(
    "--budget",
    help="Budget in euro (met --uurtarief): het grootste aantal plaatsen dat het betaalt.",
)
@click.option("--posten", is_flag=True, help="Toon ook alle posten van tabel 5 (bijlage E).")
def capacity_command(
    participants: tuple[int, ...],
    as_json: bool,
    cycle_file: Path | None,
    hourly_rate: str | None,
    budget: str | None,
    posten: bool,
) -> int:
    """Benodigde capaciteit van de uitvoerder per aantal deelnemers: uren, dagen, fte, de
    bezetting per maand en, met een uurtarief, het budget."""
    counts = list(participants)
    config = load_cycle_config(cycle_file) if cycle_file is not None else None
    norms = config.capacity if config is not None else CapacityNorms()
    rate = parse_amount(hourly_rate, "--uurtarief")
    money = parse_amount(budget, "--budget")
    if money is not None and rate is None:
        raise UserError("--budget vraagt ook --uurtarief: het budget hangt af van het tarief.")
    fits = affordable_places(money, rate, norms) if money is not None and rate is not None else None
    if config is not None and not counts:
        counts = [config.cycle.places]
    if not counts and fits:
        counts = [fits]
    if not counts:
        raise UserError("Geef een of meer aantallen deelnemers, bijvoorbeeld: capacity 20 30 40.")
    negative = [n for n in counts if n < 0]
    if negative:
        raise UserError(f"Aantal deelnemers kan niet negatief zijn: {negative[0]}.")
    rows = [capacity(n, norms) for n in counts]
    if as_json:
        records = [r.as_json(norms) for r in rows]
        for record, row in zip(records, rows, strict=True):
            if rate is not None:
                cost = cost_of(row.hours, rate)
                record["hourly_rate"] = float(rate)
                record["cost"] = float(cost)
            if money is not None and rate is not None:
                record["budget"] = float(money)
                record["within_budget"] = cost_of(row.hours, rate) <= money
                record["affordable_places"] = fits
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    click.echo(format_table(rows, norms))
    click.echo("")
    click.echo(format_staff(rows))
    if rate is not None:
        click.echo("")
        click.echo(format_budget(rows, rate, money, norms))
    if posten:
        click.echo("")
        click.echo("Posten (tabel 5, bijlage E), uren:")
        click.echo(format_line_items(rows, norms))
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
