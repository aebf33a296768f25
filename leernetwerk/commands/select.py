"""``leernetwerk select``: propose and explain who takes part (GitHub issue 3).

Reads the registrations workbook, runs :func:`matching.selection.select`,
prints a Dutch summary and writes into ``DIR``:

* ``selection.json`` – a :class:`~leernetwerk.proposal.Proposal` holding only
  the selection (reason codes and the rendered sentences);
* ``report.html`` – the stuurgroep's selection report
  (:mod:`leernetwerk.reports.selection_report`);
* ``selectie.xlsx`` – the same in a workbook
  (:mod:`leernetwerk.reports.selection_workbook`).

All through :func:`leernetwerk.fsutil.write_outputs`: all or nothing, never
into a non-empty folder without ``--force``, nothing at all when the input is
invalid.
"""

from __future__ import annotations

from pathlib import Path

import click

from leernetwerk.config import config_sha256, load_cycle_config
from leernetwerk.errors import UserError
from leernetwerk.fsutil import check_out_dir, sha256_file, write_outputs
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import Proposal, SolveStatus
from leernetwerk.reports.selection_report import write_selection_report
from leernetwerk.reports.selection_workbook import write_selection_workbook
from leernetwerk.solver_errors import user_error
from matching.errors import MatchingError
from matching.selection import SelectionResult, select

OUTPUTS = ("selection.json", "report.html", "selectie.xlsx")


@click.command("select")
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--cycle",
    "cycle_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Cycleconfiguratie (cycle.toml); zonder: de standaardinstellingen.",
)
@click.option(
    "--places",
    type=click.IntRange(min=1),
    default=None,
    help="Aantal plaatsen (standaard: cycle.places uit de configuratie).",
)
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="Uitvoermap voor selection.json, report.html en selectie.xlsx.",
)
@click.option("--force", is_flag=True, help="Vervang de uitvoer in een niet-lege map.")
def select_command(
    workbook: Path, cycle_path: Path | None, places: int | None, out: Path, force: bool
) -> int:
    """Stel een selectie voor en leg elke keuze uit."""
    config = load_cycle_config(cycle_path)
    if not workbook.is_file():
        raise UserError(f"Aanmeldingen '{workbook}' bestaat niet.")
    inputs = (workbook,) + ((cycle_path,) if cycle_path is not None else ())
    check_out_dir(out, force=force, inputs=inputs)  # before any solving
    registrations = load_registrations(workbook, config)
    try:
        result = select(registrations, config, places=places)
    except MatchingError as exc:
        raise user_error(exc) from None

    proposal = Proposal(
        cycle=config.cycle.name,
        input_file=workbook.name,
        input_sha256=sha256_file(workbook),
        config_sha256=config_sha256(cycle_path, config),
        seed=config.solver.seed,
        solver=dict(result.settings),
        selection=result.entries,
        selection_quality=result.quality,
        warnings=result.warnings,
    )

    def write_selection(path: Path) -> None:
        path.write_text(proposal.to_json(), encoding="utf-8")

    def write_report(path: Path) -> None:
        write_selection_report(proposal, registrations, config, path, result.breakdown)

    def write_workbook(path: Path) -> None:
        write_selection_workbook(proposal, registrations, config, path, result.breakdown)

    writers = dict(zip(OUTPUTS, (write_selection, write_report, write_workbook), strict=True))
    written = write_outputs(out, writers, force=force, inputs=inputs)
    echo_summary(result, registrations_count=len(registrations))
    for path in written:
        click.echo(f"Geschreven: {path}")
    return 0


def echo_summary(result: SelectionResult, registrations_count: int) -> None:
    """Print the Dutch summary: counts, balance, certainty, one line per registrant."""
    places = result.settings.get("places")
    deficit, other = result.balance
    click.echo(
        f"Selectie: {len(result.selected)} van {registrations_count} aanmeldingen geselecteerd "
        f"({places} plaatsen)."
    )
    click.echo(f"Balans: {deficit} tekort tegen {other} overschot/neutraal.")
    if result.quality.status is SolveStatus.OPTIMAL:
        click.echo("Zekerheid: aantoonbaar de beste selectie volgens de afwegingsregels.")
    else:
        click.echo(
            "Zekerheid: de berekening stopte aan het eind van de rekentijd; een iets betere "
            "selectie is niet uitgesloten."
        )
    click.echo("De cijfers van de berekening staan in de bijlage van report.html.")
    for warning in result.warnings:
        click.echo(f"Let op: {warning}")
    for entry in result.entries:
        mark = "JA " if entry.selected else "nee"
        click.echo(f"  [{mark}] {entry.name}: {entry.reason}")
