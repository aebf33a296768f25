"""Setup (opzet) and adjustment (bijsturing) decisions of the stuurgroep.

Report §4.4.2: at the start of a cycle the stuurgroep decides its set-up (the
maximum number of places, within the budget, which depends on the executor's
hourly rate, §4.3); after the tussenevaluatie (§3.4.1, footnote 8) and at the
end (§3.4.3) it decides adjustments. Both are stored like the selection and
matching decisions: a new immutable file in ``decisions/``, with the hash of
the ``cycle.toml`` (and, for an adjustment, of the evaluatie.json) it was
based on; a later setup supersedes an earlier one, adjustments add up.

An adjustment's structured changes are cycle.toml settings for the *next*
cycle (``leernetwerk init NEXT --from CYCLE`` applies them): the running
cycle's own ``cycle.toml`` is an input and is never rewritten.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from leernetwerk.capacity import (
    affordable_places,
    budget_sentence,
    capacity,
    cost_of,
    format_euro,
    format_hours,
)
from leernetwerk.config import CycleConfig, setting_keys, with_overrides
from leernetwerk.cycle.decisions import (
    AdjustmentDecision,
    AdjustmentMoment,
    DecisionKind,
    SetupDecision,
    SteeringDecision,
    adjustments,
    decision_stamp,
    latest_setup,
    write_decision,
)
from leernetwerk.cycle.evaluation_data import latest_evaluation
from leernetwerk.cycle.folder import config_path, cycle_dir_of, load_cycle
from leernetwerk.errors import Problem, UserError
from leernetwerk.fsutil import sha256_file


@dataclass
class SteeringResult:
    path: Path
    decision: SteeringDecision
    notes: list[str] = field(default_factory=list)
    """Dutch remarks for the user."""


NOT_ADJUSTABLE = ("cycle.name", "cycle.budget_year")
"""Settings ``init --from`` derives from the new folder itself."""
NOT_COPIED = ("pins",)
"""Sections a new cycle never takes over: pins name this cycle's registrants."""


_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


def _dutch_decimal(value: str, option: str) -> Decimal:
    """'120.000' and '120000' are 120000; '97,50' and '97.5' are 97.5."""
    text = value.replace("€", "").replace(" ", "").strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(text):
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise UserError(
            f"{option} '{value}' is geen bedrag; schrijf bijvoorbeeld 125, 97,50 of 120.000."
        ) from None
    if not number.is_finite() or number <= 0:
        raise UserError(f"{option} '{value}' moet een positief bedrag zijn.")
    return number


def parse_amount(value: str | None, option: str) -> Decimal | None:
    """An amount in euros from the command line (decimal comma or point), or None."""
    return None if value is None else _dutch_decimal(value, option)


