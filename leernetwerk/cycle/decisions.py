"""Stuurgroep decisions: recorded once, never changed, superseded by later ones.

``decisions/<YYYYmmddTHHMMSS>-<kind>.json``. Four kinds:

- ``selection`` and ``matching`` (:class:`Decision`) name the run, its input and
  proposal hashes and the selected names. A matching needs a decided selection
  and must match it exactly; deciding a matching writes the session plan.
- ``setup`` (opzet, :class:`SetupDecision`): places, budget and hourly rate at
  the start of the cycle, with the executor hours they imply;
- ``adjustment`` (bijsturing, :class:`AdjustmentDecision`): after the
  tussenevaluatie or at the end, free text plus the config settings the next
  cycle changes (``leernetwerk init NEXT --from CYCLE`` applies them).

Setup and adjustment are recorded by :mod:`leernetwerk.cycle.steering`; every
kind records the hash of what it was based on, and all share one file order.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from leernetwerk.cycle.folder import DECISIONS_DIR, PLAN_FILE, load_cycle
from leernetwerk.cycle.plan import plan_rows_for, write_plan
from leernetwerk.errors import Problem, UserError
from leernetwerk.fsutil import sha256_file, write_new_file
from leernetwerk.proposal import Proposal
from leernetwerk.runs import RUN_FILE, load_run_proposal, resolve_run


class DecisionKind(StrEnum):
    SELECTION = "selection"
    MATCHING = "matching"
    SETUP = "setup"
    ADJUSTMENT = "adjustment"

    @property
    def label(self) -> str:
        return {
            "selection": "selectie",
            "matching": "matching",
            "setup": "opzet",
            "adjustment": "bijsturing",
        }[self.value]

    @property
    def on_run(self) -> bool:
        """Selection and matching decide on a run; setup and adjustment do not."""
        return self in (DecisionKind.SELECTION, DecisionKind.MATCHING)


RUN_KINDS = (DecisionKind.SELECTION, DecisionKind.MATCHING)


class AdjustmentMoment(StrEnum):
    """When the stuurgroep adjusts (report §3.4.1 footnote 8, §3.4.3, §4.4.2)."""

    MIDTERM = "tussenevaluatie"
    END = "eind"


class Decision(BaseModel):
    """A stuurgroep decision, stored once and never changed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    """File stem: ``<timestamp>-<kind>``; later ids supersede earlier ones."""
    kind: DecisionKind
    cycle: str
    run: str
    decided_by: str
    decided_on: dt.date
    recorded_at: dt.datetime
    note: str = ""
    input_file: str
    input_sha256: str
    proposal_sha256: str
    selected: tuple[str, ...]
    selection_decision: str | None = None
    """For a matching: the id of the selection decision it builds on."""
    supersedes: str | None = None
    """The id of the previous decision of this kind, if any."""


class _SteeringBase(BaseModel):
    """Fields shared by the setup and adjustment decisions."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    cycle: str
    decided_by: str
    decided_on: dt.date
    recorded_at: dt.datetime
    note: str = ""
    config_sha256: str
    """sha256 of the cycle's ``cycle.toml`` when the decision was recorded."""
    supersedes: str | None = None
    """The id of the previous decision of this kind, if any."""


class SetupDecision(_SteeringBase):
    """Opzet: the places, budget and hourly rate the stuurgroep decides at the start."""

    kind: Literal[DecisionKind.SETUP] = DecisionKind.SETUP
    places: int
    budget: Decimal | None = None
    """The executor's budget in euros (excl. VAT as the budget holder states it)."""
    hourly_rate: Decimal | None = None
    """The executor's hourly rate in euros."""
    hours: Decimal
    """Executor hours for ``places`` under the cycle's capacity norms."""
    cost: Decimal | None = None
    """hours × hourly rate."""
    affordable_places: int | None = None
    """The largest number of places the budget pays for at the hourly rate."""


class AdjustmentDecision(_SteeringBase):
    """Bijsturing: what the stuurgroep changes after an evaluation."""

    kind: Literal[DecisionKind.ADJUSTMENT] = DecisionKind.ADJUSTMENT
    moment: AdjustmentMoment
    changes: dict[str, bool | int | float | str] = {}
    """Dotted cycle.toml setting → its new value, for the next cycle."""
    evaluation_file: str | None = None
    """The evaluatie.json (relative to the cycle folder) the decision was based on."""
    evaluation_sha256: str | None = None


SteeringDecision = SetupDecision | AdjustmentDecision
AnyDecision = Decision | SetupDecision | AdjustmentDecision

_STEERING: TypeAdapter[SteeringDecision] = TypeAdapter(SteeringDecision)


def decisions_dir(cycle_dir: Path) -> Path:
    return Path(cycle_dir) / DECISIONS_DIR


def _parse(path: Path) -> AnyDecision:
    try:
        data = path.read_bytes()
        kind = json.loads(data).get("kind")
        if kind in RUN_KINDS:
            return Decision.model_validate_json(data)
        return _STEERING.validate_json(data)
    except (ValidationError, ValueError, AttributeError) as exc:
        raise UserError(f"Besluit '{path}' is beschadigd: {exc}") from None


