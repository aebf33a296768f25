"""The next cycle starts from this one: ``leernetwerk init NEXT --from CYCLE``.

The new cycle takes over the previous cycle's ``cycle.toml`` (weights, themes,
club and session settings, planning, capacity norms, solver settings), never
its pins (they name that cycle's registrants), with the name, budget year and
default registration deadline of the new folder. Then the settings changed by
the previous cycle's adjustment decisions are applied, oldest first.

``herkomst.json`` in the new folder records where it came from: the previous
cycle, the hash of its cycle.toml, its decided matching, its latest
evaluatie.json and every adjustment applied (with the hash of its decision
file). ``leernetwerk status`` of the new cycle reads it to show what the
previous cycle left open.

The history (:mod:`leernetwerk.history`) reads the cycle folders next to each
other, ordered by name: so the new folder must sit next to the previous one
and sort after it (the usual names ``2026-2027``, ``2027-2028`` do).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from leernetwerk.config import CycleConfig, Pins, with_overrides
from leernetwerk.cycle.decisions import (
    AdjustmentDecision,
    AdjustmentMoment,
    DecisionKind,
    adjustments,
    decisions_dir,
    latest_decision,
    latest_setup,
)
from leernetwerk.cycle.evaluation_data import NOT_EVALUATED, latest_evaluation
from leernetwerk.cycle.folder import CONFIG_FILE, TEMPLATE_FILE, config_path, load_cycle
from leernetwerk.cycle.init import InitResult, config_toml, new_cycle_folder
from leernetwerk.errors import UserError
from leernetwerk.fsutil import Writer, sha256_file, write_outputs
from leernetwerk.registrations_io import write_template
from leernetwerk.timeline import Phase, default_deadline, phase_windows

ORIGIN_FILE = "herkomst.json"


class AppliedAdjustment(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    sha256: str
    """sha256 of the decision file, so a later change to it would show."""
    moment: AdjustmentMoment
    note: str
    changes: dict[str, bool | int | float | str]


class Origin(BaseModel):
    """``herkomst.json``: what a cycle made with ``init --from`` took over."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    from_cycle: str
    from_folder: str
    """The previous cycle's folder, relative to this one (``../2026-2027``)."""
    from_config_sha256: str
    matching_decision: str | None
    evaluation_file: str | None
    evaluation_sha256: str | None
    adjustments: tuple[AppliedAdjustment, ...]
    not_copied: tuple[str, ...] = ("pins",)
    created_on: dt.date


def _relative(target: Path, start: Path) -> str:
    """``target`` relative to ``start`` when both share a parent, else absolute."""
    if target.resolve().parent == start.resolve().parent:
        return f"../{target.name}"
    return str(target.resolve())


def carried_config(
    previous: CycleConfig, name: str, budget_year: int, applied: list[AdjustmentDecision]
) -> CycleConfig:
    """The previous config with the new cycle section, no pins, adjustments applied."""
    section = previous.cycle.model_copy(
        update={
            "name": name,
            "budget_year": budget_year,
            "registration_deadline": default_deadline(budget_year),
        }
    )
    config = previous.model_copy(update={"cycle": section, "pins": Pins()})
    config = CycleConfig.model_validate(config.model_dump(mode="python"))
    for decision in applied:
        if decision.changes:
            config = with_overrides(
                config, dict(decision.changes), source=f"bijsturing {decision.id}"
            )
    return config


def _check_place(folder: Path, source_dir: Path) -> None:
    if folder.resolve().parent != source_dir.resolve().parent:
        raise UserError(
            f"De nieuwe cyclus '{folder}' moet naast de vorige staan (in "
            f"'{source_dir.resolve().parent}'): de geschiedenis (eerdere deelname, wie wie al "
            "trof) leest de cyclusmappen die naast elkaar staan. Er is niets gewijzigd."
        )
    if folder.name <= source_dir.name:
        raise UserError(
            f"De naam '{folder.name}' moet na '{source_dir.name}' komen (de cycli worden op "
            "naam geordend, bijvoorbeeld 2026-2027 en dan 2027-2028). Er is niets gewijzigd."
        )


