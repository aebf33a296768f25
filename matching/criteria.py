"""The matching criteria, in plain Python: one small named function per rule.

Every soft criterion of the club and session models is defined here once,
with its Dutch display name and its weight key in ``cycle.toml``. The CP-SAT
models build their objective from exactly these functions (clubs: pairwise
weights; sessions: a precomputed score per candidate session), and
:mod:`matching.scoring` scores *any* layout with them, so the engine's
objective, the baseline, the pilot's manual layout and an edited workbook
are all measured with the same ruler.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from leernetwerk.config import CycleConfig
from leernetwerk.domain import BRINGER_SCORES, LEARNER_SCORES, SIZE_CLASSES, Registration
from leernetwerk.proposal import Reason
from leernetwerk.reasons import Code, reason

RANK_WEIGHT: dict[int, int] = {1: 3, 2: 2, 3: 1}
"""A first choice counts three times a third choice."""

SIZE_CLASS_INDEX = {label: i for i, (label, _, _) in enumerate(SIZE_CLASSES)}


def rank_weight(member: Registration, theme: str) -> int:
    rank = member.theme_rank(theme)
    return RANK_WEIGHT[rank] if rank is not None else 0


def size_index(member: Registration) -> int:
    return SIZE_CLASS_INDEX[member.size_class]


def pairs(members: Sequence[Registration]) -> list[tuple[Registration, Registration]]:
    return list(itertools.combinations(members, 2))


# --------------------------------------------------------------------------
# Club criteria: pairwise, summed over all pairs in a club.
# --------------------------------------------------------------------------


def club_shared_themes(a: Registration, b: Registration) -> float:
    """Soft: shared chosen themes of a pair, each weighted by the mean rank weight."""
    shared = {c.theme for c in a.themes} & {c.theme for c in b.themes}
    return sum((rank_weight(a, t) + rank_weight(b, t)) / 2 for t in sorted(shared))


def similar_profile(a: Registration, b: Registration, themes: Sequence[str]) -> float:
    """Soft: 1 for identical self-evaluation profiles, 0 for opposite ones."""
    if not themes:
        return 0.0
    distance = sum(abs(a.score(t) - b.score(t)) for t in themes) / (4 * len(themes))
    return round(1 - distance, 4)


def similar_size(a: Registration, b: Registration) -> float:
    """Soft: 1 for a pair in the same size class, 0.5 for neighbouring classes."""
    gap = abs(size_index(a) - size_index(b))
    return {0: 1.0, 1: 0.5}.get(gap, 0.0)


def same_variant(a: Registration, b: Registration) -> float:
    """Soft: 1 for a pair with the same execution variant."""
    return 1.0 if a.execution_variant == b.execution_variant else 0.0


def same_region(a: Registration, b: Registration) -> float:
    """Soft, signed weight: 1 for a pair in the same province."""
    return 1.0 if a.province == b.province else 0.0


@dataclass(frozen=True)
class ClubCriterion:
    key: str
    label: str
    pair_value: Callable[[Registration, Registration, Sequence[str]], float]

    def weight(self, config: CycleConfig) -> float:
        return float(getattr(config.weights.clubs, self.key))


CLUB_CRITERIA: tuple[ClubCriterion, ...] = (
    ClubCriterion(
        "shared_themes", "Gedeelde leerthema's", lambda a, b, t: club_shared_themes(a, b)
    ),
    ClubCriterion("similar_profile", "Vergelijkbaar zelfevaluatieprofiel", similar_profile),
    ClubCriterion("similar_size", "Vergelijkbare omvang", lambda a, b, t: similar_size(a, b)),
    ClubCriterion("same_variant", "Zelfde uitvoeringsvariant", lambda a, b, t: same_variant(a, b)),
    ClubCriterion("region", "Zelfde provincie (regio)", lambda a, b, t: same_region(a, b)),
)


def club_pair_weight(a: Registration, b: Registration, config: CycleConfig) -> float:
    """The weighted club score of putting a and b in the same club."""
    themes = config.catalogue.names
    return sum(c.weight(config) * c.pair_value(a, b, themes) for c in CLUB_CRITERIA)


# --------------------------------------------------------------------------
# Session criteria: per session, given its members and its themes.
# --------------------------------------------------------------------------


def session_shared_themes(members: Sequence[Registration], themes: Sequence[str]) -> float:
    """Soft: per session theme, per pair that both chose it, the mean rank weight."""
    return sum(
        (rank_weight(a, t) + rank_weight(b, t)) / 2
        for t in themes
        for a, b in pairs(members)
        if a.theme_rank(t) and b.theme_rank(t)
    )


def is_learner(member: Registration, theme: str) -> bool:
    return (
        member.theme_rank(theme) is not None
        and member.self_evaluation is not None
        and (member.self_evaluation.level(theme) in LEARNER_SCORES)
    )


def is_bringer(member: Registration, theme: str) -> bool:
    return member.self_evaluation is not None and member.self_evaluation.level(theme) in (
        BRINGER_SCORES
    )


def learner_bringer(members: Sequence[Registration], themes: Sequence[str]) -> float:
    """Soft: per session theme, per (learner, bringer) pair: a chose it and scores 1–2,
    b scores 3–4."""
    return float(
        sum(
            1
            for t in themes
            for a, b in itertools.permutations(members, 2)
            if is_learner(a, t) and is_bringer(b, t)
        )
    )


def similar_level(members: Sequence[Registration], themes: Sequence[str]) -> float:
    """Soft: per session theme, per pair that both chose it at the same level (depth)."""
    return float(
        sum(
            1
            for t in themes
            for a, b in pairs(members)
            if a.theme_rank(t)
            and b.theme_rank(t)
            and a.self_evaluation is not None
            and b.self_evaluation is not None
            and a.self_evaluation.level(t) == b.self_evaluation.level(t) > 0
        )
    )


def balance_mix(members: Sequence[Registration], themes: Sequence[str]) -> float:
    """Soft: 1 when the session mixes a deficit with a surplus/neutral member."""
    kinds = {m.balance.is_deficit for m in members}
    return 1.0 if len(kinds) == 2 else 0.0


def size_gap(members: Sequence[Registration], themes: Sequence[str]) -> float:
    """Penalty: pairs two or more size classes apart (comparing is hard then)."""
    return -float(sum(1 for a, b in pairs(members) if abs(size_index(a) - size_index(b)) >= 2))


@dataclass(frozen=True)
class SessionCriterion:
    key: str
    label: str
    value: Callable[[Sequence[Registration], Sequence[str]], float]

    def weight(self, config: CycleConfig) -> float:
        return float(getattr(config.weights.sessions, self.key))


SESSION_CRITERIA: tuple[SessionCriterion, ...] = (
    SessionCriterion("shared_themes", "Gedeelde leerthema's", session_shared_themes),
    SessionCriterion("learner_bringer", "Haler ontmoet brenger", learner_bringer),
    SessionCriterion("similar_level", "Zelfde niveau (diepgang)", similar_level),
    SessionCriterion("balance_mix", "Mix tekort en overschot/neutraal", balance_mix),
    SessionCriterion("size_gap", "Groot verschil in omvang (straf)", size_gap),
)
FIRST_CHOICE_LABEL = "Eerste keuze-thema aan bod"


def session_score(
    members: Sequence[Registration], themes: Sequence[str], config: CycleConfig
) -> float:
    """The weighted score of one session, without the cross-round first-choice term."""
    return sum(c.weight(config) * c.value(members, themes) for c in SESSION_CRITERIA)


def candidate_themes(members: Sequence[Registration], catalogue: Sequence[str]) -> list[str]:
    """Themes a session of these members may take: those chosen by at least one member,
    in catalogue order (a theme nobody asked for is never proposed)."""
    chosen = {c.theme for m in members for c in m.themes}
    return [t for t in catalogue if t in chosen]


def recommend_format(members: Sequence[Registration], themes: Sequence[str]) -> tuple[str, Reason]:
    """Recommended format (docs/domain.md §7) and the reason for it (a code with facts).

    iii haler–brenger: two members, each learner on one theme and bringer on
    the other; ii small groups: the themes are shared but levels are low
    (mean level ≤ 2: learning questions still immature); i otherwise.
    """
    if len(members) == 2 and len(themes) == 2:
        a, b = members
        t1, t2 = themes
        for x, y in ((a, b), (b, a)):
            if is_learner(x, t1) and is_bringer(y, t1) and is_learner(y, t2) and is_bringer(x, t2):
                return "iii", reason(
                    Code.FORMAT_LEARNER_BRINGER,
                    learner=x.name,
                    bringer=y.name,
                    theme=t1,
                    other_theme=t2,
                )
    levels = [
        m.self_evaluation.level(t)
        for t in themes
        for m in members
        if m.theme_rank(t) and m.self_evaluation is not None
    ]
    if levels and sum(levels) / len(levels) <= 2:
        return "ii", reason(
            Code.FORMAT_SMALL_GROUPS, mean_level=round(sum(levels) / len(levels), 2)
        )
    return "i", reason(Code.FORMAT_PLENARY, theme=themes[0] if themes else "het thema")