def all_decisions(cycle_dir: Path) -> list[AnyDecision]:
    """Every recorded decision of every kind, oldest first."""
    folder = decisions_dir(cycle_dir)
    if not folder.is_dir():
        return []
    return sorted((_parse(p) for p in sorted(folder.glob("*.json"))), key=lambda d: d.id)


def list_decisions(cycle_dir: Path, kind: DecisionKind | str | None = None) -> list[Decision]:
    """The recorded selection and matching decisions (of one kind), oldest first."""
    wanted = DecisionKind(kind) if kind is not None else None
    return [
        d
        for d in all_decisions(cycle_dir)
        if isinstance(d, Decision) and (wanted is None or d.kind is wanted)
    ]


def list_steering(
    cycle_dir: Path, kind: DecisionKind | str | None = None
) -> list[SteeringDecision]:
    """The recorded setup and adjustment decisions (of one kind), oldest first."""
    wanted = DecisionKind(kind) if kind is not None else None
    return [
        d
        for d in all_decisions(cycle_dir)
        if not isinstance(d, Decision) and (wanted is None or d.kind is wanted)
    ]


def latest_setup(cycle_dir: Path, as_of: dt.date | None = None) -> SetupDecision | None:
    """The setup decision in force (decided on or before ``as_of``)."""
    found = [
        d
        for d in list_steering(cycle_dir, DecisionKind.SETUP)
        if isinstance(d, SetupDecision) and (as_of is None or d.decided_on <= as_of)
    ]
    return found[-1] if found else None


def adjustments(cycle_dir: Path, as_of: dt.date | None = None) -> list[AdjustmentDecision]:
    """Every adjustment decided on or before ``as_of``, oldest first (none supersedes
    another: each adds its own changes, a later one wins on the same setting)."""
    return [
        d
        for d in list_steering(cycle_dir, DecisionKind.ADJUSTMENT)
        if isinstance(d, AdjustmentDecision) and (as_of is None or d.decided_on <= as_of)
    ]


def latest_decision(
    cycle_dir: Path, kind: DecisionKind | str, as_of: dt.date | None = None
) -> Decision | None:
    """The decision in force: the latest of its kind (decided on or before ``as_of``)."""
    decisions = [
        d for d in list_decisions(cycle_dir, kind) if as_of is None or d.decided_on <= as_of
    ]
    return decisions[-1] if decisions else None


@dataclass
class DecisionResult:
    path: Path
    decision: Decision
    notes: list[str] = field(default_factory=list)
    """Dutch remarks for the user (plan written, input changed, …)."""


def _decision_stamp(cycle_dir: Path, kind: DecisionKind, now: dt.datetime) -> str:
    """A timestamp strictly after every recorded decision, so file order is
    decision order even for two decisions in one second."""
    stamp = now.replace(microsecond=0)
    existing = all_decisions(cycle_dir)
    if existing:
        last = dt.datetime.strptime(existing[-1].id.split("-")[0], "%Y%m%dT%H%M%S")
        stamp = max(stamp, last + dt.timedelta(seconds=1))
    while (decisions_dir(cycle_dir) / f"{stamp:%Y%m%dT%H%M%S}-{kind.value}.json").exists():
        stamp += dt.timedelta(seconds=1)
    return f"{stamp:%Y%m%dT%H%M%S}"


def write_decision(cycle_dir: Path, decision: AnyDecision) -> Path:
    """Store a decision as a new file; never overwrites an existing one."""
    text = json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    return write_new_file(
        decisions_dir(cycle_dir) / f"{decision.id}.json",
        lambda target: target.write_text(text, encoding="utf-8"),
    )


def decision_stamp(cycle_dir: Path, kind: DecisionKind, now: dt.datetime) -> str:
    return _decision_stamp(cycle_dir, kind, now)


def _check_run_record(run_dir: Path, proposal: Proposal) -> None:
    """The run's run.json, when present, must agree with its proposal."""
    path = run_dir / RUN_FILE
    if not path.is_file():
        return
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(f"'{path}' is geen geldig JSON-bestand ({exc}).") from None
    recorded = record.get("input_sha256") if isinstance(record, dict) else None
    if recorded and recorded != proposal.input_sha256:
        raise UserError(
            f"Run '{run_dir.name}' is inconsistent: run.json en proposal.json noemen een "
            "andere invoer-hash."
        )


def _require_selection(proposal: Proposal, run: str) -> None:
    if not proposal.selected:
        raise UserError(f"Run '{run}' bevat geen selectie (niemand geselecteerd).")


def _require_matching(proposal: Proposal, run: str) -> None:
    if not proposal.clubs or not proposal.rounds:
        raise UserError(f"Run '{run}' bevat geen matching (geen clubs of rondes).")