def record_setup(
    cycle: Path,
    places: int,
    *,
    budget: Decimal | None = None,
    hourly_rate: Decimal | None = None,
    by: str = "stuurgroep",
    note: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> SteeringResult:
    """Record the cycle's set-up: places, and optionally budget and hourly rate.

    The executor hours follow from the cycle's capacity norms; with a rate also
    the cost, and with a budget the largest number of places it pays for.
    """
    cycle_dir = cycle_dir_of(cycle)
    config = load_cycle(cycle_dir)
    if places < 1:
        raise UserError(f"Aantal plaatsen {places} is ongeldig (minstens 1).")
    if budget is not None and hourly_rate is None:
        raise UserError("--budget vraagt ook --uurtarief: het budget hangt af van het tarief.")
    norms = config.capacity
    hours = capacity(places, norms).hours
    cost = cost_of(hours, hourly_rate) if hourly_rate is not None else None
    fits = (
        affordable_places(budget, hourly_rate, norms)
        if budget is not None and hourly_rate is not None
        else None
    )
    now = now or dt.datetime.now()
    previous = latest_setup(cycle_dir)
    decision = SetupDecision(
        id=f"{decision_stamp(cycle_dir, DecisionKind.SETUP, now)}-{DecisionKind.SETUP.value}",
        cycle=config.cycle.name,
        decided_by=by,
        decided_on=today or now.date(),
        recorded_at=now,
        note=note,
        config_sha256=sha256_file(config_path(cycle_dir)),
        supersedes=previous.id if previous else None,
        places=places,
        budget=budget,
        hourly_rate=hourly_rate,
        hours=hours,
        cost=cost,
        affordable_places=fits,
    )
    path = write_decision(cycle_dir, decision)
    notes = [setup_summary(decision)]
    if budget is not None and hourly_rate is not None:
        notes.append(budget_sentence(budget, hourly_rate, norms))
        if cost is not None and cost > budget:
            notes.append(
                f"Let op: {places} plaatsen kosten {format_euro(cost)}, meer dan het budget."
            )
    if config.cycle.places != places:
        notes.append(
            f"Let op: cycle.toml noemt {config.cycle.places} plaatsen, het besluit {places}. "
            "Pas [cycle] places in cycle.toml aan vóór de selectie."
        )
    if previous:
        notes.append(f"Dit besluit vervangt opzetbesluit '{previous.id}' (dat blijft bewaard).")
    return SteeringResult(path=path, decision=decision, notes=notes)


def setup_summary(decision: SetupDecision) -> str:
    """'30 plaatsen, 800 uur uitvoerder, budget € 120.000 bij € 150 per uur'."""
    parts = [f"{decision.places} plaatsen", f"{format_hours(decision.hours)} uur uitvoerder"]
    if decision.budget is not None:
        parts.append(f"budget {format_euro(decision.budget)}")
    if decision.hourly_rate is not None:
        parts.append(f"uurtarief {format_euro(decision.hourly_rate)}")
    if decision.cost is not None:
        parts.append(f"kosten {format_euro(decision.cost)}")
    return "Opzet: " + ", ".join(parts) + "."


def parse_changes(texts: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``KEY=VALUE`` texts (``--set``) → {key: value}; malformed text is a usage error."""
    changes: dict[str, str] = {}
    for text in texts:
        key, sep, value = text.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UserError(
                f"--set '{text}': schrijf INSTELLING=waarde, bijvoorbeeld "
                "--set weights.selection.earlier_participation=40.",
                exit_code=2,
            )
        changes[key.strip()] = value.strip()
    return changes


def _setting(config: CycleConfig, key: str) -> Any:
    value: Any = config
    for part in key.split("."):
        value = getattr(value, part)
    return value


def _plain(value: Any) -> bool | int | float | str:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def check_changes(config: CycleConfig, changes: Mapping[str, str]) -> dict[str, Any]:
    """Validate changes against the cycle's config; the typed new values.

    Unknown settings get a suggestion (via :func:`with_overrides`); the cycle's
    name and budget year, pins, and lists or tables cannot be adjusted.
    """
    problems = []
    known = set(setting_keys())
    for key in changes:
        if key in NOT_ADJUSTABLE:
            problems.append(
                Problem(
                    message=f"--set {key}: naam en begrotingsjaar van de volgende cyclus volgen "
                    "uit leernetwerk init; die stel je niet bij."
                )
            )
        elif key.split(".")[0] in NOT_COPIED:
            problems.append(
                Problem(
                    message=f"--set {key}: vastzettingen (pins) gaan niet over naar een volgende "
                    "cyclus; leg ze daar in cycle.toml vast."
                )
            )
        elif key in known and isinstance(_setting(config, key), tuple | list | dict):
            problems.append(
                Problem(
                    message=f"--set {key}: dit is een lijst of tabel; pas die in de cycle.toml "
                    "van de volgende cyclus aan en noem het in de toelichting (--note)."
                )
            )
    if problems:
        raise UserError(problems)
    changed = with_overrides(config, dict(changes), source="--set")
    return {key: _plain(_setting(changed, key)) for key in changes}


def record_adjustment(
    cycle: Path,
    moment: AdjustmentMoment | str,
    note: str,
    changes: Mapping[str, str] | None = None,
    *,
    by: str = "stuurgroep",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> SteeringResult:
    """Record an adjustment: what the stuurgroep decided (``note``) and the
    cycle.toml settings the next cycle changes (``changes``)."""
    cycle_dir = cycle_dir_of(cycle)
    config = load_cycle(cycle_dir)
    moment = AdjustmentMoment(moment)
    if not note.strip():
        raise UserError(
            "Een bijsturingsbesluit vraagt een toelichting: --note 'wat is besloten en waarom'."
        )
    typed = check_changes(config, changes or {})
    evaluation = latest_evaluation(cycle_dir)
    now = now or dt.datetime.now()
    stamp = decision_stamp(cycle_dir, DecisionKind.ADJUSTMENT, now)
    decision = AdjustmentDecision(
        id=f"{stamp}-{DecisionKind.ADJUSTMENT.value}",
        cycle=config.cycle.name,
        decided_by=by,
        decided_on=today or now.date(),
        recorded_at=now,
        note=note.strip(),
        config_sha256=sha256_file(config_path(cycle_dir)),
        moment=moment,
        changes=typed,
        evaluation_file=(
            evaluation[0].relative_to(cycle_dir).as_posix() if evaluation is not None else None
        ),
        evaluation_sha256=sha256_file(evaluation[0]) if evaluation is not None else None,
    )
    path = write_decision(cycle_dir, decision)
    notes = [adjustment_summary(decision)]
    if evaluation is None:
        notes.append("Er is nog geen evaluatie.json; het besluit verwijst niet naar cijfers.")
    if typed:
        notes.append(
            "De wijzigingen gelden voor de volgende cyclus: leernetwerk init VOLGENDE "
            f"--from {cycle_dir} neemt ze over."
        )
    return SteeringResult(path=path, decision=decision, notes=notes)


def adjustment_summary(decision: AdjustmentDecision) -> str:
    """'Bijsturing na de tussenevaluatie: <note> (weights.x → 40)'."""
    midterm = decision.moment is AdjustmentMoment.MIDTERM
    when = "na de tussenevaluatie" if midterm else "aan het eind"
    text = f"Bijsturing {when} ({decision.decided_on.isoformat()}): {decision.note}"
    if decision.changes:
        listed = ", ".join(f"{k} → {v}" for k, v in decision.changes.items())
        text += f" [instellingen volgende cyclus: {listed}]"
    return text


def steering_lines(cycle_dir: Path, today: dt.date | None = None) -> list[str]:
    """The setup in force and every adjustment decided on or before ``today``."""
    lines = []
    setup = latest_setup(cycle_dir, as_of=today)
    if setup is not None:
        lines.append(
            f"{setup_summary(setup)} Besloten door {setup.decided_by} op "
            f"{setup.decided_on.isoformat()} ({setup.id})."
        )
    lines += [f"{adjustment_summary(d)} ({d.id})" for d in adjustments(cycle_dir, as_of=today)]
    return lines
