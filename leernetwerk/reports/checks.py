"""The hard rules of DESIGN §8, rechecked on the proposal the outputs show.

The outputs state "alle harde regels OK" only when this module verified
it on the very layout they print; each rule is one small function returning
the Dutch violations it finds, so a reviewer sees exactly what is wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registrations
from leernetwerk.proposal import Proposal


@dataclass(frozen=True)
class CheckResult:
    """One rule checked: its Dutch name and what violates it (empty: OK)."""

    label: str
    violations: tuple[str, ...]
    hard: bool = True
    """False for rules the engine only meets 'when feasible' (a warning)."""

    @property
    def ok(self) -> bool:
        return not self.violations


Rule = Callable[[Proposal, Registrations, CycleConfig], list[str]]


def places_respected(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: the selection takes at most the available places."""
    by_name = regs.by_name()
    used = sum(
        config.cycle.organisation_places if name in by_name and by_name[name].is_organisation else 1
        for name in p.selected
    )
    places = config.cycle.places
    return [f"{used} plaatsen bezet, maar er zijn er {places}."] if used > places else []


def selection_pins(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: pinned registrants selected, excluded ones not."""
    selected = set(p.selected)
    problems = [f"{n} moet geselecteerd zijn." for n in config.pins.select if n not in selected]
    problems += [f"{n} mag niet geselecteerd zijn." for n in config.pins.exclude if n in selected]
    return problems


def clubs_cover_selection(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: every selected participant is in exactly one club, nobody else is."""
    if not p.clubs:
        return []
    counts = Counter(m for club in p.clubs for m in club.members)
    selected = set(p.selected)
    problems = [f"{n} zit in {k} clubs." for n, k in sorted(counts.items()) if k > 1]
    problems += [f"{n} zit in geen club." for n in p.selected if n not in counts]
    problems += [
        f"{n} zit in een club maar is niet geselecteerd." for n in counts if n not in selected
    ]
    return problems


def club_sizes(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: every club has between min_size and max_size members."""
    low, high = config.clubs.min_size, config.clubs.max_size
    return [
        f"club {c.id} heeft {len(c.members)} leden (toegestaan {low}–{high})."
        for c in p.clubs
        if not low <= len(c.members) <= high
    ]


def session_sizes(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: every session has between min_size and max_size members (never four)."""
    low, high = config.sessions.min_size, config.sessions.max_size
    return [
        f"ronde {r}: sessie van club {s.club} met {', '.join(s.members)} heeft "
        f"{len(s.members)} deelnemers (toegestaan {low}–{high})."
        for r, s in p.layout.sessions()
        if not low <= len(s.members) <= high
    ]


def one_session_per_round(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: every club member attends exactly one session per round."""
    problems = []
    for rnd in p.rounds:
        counts = Counter(m for s in rnd.sessions for m in s.members)
        for club in p.clubs:
            for name in club.members:
                if counts[name] != 1:
                    problems.append(f"ronde {rnd.round}: {name} zit in {counts[name]} sessies.")
    return problems


def sessions_inside_club(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: a session only holds members of its own club."""
    club_of = p.layout.club_of()
    return [
        f"ronde {r}: {m} zit in een sessie van club {s.club} maar hoort bij club "
        f"{club_of.get(m, '–')}."
        for r, s in p.layout.sessions()
        for m in s.members
        if club_of.get(m) != s.club
    ]


def no_repeated_pair(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: no pair of participants shares a session twice in one cycle."""
    pairs = Counter(
        frozenset(pair)
        for _, s in p.layout.sessions()
        for pair in combinations(sorted(set(s.members)), 2)
    )
    return [
        f"{' en '.join(sorted(pair))} zitten {k} keer samen in een sessie."
        for pair, k in sorted(pairs.items(), key=lambda kv: sorted(kv[0]))
        if k > 1
    ]


def valid_hosts(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: each session's host is one of its members and may host."""
    by_name = regs.by_name()
    problems = []
    for r, s in p.layout.sessions():
        where = f"ronde {r}, club {s.club} ({', '.join(s.members)})"
        if s.host is None:
            problems.append(f"{where}: geen host.")
        elif s.host not in s.members:
            problems.append(f"{where}: host {s.host} is geen deelnemer.")
        elif s.host in by_name and not by_name[s.host].can_host:
            problems.append(f"{where}: {s.host} kan volgens de aanmelding geen host zijn.")
    return problems


def layout_pins(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """Hard: the stuurgroep's club, apart, together and host pins hold."""
    pins = config.pins
    club_of = p.layout.club_of()
    sessions = p.layout.sessions()
    problems = [
        f"{pin.name} hoort in club {pin.club}."
        for pin in pins.club
        if pin.name in club_of and club_of[pin.name] != pin.club
    ]
    for a, b in pins.apart:
        if a in club_of and club_of.get(a) == club_of.get(b):
            problems.append(f"{a} en {b} mogen niet in dezelfde club.")
    for pin in pins.together:
        a, b = pin.members
        if not any(r == pin.round and {a, b} <= set(s.members) for r, s in sessions):
            problems.append(f"{a} en {b} horen in ronde {pin.round} in dezelfde sessie.")
    for pin in pins.host:
        if not any(r == pin.round and s.host == pin.name for r, s in sessions):
            problems.append(f"{pin.name} hoort in ronde {pin.round} host te zijn.")
    return problems


def club_balance(p: Proposal, regs: Registrations, config: CycleConfig) -> list[str]:
    """When feasible: |2·tekort − grootte| ≤ tolerance in every club."""
    by_name = regs.by_name()
    tolerance = config.clubs.balance_tolerance
    problems = []
    for club in p.clubs:
        deficit = sum(1 for m in club.members if m in by_name and by_name[m].balance.is_deficit)
        if abs(2 * deficit - len(club.members)) > tolerance:
            problems.append(
                f"club {club.id}: {deficit} met tekort tegenover "
                f"{len(club.members) - deficit} met overschot/neutraal."
            )
    return problems


RULES: tuple[tuple[str, Rule, bool], ...] = (
    ("Niet meer deelnemers dan plaatsen", places_respected, True),
    ("Vastgelegde selectiekeuzes", selection_pins, True),
    ("Elke deelnemer in precies één club", clubs_cover_selection, True),
    ("Clubgrootte", club_sizes, True),
    ("Sessiegrootte", session_sizes, True),
    ("Eén sessie per deelnemer per ronde", one_session_per_round, True),
    ("Sessie binnen de eigen club", sessions_inside_club, True),
    ("Geen paar twee keer samen", no_repeated_pair, True),
    ("Geldige host", valid_hosts, True),
    ("Vastgelegde club-, sessie- en hostkeuzes", layout_pins, True),
    ("Evenwicht tekort/overschot per club", club_balance, False),
)
"""Every rule once: Dutch name, function, hard (True) or warning (False)."""


def check_proposal(
    proposal: Proposal, registrations: Registrations, config: CycleConfig
) -> list[CheckResult]:
    """Run every rule of :data:`RULES` on the proposal."""
    return [
        CheckResult(label, tuple(rule(proposal, registrations, config)), hard)
        for label, rule, hard in RULES
    ]


def checks_summary(results: list[CheckResult]) -> str:
    """One Dutch line: all hard rules OK, or how many are broken, plus warnings."""
    broken = [r for r in results if r.hard and not r.ok]
    warned = [r for r in results if not r.hard and not r.ok]
    head = (
        "alle harde regels OK"
        if not broken
        else f"{len(broken)} harde regel(s) geschonden: " + ", ".join(r.label for r in broken)
    )
    if warned:
        head += "; waarschuwing: " + ", ".join(r.label for r in warned)
    return head
