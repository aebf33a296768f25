"""``leernetwerk verken``: how the proposal responds to the weights (issue 14)."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import click

from leernetwerk.config import CycleConfig, with_overrides
from leernetwerk.errors import UserError
from leernetwerk.explore.cache import VariantCache, default_cache_dir
from leernetwerk.explore.outputs import write_exploration
from leernetwerk.explore.report import Exploration
from leernetwerk.explore.runner import RunStats, compute_variants
from leernetwerk.explore.thresholds import find_thresholds, parse_threshold_spec
from leernetwerk.explore.variants import (
    USAGE_EXIT,
    Variant,
    build_variants,
    checked_values,
    parse_vary,
    setting_value,
)
from leernetwerk.fsutil import check_out_dir, sha256_file
from leernetwerk.intake import load_registrations
from leernetwerk.pipeline import RunInputs, cycle_history
from leernetwerk.proposal import Proposal
from matching.scoring import score_layout


def explore(
    inputs: RunInputs,
    vary: tuple[str, ...],
    grid: bool,
    thresholds: str | None,
    jobs: int,
    cache: VariantCache | None,
    out: Path,
    force: bool,
    quiet: bool,
    stats: RunStats | None = None,
) -> list[Path]:
    """Check everything, compute the variants, write the three files (all or nothing)."""
    if not inputs.workbook.is_file():
        raise UserError(f"Aanmeldingen '{inputs.workbook}' bestaat niet.")
    if not vary and thresholds is None:
        raise UserError(
            "Geef minstens één --vary INSTELLING=waarde1,waarde2 op (of --drempels INSTELLING).",
            exit_code=USAGE_EXIT,
        )
    if vary and thresholds is not None:
        raise UserError(
            "--drempels gaat niet samen met --vary: zoek de drempels van één instelling "
            "in een aparte verkenning.",
            exit_code=USAGE_EXIT,
        )
    config = inputs.load_config()
    specs = [parse_vary(text) for text in vary]
    spec = parse_threshold_spec(thresholds, config) if thresholds is not None else None
    values = checked_values(config, specs) if specs else []
    protected = tuple(p for p in (inputs.workbook, inputs.cycle_path) if p is not None)
    check_out_dir(out, force=force, inputs=protected)

    stats = stats if stats is not None else RunStats()
    report = (lambda line: None) if quiet else partial(click.echo, err=True)
    compute = partial(compute_variants, inputs, jobs=jobs, cache=cache, report=report, stats=stats)
    result = None
    if spec is not None:
        keys: tuple[str, ...] = (spec.key,)
        base_value = setting_value(config, spec.key)
        result, found, proposals = find_thresholds(spec, base_value, compute)
        at = found.index(Variant())
        variants = [found[at], *found[:at], *found[at + 1 :]]
        proposals = [proposals[at], *proposals[:at], *proposals[at + 1 :]]
    else:
        keys = tuple(key for key, _ in values)
        variants = build_variants(config, values, grid=grid)
        proposals = compute(variants)
    exploration = Exploration(
        base_rescored=base_layout_scores(inputs, config, variants, proposals),
        workbook=inputs.workbook.name,
        input_sha256=sha256_file(inputs.workbook),
        cycle=inputs.cycle_path.name if inputs.cycle_path else None,
        keys=keys,
        base_values={key: setting_value(config, key) for key in keys},
        variants=tuple(variants),
        proposals=tuple(proposals),
        grid=grid,
        thresholds=result,
    )
    return write_exploration(exploration, out, force=force, inputs=protected)


def base_layout_scores(
    inputs: RunInputs, config: CycleConfig, variants: list[Variant], proposals: list[Proposal]
) -> tuple[float | None, ...]:
    """The base layout scored under every variant's settings (the same ruler as the
    variant's own score), to tell a weight's effect from where the search stopped."""
    base = proposals[0]
    registrations = load_registrations(inputs.workbook, config).by_name()
    people = {name: registrations[name] for name in base.selected}
    met = frozenset(cycle_history(inputs.cycle_path).met_pairs)
    scores: list[float | None] = []
    for variant, proposal in zip(variants, proposals, strict=True):
        if set(proposal.selected) != set(base.selected):
            scores.append(None)
            continue
        settings = with_overrides(config, variant.as_dict())
        scores.append(score_layout(base.layout, people, settings, met).total)
    return tuple(scores)


@click.command("verken")
@click.argument("workbook", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--cycle",
    "cycle_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Cycleconfiguratie (cycle.toml): de basis; zonder: de standaardinstellingen.",
)
@click.option("--places", type=click.IntRange(min=1), default=None, help="Aantal plaatsen.")
@click.option(
    "--vary",
    multiple=True,
    metavar="INSTELLING=W1,W2,…",
    help="Te variëren instelling en waarden, bijvoorbeeld weights.clubs.region=-2,0,2 (mag vaker).",
)
@click.option("--grid", is_flag=True, help="Alle combinaties in plaats van één tegelijk.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Aantal processen tegelijk (standaard: het aantal processorkernen).",
)
@click.option(
    "--drempels",
    "thresholds",
    default=None,
    metavar="INSTELLING[=VAN:TOT]",
    help="Zoek de waarden van één gewicht waarbij de indeling verandert, bijvoorbeeld "
    "weights.clubs.region=-5:5.",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Map voor eerder berekende varianten (standaard ~/.cache/leernetwerk).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Nieuwe of lege uitvoermap.",
)
@click.option("--force", is_flag=True, help="Vervang de uitvoer in een niet-lege map.")
@click.option("--quiet", is_flag=True, help="Geen voortgangsmeldingen.")
def verken_command(
    workbook: Path,
    cycle_path: Path | None,
    places: int | None,
    vary: tuple[str, ...],
    grid: bool,
    jobs: int | None,
    thresholds: str | None,
    cache_dir: Path | None,
    out: Path,
    force: bool,
    quiet: bool,
) -> int:
    """Verken de gewichten: bereken het voorstel voor varianten van de instellingen en
    laat zien wat verschuift en wat in elke variant blijft."""
    stats = RunStats()
    cache = VariantCache(cache_dir if cache_dir is not None else default_cache_dir())
    written = explore(
        RunInputs(workbook, cycle_path, places),
        vary,
        grid,
        thresholds,
        jobs or os.cpu_count() or 1,
        cache,
        out,
        force,
        quiet,
        stats,
    )
    click.echo(
        f"Verkenning: {stats.variants} varianten berekend of opgehaald; "
        f"{stats.from_cache} uit de cache, {stats.computed} berekend "
        f"({stats.selections} {'selectie' if stats.selections == 1 else 'selecties'})."
    )
    click.echo(f"Uitvoer geschreven naar {out}/:")
    for path in written:
        click.echo(f"  {path.name}")
    return 0
