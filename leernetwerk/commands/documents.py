"""Document commands: ``brieven``, ``startbijeenkomst``, ``draaiboek`` and, for the
closing phase, ``tussenevaluatie``, ``reflectieoverzicht`` and ``cyclusrapport``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import click

from leernetwerk.commands.cycle import parse_today
from leernetwerk.documents.evaluation import (
    write_cycle_report,
    write_midterm_memo,
    write_reflection_overviews,
)
from leernetwerk.documents.letters import DocumentsResult, write_letters
from leernetwerk.documents.sessions import write_scripts, write_start_packs

_cycle = click.argument("cycle", type=click.Path(path_type=Path))
_today = click.option(
    "--today", help="Datum van de documenten en van de map (standaard vandaag; JJJJ-MM-DD)."
)
_json = click.option("--json", "as_json", is_flag=True, help="Samenvatting als JSON.")


def _report(result: DocumentsResult, what: str, as_json: bool) -> int:
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        return 0
    for note in result.notes:
        click.echo(note)
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items() if n)
    click.echo(f"{len(result.written)} bestanden ({what}) geschreven in '{result.folder}'.")
    if counts:
        click.echo(f"Waarvan: {counts}.")
    return 0


def _command(
    name: str, what: str, write: Callable[[Path, dt.date | None], DocumentsResult], doc: str
) -> click.Command:
    @click.command(name, help=doc)
    @_cycle
    @_today
    @_json
    def command(cycle: Path, today: str | None, as_json: bool) -> int:
        return _report(write(cycle, parse_today(today)), what, as_json)

    return command


brieven_command = _command(
    "brieven",
    "brieven en verzendlijst",
    write_letters,
    "Schrijf na het selectiebesluit een brief per aanmelder (toegelaten, niet toegelaten, "
    "onvolledig, te laat) en verzendlijst.xlsx in CYCLUS/brieven/<datum>/.",
)

startbijeenkomst_command = _command(
    "startbijeenkomst",
    "startpakketten",
    write_start_packs,
    "Schrijf na het matchingbesluit per club een startpakket (agenda, deelnemers en "
    "contactgegevens, thema's en leervragen, voorgestelde leerbijeenkomsten) in "
    "CYCLUS/startbijeenkomsten/<datum>/.",
)

draaiboek_command = _command(
    "draaiboek",
    "draaiboeken",
    write_scripts,
    "Schrijf na het matchingbesluit per leerbijeenkomst een draaiboek (datum, locatie, host, "
    "deelnemers, thema's en leervragen, werkvorm, dagprogramma, voorbereidend gesprek, "
    "databronnen, leerkaarten) in CYCLUS/draaiboeken/<datum>/.",
)

tussenevaluatie_command = _command(
    "tussenevaluatie",
    "memo tussenevaluatie",
    write_midterm_memo,
    "Schrijf uit de laatste evaluatie het memo voor de tussenevaluatie met de "
    "begeleidingscommissie (stand van zaken, eerste cijfers, open punten, aanmeldprocedure "
    "volgende cyclus) in CYCLUS/tussenevaluatie/<datum>/.",
)

reflectieoverzicht_command = _command(
    "reflectieoverzicht",
    "overzichten reflectieverslagen",
    write_reflection_overviews,
    "Schrijf uit de laatste evaluatie per club een overzicht van de reflectieverslagen "
    "(ontvangen, ontbrekend, belangrijkste lessen) voor de evaluatiebijeenkomst, in "
    "CYCLUS/reflectieoverzichten/<datum>/.",
)

cyclusrapport_command = _command(
    "cyclusrapport",
    "concept cyclusrapport en kennisdocument",
    write_cycle_report,
    "Schrijf uit de laatste evaluatie het concept cyclusrapport/kennisdocument (thema's en "
    "lessen, cijfers met tabelgrafieken, het netwerk) in CYCLUS/cyclusrapport/<datum>/.",
)

COMMANDS: list[click.Command] = [
    brieven_command,
    startbijeenkomst_command,
    draaiboek_command,
    tussenevaluatie_command,
    reflectieoverzicht_command,
    cyclusrapport_command,
]
