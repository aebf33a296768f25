"""The main job: validate → select → match → outputs.

Data moves forward only: workbook → domain → selection → matching →
:class:`~leernetwerk.proposal.Proposal` → files. Nothing is written until
everything has succeeded, and then all files at once
(:func:`leernetwerk.fsutil.write_outputs`).
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from leernetwerk import __version__
from leernetwerk.config import (
    CycleConfig,
    config_sha256,
    dutch_reason,
    load_cycle_config,
    with_overrides,
)
from leernetwerk.cycle import DecisionKind, config_toml, decided_proposal, latest_decision
from leernetwerk.domain import Registrations
from leernetwerk.edits import Edits, is_edited_workbook, load_edits
from leernetwerk.errors import Problem, UserError, did_you_mean
from leernetwerk.fsutil import sha256_file, write_outputs
from leernetwerk.history import History, load_history
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import Layout, Proposal, load_proposal
from leernetwerk.reasons import Code, reason, render_selection
from leernetwerk.repair import (
    RepairedSelection,
    repair_match,
    repair_record,
    repair_selection,
    repaired_config_text,
)
from leernetwerk.reports import write_proposal_workbook, write_report_html
from leernetwerk.runs import new_run_dir
from leernetwerk.solver_errors import user_error
from matching.engine import match
from matching.errors import MatchingError
from matching.selection import SelectionResult, select

Progress = Callable[[str, float, float | None], None]


@dataclass(frozen=True)
class RunInputs:
    workbook: Path
    cycle_path: Path | None
    places: int | None = None
    keep: Path | None = None
    selection: Path | None = None
    """For ``match``: take the selected names from this selection/proposal."""
    overrides: Mapping[str, Any] = field(default_factory=dict)
    """Settings replaced by dotted key (``weights.clubs.shared_themes``), on top of
    ``cycle_path``: an analyst's variant (:func:`leernetwerk.config.with_overrides`)."""
    keep_proposal: Path | None = None
    """With ``keep`` an edited proposal.xlsx: the proposal it was written from (a run
    folder or proposal.json); None: proposal.json beside the workbook."""
    manual: Path | None = None
    """A hand-made layout (JSON: clubs and rounds, as ``proposal.json`` has them) that
    the report and workbook compare the proposal with: the pilot's manual way."""

    def load_manual(self) -> Layout | None:
        """The hand-made layout, or None; a missing or broken file is a Dutch error."""
        if self.manual is None:
            return None
        try:
            return Layout.model_validate_json(self.manual.read_bytes())
        except FileNotFoundError:
            raise UserError(f"Handmatige indeling '{self.manual}' bestaat niet.") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            what = "geen geldige JSON" if first["type"] == "json_invalid" else dutch_reason(first)
            raise UserError(
                f"Handmatige indeling '{self.manual}' is geen geldige indeling (JSON met "
                "'clubs' en 'rounds', zoals examples/pilot-2025/manual_layout.json): "
                f"{what}" + (f" bij '{where}'" if where else "") + "."
            ) from None

    def load_config(self) -> CycleConfig:
        config = load_cycle_config(self.cycle_path)
        return with_overrides(config, dict(self.overrides)) if self.overrides else config


@dataclass(frozen=True)
class RunOutput:
    proposal: Proposal
    registrations: Registrations
    config: CycleConfig
    config_text: str
    run_record: dict
    met_before: frozenset[frozenset[str]] = frozenset()
    """Pairs that met in an earlier decided cycle (the outputs check them too)."""
    manual: Layout | None = None
    """A hand-made layout to compare with (``--handmatig``), if any."""


def config_text(
    cycle_path: Path | None, config: CycleConfig, overrides: Mapping[str, Any] | None = None
) -> str:
    """The cycle.toml used, as text: the file itself, or a note that defaults were used;
    with overrides the whole effective config (it reproduces the run)."""
    if overrides:
        listed = ", ".join(f"{k} = {v!r}" for k, v in sorted(overrides.items()))
        origin = str(cycle_path) if cycle_path is not None else "de standaardinstellingen"
        return f"# {origin} met: {listed}\n" + config_toml(config)
    if cycle_path is not None:
        return cycle_path.read_text(encoding="utf-8")
    return (
        "# Geen cycle.toml opgegeven: de standaardinstellingen van leernetwerk "
        f"{__version__} zijn gebruikt.\n"
    )


def cycle_history(cycle_path: Path | None) -> History:
    """History of earlier cycles when cycle.toml sits in a cycle folder under cycles/."""
    if cycle_path is None:
        return History()
    cycle_dir = cycle_path.resolve().parent
    return load_history(cycle_dir.parent, before=cycle_dir.name)


