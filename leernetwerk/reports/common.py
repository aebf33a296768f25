"""What both review outputs show, computed once: numbering, balance, quality.

The workbook and the HTML report must tell the same story, so every figure
they share (session numbers, balance per club, the quality ratio, the hard
rule checks) is derived here and only formatted by the writers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Balance, Registration, Registrations
from leernetwerk.proposal import Proposal, Quality, Session


@dataclass(frozen=True)
class NumberedSession:
    """A session with its number: 1, 2, … within its round, in proposal order.

    The number is what a user edits in the round sheets to move a member, so
    it must be stable for a given proposal and unique within the round.
    """

    round: int
    number: int
    session: Session


@dataclass(frozen=True)
class ClubBalance:
    club: int
    deficit: int
    other: int
    """Surplus and neutral together (docs/domain.md §5b)."""

    @property
    def size(self) -> int:
        return self.deficit + self.other


def round_numbers(proposal: Proposal, config: CycleConfig) -> tuple[int, ...]:
    """Rounds to show: every configured round plus any the proposal holds."""
    numbers = set(range(1, config.sessions.rounds + 1))
    numbers.update(r.round for r in proposal.rounds)
    return tuple(sorted(numbers))


def numbered_sessions(proposal: Proposal) -> list[NumberedSession]:
    """Every session with its per-round number, rounds in ascending order."""
    result = []
    for rnd in sorted(proposal.rounds, key=lambda r: r.round):
        for number, session in enumerate(rnd.sessions, start=1):
            result.append(NumberedSession(round=rnd.round, number=number, session=session))
    return result


def session_number_of(proposal: Proposal) -> dict[tuple[int, frozenset[str]], int]:
    """(round, member set) → session number, to label score rows."""
    return {(s.round, frozenset(s.session.members)): s.number for s in numbered_sessions(proposal)}


def is_deficit(registration: Registration | None) -> bool:
    return registration is not None and registration.balance is Balance.DEFICIT


def club_balances(proposal: Proposal, registrations: Registrations) -> list[ClubBalance]:
    """Deficit versus surplus/neutral members per club."""
    by_name = registrations.by_name()
    result = []
    for club in proposal.clubs:
        deficit = sum(is_deficit(by_name.get(m)) for m in club.members)
        result.append(ClubBalance(club.id, deficit, len(club.members) - deficit))
    return result


def selection_balance(proposal: Proposal, registrations: Registrations) -> ClubBalance:
    """Deficit versus surplus/neutral among all selected (club 0 = everyone)."""
    by_name = registrations.by_name()
    deficit = sum(is_deficit(by_name.get(m)) for m in proposal.selected)
    return ClubBalance(0, deficit, len(proposal.selected) - deficit)


def quality_ratio(quality: Quality) -> float | None:
    """Objective divided by the simple baseline's objective, when meaningful."""
    if quality.objective is None or not quality.baseline_objective:
        return None
    if quality.baseline_objective <= 0:
        return None
    return quality.objective / quality.baseline_objective


def participants_in_order(proposal: Proposal) -> list[tuple[int | None, str]]:
    """(club, name) for every participant: club members by club, then selected without club."""
    seen: set[str] = set()
    result: list[tuple[int | None, str]] = []
    for club in sorted(proposal.clubs, key=lambda c: c.id):
        for name in club.members:
            if name not in seen:
                seen.add(name)
                result.append((club.id, name))
    for name in proposal.selected:
        if name not in seen:
            seen.add(name)
            result.append((None, name))
    return result


def chosen_themes(registration: Registration | None) -> tuple[str, ...]:
    """The registrant's chosen themes in rank order (first choice first)."""
    if registration is None:
        return ()
    return tuple(c.theme for c in sorted(registration.themes, key=lambda c: c.rank))


def fmt_number(value: float | None, decimals: int = 1) -> str:
    """Dutch number: decimal comma, no thousands separator; '–' for unknown."""
    if value is None:
        return "–"
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def fmt_inhabitants(value: int) -> str:
    """Dutch thousands separator: 131.000."""
    return f"{value:,}".replace(",", ".")


def yes_no(flag: bool) -> str:
    return "ja" if flag else "nee"


def join(parts: Iterable[str], sep: str = "; ") -> str:
    return sep.join(p for p in parts if p)
