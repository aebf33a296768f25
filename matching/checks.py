"""The plain-Python side of every layout rule: one small check per rule.

Each function takes the :class:`LayoutFacts` of a layout (the engine's, the
baseline, the pilot's manual one, an edited workbook, a proposal in the
report) and returns the Dutch violations it finds, with the names involved.
They are registered, with their CP-SAT counterparts, in the rule table
:data:`matching.rules.RULES`; nothing calls them except through that table.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration
from leernetwerk.errors import did_you_mean
from leernetwerk.proposal import Layout, Session
from matching.club_sizes import club_bounds, club_count, host_need, smallest_balance_tolerance
from matching.errors import RuleConflict


@dataclass(frozen=True)
class Violation:
    """A broken rule in a layout: the rule's key in the table, a Dutch message,
    the names involved. ``hard`` comes from the rule's kind."""

    rule: str
    message: str
    names: tuple[str, ...] = ()
    hard: bool = True
    amount: int = 1
    """Units of a penalised rule this violation costs (its raw value is −amount)."""
    group: tuple[object, ...] = ()
    """The club ``("club", id)`` or session ``("session", round, club, members)`` it
    is charged to in the score breakdown (penalised rules)."""

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class LayoutFacts:
    """Everything a check may look at, with the derived facts computed once."""

    layout: Layout
    participants: Mapping[str, Registration]
    """The selected participants by name (the layout should hold exactly these)."""
    config: CycleConfig
    met_before: frozenset[frozenset[str]] = frozenset()
    """Pairs that met in an earlier decided cycle."""
    selected: tuple[str, ...] | None = None
    """The selection, for the selection rules (None: not checked)."""
    registrations: Mapping[str, Registration] = field(default_factory=dict)
    """All registrants by name (for places taken by organisations)."""

    @cached_property
    def clubs_of(self) -> dict[str, list[int]]:
        clubs: dict[str, list[int]] = defaultdict(list)
        for club in self.layout.clubs:
            for name in club.members:
                clubs[name].append(club.id)
        return dict(clubs)

    @cached_property
    def sessions(self) -> list[tuple[int, Session]]:
        """(round, session), in round order (stable within a round)."""
        return sorted(self.layout.sessions(), key=lambda rs: rs[0])

    @property
    def rounds(self) -> range:
        return range(1, self.config.sessions.rounds + 1)

    def members(self, names: Sequence[str]) -> list[Registration]:
        return [self.participants[n] for n in names if n in self.participants]


def club_group(club: int) -> tuple[object, ...]:
    return ("club", club)


def session_group(r: int, session: Session) -> tuple[object, ...]:
    return ("session", r, session.club, session.members)


def where(r: int, session: Session) -> str:
    return f"Ronde {r}, bijeenkomst van {', '.join(session.members)}"


def pairs_of(session: Session) -> Iterator[tuple[str, str]]:
    return itertools.combinations(sorted(set(session.members)), 2)


# --------------------------------------------------------------------------- selection


