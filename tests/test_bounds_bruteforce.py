"""Every bound a proposal reports is a real bound: exhaustive checks on small cases.

The report presents the selection's bound, the club stage's bound, the
session stage's bound (for the chosen clubs) and, when set, a bound for the
whole layout. Each is checked here against an exhaustive enumeration that
does not use the solver's models:

* **Selection** (8 registrants, 5 places): every subset that fills the places
  within the balance limit the run used (the selection model's feasible set
  after its fill and balance stages), scored with the documented criteria
  (docs/selection.md) from ``config.weights.selection``.
* **Club stage** (10 participants, 2 clubs): every split into two clubs that
  keeps the club-stage hard rules of the rule table (``check_layout``), scored
  with ``score_layout`` (the ``clubs.*`` criteria).
* **Session stage** (each chosen club; and one club of 6 for the whole-problem
  bound): every pair of round partitions into sessions of 2–3 with no pair
  meeting twice, every choice of one or two themes among those the members
  chose (a theme nobody chose is never proposed, docs/matching.md), scored with
  ``score_layout``; the first-choice bonus, which couples sessions, is
  maximised exactly by a small dynamic programme over who is covered.

Each test also asserts that the proposal's own solution lies inside the
enumerated set (its score is at most the exhaustive best), so the enumeration
cannot silently miss the solver's space; and where a status says
``optimaal`` the proposal's score equals the exhaustive best.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from functools import cache

import pytest

from leernetwerk.config import CycleConfig, config_from_dict
from leernetwerk.domain import PROVINCES, Balance, Registration, Registrations, SafetyNet
from leernetwerk.proposal import (
    Club,
    Layout,
    Round,
    Session,
    SessionFormat,
    SolveStatus,
    StageQuality,
)
from matching.criteria import candidate_themes
from matching.engine import match
from matching.rules import RULES, RuleKind, Stage, check_layout
from matching.scoring import FIRST_CHOICE_KEY, score_layout
from matching.selection import select
from tests.enumeration import partitions
from tests.factories import THEMES, registration

EPS = 1e-6
CLUB_HARD_RULES = {r.key for r in RULES if r.kind is RuleKind.HARD and r.stage is Stage.CLUBS}


def people(n: int, seed: int) -> list[Registration]:
    """n participants with random themes, scores, size and variant; all can host."""
    rng = random.Random(seed)
    result = []
    for i in range(n):
        chosen = tuple(rng.sample(THEMES[:6], 3))
        result.append(
            registration(
                f"Gemeente {i:02d}",
                balance=Balance.DEFICIT if i % 2 == 0 else Balance.SURPLUS,
                themes=chosen,
                scores={t: float(rng.randint(0, 4)) for t in THEMES},
                inhabitants=rng.choice([12_000, 45_000, 80_000, 150_000]),
                province=rng.choice(PROVINCES[:4]),
                variant=rng.choice(["gemeentelijk", "regionaal"]),
                safety_net=rng.choice(list(SafetyNet)),
            )
        )
    return result


def matching_config(min_size: int, max_size: int, target: int) -> CycleConfig:
    return config_from_dict(
        {
            "clubs": {"min_size": min_size, "max_size": max_size, "target_size": target},
            "solver": {"club_deterministic_time": 5.0, "session_deterministic_time": 5.0},
        }
    )


def within(bound: float | None, best: float) -> None:
    assert bound is not None
    assert bound >= best - EPS, f"reported bound {bound} below the exhaustive best {best}"


def check_stage(stage: StageQuality, best: float) -> None:
    """The stage's bound holds, its own score is reachable, 'optimaal' is exact."""
    assert stage.objective is not None
    assert stage.objective <= best + EPS, "the proposal lies outside the enumerated set"
    if stage.bound is not None:
        within(stage.bound, best)
    if stage.status is SolveStatus.OPTIMAL:
        assert stage.objective == pytest.approx(best, abs=1e-4)


# --------------------------------------------------------------------------- selection


