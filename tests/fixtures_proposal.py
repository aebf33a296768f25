"""A realistic, hand-built proposal with its registrations, for the report tests.

Twenty-two registrants register, twenty are selected into two clubs of ten,
and each club meets in sessions of two or three over two rounds without any
pair meeting twice. The names include the awkward ones the writers must
survive: names that look like Excel formulas (``=HYPERLINK("x")``, ``+31``,
``-Test``, ``@home``), HTML metacharacters (``<``, ``&``, quotes) and a
leading apostrophe (``'s-Hertogenbosch``). Scores are illustrative.
"""

from __future__ import annotations

from leernetwerk.config import CycleConfig
from leernetwerk.domain import (
    DEFAULT_THEMES,
    Balance,
    Registration,
    Registrations,
    SafetyNet,
    SelfEvaluation,
    ThemeChoice,
)
from leernetwerk.proposal import (
    Breakdown,
    Club,
    CriterionScore,
    ForcingCost,
    GroupScore,
    Proposal,
    Quality,
    Round,
    SelectionEntry,
    Session,
    SessionFormat,
    SolveStatus,
)

THEMES = tuple(t.name for t in DEFAULT_THEMES)

FORMULA_NAMES = ('=HYPERLINK("x")', "+31", "-Test", "@home")
"""Names Excel would read as a formula if written carelessly."""

HTML_NAME = 'Bommel <&> "Zoon"'
"""A name with every HTML metacharacter."""

# name, province, inhabitants, balance, safety net, variant, can host
PEOPLE: tuple[tuple[str, str, int, Balance, SafetyNet, str, bool], ...] = (
    ("Amstelveen", "Noord-Holland", 95_000, Balance.SURPLUS, SafetyNet.NONE, "gemeentelijk", True),
    ("Zwolle", "Overijssel", 131_000, Balance.DEFICIT, SafetyNet.REGULAR, "gemeentelijk", True),
    (
        "Leeuwarden",
        "Friesland",
        125_000,
        Balance.DEFICIT,
        SafetyNet.ADDITIONAL,
        "gemeentelijk",
        True,
    ),
    ("Wageningen", "Gelderland", 41_000, Balance.SURPLUS, SafetyNet.NONE, "regionaal", True),
    (
        "Oude IJsselstreek",
        "Gelderland",
        40_000,
        Balance.DEFICIT,
        SafetyNet.REGULAR,
        "regionaal",
        True,
    ),
    ("Barendrecht", "Zuid-Holland", 50_000, Balance.DEFICIT, SafetyNet.NONE, "gemeentelijk", False),
    (
        "'s-Hertogenbosch",
        "Noord-Brabant",
        160_000,
        Balance.SURPLUS,
        SafetyNet.NONE,
        "gemeentelijk",
        True,
    ),
    ("Schagen", "Noord-Holland", 47_000, Balance.SURPLUS, SafetyNet.NONE, "regionaal", True),
    (
        '=HYPERLINK("x")',
        "Utrecht",
        30_000,
        Balance.DEFICIT,
        SafetyNet.ADDITIONAL,
        "gemeentelijk",
        True,
    ),
    ("+31", "Zeeland", 22_000, Balance.NEUTRAL, SafetyNet.NONE, "regionaal", True),
    ("Emmen", "Drenthe", 107_000, Balance.DEFICIT, SafetyNet.ADDITIONAL, "gemeentelijk", True),
    ("Heerlen", "Limburg", 87_000, Balance.DEFICIT, SafetyNet.ADDITIONAL, "regionaal", True),
    ("-Test", "Flevoland", 18_000, Balance.SURPLUS, SafetyNet.NONE, "gemeentelijk", True),
    ("@home", "Groningen", 12_000, Balance.NEUTRAL, SafetyNet.NONE, "regionaal", True),
    (HTML_NAME, "Gelderland", 28_000, Balance.DEFICIT, SafetyNet.REGULAR, "gemeentelijk", True),
    ("Almere", "Flevoland", 218_000, Balance.DEFICIT, SafetyNet.REGULAR, "gemeentelijk", True),
    ("Delft", "Zuid-Holland", 105_000, Balance.SURPLUS, SafetyNet.NONE, "gemeentelijk", True),
    ("Terneuzen", "Zeeland", 54_000, Balance.DEFICIT, SafetyNet.NONE, "regionaal", True),
    ("Meppel", "Drenthe", 34_000, Balance.SURPLUS, SafetyNet.NONE, "regionaal", True),
    ("Venlo", "Limburg", 102_000, Balance.SURPLUS, SafetyNet.NONE, "gemeentelijk", True),
    ("Ede", "Gelderland", 120_000, Balance.SURPLUS, SafetyNet.NONE, "gemeentelijk", True),
    ("Texel", "Noord-Holland", 13_000, Balance.NEUTRAL, SafetyNet.NONE, "gemeentelijk", True),
)