def init_from(
    folder: Path,
    source: Path,
    budget_year: int | None = None,
    extra: Mapping[str, Writer] | None = None,
    today: dt.date | None = None,
) -> InitResult:
    """Create ``folder`` as the cycle after ``source``; all files or none."""
    folder = Path(folder)
    source_dir = config_path(source).parent
    previous = load_cycle(source_dir)
    year = budget_year if budget_year is not None else previous.cycle.budget_year + 1
    new_cycle_folder(folder, year)
    _check_place(folder, source_dir)
    applied = adjustments(source_dir)
    config = carried_config(previous, folder.name, year, applied)
    matching = latest_decision(source_dir, DecisionKind.MATCHING)
    evaluation = latest_evaluation(source_dir)
    origin = Origin(
        from_cycle=previous.cycle.name,
        from_folder=_relative(source_dir, folder),
        from_config_sha256=sha256_file(config_path(source_dir)),
        matching_decision=matching.id if matching else None,
        evaluation_file=(
            evaluation[0].relative_to(source_dir).as_posix() if evaluation is not None else None
        ),
        evaluation_sha256=sha256_file(evaluation[0]) if evaluation is not None else None,
        adjustments=tuple(
            AppliedAdjustment(
                id=d.id,
                sha256=sha256_file(decisions_dir(source_dir) / f"{d.id}.json"),
                moment=d.moment,
                note=d.note,
                changes=d.changes,
            )
            for d in applied
        ),
        created_on=today or dt.date.today(),
    )
    header = [
        f"# Overgenomen van cyclus {previous.cycle.name} (leernetwerk init --from); "
        f"herkomst in {ORIGIN_FILE}.",
        "# Niet overgenomen: de vastzettingen (pins).",
    ]
    for d in applied:
        listed = ", ".join(f"{k} = {v}" for k, v in d.changes.items()) or "geen instellingen"
        header.append(f"# Bijsturing {d.id}: {listed}.")
    text = "\n".join(header) + "\n" + config_toml(config)
    origin_text = json.dumps(origin.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    writers: dict[str, Writer] = {
        CONFIG_FILE: lambda p: p.write_text(text, encoding="utf-8"),
        TEMPLATE_FILE: lambda p: write_template(p, config),
        ORIGIN_FILE: lambda p: p.write_text(origin_text, encoding="utf-8"),
        **(extra or {}),
    }
    written = write_outputs(folder, writers)
    notes = [
        f"Instellingen overgenomen van cyclus {previous.cycle.name}, zonder vastzettingen (pins)."
    ]
    notes += [f"Bijsturing toegepast: {d.id} ({d.note})" for d in applied if d.changes]
    if matching is None:
        notes.append(
            f"Let op: cyclus {previous.cycle.name} heeft geen matchingsbesluit; de geschiedenis "
            "(eerdere deelname, wie wie al trof) kent haar deelnemers dus niet."
        )
    if evaluation is None:
        notes.append(f"Cyclus {previous.cycle.name}: {NOT_EVALUATED}.")
    return InitResult(folder=folder, written=written, notes=notes)


def load_origin(cycle_dir: Path) -> Origin | None:
    """The cycle's ``herkomst.json``, or None for a cycle not made with ``--from``."""
    path = Path(cycle_dir) / ORIGIN_FILE
    if not path.is_file():
        return None
    try:
        return Origin.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError) as exc:
        raise UserError(f"'{path}' is beschadigd: {exc}") from None


def previous_cycle_items(cycle_dir: Path, config: CycleConfig, today: dt.date) -> list[str]:
    """What ``status`` says about the previous cycle and the steering decisions:

    the previous cycle's open evaluation items (or that it was not evaluated),
    its adjustments decided after this cycle was made (not taken over), a
    missing end-of-cycle adjustment, and this cycle's missing or differing setup.
    """
    items: list[str] = []
    origin = load_origin(cycle_dir)
    if origin is not None:
        items += _previous_items(Path(cycle_dir), origin)
    recruitment = next(
        w
        for w in phase_windows(config.cycle.budget_year, config.cycle.deadline)
        if w.phase == Phase.RECRUITMENT
    )
    setup = latest_setup(cycle_dir, as_of=today)
    if setup is None and today >= recruitment.start:
        items.append(
            "de opzet (plaatsen, budget, uurtarief) is nog niet besloten "
            "(leernetwerk decide CYCLUS setup --places N --budget EUR --uurtarief EUR)"
        )
    elif setup is not None and setup.places != config.cycle.places:
        items.append(
            f"het opzetbesluit noemt {setup.places} plaatsen, cycle.toml {config.cycle.places}"
        )
    return items


def _previous_items(cycle_dir: Path, origin: Origin) -> list[str]:
    source = (cycle_dir / origin.from_folder).resolve()
    name = origin.from_cycle
    if not (source / CONFIG_FILE).is_file():
        return [f"vorige cyclus {name}: map '{source}' niet gevonden"]
    items: list[str] = []
    evaluation = latest_evaluation(source)
    if evaluation is None:
        items.append(f"vorige cyclus {name}: {NOT_EVALUATED} (leernetwerk evaluatie)")
    else:
        items += [f"vorige cyclus {name}: {item}" for item in evaluation[1].open_items]
    taken = {a.id for a in origin.adjustments}
    decided = adjustments(source)
    for late in (d for d in decided if d.id not in taken):
        items.append(
            f"vorige cyclus {name}: bijsturing '{late.id}' is na het aanmaken van deze cyclus "
            "besloten en niet overgenomen; neem haar wijzigingen zelf over in cycle.toml"
        )
    if not any(d.moment is AdjustmentMoment.END for d in decided):
        items.append(
            f"vorige cyclus {name}: de bijsturing aan het eind is nog niet besloten "
            "(leernetwerk decide VORIGE adjustment --moment eind --note …)"
        )
    return items
