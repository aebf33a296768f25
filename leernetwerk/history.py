"""History across cycles: who took part when, and who already met whom.

Derived only from *decided* matchings: for every earlier cycle folder the
latest matching decision points at a run, whose ``proposal.json`` says who was
selected and who sat together in a session. Undecided runs never count, so an
analyst's experiments cannot leak into the next cycle's selection or matching.
Cycle names are the folder names; folders are ordered by name, which for the
usual names (``2026-2027``, ``2027-2028``) is the order of the budget years.
When a cycle has been evaluated (``evaluatie/<date>/evaluatie.json``), the
history also knows how useful the sessions were in which each pair met.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from leernetwerk.cycle import CONFIG_FILE, DecisionKind, decided_proposal, latest_decision
from leernetwerk.cycle.evaluation_data import latest_evaluation
from leernetwerk.errors import UserError
from leernetwerk.proposal import Proposal


@dataclass(frozen=True)
class History:
    """What earlier cycles decided."""

    participation: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Registrant name → the cycles it took part in (oldest first)."""
    met_pairs: dict[frozenset[str], tuple[str, ...]] = field(default_factory=dict)
    """Pair of names → the cycles in which they shared a session (oldest first)."""
    cycles: tuple[str, ...] = ()
    """The cycles whose decided matching was read (oldest first)."""
    undecided: tuple[str, ...] = ()
    """Earlier cycle folders without a matching decision (nothing read from them)."""
    ratings: dict[frozenset[str], tuple[tuple[str, float], ...]] = field(default_factory=dict)
    """Pair of names → (cycle, mean usefulness 1–5 of the sessions they shared that
    cycle), for the cycles whose evaluatie.json rates sessions (oldest first)."""
    evaluated: tuple[str, ...] = ()
    """The cycles (of ``cycles``) whose latest evaluatie.json was read."""

    def cycles_of(self, name: str) -> tuple[str, ...]:
        return self.participation.get(name, ())

    def met_before(self, a: str, b: str) -> tuple[str, ...]:
        return self.met_pairs.get(frozenset((a, b)), ())

    def usefulness(self, a: str, b: str) -> tuple[tuple[str, float], ...]:
        """(cycle, mean usefulness) of the sessions ``a`` and ``b`` shared."""
        return self.ratings.get(frozenset((a, b)), ())


def cycle_folders(cycles_root: Path) -> list[Path]:
    """Cycle folders (with a cycle.toml) directly under ``cycles_root``, by name."""
    root = Path(cycles_root)
    if not root.is_dir():
        raise UserError(f"Map met cycli '{root}' bestaat niet.")
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / CONFIG_FILE).is_file())


def session_pairs(proposal: Proposal) -> set[frozenset[str]]:
    """Every pair that shares a session in any round of the proposal."""
    return {
        frozenset(pair)
        for round_ in proposal.rounds
        for session in round_.sessions
        for pair in combinations(sorted(set(session.members)), 2)
    }


def load_history(cycles_root: Path, before: str | None = None) -> History:
    """History from the decided matchings of the cycles under ``cycles_root``.

    ``before`` (a cycle name, or a folder path whose name is used) excludes that
    cycle and every later one, so a cycle never learns from itself or the future.
    """
    cutoff = Path(before).name if before else None
    participation: dict[str, list[str]] = {}
    met: dict[frozenset[str], list[str]] = {}
    ratings: dict[frozenset[str], list[tuple[str, float]]] = {}
    read, undecided, evaluated = [], [], []
    for folder in cycle_folders(cycles_root):
        name = folder.name
        if cutoff is not None and name >= cutoff:
            continue
        decision = latest_decision(folder, DecisionKind.MATCHING)
        if decision is None:
            undecided.append(name)
            continue
        proposal = decided_proposal(folder, decision)
        read.append(name)
        for participant in sorted(set(proposal.selected)):
            participation.setdefault(participant, []).append(name)
        pairs = session_pairs(proposal)
        for pair in sorted(pairs, key=sorted):
            met.setdefault(pair, []).append(name)
        evaluation = latest_evaluation(folder)
        if evaluation is None:
            continue
        evaluated.append(name)
        for pair, scores in sorted(
            evaluation[1].session_usefulness().items(), key=lambda item: sorted(item[0])
        ):
            if pair in pairs:
                ratings.setdefault(pair, []).append((name, round(sum(scores) / len(scores), 2)))
    return History(
        participation={k: tuple(v) for k, v in sorted(participation.items())},
        met_pairs={k: tuple(v) for k, v in met.items()},
        cycles=tuple(read),
        undecided=tuple(undecided),
        ratings={k: tuple(v) for k, v in ratings.items()},
        evaluated=tuple(evaluated),
    )