def _gate_matching(cycle_dir: Path, proposal: Proposal, run: str) -> Decision:
    """Matching needs a decided selection, and must match exactly that selection."""
    selection = latest_decision(cycle_dir, DecisionKind.SELECTION)
    if selection is None:
        raise UserError(
            "De matching kan pas worden vastgelegd als de selectie is besloten. "
            "Leg eerst het selectiebesluit vast: leernetwerk decide CYCLUS selection --run RUN."
        )
    decided, proposed = set(selection.selected), set(proposal.selected)
    if decided != proposed:
        problems = [
            Problem(message=f"'{name}' is geselecteerd maar zit niet in deze matching.")
            for name in sorted(decided - proposed)
        ] + [
            Problem(message=f"'{name}' zit in deze matching maar is niet geselecteerd.")
            for name in sorted(proposed - decided)
        ]
        problems.insert(
            0,
            Problem(
                message=f"De selectie van run '{run}' wijkt af van het selectiebesluit "
                f"'{selection.id}' (run '{selection.run}')."
            ),
        )
        raise UserError(problems)
    return selection


def _input_note(cycle_dir: Path, proposal: Proposal) -> str | None:
    """A warning when the run's input file still exists but has changed."""
    for candidate in (Path(proposal.input_file), Path(cycle_dir) / proposal.input_file):
        if candidate.is_file():
            if sha256_file(candidate) != proposal.input_sha256:
                return (
                    f"Let op: '{candidate}' is gewijzigd sinds deze run; het besluit "
                    "verwijst naar de invoer zoals die bij de run was (hash vastgelegd)."
                )
            return None
    return None


def record_decision(
    cycle_dir: Path,
    kind: DecisionKind | str,
    run: str,
    *,
    by: str = "stuurgroep",
    note: str = "",
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> DecisionResult:
    """Record a stuurgroep decision as a new immutable file; never overwrites.

    A later decision of the same kind supersedes the earlier one; both remain.
    A matching decision also writes the session plan ``sessies.csv`` (without
    dates) when the cycle has none yet.
    """
    cycle_dir = Path(cycle_dir)
    config = load_cycle(cycle_dir)
    kind = DecisionKind(kind)
    if not kind.on_run:
        raise UserError(
            f"Een besluit over de {kind.label} gaat niet over een run; leg het vast met "
            "leernetwerk decide CYCLUS setup|adjustment (zonder --run)."
        )
    now = now or dt.datetime.now()
    run_dir = resolve_run(cycle_dir, run)
    proposal = load_run_proposal(run_dir)
    _check_run_record(run_dir, proposal)
    selection_id = None
    if kind is DecisionKind.SELECTION:
        _require_selection(proposal, run_dir.name)
    else:
        _require_matching(proposal, run_dir.name)
        selection_id = _gate_matching(cycle_dir, proposal, run_dir.name).id
    notes = []
    if proposal.cycle != config.cycle.name:
        notes.append(
            f"Let op: run '{run_dir.name}' hoort bij cyclus '{proposal.cycle}', "
            f"deze map is cyclus '{config.cycle.name}'."
        )
    changed = _input_note(cycle_dir, proposal)
    if changed:
        notes.append(changed)
    previous = latest_decision(cycle_dir, kind)
    stamp = _decision_stamp(cycle_dir, kind, now)
    decision = Decision(
        id=f"{stamp}-{kind.value}",
        kind=kind,
        cycle=config.cycle.name,
        run=run_dir.name,
        decided_by=by,
        decided_on=today or now.date(),
        recorded_at=now,
        note=note,
        input_file=proposal.input_file,
        input_sha256=proposal.input_sha256,
        proposal_sha256=sha256_file(run_dir / "proposal.json"),
        selected=tuple(sorted(proposal.selected)),
        selection_decision=selection_id,
        supersedes=previous.id if previous else None,
    )
    path = write_decision(cycle_dir, decision)
    if previous:
        notes.append(f"Dit besluit vervangt besluit '{previous.id}' (dat blijft bewaard).")
    if kind is DecisionKind.MATCHING:
        notes.append(_ensure_plan(cycle_dir, proposal))
    return DecisionResult(path=path, decision=decision, notes=notes)


def _ensure_plan(cycle_dir: Path, proposal: Proposal) -> str:
    plan = cycle_dir / PLAN_FILE
    if plan.exists():
        return (
            f"De bestaande sessieplanning '{plan}' is niet aangepast; controleer of ze "
            "bij deze matching past."
        )
    write_plan(plan, plan_rows_for(proposal))
    return f"Sessieplanning '{plan}' aangemaakt: vul per bijeenkomst de datum in."


def decided_proposal(cycle_dir: Path, decision: Decision) -> Proposal:
    """The proposal a decision refers to, verified against the recorded hash."""
    run_dir = resolve_run(cycle_dir, decision.run)
    path = run_dir / "proposal.json"
    if path.is_file() and sha256_file(path) != decision.proposal_sha256:
        raise UserError(
            f"Het voorstel van run '{decision.run}' in '{cycle_dir}' is gewijzigd na besluit "
            f"'{decision.id}'; een besloten voorstel mag niet veranderen."
        )
    return load_run_proposal(run_dir)
