"""Score *any* layout with the engine's own criteria.

The engine's proposal, the baseline, the pilot's manual layout and a layout
edited in Excel are all measured here, in plain Python: the per-criterion,
per-club and per-session breakdown with Dutch sentences. Broken rules are
found by :func:`matching.rules.check_layout`.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration
from leernetwerk.proposal import Breakdown, CriterionScore, GroupScore, Layout
from matching.checks import LayoutFacts, club_group, session_group
from matching.criteria import (
    CLUB_CRITERIA,
    FIRST_CHOICE_LABEL,
    SESSION_CRITERIA,
    is_bringer,
    is_learner,
)
from matching.rules import RULES, Rule, RuleKind, Stage

FIRST_CHOICE_KEY = "sessions.first_choice"


def _criterion(key: str, label: str, weight: float, raw: float) -> CriterionScore:
    """contribution = weight × raw; penalties (size_gap) have a negative raw value."""
    return CriterionScore(
        key=key, label=label, weight=weight, raw=round(raw, 4), contribution=round(weight * raw, 4)
    )


PENALISED = tuple(rule for rule in RULES if rule.kind is RuleKind.PENALISED)
"""The penalised rules of the table, each scored as a criterion with raw = −amount."""


def penalties(facts: LayoutFacts, stage: Stage) -> list[tuple[Rule, Counter[tuple[object, ...]]]]:
    """Per penalised rule of ``stage``: its amounts per club or session, from its check."""
    found = []
    for rule in PENALISED:
        if rule.stage is stage:
            amounts: Counter[tuple[object, ...]] = Counter()
            for v in rule.check(facts):
                amounts[v.group] += v.amount
            found.append((rule, amounts))
    return found


def _penalty(rule: Rule, config: CycleConfig, amount: int) -> CriterionScore:
    assert rule.weight is not None
    return _criterion(rule.weight, rule.label, rule.weight_value(config), -amount)


def score_layout(
    layout: Layout,
    participants: Mapping[str, Registration],
    config: CycleConfig,
    met_before: Iterable[frozenset[str]] = (),
) -> Breakdown:
    """The breakdown of a layout: per criterion, per club and per session.

    The soft criteria of :mod:`matching.criteria` and the penalised rules of
    :data:`matching.rules.RULES` (negative raw values), exactly as the models
    score them. Names in the layout that are not participants are ignored here
    (the checker reports them).
    """
    facts = LayoutFacts(layout, participants, config, frozenset(met_before))
    club_penalties = penalties(facts, Stage.CLUBS)
    session_penalties = penalties(facts, Stage.SESSIONS)
    themes = config.catalogue.names
    club_scores = []
    for club in layout.clubs:
        members = [participants[n] for n in club.members if n in participants]
        criteria = []
        for c in CLUB_CRITERIA:
            raw = sum(c.pair_value(a, b, themes) for a, b in itertools.combinations(members, 2))
            criteria.append(_criterion(f"clubs.{c.key}", c.label, c.weight(config), raw))
        criteria += [
            _penalty(rule, config, amounts[club_group(club.id)]) for rule, amounts in club_penalties
        ]
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
        criteria += [
            _penalty(rule, config, amounts[session_group(rnd, session)])
            for rule, amounts in session_penalties
        ]
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
        for score in group.criteria:
            if score.key in totals:
                t = totals[score.key]
                totals[score.key] = t.model_copy(
                    update={
                        "raw": round(t.raw + score.raw, 4),
                        "contribution": round(t.contribution + score.contribution, 4),
                    }
                )
            else:
                totals[score.key] = score
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
