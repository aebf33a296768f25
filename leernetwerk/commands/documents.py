"""Document commands: ``brieven``, ``startbijeenkomst`` and ``draaiboek``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import click

from leernetwerk.commands.cycle import parse_today
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

COMMANDS: list[click.Command] = [brieven_command, startbijeenkomst_command, draaiboek_command]