def check_matching_pins(registrations: Registrations, config: CycleConfig) -> None:
    """Matching pins must name registrants of the workbook (with a suggestion)."""
    names = [r.name for r in registrations]
    pins = config.pins
    named = [("club", p.name) for p in pins.club] + [("host", p.name) for p in pins.host]
    named += [("apart", n) for pair in pins.apart for n in pair]
    named += [("together", n) for p in pins.together for n in p.members]
    problems = [
        Problem(
            sheet="cycle.toml",
            column=f"pins.{kind}",
            value=name,
            message=f"'{name}' staat niet in de aanmeldingen.{did_you_mean(name, names)}",
        )
        for kind, name in named
        if name not in names
    ]
    if problems:
        raise UserError(problems)


def selected_names_from(path: Path) -> tuple[str, ...]:
    proposal = load_proposal(path if path.suffix == ".json" or path.is_dir() else path)
    if (
        path.is_dir()
        and not (path / "proposal.json").exists()
        and (path / "selection.json").exists()
    ):
        proposal = load_proposal(path / "selection.json")
    return proposal.selected


KEEP_DECIDED = "besluit"
"""``--keep besluit``: keep close to the cycle's last decided matching."""


def kept_layout(inputs: RunInputs) -> Layout | None:
    """The earlier layout to stay close to: a run folder, a proposal.json, or
    (``--keep besluit``) the proposal of the cycle's last matching decision."""
    if inputs.keep is None:
        return None
    if str(inputs.keep) == KEEP_DECIDED:
        if inputs.cycle_path is None:
            raise UserError("--keep besluit vraagt ook --cycle (de cycle.toml in de cyclusmap).")
        cycle_dir = inputs.cycle_path.resolve().parent
        decision = latest_decision(cycle_dir, DecisionKind.MATCHING)
        if decision is None:
            raise UserError(
                f"--keep besluit: er is nog geen matchingsbesluit in '{cycle_dir}'. "
                "Geef een runmap of proposal.json op."
            )
        return decided_proposal(cycle_dir, decision).layout
    return load_proposal(inputs.keep).layout


@dataclass(frozen=True)
class Prepared:
    """A run's inputs read and checked: what the selection and the matching start from."""

    inputs: RunInputs
    config: CycleConfig
    registrations: Registrations
    history: History
    keep_layout: Layout | None
    started: float
    edits: Edits | None = None
    """With ``--keep EDITED.xlsx``: the stuurgroep's edits, already in ``config.pins``."""


def prepare(inputs: RunInputs) -> Prepared:
    """Read and check the workbook, config, pins, history and kept layout (no solving)."""
    started = time.perf_counter()
    if not inputs.workbook.is_file():
        raise UserError(f"Aanmeldingen '{inputs.workbook}' bestaat niet.")
    config = inputs.load_config()
    registrations = load_registrations(inputs.workbook, config)
    history = cycle_history(inputs.cycle_path)
    if inputs.keep is not None and is_edited_workbook(inputs.keep):
        if not inputs.keep.is_file():
            raise UserError(f"Bewerkt werkboek '{inputs.keep}' bestaat niet.")
        edits = load_edits(inputs.keep, inputs.keep_proposal, registrations, config)
        config = edits.pinned(config)
        check_matching_pins(registrations, config)
        return Prepared(inputs, config, registrations, history, edits.layout, started, edits)
    check_matching_pins(registrations, config)
    return Prepared(inputs, config, registrations, history, kept_layout(inputs), started)


def run_pipeline(inputs: RunInputs, progress: Progress | None = None) -> RunOutput:
    """Run the whole job in memory; raises UserError (Dutch) on any input problem."""
    manual = inputs.load_manual()  # before solving: a broken file must not cost minutes
    prepared = prepare(inputs)
    output = run_matching(prepared, run_selection(prepared, progress), progress)
    return replace(output, manual=manual) if manual is not None else output


def run_selection(prepared: Prepared, progress: Progress | None = None) -> SelectionResult:
    """The selection step of a run. It reads only part of the config
    (:mod:`leernetwerk.explore.fingerprint` names which), so ``verken`` reuses it."""
    started = prepared.started
    if progress:
        progress("selectie", time.perf_counter() - started, None)
    if prepared.edits is not None:
        return repair_selection(
            prepared.edits,
            prepared.registrations,
            prepared.config,
            places=prepared.inputs.places,
            participation=prepared.history.participation,
        )
    try:
        return select(
            prepared.registrations,
            prepared.config,
            places=prepared.inputs.places,
            participation=prepared.history.participation,
            progress=(
                (
                    lambda stage, step, total: progress(
                        f"selectie: {stage} ({step:g} van {total:g})",
                        time.perf_counter() - started,
                        None,
                    )
                )
                if progress
                else None
            ),
        )
    except MatchingError as exc:
        raise user_error(exc) from None


