"""The CP-SAT side of the club rules: one function per rule.

Each function adds its rule to a :class:`matching.clubs.ClubModel` and returns
the objective terms it adds (``(expression, coefficient)``; empty for a hard
rule), so the penalties in the objective are exactly those the rule table
names. Hard rules are enforced through ``cm.rule(key, description)``, which
only creates an assumption literal when a conflict is being explained
(:mod:`matching.conflicts`). They are registered in :data:`matching.rules.RULES`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from matching.club_sizes import host_need

if TYPE_CHECKING:
    from matching.clubs import ClubModel

Terms = list[tuple[Any, float]]


def club_balance(cm: ClubModel) -> Terms:
    """Hard: in every club |2·deficit − size| ≤ tolerance (deficit vs surplus/neutral)."""
    p = cm.problem
    description = f"balans tekort/overschot per club (verschil hooguit {cm.tolerance})"
    for g in range(cm.k):
        size = sum(cm.core.assign(i, g) for i in range(len(p.participants)))
        deficit = sum(
            cm.core.assign(i, g) for i, r in enumerate(p.participants) if r.balance.is_deficit
        )
        enforce = cm.rule("club_balance", description)
        cm.model.add(2 * deficit - size <= cm.tolerance).only_enforce_if(enforce)
        cm.model.add(size - 2 * deficit <= cm.tolerance).only_enforce_if(enforce)
    return []


def club_hosts(cm: ClubModel) -> Terms:
    """Hard: every club has enough members who may host to give every session of a
    round a host (at least one per largest session size)."""
    p = cm.problem
    per = p.config.sessions.max_size
    description = f"iedere club heeft genoeg deelnemers die mogen hosten (minstens 1 op de {per})"
    n = len(p.participants)
    for g in range(cm.k):
        size = sum(cm.core.assign(i, g) for i in range(n))
        hosts = sum(cm.core.assign(i, g) for i, r in enumerate(p.participants) if r.can_host)
        cm.model.add(per * hosts >= size).only_enforce_if(cm.rule("club_hosts", description))
    return []


def host_shortfall(cm: ClubModel) -> Terms:
    """Penalised: per host a club lacks for a host of its own in every session over
    the cycle (so nobody needs to host twice). The need is that of the smallest
    club size, for every club (see :func:`matching.checks.host_shortfall_of`)."""
    p = cm.problem
    weight = p.config.weights.clubs.host_shortfall
    if cm.with_assumptions or not weight:
        return []
    need = host_need(cm.grouping.bounds[0][0], p.config)
    terms: Terms = []
    for g in range(cm.k):
        hosts = sum(cm.core.assign(i, g) for i, r in enumerate(p.participants) if r.can_host)
        shortfall = cm.model.new_int_var(0, need, f"club_{g}_host_shortfall")
        cm.model.add(shortfall >= need - hosts)
        terms.append((shortfall, -weight))
    return terms


def pin_club(cm: ClubModel) -> Terms:
    """Pin: X in club k."""
    for pin in cm.problem.config.pins.club:
        if pin.name not in cm.problem.names:
            continue
        description = f"pin: {pin.name} in club {pin.club}"
        if pin.club > cm.k:
            description += f" (er zijn maar {cm.k} clubs)"
            cm.model.add_bool_or([]).only_enforce_if(cm.rule("pin_club", description))
            continue
        i = cm.problem.index(pin.name)
        cm.model.add(cm.core.assign(i, pin.club - 1) == 1).only_enforce_if(
            cm.rule("pin_club", description)
        )
    return []


def pin_apart(cm: ClubModel) -> Terms:
    """Pin: X and Y never in the same club."""
    for a, b in cm.problem.config.pins.apart:
        if a in cm.problem.names and b in cm.problem.names:
            i, j = cm.problem.index(a), cm.problem.index(b)
            cm.model.add(cm.core.same_group(i, j) == 0).only_enforce_if(
                cm.rule("pin_apart", f"pin: {a} en {b} nooit samen")
            )
    return []


def pin_together(cm: ClubModel) -> Terms:
    """Pin: X and Y in one session in round r, so they must share a club."""
    for pin in cm.problem.config.pins.together:
        a, b = pin.members
        if a in cm.problem.names and b in cm.problem.names:
            i, j = cm.problem.index(a), cm.problem.index(b)
            cm.model.add(cm.core.same_group(i, j) == 1).only_enforce_if(
                cm.rule("pin_together", f"pin: {a} en {b} samen in ronde {pin.round}")
            )
    return []
