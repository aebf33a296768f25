"""Stuurgroep decisions: recorded once, never changed, superseded by later ones.

``decisions/<YYYYmmddTHHMMSS>-<kind>.json`` names the run, its input and
proposal hashes and the selected names. A matching needs a decided selection
and must match it exactly; deciding a matching writes the session plan.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from leernetwerk.cycle.folder import DECISIONS_DIR, PLAN_FILE, load_cycle
from leernetwerk.cycle.plan import plan_rows_for, write_plan
from leernetwerk.errors import Problem, UserError
from leernetwerk.fsutil import sha256_file, write_new_file
from leernetwerk.proposal import Proposal
from leernetwerk.runs import RUN_FILE, load_run_proposal, resolve_run


class DecisionKind(StrEnum):
    SELECTION = "selection"
    MATCHING = "matching"

    @property
    def label(self) -> str:
        return {"selection": "selectie", "matching": "matching"}[self.value]


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


def decisions_dir(cycle_dir: Path) -> Path:
    return Path(cycle_dir) / DECISIONS_DIR


def list_decisions(cycle_dir: Path, kind: DecisionKind | str | None = None) -> list[Decision]:
    """All recorded decisions (of one kind), oldest first."""
    folder = decisions_dir(cycle_dir)
    if not folder.is_dir():
        return []
    wanted = DecisionKind(kind) if kind is not None else None
    decisions = []
    for path in sorted(folder.glob("*.json")):
        try:
            decision = Decision.model_validate_json(path.read_bytes())
        except (ValidationError, ValueError) as exc:
            raise UserError(f"Besluit '{path}' is beschadigd: {exc}") from None
        if wanted is None or decision.kind is wanted:
            decisions.append(decision)
    return sorted(decisions, key=lambda d: d.id)


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
    existing = list_decisions(cycle_dir)
    if existing:
        last = dt.datetime.strptime(existing[-1].id.split("-")[0], "%Y%m%dT%H%M%S")
        stamp = max(stamp, last + dt.timedelta(seconds=1))
    while (decisions_dir(cycle_dir) / f"{stamp:%Y%m%dT%H%M%S}-{kind.value}.json").exists():
        stamp += dt.timedelta(seconds=1)
    return f"{stamp:%Y%m%dT%H%M%S}"


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
    text = json.dumps(decision.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
    path = write_new_file(
        decisions_dir(cycle_dir) / f"{decision.id}.json",
        lambda target: target.write_text(text, encoding="utf-8"),
    )
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
