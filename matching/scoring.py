"""Score and check *any* layout with the engine's own criteria.

The engine's proposal, the baseline, the pilot's manual layout and a layout
edited in Excel are all measured here, in plain Python: the per-criterion,
per-club and per-session breakdown with Dutch sentences, and every broken
hard rule with the names involved.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration
from leernetwerk.proposal import Breakdown, CriterionScore, GroupScore, Layout
from matching.criteria import (
    CLUB_CRITERIA,
    FIRST_CHOICE_LABEL,
    SESSION_CRITERIA,
    is_bringer,
    is_learner,
)

FIRST_CHOICE_KEY = "sessions.first_choice"


def _criterion(key: str, label: str, weight: float, raw: float) -> CriterionScore:
    """contribution = weight × raw; penalties (size_gap) have a negative raw value."""
    return CriterionScore(
        key=key, label=label, weight=weight, raw=round(raw, 4), contribution=round(weight * raw, 4)
    )


def score_layout(
    layout: Layout, participants: Mapping[str, Registration], config: CycleConfig
) -> Breakdown:
    """The breakdown of a layout: per criterion, per club and per session.

    Names in the layout that are not participants are ignored here (the
    checker reports them).
    """
    themes = config.catalogue.names
    club_scores = []
    for club in layout.clubs:
        members = [participants[n] for n in club.members if n in participants]
        criteria = []
        for c in CLUB_CRITERIA:
            raw = sum(c.pair_value(a, b, themes) for a, b in itertools.combinations(members, 2))
            criteria.append(_criterion(f"clubs.{c.key}", c.label, c.weight(config), raw))
        club_scores.append(
            GroupScore(
                club=club.id,
                members=club.members,
                total=round(sum(x.contribution for x in criteria), 4),
                criteria=tuple(criteria),
            )
        )

    covered: set[str] = set()
    fc_weight = config.weights.sessions.first_choice
    session_scores = []
    for rnd, session in sorted(layout.sessions(), key=lambda rs: rs[0]):
        members = [participants[n] for n in session.members if n in participants]
        criteria = [
            _criterion(
                f"sessions.{c.key}", c.label, c.weight(config), c.value(members, session.themes)
            )
            for c in SESSION_CRITERIA
        ]
        newly = [
            m.name for m in members if m.first_choice in session.themes and m.name not in covered
        ]
        covered.update(newly)
        criteria.append(_criterion(FIRST_CHOICE_KEY, FIRST_CHOICE_LABEL, fc_weight, len(newly)))
        session_scores.append(
            GroupScore(
                club=session.club,
                round=rnd,
                members=session.members,
                total=round(sum(x.contribution for x in criteria), 4),
                criteria=tuple(criteria),
                sentences=tuple(session_sentences(members, session.themes)),
            )
        )

    totals: dict[str, CriterionScore] = {}
    for group in [*club_scores, *session_scores]:
        for c in group.criteria:
            if c.key in totals:
                t = totals[c.key]
                totals[c.key] = t.model_copy(
                    update={
                        "raw": round(t.raw + c.raw, 4),
                        "contribution": round(t.contribution + c.contribution, 4),
                    }
                )
            else:
                totals[c.key] = c
    total = round(sum(c.contribution for c in totals.values()), 4)
    return Breakdown(
        total=total,
        criteria=tuple(totals.values()),
        clubs=tuple(club_scores),
        sessions=tuple(session_scores),
    )


def session_sentences(members: list[Registration], themes: Iterable[str]) -> list[str]:
    """Dutch justifications of a session: who learns from whom, shared first choices."""
    sentences = []
    for t in themes:
        for a, b in itertools.permutations(members, 2):
            if is_learner(a, t) and is_bringer(b, t):
                sentences.append(f"{a.name} leert van {b.name} over {t}")
        choosers = [m.name for m in members if m.theme_rank(t)]
        if len(choosers) >= 2:
            sentences.append(f"{' en '.join(choosers)} kozen allen '{t}'")
    for m in members:
        if m.first_choice and m.first_choice in themes:
            sentences.append(f"{m.name} krijgt zijn eerste keuze '{m.first_choice}'")
    return sentences


@dataclass(frozen=True)
class Violation:
    """A broken rule in a layout; ``hard`` ones make a layout unacceptable."""

    rule: str
    message: str
    names: tuple[str, ...] = ()
    hard: bool = True

    def __str__(self) -> str:
        return self.message


def check_layout(
    layout: Layout,
    participants: Mapping[str, Registration],
    config: CycleConfig,
    met_before: Iterable[frozenset[str]] = (),
) -> list[Violation]:
    """Every broken rule of a layout, with the names involved (Dutch)."""
    v: list[Violation] = []
    cfg_c, cfg_s = config.clubs, config.sessions
    club_of: dict[str, list[int]] = defaultdict(list)
    for club in layout.clubs:
        for name in club.members:
            club_of[name].append(club.id)
        if not cfg_c.min_size <= len(club.members) <= cfg_c.max_size:
            v.append(
                Violation(
                    "club_size",
                    f"Club {club.id} heeft {len(club.members)} deelnemers; toegestaan is "
                    f"{cfg_c.min_size}–{cfg_c.max_size}.",
                    club.members,
                )
            )
    for name in participants:
        if not club_of.get(name):
            v.append(Violation("in_club", f"{name} zit in geen enkele club.", (name,)))
    for name, clubs in club_of.items():
        if name not in participants:
            v.append(Violation("unknown", f"'{name}' is geen geselecteerde deelnemer.", (name,)))
        if len(clubs) > 1:
            v.append(
                Violation(
                    "in_club",
                    f"{name} zit in meer dan één club ({', '.join(map(str, clubs))}).",
                    (name,),
                )
            )

    rounds = range(1, cfg_s.rounds + 1)
    meetings: Counter[frozenset[str]] = Counter()
    hosted: Counter[str] = Counter()
    for r in rounds:
        seen: Counter[str] = Counter()
        for rnd, s in layout.sessions():
            if rnd != r:
                continue
            label = f"Ronde {r}, bijeenkomst van {', '.join(s.members)}"
            size = len(s.members)
            if size > cfg_s.max_size:
                v.append(
                    Violation(
                        "session_size",
                        f"{label}: {size} deelnemers; hooguit {cfg_s.max_size} (4 of meer is te veel).",
                        s.members,
                    )
                )
            elif size < cfg_s.min_size:
                v.append(
                    Violation(
                        "session_size",
                        f"{label}: {size} deelnemer(s); minstens {cfg_s.min_size}.",
                        s.members,
                    )
                )
            seen.update(s.members)
            for name in s.members:
                if club_of.get(name) and s.club not in club_of[name]:
                    v.append(
                        Violation(
                            "same_club", f"{label}: {name} zit niet in club {s.club}.", (name,)
                        )
                    )
            if s.host is None or s.host not in s.members:
                v.append(Violation("host", f"{label}: geen host uit de bijeenkomst.", s.members))
            else:
                hosted[s.host] += 1
                reg = participants.get(s.host)
                if reg is not None and not reg.can_host:
                    v.append(
                        Violation(
                            "host",
                            f"{label}: host {s.host} mag niet hosten (Host mogelijk = nee).",
                            (s.host,),
                        )
                    )
            for a, b in itertools.combinations(sorted(set(s.members)), 2):
                meetings[frozenset((a, b))] += 1
        for name in participants:
            if seen[name] == 0:
                v.append(
                    Violation(
                        "one_session", f"Ronde {r}: {name} zit in geen enkele bijeenkomst.", (name,)
                    )
                )
            elif seen[name] > 1:
                v.append(
                    Violation(
                        "one_session",
                        f"Ronde {r}: {name} zit in {seen[name]} bijeenkomsten.",
                        (name,),
                    )
                )
    for pair, count in sorted(meetings.items(), key=lambda pc: sorted(pc[0])):
        if count > 1:
            a, b = sorted(pair)
            v.append(
                Violation("repeated_pair", f"{a} en {b} zitten in beide rondes samen.", (a, b))
            )
    earlier = set(met_before)
    for pair in sorted(meetings, key=sorted):
        if pair in earlier:
            a, b = sorted(pair)
            v.append(
                Violation(
                    "met_before",
                    f"{a} en {b} ontmoetten elkaar al in een eerdere cyclus.",
                    (a, b),
                    hard=False,
                )
            )
    for name, count in sorted(hosted.items()):
        if count > 1:
            v.append(Violation("host_twice", f"{name} is {count} keer host.", (name,), hard=False))
    v.extend(check_pins(layout, config))
    return v


def check_pins(layout: Layout, config: CycleConfig) -> list[Violation]:
    """Violations of the stuurgroep's matching pins."""
    v = []
    club_of = layout.club_of()
    sessions = layout.sessions()
    for pin in config.pins.club:
        if pin.name in club_of and club_of[pin.name] != pin.club:
            v.append(
                Violation(
                    "pin",
                    f"Pin: {pin.name} hoort in club {pin.club}, maar zit in club "
                    f"{club_of[pin.name]}.",
                    (pin.name,),
                )
            )
    for a, b in config.pins.apart:
        if a in club_of and b in club_of and club_of[a] == club_of[b]:
            v.append(
                Violation(
                    "pin",
                    f"Pin: {a} en {b} mogen niet samen, maar zitten samen in club {club_of[a]}.",
                    (a, b),
                )
            )
    for pin in config.pins.together:
        a, b = pin.members
        if (
            a in club_of
            and b in club_of
            and not any(r == pin.round and a in s.members and b in s.members for r, s in sessions)
        ):
            v.append(Violation("pin", f"Pin: {a} en {b} horen samen in ronde {pin.round}.", (a, b)))
    for pin in config.pins.host:
        if pin.name in club_of and not any(
            r == pin.round and s.host == pin.name for r, s in sessions
        ):
            v.append(
                Violation(
                    "pin", f"Pin: {pin.name} hoort host te zijn in ronde {pin.round}.", (pin.name,)
                )
            )
    return v
