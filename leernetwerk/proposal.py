"""The proposal: what ``leernetwerk run`` decides and every output shows.

``proposal.json`` is this model serialised; the workbook, the HTML report,
``check`` and ``compare`` all read it back through :func:`load_proposal`.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from leernetwerk.errors import UserError

PROPOSAL_VERSION = 1


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SessionFormat(StrEnum):
    """Recommended session format (werkvorm), docs/domain.md §7."""

    PLENARY_THEN_PARALLEL = "i"
    SMALL_GROUPS = "ii"
    LEARNER_BRINGER = "iii"

    @property
    def label(self) -> str:
        return {
            "i": "plenair starten, parallel verdiepen",
            "ii": "leervragen in kleine groepen uitwerken",
            "iii": "haler–brenger",
        }[self.value]


class SolveStatus(StrEnum):
    """How a solve (or a staged series of solves) ended, valued in Dutch."""

    OPTIMAL = "optimaal"
    """Proven best under the weights."""
    TIME_LIMIT = "tijdslimiet bereikt"
    """A solution, but the time limit was reached before it was proven best."""
    FEASIBLE = "toegelaten"
    """A solution that was not proven best (proposals written before TIME_LIMIT existed)."""
    INFEASIBLE = "onmogelijk"
    NO_SOLUTION = "geen oplossing binnen de rekentijd"
    UNKNOWN = "onbekend"
    NOT_SOLVED = "niet opgelost"


Fact = str | int | float | tuple[str, ...]
"""One fact of a reason: a name, a number or a list of names."""


class Reason(Model):
    """One decision as data: a stable code and the facts it rests on.

    The codes and their facts are listed in docs/selection.md; the Dutch
    sentences people read are rendered from them (:mod:`leernetwerk.reasons`).
    """

    code: str
    facts: dict[str, Fact] = Field(default_factory=dict)


class ForcingCost(Model):
    """What forcing a rejected registrant into the selection would cost."""

    objective_change: float | None = None
    """New score minus proposed score (negative: worse); None if unknown (for analysts)."""
    drop_out: tuple[str, ...] = ()
    """Who would leave the selection to make room."""
    note: str = ""
    """The what-if in one or two plain Dutch sentences, rendered from ``codes``."""
    codes: tuple[Reason, ...] = ()
    """The what-if as data (``forced_*`` codes)."""


class SelectionEntry(Model):
    name: str
    selected: bool
    reasons: tuple[str, ...] = ()
    """For people: the rendered Dutch text (one or two sentences, deciding fact first).
    Proposals written before reason codes existed may hold several fragments."""
    codes: tuple[Reason, ...] = ()
    """For programs: the same decision as reason codes with their facts, deciding first."""
    forcing_cost: ForcingCost | None = None

    @property
    def reason(self) -> str:
        """All of ``reasons`` as one text."""
        return " ".join(self.reasons)


class StageQuality(Model):
    """One stage of a staged solve (clubs, or sessions for the chosen clubs).

    ``bound`` is an upper bound on that stage's score only: for ``sessions`` it
    holds for the clubs that were chosen, not for any other club layout.
    """

    status: SolveStatus = SolveStatus.NOT_SOLVED
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    """Relative gap |bound − objective| / max(1, |objective|)."""


class Quality(Model):
    status: SolveStatus = SolveStatus.NOT_SOLVED
    """For the whole problem: ``optimaal`` only when proven for the whole problem."""
    objective: float | None = None
    bound: float | None = None
    """An upper bound on the score of *any* layout; None when none is known."""
    gap: float | None = None
    """Relative gap |bound − objective| / max(1, |objective|)."""
    stages: dict[str, StageQuality] = Field(default_factory=dict)
    """Per stage (``clubs``, ``sessions``), each with its own bound and gap."""
    baseline_objective: float | None = None
    wall_time: float | None = None
    deterministic_time: float | None = None


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(bound - objective) / max(1.0, abs(objective))


class CriterionScore(Model):
    """One criterion's share of a score: contribution = weight × raw."""

    key: str
    """Weight key in cycle.toml, e.g. ``sessions.shared_themes``."""
    label: str
    """Dutch display name."""
    weight: float
    raw: float
    contribution: float


class GroupScore(Model):
    """Score of one club (round None) or one session."""

    club: int
    round: int | None = None
    members: tuple[str, ...]
    total: float
    criteria: tuple[CriterionScore, ...]
    sentences: tuple[str, ...] = ()
    """Dutch justifications, e.g. 'Zwolle leert van Leeuwarden over Handhaving'."""


class Breakdown(Model):
    total: float
    criteria: tuple[CriterionScore, ...]
    """Totals per criterion over the whole layout."""
    clubs: tuple[GroupScore, ...] = ()
    sessions: tuple[GroupScore, ...] = ()


class Club(Model):
    id: int = Field(ge=1)
    members: tuple[str, ...]


class Session(Model):
    club: int = Field(ge=1)
    members: tuple[str, ...]
    """Host first."""
    host: str | None
    themes: tuple[str, ...]
    """Block 1 and (optionally) block 2."""
    format: SessionFormat
    reason: str = ""
    """Why this werkvorm, in Dutch (rendered from ``codes``)."""
    codes: tuple[Reason, ...] = ()
    """The same as data: a ``format_*`` code with its facts (docs/selection.md)."""


class Round(Model):
    round: int = Field(ge=1)
    sessions: tuple[Session, ...]


class Layout(Model):
    """Clubs and sessions: what the matching engine proposes and users edit."""

    clubs: tuple[Club, ...] = ()
    rounds: tuple[Round, ...] = ()

    def club_of(self) -> dict[str, int]:
        return {name: club.id for club in self.clubs for name in club.members}

    def sessions(self) -> list[tuple[int, Session]]:
        return [(r.round, s) for r in self.rounds for s in r.sessions]


class Proposal(Model):
    version: int = PROPOSAL_VERSION
    cycle: str
    input_file: str
    input_sha256: str
    config_sha256: str
    seed: int
    solver: dict[str, float | int | str] = Field(default_factory=dict)
    selection: tuple[SelectionEntry, ...] = ()
    selection_quality: Quality | None = None
    clubs: tuple[Club, ...] = ()
    rounds: tuple[Round, ...] = ()
    quality: Quality = Quality()
    """Quality of the matching (clubs and sessions together)."""
    breakdown: Breakdown | None = None
    moved: tuple[str, ...] = ()
    """With --keep: Dutch lines saying who moved and why."""
    warnings: tuple[str, ...] = ()

    @property
    def layout(self) -> Layout:
        return Layout(clubs=self.clubs, rounds=self.rounds)

    @property
    def selected(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.selection if e.selected)

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def load_proposal(path: Path | str) -> Proposal:
    """Read a proposal.json, or the one inside a run folder."""
    path = Path(path)
    if path.is_dir():
        path = path / "proposal.json"
    try:
        return Proposal.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        raise UserError(f"Voorstel '{path}' bestaat niet.") from None
    except (ValidationError, ValueError) as exc:
        raise UserError(f"'{path}' is geen geldig voorstel van leernetwerk: {exc}") from None
