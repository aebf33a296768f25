"""What the document commands read from a cycle folder, behind the decision gates.

Letters need the decided selection; start packs and draaiboeken the decided
matching. All three need the registrations (contact persons, e-mail,
learning questions) and read the session plan ``sessies.csv`` for the dates
known so far.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from leernetwerk.config import CycleConfig
from leernetwerk.cycle.decisions import Decision, DecisionKind, decided_proposal, latest_decision
from leernetwerk.cycle.folder import PLAN_FILE, REGISTRATIONS_FILE, cycle_dir_of, load_cycle
from leernetwerk.cycle.plan import Meeting, read_plan
from leernetwerk.domain import Registration
from leernetwerk.errors import UserError
from leernetwerk.fsutil import sha256_file
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import Proposal
from leernetwerk.timeline import MeetingKind, format_date

NOT_YET_DATED = "datum volgt"
"""What a document says where a meeting has no date in the session plan yet."""


@dataclass
class CycleData:
    cycle_dir: Path
    config: CycleConfig
    decision: Decision
    proposal: Proposal
    registrations: dict[str, Registration]
    plan: list[Meeting]
    notes: list[str] = field(default_factory=list)

    def registration(self, name: str) -> Registration | None:
        return self.registrations.get(name)

    def meetings_of(self, name: str) -> list[Meeting]:
        """The planned meetings ``name`` takes part in, in plan order."""
        return [m for m in self.plan if name in m.members]

    def session_meeting(self, club: int, round_: int, members: tuple[str, ...]) -> Meeting | None:
        """The plan row of a proposed session (same club, round and members)."""
        wanted = set(members)
        for meeting in self.plan:
            if (
                meeting.kind is MeetingKind.SESSION
                and meeting.club == club
                and meeting.round == round_
                and set(meeting.members) == wanted
            ):
                return meeting
        return None

    @staticmethod
    def preparation_of(session: Meeting | None) -> dt.date | None:
        """The date of a session's digital preparation call: the plan's
        ``Voorbereiding`` column, filled in by ``leernetwerk plan``."""
        return session.preparation if session is not None else None

    def start_meeting(self, club: int) -> Meeting | None:
        for meeting in self.plan:
            if meeting.kind is MeetingKind.START and meeting.club == club:
                return meeting
        return None


def when(meeting: Meeting | None) -> str:
    """'15 september 2027' or 'datum volgt'."""
    return format_date(meeting.date) if meeting and meeting.date else NOT_YET_DATED


def hours(meeting: Meeting | None, default: str = "10:00–15:00") -> str:
    times = meeting.times() if meeting else None
    if not times:
        return default
    return f"{times[0]:%H:%M}–{times[1]:%H:%M}"


def require_decision(cycle_dir: Path, kind: DecisionKind, command: str) -> Decision:
    decision = latest_decision(cycle_dir, kind)
    if decision is None:
        raise UserError(
            f"'leernetwerk {command}' kan pas als het {kind.label}besluit van de stuurgroep "
            f"is vastgelegd, en dat is in '{cycle_dir}' nog niet gebeurd. Leg het eerst vast: "
            f"leernetwerk decide CYCLUS {kind.value} --run RUN. Er is niets weggeschreven."
        )
    return decision


def _registrations_file(cycle_dir: Path, proposal: Proposal) -> tuple[Path, str | None]:
    """The registrations workbook of the decided run; a note when it changed since."""
    given = Path(proposal.input_file)
    candidates = [given, cycle_dir / given, cycle_dir / given.name, cycle_dir / REGISTRATIONS_FILE]
    found = [p for p in dict.fromkeys(candidates) if p.is_file()]
    for path in found:
        if sha256_file(path) == proposal.input_sha256:
            return path, None
    if not found:
        raise UserError(
            f"Het aanmeldbestand van het besluit ('{proposal.input_file}') is niet gevonden. "
            f"Zet het terug als '{cycle_dir / REGISTRATIONS_FILE}': de documenten halen er "
            "contactpersonen, e-mailadressen en leervragen uit."
        )
    return found[0], (
        f"Let op: '{found[0]}' is gewijzigd sinds de run van het besluit; de documenten "
        "gebruiken de contactgegevens en leervragen zoals ze nu in dat bestand staan."
    )


def load_cycle_data(cycle: Path, kind: DecisionKind, command: str) -> CycleData:
    """The decided proposal of ``kind`` with the registrations and the session plan.

    Refuses (Dutch :class:`UserError`) before the decision, on an unreadable
    registrations workbook and on a session plan with errors.
    """
    cycle_dir = cycle_dir_of(cycle)
    config = load_cycle(cycle_dir)
    decision = require_decision(cycle_dir, kind, command)
    proposal = decided_proposal(cycle_dir, decision)
    path, note = _registrations_file(cycle_dir, proposal)
    registrations = load_registrations(path, config)
    plan: list[Meeting] = []
    plan_path = cycle_dir / PLAN_FILE
    if plan_path.is_file():
        plan, problems = read_plan(plan_path)
        errors = [p for p in problems if p.is_error]
        if errors:
            raise UserError(errors)
    data = CycleData(
        cycle_dir=cycle_dir,
        config=config,
        decision=decision,
        proposal=proposal,
        registrations=registrations.by_name(),
        plan=plan,
    )
    if note:
        data.notes.append(note)
    return data


def today_or(value: dt.date | None) -> dt.date:
    return value or dt.date.today()
