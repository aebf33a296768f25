"""The CP-SAT side of the session rules: one function per rule.

Each function adds its rule to a :class:`matching.sessions.SessionModel` and
returns the objective terms it adds (``(expression, coefficient)`` in model
units, i.e. weight × :data:`matching.sessions.SCALE`; empty for a hard rule).
They are registered in :data:`matching.rules.RULES`.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matching.sessions import SessionModel

Terms = list[tuple[Any, int]]


def one_session_per_round(sm: SessionModel) -> Terms:
    """Hard: every member attends exactly one session of the allowed size per round."""
    lo, hi = sm.problem.config.sessions.min_size, sm.problem.config.sessions.max_size
    description = f"iedere deelnemer precies één bijeenkomst per ronde, met {lo}–{hi} deelnemers"
    for r in sm.problem.rounds:
        for i in range(len(sm.problem.members)):
            sm.model.add_exactly_one(sm.containing(r, i)).only_enforce_if(
                sm.rule("one_session_per_round", description)
            )
    return []


def no_repeated_pair(sm: SessionModel) -> Terms:
    """Hard: no pair meets in two rounds of the same cycle."""
    description = "geen paar ontmoet elkaar in beide rondes"
    for i, j in itertools.combinations(range(len(sm.problem.members)), 2):
        meets = [v for r in sm.problem.rounds for v in sm.containing(r, i, j)]
        if len(meets) > 1:
            sm.model.add_at_most_one(meets).only_enforce_if(
                sm.rule("no_repeated_pair", description)
            )
    return []


def session_host(sm: SessionModel) -> Terms:
    """Hard: each session has a member with 'Host mogelijk = ja' (who hosts is decided
    afterwards by :func:`matching.sessions.assign_hosts`, which rotates hosting)."""
    description = "iedere bijeenkomst heeft een deelnemer die mag hosten"
    for (_r, c), take in sm.take.items():
        if not any(sm.problem.members[i].can_host for i in sm.candidates[c].members):
            sm.model.add(take == 0).only_enforce_if(sm.rule("session_host", description))
    return []


def host_twice(sm: SessionModel) -> Terms:
    """Penalised: a member who is the only possible host of a session is so for at
    most one session in the cycle, so that hosting can rotate (``assign_hosts``
    then finds a host per session without anyone hosting twice in nearly every
    case). Per extra such session: −weight."""
    weight = sm.problem.config.weights.sessions.host_twice
    terms: Terms = []
    for i, member in enumerate(sm.problem.members):
        if not member.can_host:
            continue
        sole = [
            sm.take[r, c]
            for r in sm.problem.rounds
            for c, cand in enumerate(sm.candidates)
            if i in cand.members
            and not any(sm.problem.members[j].can_host for j in cand.members if j != i)
        ]
        if len(sole) > 1:
            extra = sm.model.new_int_var(0, len(sm.problem.rounds), f"sole_host_{i}")
            sm.model.add(sum(sole) <= 1 + extra)
            terms.append((extra, -sm.scaled(weight)))
    return terms


def met_before(sm: SessionModel) -> Terms:
    """Penalised: pairs that met in an earlier cycle do not meet again (per session
    in which such a pair meets: −weight)."""
    weight = sm.problem.config.weights.sessions.met_before
    terms: Terms = []
    for i, j in itertools.combinations(range(len(sm.problem.members)), 2):
        if frozenset((sm.name(i), sm.name(j))) in sm.problem.met_before:
            for r in sm.problem.rounds:
                for var in sm.containing(r, i, j):
                    terms.append((var, -sm.scaled(weight)))
    return terms


def pin_together(sm: SessionModel) -> Terms:
    """Pin: X and Y in the same session in round r."""
    for a, b, r in sm.problem.pins.together:
        i, j = sm.problem.index(a), sm.problem.index(b)
        sm.model.add(sum(sm.containing(r, i, j)) == 1).only_enforce_if(
            sm.rule("pin_together", f"pin: {a} en {b} samen in ronde {r}")
        )
    return []


def pin_host(sm: SessionModel) -> Terms:
    """Pin: X hosts a session in round r (X may host; two pinned hosts of a round are
    never in the same session). Who hosts is then fixed by ``assign_hosts``."""
    by_round: dict[int, list[tuple[int, str]]] = {}
    for name, r in sm.problem.pins.host:
        i = sm.problem.index(name)
        description = f"pin: {name} is host in ronde {r}"
        if not sm.problem.members[i].can_host:
            description += f" (bij {name} staat 'Host mogelijk' op nee)"
            sm.model.add_bool_or([]).only_enforce_if(sm.rule("pin_host", description))
        for j, other in by_round.get(r, []):
            # Enforced by both pins, so a conflict core names both.
            sm.model.add(sum(sm.containing(r, i, j)) == 0).only_enforce_if(
                sm.rule("pin_host", description) + sm.rule("pin_host", other)
            )
        by_round.setdefault(r, []).append((i, description))
    return []