def selection_score(chosen: Sequence[Registration], config: CycleConfig) -> float:
    """The selection objective as documented in docs/selection.md (no organisations)."""
    w = config.weights.selection
    deficit = sum(1 for r in chosen if r.balance is Balance.DEFICIT)
    return (
        w.safety_net * sum(r.safety_net.priority for r in chosen)
        - w.balance * abs(deficit - (len(chosen) - deficit))
        + w.province_spread * len({r.province for r in chosen})
        + w.size_spread * len({r.size_class for r in chosen})
        + w.variant_spread * len({r.execution_variant for r in chosen})
        - w.earlier_participation * sum(1 for r in chosen if r.previous_cycles)
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_selection_bound_holds_against_every_subset(seed):
    registrants = people(8, seed)
    registrants = [
        r.model_copy(update={"previous_cycles": ("2025-2026",)}) if i % 3 == 0 else r
        for i, r in enumerate(registrants)
    ]
    config = config_from_dict(
        {
            "selection": {"balance_tolerance": 1},
            "solver": {"max_deterministic_time": 5.0, "forcing_cost_budget": 2.0},
        }
    )
    places = 5
    result = select(Registrations(registrations=tuple(registrants)), config, places=places)
    limit = int(result.settings["balance_limit"])
    assert len(result.selected) == places  # the fill stage took every place

    def feasible(subset: Sequence[Registration]) -> bool:
        deficit = sum(1 for r in subset if r.balance is Balance.DEFICIT)
        return abs(2 * deficit - len(subset)) <= limit

    scores = [
        selection_score(s, config)
        for s in itertools.combinations(registrants, places)
        if feasible(s)
    ]
    best = max(scores)
    quality = result.quality
    by_name = {r.name: r for r in registrants}
    own = selection_score([by_name[n] for n in result.selected], config)
    assert quality.objective == pytest.approx(own)  # our scoring is the model's
    assert own <= best + EPS
    within(quality.bound, best)
    if quality.status is SolveStatus.OPTIMAL:
        assert quality.objective == pytest.approx(best)


# --------------------------------------------------------------------------- sessions


def best_sessions(members: Sequence[Registration], config: CycleConfig) -> float:
    """The best session-stage score of one club over every allowed session plan."""
    by_name = {m.name: m for m in members}
    index = {m.name: i for i, m in enumerate(members)}
    catalogue = config.catalogue.names
    fc_weight = config.weights.sessions.first_choice
    club = Club(id=1, members=tuple(by_name))

    @cache
    def options(group: tuple[str, ...]) -> dict[int, float]:
        """Covered-members mask → best score of this session without the first-choice bonus."""
        regs = [by_name[n] for n in group]
        choices = candidate_themes(regs, catalogue)
        best: dict[int, float] = {}
        for k in (1, 2):
            for themes in itertools.combinations(choices, k):
                session = Session(
                    club=1,
                    members=group,
                    host=group[0],
                    themes=themes,
                    format=SessionFormat.PLENARY_THEN_PARALLEL,
                )
                layout = Layout(clubs=(club,), rounds=(Round(round=1, sessions=(session,)),))
                (scored,) = score_layout(layout, by_name, config).sessions
                bonus = sum(c.contribution for c in scored.criteria if c.key == FIRST_CHOICE_KEY)
                mask = sum(1 << index[m.name] for m in regs if m.first_choice in themes)
                best[mask] = max(best.get(mask, float("-inf")), scored.total - bonus)
        return best

    def pairs(plan: list[tuple[str, ...]]) -> set[frozenset[str]]:
        return {frozenset(p) for s in plan for p in itertools.combinations(s, 2)}

    lo, hi = config.sessions.min_size, config.sessions.max_size
    plans = list(partitions(sorted(by_name), lo, hi))
    assert config.sessions.rounds == 2
    best = float("-inf")
    for first, second in itertools.product(plans, repeat=2):
        if pairs(first) & pairs(second):
            continue  # no pair meets twice
        states = {0: 0.0}
        for group in [*first, *second]:
            nxt: dict[int, float] = {}
            for mask, value in states.items():
                for covers, score in options(group).items():
                    key = mask | covers
                    nxt[key] = max(nxt.get(key, float("-inf")), value + score)
            states = nxt
        best = max(best, max(v + fc_weight * bin(m).count("1") for m, v in states.items()))
    return best


def test_one_club_session_bound_and_whole_bound_hold_against_every_plan():
    participants = people(6, seed=7)
    config = matching_config(4, 8, 6)
    result = match(participants, config)
    assert len(result.layout.clubs) == 1
    assert result.quality.bound is not None  # one club: a whole-problem bound is known
    best = best_sessions(participants, config)
    quality = result.quality
    check_stage(quality.stages["sessions"], best)
    club_score = quality.stages["clubs"].objective
    assert club_score is not None
    whole_best = club_score + best  # one club: the club score is fixed
    assert quality.objective is not None and quality.objective <= whole_best + EPS
    if quality.bound is not None:
        within(quality.bound, whole_best)
    if quality.status is SolveStatus.OPTIMAL:
        assert quality.objective == pytest.approx(whole_best, abs=1e-4)


# --------------------------------------------------------------------------- clubs


def club_score(clubs: Sequence[Sequence[str]], by_name, config: CycleConfig) -> float | None:
    """The club-stage score of a split, or None when it breaks a club-stage hard rule."""
    layout = Layout(clubs=tuple(Club(id=i, members=tuple(c)) for i, c in enumerate(clubs, 1)))
    if any(v.rule in CLUB_HARD_RULES for v in check_layout(layout, by_name, config)):
        return None
    breakdown = score_layout(layout, by_name, config)
    return sum(c.contribution for c in breakdown.criteria if c.key.startswith("clubs."))


@pytest.mark.parametrize("seed", [11, 12])
def test_two_clubs_stage_bounds_hold_against_every_split(seed):
    participants = people(12, seed)
    config = matching_config(6, 6, 6)  # two clubs of six (five cannot hold two rounds)
    result = match(participants, config)
    assert len(result.layout.clubs) == 2
    by_name = {p.name: p for p in participants}
    names = sorted(by_name)
    splits: list[tuple[tuple[str, ...], tuple[str, ...], float]] = []
    for size in range(1, len(names)):
        for first in itertools.combinations(names, size):
            if names[0] not in first:
                continue  # each split once
            second = tuple(n for n in names if n not in first)
            score = club_score([first, second], by_name, config)
            if score is not None:
                splits.append((first, second, score))
    check_stage(result.quality.stages["clubs"], max(score for _, _, score in splits))
    # The session stage's bound holds for the chosen clubs (clubs are disjoint, so
    # the best plan is the sum of each club's best plan).
    best = sum(
        best_sessions([by_name[n] for n in club.members], config) for club in result.layout.clubs
    )
    check_stage(result.quality.stages["sessions"], best)
    if result.quality.bound is not None:
        # A bound for the whole problem must lie above every layout; the full product
        # (every split × every plan) is too slow here, so check the best-scoring splits
        # with their best plans (the one-club test above is fully exhaustive).
        sessions_of = cache(lambda club: best_sessions([by_name[n] for n in club], config))
        top = sorted(splits, key=lambda s: -s[2])[:3]
        chosen = tuple(tuple(sorted(c.members)) for c in result.layout.clubs)
        score = club_score(chosen, by_name, config)
        assert score is not None
        top.append((chosen[0], chosen[1], score))
        whole = max(score + sessions_of(a) + sessions_of(b) for a, b, score in top)
        within(result.quality.bound, whole)