def places(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: the selection takes at most the available places."""
    if f.selected is None:
        return
    cfg = f.config.cycle
    used = sum(
        cfg.organisation_places
        if name in f.registrations and f.registrations[name].is_organisation
        else 1
        for name in f.selected
    )
    if used > cfg.places:
        yield Violation("places", f"{used} plaatsen bezet, maar er zijn er {cfg.places}.")


def selection_pins(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: pinned registrants selected, excluded ones not."""
    if f.selected is None:
        return
    chosen = set(f.selected)
    for name in f.config.pins.select:
        if name not in chosen:
            yield Violation("selection_pins", f"Pin: {name} moet geselecteerd zijn.", (name,))
    for name in f.config.pins.exclude:
        if name in chosen:
            yield Violation("selection_pins", f"Pin: {name} mag niet geselecteerd zijn.", (name,))


# --------------------------------------------------------------------------- clubs


def in_one_club(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: every participant is in exactly one club, and nobody else is in a club or
    a session."""
    for name in f.participants:
        if not f.clubs_of.get(name):
            yield Violation("in_one_club", f"{name} zit in geen enkele club.", (name,))
    strangers = dict.fromkeys(
        name
        for _, s in f.sessions
        for name in s.members
        if name not in f.participants and name not in f.clubs_of
    )
    for name in strangers:
        yield Violation(
            "in_one_club",
            f"'{name}' staat in een bijeenkomst maar is geen geselecteerde deelnemer."
            + did_you_mean(name, f.participants),
            (name,),
        )
    for name, clubs in f.clubs_of.items():
        if name not in f.participants:
            yield Violation("in_one_club", f"'{name}' is geen geselecteerde deelnemer.", (name,))
        if len(clubs) > 1:
            listed = ", ".join(map(str, clubs))
            yield Violation("in_one_club", f"{name} zit in meer dan één club ({listed}).", (name,))


def club_size(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: every club has between min_size and max_size members."""
    lo, hi = f.config.clubs.min_size, f.config.clubs.max_size
    for club in f.layout.clubs:
        if not lo <= len(club.members) <= hi:
            yield Violation(
                "club_size",
                f"Club {club.id} heeft {len(club.members)} deelnemers; toegestaan is {lo}–{hi}.",
                club.members,
            )


def achievable_tolerance(f: LayoutFacts) -> int:
    """The balance tolerance the engine holds for these participants: the configured
    one, or the best achievable one when that is impossible (reported as a warning)."""
    n = len(f.participants)
    deficits = sum(1 for r in f.participants.values() if r.balance.is_deficit)
    tolerance = f.config.clubs.balance_tolerance
    try:
        bounds = club_bounds(n, club_count(n, f.config))
    except RuleConflict:  # no club layout fits at all: club_size reports it
        return tolerance
    return smallest_balance_tolerance(bounds, n, deficits, tolerance)


def club_balance(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: in every club |2·deficit − size| ≤ tolerance (the configured tolerance,
    or the best achievable one when the counts make it impossible)."""
    tolerance = achievable_tolerance(f)
    for club in f.layout.clubs:
        members = f.members(club.members)
        deficit = sum(1 for m in members if m.balance.is_deficit)
        if abs(2 * deficit - len(members)) > tolerance:
            yield Violation(
                "club_balance",
                f"Club {club.id}: {deficit} met tekort tegenover {len(members) - deficit} met "
                f"overschot/neutraal (verschil hooguit {tolerance}).",
                club.members,
            )


def club_hosts(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: a club has at least one member who may host per largest session size."""
    per = f.config.sessions.max_size
    for club in f.layout.clubs:
        members = f.members(club.members)
        hosts = sum(1 for m in members if m.can_host)
        if per * hosts < len(members):
            yield Violation(
                "club_hosts",
                f"Club {club.id} heeft {hosts} deelnemer(s) die mogen hosten voor "
                f"{len(members)} deelnemers; nodig is minstens 1 op de {per}.",
                club.members,
            )


def host_shortfall_of(f: LayoutFacts, members: Sequence[Registration]) -> int:
    """Hosts a club lacks for a host of its own in every session of the cycle.

    The need is that of the smallest club size the participants allow (the club
    model uses the same figure for every club)."""
    n = len(f.participants)
    try:
        smallest = n // club_count(n, f.config)
    except RuleConflict:
        return 0
    return max(0, host_need(smallest, f.config) - sum(1 for m in members if m.can_host))


def host_shortfall(f: LayoutFacts) -> Iterator[Violation]:
    """Penalised: a club short of hosts makes someone host twice."""
    for club in f.layout.clubs:
        short = host_shortfall_of(f, f.members(club.members))
        if short:
            yield Violation(
                "host_shortfall",
                f"Club {club.id} heeft {short} host(s) te weinig om elke bijeenkomst een "
                "eigen host te geven.",
                club.members,
                hard=False,
                amount=short,
                group=club_group(club.id),
            )


def pin_club(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: a pinned participant is in its club."""
    for pin in f.config.pins.club:
        clubs = f.clubs_of.get(pin.name, [])
        if clubs and pin.club not in clubs:
            yield Violation(
                "pin_club",
                f"Pin: {pin.name} hoort in club {pin.club}, maar zit in club {clubs[0]}.",
                (pin.name,),
            )


def pin_apart(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: a pair pinned apart never shares a club."""
    for a, b in f.config.pins.apart:
        shared = set(f.clubs_of.get(a, [])) & set(f.clubs_of.get(b, []))
        if shared:
            yield Violation(
                "pin_apart",
                f"Pin: {a} en {b} mogen niet samen, maar zitten samen in club {min(shared)}.",
                (a, b),
            )


def pin_together(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: a pair pinned together shares a session in the given round."""
    for pin in f.config.pins.together:
        a, b = pin.members
        if a not in f.clubs_of or b not in f.clubs_of:
            continue
        if not any(r == pin.round and {a, b} <= set(s.members) for r, s in f.sessions):
            yield Violation(
                "pin_together", f"Pin: {a} en {b} horen samen in ronde {pin.round}.", (a, b)
            )


def pin_host(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: a pinned host hosts a session in the given round."""
    for pin in f.config.pins.host:
        if pin.name not in f.clubs_of:
            continue
        if not any(r == pin.round and s.host == pin.name for r, s in f.sessions):
            yield Violation(
                "pin_host",
                f"Pin: {pin.name} hoort host te zijn in ronde {pin.round}.",
                (pin.name,),
            )


# --------------------------------------------------------------------------- sessions


def session_size(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: every session has between min_size and max_size members."""
    lo, hi = f.config.sessions.min_size, f.config.sessions.max_size
    for r, s in f.sessions:
        size = len(s.members)
        if size > hi:
            yield Violation(
                "session_size",
                f"{where(r, s)}: {size} deelnemers; hooguit {hi} ({hi + 1} of meer is te veel).",
                s.members,
            )
        elif size < lo:
            yield Violation(
                "session_size", f"{where(r, s)}: {size} deelnemer(s); minstens {lo}.", s.members
            )


def one_session_per_round(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: every participant attends exactly one session per round."""
    for r in f.rounds:
        seen = Counter(m for rnd, s in f.sessions if rnd == r for m in s.members)
        for name in f.participants:
            if seen[name] == 0:
                yield Violation(
                    "one_session_per_round",
                    f"Ronde {r}: {name} zit in geen enkele bijeenkomst.",
                    (name,),
                )
            elif seen[name] > 1:
                yield Violation(
                    "one_session_per_round",
                    f"Ronde {r}: {name} zit in {seen[name]} bijeenkomsten.",
                    (name,),
                )


def session_in_club(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: a session only holds members of its own club."""
    for r, s in f.sessions:
        for name in s.members:
            clubs = f.clubs_of.get(name)
            if clubs and s.club not in clubs:
                yield Violation(
                    "session_in_club", f"{where(r, s)}: {name} zit niet in club {s.club}.", (name,)
                )


def no_repeated_pair(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: no pair shares a session twice in one cycle."""
    meetings = Counter(pair for _, s in f.sessions for pair in pairs_of(s))
    for (a, b), count in sorted(meetings.items()):
        if count > 1:
            rounds = "beide rondes" if count == 2 else f"{count} rondes"
            yield Violation("no_repeated_pair", f"{a} en {b} zitten in {rounds} samen.", (a, b))


def session_host(f: LayoutFacts) -> Iterator[Violation]:
    """Hard: each session's host is one of its members and may host."""
    for r, s in f.sessions:
        if s.host is None or s.host not in s.members:
            yield Violation(
                "session_host", f"{where(r, s)}: geen host uit de bijeenkomst.", s.members
            )
            continue
        reg = f.participants.get(s.host)
        if reg is not None and not reg.can_host:
            yield Violation(
                "session_host",
                f"{where(r, s)}: host {s.host} mag niet hosten (Host mogelijk = nee).",
                (s.host,),
            )


def met_before_pairs(f: LayoutFacts, session: Session) -> list[tuple[str, str]]:
    return [(a, b) for a, b in pairs_of(session) if frozenset((a, b)) in f.met_before]


def met_before(f: LayoutFacts) -> Iterator[Violation]:
    """Penalised: pairs that met in an earlier cycle do not meet again."""
    for r, s in f.sessions:
        for a, b in met_before_pairs(f, s):
            yield Violation(
                "met_before",
                f"{a} en {b} ontmoetten elkaar al in een eerdere cyclus.",
                (a, b),
                hard=False,
                group=session_group(r, s),
            )


def sole_host(f: LayoutFacts, session: Session) -> str | None:
    """The one member of a session who may host, when there is exactly one."""
    hosts = [m.name for m in f.members(session.members) if m.can_host]
    return hosts[0] if len(hosts) == 1 else None


def repeated_sole_hosts(f: LayoutFacts) -> list[tuple[int, Session, str]]:
    """(round, session, name) for every session whose only possible host was
    already the only possible host of an earlier session (in round order)."""
    seen: set[str] = set()
    repeats = []
    for r, s in f.sessions:
        name = sole_host(f, s)
        if name is None:
            continue
        if name in seen:
            repeats.append((r, s, name))
        seen.add(name)
    return repeats


def host_twice(f: LayoutFacts) -> Iterator[Violation]:
    """Penalised: nobody is the only possible host of two sessions (hosting rotates)."""
    for r, s, name in repeated_sole_hosts(f):
        yield Violation(
            "host_twice",
            f"{where(r, s)}: {name} is de enige die mag hosten, en moet dus opnieuw hosten.",
            (name,),
            hard=False,
            group=session_group(r, s),
        )


def host_rotation(f: LayoutFacts) -> Iterator[Violation]:
    """Warning: somebody hosts more than one session."""
    hosted = Counter(s.host for _, s in f.sessions if s.host is not None)
    for name, count in sorted(hosted.items()):
        if count > 1:
            yield Violation("host_rotation", f"{name} is {count} keer host.", (name,), hard=False)