REJECTED = ("Ede", "Texel")

CLUB_MEMBERS: tuple[tuple[str, ...], ...] = (
    (
        "Amstelveen",
        "Zwolle",
        "Leeuwarden",
        "Wageningen",
        "Oude IJsselstreek",
        "Barendrecht",
        "'s-Hertogenbosch",
        "Schagen",
        '=HYPERLINK("x")',
        "+31",
    ),
    (
        "Emmen",
        "Heerlen",
        "-Test",
        "@home",
        HTML_NAME,
        "Almere",
        "Delft",
        "Terneuzen",
        "Meppel",
        "Venlo",
    ),
)

ROUND_GROUPS: dict[int, tuple[tuple[int, ...], ...]] = {
    1: ((0, 1, 2), (3, 4, 5), (6, 7), (8, 9)),
    2: ((0, 3, 6), (1, 4, 8), (2, 7), (5, 9)),
}
"""Member indexes per session inside a club; no pair meets in both rounds."""

SESSION_WEIGHTS = {
    "sessions.shared_themes": ("Gedeelde thema's", 4.0),
    "sessions.learner_bringer": ("Haler–brenger", 3.0),
    "sessions.balance_mix": ("Mix tekort/overschot", 3.0),
    "sessions.first_choice": ("Eerste keus", 5.0),
}
CLUB_WEIGHTS = {
    "clubs.shared_themes": ("Gedeelde thema's (club)", 3.0),
    "clubs.similar_size": ("Vergelijkbare omvang (club)", 1.0),
}


def _scores(index: int) -> dict[str, float]:
    """Illustrative self-evaluation scores 0–4, varied per registrant."""
    scores = {theme: float((index * 7 + j * 3) % 5) for j, theme in enumerate(THEMES)}
    scores[THEMES[(index + 1) % len(THEMES)]] = 2.5  # a mean of subtheme scores
    for rank, choice in enumerate(_choices(index), start=1):
        scores[choice.theme] = float((index + rank) % 4 + 1)  # a chosen theme is never 0
    return scores


def _choices(index: int) -> tuple[ThemeChoice, ...]:
    picks = [THEMES[(index + k * 3) % len(THEMES)] for k in range(3)]
    return tuple(
        ThemeChoice(rank=rank, theme=theme, want_to_learn=f"Leervraag over {theme.lower()}")
        for rank, theme in enumerate(picks, start=1)
    )


def build_registrations() -> Registrations:
    """All 22 registrations, complete, in workbook order."""
    registrations = []
    for index, (name, province, inhabitants, balance, net, variant, host) in enumerate(PEOPLE):
        registrations.append(
            Registration(
                name=name,
                province=province,
                inhabitants=inhabitants,
                balance=balance,
                safety_net=net,
                execution_variant=variant,
                can_host=host,
                previous_cycles=("2025-2026",) if index < 8 else (),
                self_evaluation=SelfEvaluation(scores=_scores(index)),
                themes=_choices(index),
                row=index + 2,
            )
        )
    return Registrations(registrations=tuple(registrations))


def _session(club: int, members: tuple[str, ...], registrations: Registrations) -> Session:
    by_name = registrations.by_name()
    host = next((m for m in members if by_name[m].can_host), None)
    ordered = (host, *[m for m in members if m != host]) if host else members
    first = by_name[ordered[0]].themes
    themes = (first[0].theme, first[1].theme)
    fmt = (
        SessionFormat.LEARNER_BRINGER if len(members) == 2 else SessionFormat.PLENARY_THEN_PARALLEL
    )
    return Session(
        club=club,
        members=ordered,
        host=host,
        themes=themes,
        format=fmt,
        reason=f"Gedeeld thema {themes[0]}; {ordered[-1]} leert van {ordered[0]}.",
    )