def run_matching(
    prepared: Prepared, selection: SelectionResult, progress: Progress | None = None
) -> RunOutput:
    """The matching step of a run on ``selection``, and the run's proposal and record."""
    inputs, config, registrations = prepared.inputs, prepared.config, prepared.registrations
    history, keep_layout, started = prepared.history, prepared.keep_layout, prepared.started
    selected = selection.selected
    if inputs.selection is not None:
        selected = selected_names_from(inputs.selection)
        unknown = [n for n in selected if n not in registrations.by_name()]
        if unknown:
            raise UserError(
                "De selectie noemt deelnemers die niet in de aanmeldingen staan: "
                f"{', '.join(unknown)}."
            )
    participants = [registrations.get(n) for n in selected]
    reported = (
        (lambda phase, elapsed, best: progress(phase, time.perf_counter() - started, best))
        if progress
        else None
    )
    edits = prepared.edits
    try:
        if edits is not None:
            result = repair_match(
                participants, config, edits, met_before=history.met_pairs, progress=reported
            )
        else:
            result = match(
                participants,
                config,
                met_before=history.met_pairs.keys(),
                keep=keep_layout,
                progress=reported,
            )
    except MatchingError as exc:
        raise user_error(exc) from None

    selection_moved = selection.moved if isinstance(selection, RepairedSelection) else ()
    selection_entries = selection.entries
    if inputs.selection is not None:
        chosen = set(selected)
        selection_entries = tuple(
            e.model_copy(
                update={
                    "selected": e.name in chosen,
                    "codes": (decided := (reason(Code.DECIDED), *e.codes)),
                    "reasons": (render_selection(e.name, e.name in chosen, decided),),
                }
            )
            for e in selection.entries
        )
    settings = dict(selection.settings) | {f"matching_{k}": v for k, v in result.settings.items()}
    proposal = Proposal(
        cycle=config.cycle.name,
        input_file=str(inputs.workbook),
        input_sha256=sha256_file(inputs.workbook),
        config_sha256=config_sha256(
            None if inputs.overrides or edits is not None else inputs.cycle_path, config
        ),
        seed=config.solver.seed,
        solver=settings,
        selection=selection_entries,
        selection_quality=selection.quality,
        clubs=result.layout.clubs,
        rounds=result.layout.rounds,
        quality=result.quality,
        breakdown=result.breakdown,
        moved=selection_moved + result.moved,
        warnings=tuple(selection.warnings)
        + result.warnings
        + (edits.notes if edits is not None else ()),
    )
    record = {
        "leernetwerk": __version__,
        "python": platform.python_version(),
        "ortools": _ortools_version(),
        "input_file": str(inputs.workbook),
        "input_sha256": proposal.input_sha256,
        "config_file": str(inputs.cycle_path) if inputs.cycle_path else None,
        "config_sha256": proposal.config_sha256,
        "places": inputs.places or config.cycle.places,
        "keep": str(inputs.keep) if inputs.keep else None,
        "seed": config.solver.seed,
        "solver": settings,
        "selection_quality": selection.quality.model_dump(mode="json"),
        "matching_quality": result.quality.model_dump(mode="json"),
        "history_cycles": list(history.cycles),
        "wall_time": round(time.perf_counter() - started, 3),
    }
    text = config_text(inputs.cycle_path, config, inputs.overrides)
    if edits is not None:
        record["repair"] = repair_record(edits, proposal.moved)
        text = repaired_config_text(inputs.cycle_path, config, edits)
    return RunOutput(
        proposal, registrations, config, text, record, met_before=frozenset(history.met_pairs)
    )


def _ortools_version() -> str:
    return importlib.metadata.version("ortools")


def write_run(output: RunOutput, out: Path, *, force: bool, inputs: tuple[Path, ...]) -> list[Path]:
    """Write proposal.json, proposal.xlsx, report.html, cycle.toml and run.json, all or nothing."""

    p, regs, cfg, met = output.proposal, output.registrations, output.config, output.met_before
    writers = {
        "proposal.json": lambda path: path.write_text(p.to_json(), encoding="utf-8"),
        "proposal.xlsx": lambda path: write_proposal_workbook(
            p, regs, cfg, path, met, manual=output.manual
        ),
        "report.html": lambda path: write_report_html(
            p, regs, cfg, path, met, manual=output.manual
        ),
        "cycle.toml": lambda path: path.write_text(output.config_text, encoding="utf-8"),
        "run.json": lambda path: path.write_text(
            json.dumps(output.run_record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        ),
    }
    return write_outputs(out, writers, force=force, inputs=inputs)


def default_out_dir(cycle_path: Path | None, input_sha256: str) -> Path:
    """Inside a cycle folder: a new run folder cycles/<name>/runs/<time>-<hash>/."""

    if cycle_path is None:
        raise UserError(
            "Geef een uitvoermap op met --out, of een cycle.toml in een cyclusmap met --cycle "
            "(dan komt de uitvoer in <cyclus>/runs/)."
        )
    return new_run_dir(cycle_path.resolve().parent, input_sha256)
