"""``leernetwerk run`` (the main job) and ``leernetwerk match``."""

from __future__ import annotations

import time
from pathlib import Path

import click

from leernetwerk import interrupt
from leernetwerk.edits import is_edited_workbook
from leernetwerk.errors import UserError
from leernetwerk.fsutil import check_out_dir, sha256_file
from leernetwerk.pipeline import RunInputs, RunOutput, default_out_dir, run_pipeline, write_run
from leernetwerk.reports.common import (
    baseline_comparison,
    fmt_number,
    quality_ratio,
    shared_themes_sentence,
)


class ProgressPrinter:
    """Prints phase, elapsed time and best score so far to stderr, at most once a second
    per phase (a count in parentheses, e.g. "(12 van 31)", is not a new phase)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.last_phase = ""
        self.last_time = -1.0

    def __call__(self, phase: str, elapsed: float, best: float | None) -> None:
        interrupt.check()
        if self.quiet:
            return
        now = time.monotonic()
        head = phase.split(" (")[0]
        if head == self.last_phase and now - self.last_time < 1.0:
            return
        self.last_phase, self.last_time = head, now
        score = f", beste score tot nu toe {best:.1f}" if best is not None else ""
        click.echo(f"[{elapsed:6.1f} s] {phase}{score}", err=True)


def summary(output: RunOutput) -> list[str]:
    p = output.proposal
    q = p.quality
    regs = output.registrations.by_name()
    lines = [
        f"Cyclus {p.cycle}: {len(p.selected)} van {len(p.selection)} aanmeldingen geselecteerd."
    ]
    deficit = sum(1 for n in p.selected if regs[n].balance.is_deficit)
    lines.append(f"Balans: {deficit} tekort tegen {len(p.selected) - deficit} overschot/neutraal.")
    for club in p.clubs:
        d = sum(1 for n in club.members if regs[n].balance.is_deficit)
        lines.append(
            f"  Club {club.id}: {len(club.members)} deelnemers ({d} tekort, "
            f"{len(club.members) - d} overschot/neutraal): {', '.join(club.members)}"
        )
    sessions = sum(len(r.sessions) for r in p.rounds)
    lines.append(
        f"{sessions} leerbijeenkomsten in {len(p.rounds)} rondes (eerst zijn de clubs "
        "gekozen, daarna de bijeenkomsten binnen elke club)."
    )
    if q.objective is not None:
        comparison = baseline_comparison(p, output.registrations, output.config, output.met_before)
        themes = shared_themes_sentence(comparison) if comparison is not None else None
        ratio = quality_ratio(q)
        compared = (
            f": {fmt_number(ratio, 2)} keer zo hoog als een eenvoudige indeling" if ratio else ""
        )
        lines.append(
            f"Score {fmt_number(q.objective)}{compared}" + (f"; {themes}." if themes else ".")
        )
    lines.append("Rekendetails: zie de bijlage voor analisten in report.html en proposal.xlsx.")
    lines.extend(f"Waarschuwing: {w}" for w in p.warnings)
    lines.extend(f"Verschoven: {m}" for m in p.moved)
    return lines


def _execute(inputs: RunInputs, out: Path | None, force: bool, quiet: bool) -> int:
    if not inputs.workbook.is_file():
        raise UserError(f"Aanmeldingen '{inputs.workbook}' bestaat niet.")
    # Every output precondition before any solving: a refusal must not cost minutes.
    target = out or default_out_dir(inputs.cycle_path, sha256_file(inputs.workbook))
    protected = kept_inputs(inputs)
    check_out_dir(target, force=force, inputs=protected)
    output = run_pipeline(inputs, progress=ProgressPrinter(quiet))
    written = write_run(output, target, force=force, inputs=protected)
    for line in summary(output):
        click.echo(line)
    for line in repair_summary(output):
        click.echo(line)
    click.echo(f"Uitvoer geschreven naar {target}/:")
    for path in written:
        click.echo(f"  {path.name}")
    return 0


def run_and_write(inputs: RunInputs, out: Path | None, force: bool, quiet: bool) -> int:
    """Run ``inputs`` and write the run folder, as ``run`` does (for ``check --repair``)."""
    return _execute(inputs, out, force, quiet)


def kept_inputs(inputs: RunInputs) -> tuple[Path, ...]:
    """Files a run must never overwrite: its inputs, and with ``--keep`` an edited
    workbook with the proposal it came from (the run folder it sits in)."""
    paths = [inputs.workbook, inputs.cycle_path]
    if is_edited_workbook(inputs.keep):
        assert inputs.keep is not None
        paths += [inputs.keep, inputs.keep.parent / "proposal.json", inputs.keep_proposal]
    return tuple(p for p in paths if p is not None)


def repair_summary(output: RunOutput) -> list[str]:
    """With ``--keep EDITED.xlsx``: the edits taken over as pins (the changes beyond
    them are in the summary's "Verschoven" lines)."""
    record = output.run_record.get("repair")
    if not record:
        return []
    edits = record["edits"]
    lines = [f"Wijzigingen uit '{record['edited_workbook']}', vastgezet als pins: {len(edits)}."]
    lines += [f"  {line}" for line in edits]
    if not edits:
        lines[0] = f"Geen wijzigingen gevonden in '{record['edited_workbook']}'."
    moved = record["moved"]
    lines.append(
        f"Verder veranderd: {len(moved)} (zie 'Verschoven')."
        if moved
        else "Verder is niemand verschoven."
    )
    return lines


_workbook = click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
_cycle = click.option(
    "--cycle",
    "cycle_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Cycleconfiguratie (cycle.toml); zonder: de standaardinstellingen.",
)
_out = click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Nieuwe of lege uitvoermap. Zonder: <cyclusmap>/runs/<tijd>-<hash>/.",
)
_force = click.option("--force", is_flag=True, help="Vervang de uitvoer in een niet-lege map.")
_keep = click.option(
    "--keep",
    type=click.Path(path_type=Path),
    default=None,
    help="Eerder voorstel (runmap of proposal.json, of 'besluit' voor het laatste "
    "matchingsbesluit van de cyclus): verplaats zo min mogelijk deelnemers. Een door de "
    "stuurgroep bewerkt proposal.xlsx: elke wijziging wordt een pin en de rest wordt "
    "hersteld (zie docs/repair.md).",
)
_quiet = click.option("--quiet", is_flag=True, help="Geen voortgangsmeldingen.")
_manual = click.option(
    "--handmatig",
    "manual",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Handmatige indeling (JSON met clubs en rondes, zoals "
    "examples/pilot-2025/manual_layout.json): het rapport vergelijkt het voorstel ermee.",
)


@click.command("run")
@_workbook
@_cycle
@click.option(
    "--places",
    type=click.IntRange(min=1),
    default=None,
    help="Aantal plaatsen (standaard: cycle.places).",
)
@_out
@_force
@_keep
@_manual
@_quiet
def run_command(
    workbook: Path,
    cycle_path: Path | None,
    places: int | None,
    out: Path | None,
    force: bool,
    keep: Path | None,
    manual: Path | None,
    quiet: bool,
) -> int:
    """Hoofdtaak: controleer, selecteer, deel in (clubs en bijeenkomsten) en schrijf
    het voorstel."""
    inputs = RunInputs(workbook, cycle_path, places, keep, manual=manual)
    return _execute(inputs, out, force, quiet)


@click.command("match")
@_workbook
@_cycle
@click.option(
    "--selection",
    type=click.Path(path_type=Path, exists=True),
    default=None,
    help="Vastgestelde selectie (selection.json, proposal.json of runmap); zonder: het eigen "
    "selectievoorstel.",
)
@_out
@_force
@_keep
@_quiet
def match_command(
    workbook: Path,
    cycle_path: Path | None,
    selection: Path | None,
    out: Path | None,
    force: bool,
    keep: Path | None,
    quiet: bool,
) -> int:
    """Deel de geselecteerde deelnemers in clubs en bijeenkomsten in."""
    return _execute(
        RunInputs(workbook, cycle_path, keep=keep, selection=selection), out, force, quiet
    )