def _criteria(weights: dict[str, tuple[str, float]], seed: int) -> tuple[CriterionScore, ...]:
    result = []
    for offset, (key, (label, weight)) in enumerate(weights.items()):
        raw = float((seed + offset * 2) % 4 + 1)
        result.append(
            CriterionScore(key=key, label=label, weight=weight, raw=raw, contribution=weight * raw)
        )
    return tuple(result)


def _summed(groups: list[GroupScore]) -> tuple[CriterionScore, ...]:
    totals: dict[str, CriterionScore] = {}
    for group in groups:
        for c in group.criteria:
            prev = totals.get(c.key)
            raw = c.raw + (prev.raw if prev else 0.0)
            totals[c.key] = CriterionScore(
                key=c.key, label=c.label, weight=c.weight, raw=raw, contribution=c.weight * raw
            )
    return tuple(totals.values())


def build_proposal(registrations: Registrations | None = None) -> Proposal:
    """The proposal for :func:`build_registrations`: 20 selected, 2 clubs, 2 rounds."""
    registrations = registrations or build_registrations()
    selection = []
    for name, *_ in PEOPLE:
        if name in REJECTED:
            selection.append(
                SelectionEntry(
                    name=name,
                    selected=False,
                    reasons=(
                        "geen vangnet",
                        "overschot: het evenwicht tekort/overschot zou breken",
                    ),
                    forcing_cost=ForcingCost(
                        objective_change=-26.0, drop_out=("Delft",), note="evenwicht 9–11"
                    ),
                )
            )
        else:
            selection.append(
                SelectionEntry(name=name, selected=True, reasons=("vangnet of evenwicht",))
            )
    clubs = tuple(Club(id=i + 1, members=m) for i, m in enumerate(CLUB_MEMBERS))
    rounds = []
    session_scores = []
    for number, groups in ROUND_GROUPS.items():
        sessions = []
        for club in clubs:
            for group in groups:
                members = tuple(club.members[i] for i in group)
                session = _session(club.id, members, registrations)
                sessions.append(session)
                criteria = _criteria(SESSION_WEIGHTS, len(sessions) + number)
                session_scores.append(
                    GroupScore(
                        club=club.id,
                        round=number,
                        members=session.members,
                        total=sum(c.contribution for c in criteria),
                        criteria=criteria,
                        sentences=(f"{session.members[-1]} leert van {session.members[0]}.",),
                    )
                )
        rounds.append(Round(round=number, sessions=tuple(sessions)))
    club_scores = []
    for club in clubs:
        criteria = _criteria(CLUB_WEIGHTS, club.id)
        club_scores.append(
            GroupScore(
                club=club.id,
                members=club.members,
                total=sum(c.contribution for c in criteria),
                criteria=criteria,
                sentences=(f"Club {club.id} deelt vooral {THEMES[club.id]}.",),
            )
        )
    criteria = _summed(club_scores + session_scores)
    total = sum(c.contribution for c in criteria)
    return Proposal(
        cycle="2026-2027",
        input_file="aanmeldingen.xlsx",
        input_sha256="3f" * 32,
        config_sha256="a1" * 32,
        seed=0,
        solver={"num_workers": 1, "max_deterministic_time": 20.0},
        selection=tuple(selection),
        selection_quality=Quality(
            status=SolveStatus.OPTIMAL, objective=1380.0, bound=1380.0, gap=0.0
        ),
        clubs=clubs,
        rounds=tuple(rounds),
        quality=Quality(
            status=SolveStatus.FEASIBLE,
            objective=total,
            bound=total * 1.05,
            gap=0.05,
            baseline_objective=total * 0.7,
            deterministic_time=20.0,
        ),
        breakdown=Breakdown(
            total=total, criteria=criteria, clubs=tuple(club_scores), sessions=tuple(session_scores)
        ),
        warnings=("Texel meldde zich aan na de deadline.",),
    )


def build_config() -> CycleConfig:
    """The default cycle config, with 20 places to match the fixture."""
    return CycleConfig.model_validate({"cycle": {"places": 20}})
