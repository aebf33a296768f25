"""Per-rule micro tests of the matching criteria (matching/criteria.py).

Each test builds two to four participants that differ only in what the rule
looks at, and asserts the rule's value with a comment saying why that is the
answer. Themes are the default catalogue: T[0] … T[9].
"""

from __future__ import annotations

import pytest

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Balance
from leernetwerk.proposal import Club, Layout, Round, Session, SessionFormat
from leernetwerk.reasons import render_session_format
from matching.criteria import (
    CLUB_CRITERIA,
    SESSION_CRITERIA,
    balance_mix,
    candidate_themes,
    club_pair_weight,
    club_shared_themes,
    learner_bringer,
    recommend_format,
    same_region,
    same_variant,
    session_score,
    session_shared_themes,
    similar_level,
    similar_profile,
    similar_size,
    size_gap,
)
from matching.scoring import FIRST_CHOICE_KEY, score_layout
from tests.factories import THEMES, registration

T = THEMES
CONFIG = CycleConfig()


def flat(name: str, score: float, **kwargs):  # type: ignore[no-untyped-def]
    """A registration scoring ``score`` on every theme."""
    return registration(name, scores={t: score for t in T}, **kwargs)


# --------------------------------------------------------------------------
# Club criteria (pairwise)
# --------------------------------------------------------------------------


def test_club_shared_themes_weights_each_shared_theme_by_mean_rank_weight():
    a = registration("A", themes=(T[0], T[1], T[2]))
    b = registration("B", themes=(T[1], T[0], T[5]))
    # T0: ranks 1 and 2 → (3 + 2) / 2 = 2.5; T1: ranks 2 and 1 → 2.5; T2/T5 not shared.
    assert club_shared_themes(a, b) == 5.0


def test_club_shared_themes_is_zero_without_a_shared_theme():
    a = registration("A", themes=(T[0], T[1], T[2]))
    b = registration("B", themes=(T[3], T[4], T[5]))
    assert club_shared_themes(a, b) == 0.0


def test_club_shared_themes_two_third_choices_count_one():
    a = registration("A", themes=(T[0], T[1], T[2]))
    b = registration("B", themes=(T[3], T[4], T[2]))
    # Only T2 is shared, third choice for both: (1 + 1) / 2.
    assert club_shared_themes(a, b) == 1.0


def test_similar_profile_identical_profiles_score_one():
    assert similar_profile(flat("A", 3), flat("B", 3), T) == 1.0


def test_similar_profile_opposite_profiles_score_zero():
    # Every theme differs by the full range 4 → distance 1 → similarity 0.
    assert similar_profile(flat("A", 0), flat("B", 4), T) == 0.0


def test_similar_profile_half_range_apart_scores_one_half():
    # Every theme differs by 2 of the 4 points → distance 0.5.
    assert similar_profile(flat("A", 1), flat("B", 3), T) == 0.5


def test_similar_profile_without_themes_is_zero():
    assert similar_profile(flat("A", 1), flat("B", 1), ()) == 0.0


@pytest.mark.parametrize(
    ("left", "right", "expected", "why"),
    [
        (30_000, 45_000, 1.0, "both middel (20.000–50.000)"),
        (30_000, 60_000, 0.5, "middel and groot are neighbouring classes"),
        (10_000, 60_000, 0.0, "klein and groot are two classes apart"),
        (10_000, 400_000, 0.0, "klein and zeer groot are three classes apart"),
    ],
)
def test_similar_size_by_size_class_gap(left, right, expected, why):
    a = registration("A", inhabitants=left)
    b = registration("B", inhabitants=right)
    assert similar_size(a, b) == expected, why


def test_same_variant_one_for_equal_variant_zero_otherwise():
    a = registration("A", variant="gemeentelijk")
    assert same_variant(a, registration("B", variant="gemeentelijk")) == 1.0
    assert same_variant(a, registration("C", variant="regionaal")) == 0.0


def test_same_region_one_for_same_province_zero_otherwise():
    a = registration("A", province="Utrecht")
    assert same_region(a, registration("B", province="Utrecht")) == 1.0
    assert same_region(a, registration("C", province="Friesland")) == 0.0


def test_club_pair_weight_is_the_weighted_sum_of_the_club_criteria():
    a = registration("A", themes=(T[0], T[1], T[2]), inhabitants=30_000)
    b = registration("B", themes=(T[0], T[4], T[5]), inhabitants=60_000, variant="regionaal")
    # Defaults: shared_themes 3 × 3 (T0 first for both) + similar_profile 1 × 1 (both
    # all 2) + similar_size 1 × 0.5 + same_variant 1 × 0 + region 0 × 1 = 10.5.
    assert club_pair_weight(a, b, CONFIG) == pytest.approx(10.5)


def test_club_criteria_keys_are_weight_keys_of_the_config():
    for criterion in CLUB_CRITERIA:
        assert hasattr(CONFIG.weights.clubs, criterion.key), criterion.key


# --------------------------------------------------------------------------
# Session criteria (per session, given its themes)
# --------------------------------------------------------------------------


def test_session_shared_themes_counts_each_pair_that_chose_a_session_theme():
    a = registration("A", themes=(T[0], T[1], T[2]))
    b = registration("B", themes=(T[0], T[3], T[4]))
    c = registration("C", themes=(T[5], T[0], T[6]))
    # Session theme T0: A–B (3+3)/2 = 3, A–C (3+2)/2 = 2.5, B–C 2.5 → 8.
    assert session_shared_themes([a, b, c], (T[0],)) == 8.0


def test_session_shared_themes_ignores_themes_of_other_sessions():
    a = registration("A", themes=(T[0], T[1], T[2]))
    b = registration("B", themes=(T[0], T[1], T[2]))
    # Both chose T0 and T1, but the session only takes T1 (rank 2 for both): 2.
    assert session_shared_themes([a, b], (T[1],)) == 2.0


def test_session_shared_themes_ranks_lower_choices_lower():
    first = [
        registration("A", themes=(T[0], T[1], T[2])),
        registration("B", themes=(T[0], T[3], T[4])),
    ]
    third = [
        registration("A", themes=(T[1], T[2], T[0])),
        registration("B", themes=(T[3], T[4], T[0])),
    ]
    # A shared first choice weighs 3, a shared third choice 1.
    assert session_shared_themes(first, (T[0],)) == 3.0
    assert session_shared_themes(third, (T[0],)) == 1.0


def test_learner_bringer_counts_learner_who_chose_theme_and_bringer():
    learner = registration("L", themes=(T[0], T[1], T[2]), scores={T[0]: 1})
    bringer = registration("B", themes=(T[3], T[4], T[5]), scores={T[0]: 4})
    # L chose T0 and scores 1 (learner), B scores 4 (bringer; no need to choose it).
    assert learner_bringer([learner, bringer], (T[0],)) == 1.0


def test_learner_bringer_needs_the_learner_to_have_chosen_the_theme():
    low = registration("L", themes=(T[3], T[4], T[5]), scores={T[0]: 1})
    bringer = registration("B", themes=(T[3], T[4], T[5]), scores={T[0]: 4})
    # Scoring 1 on a theme one did not choose is not a learning question.
    assert learner_bringer([low, bringer], (T[0],)) == 0.0


def test_learner_bringer_counts_both_directions_over_two_themes():
    a = registration("A", themes=(T[0], T[1], T[2]), scores={T[0]: 1, T[1]: 4})
    b = registration("B", themes=(T[1], T[0], T[2]), scores={T[0]: 3, T[1]: 2})
    # T0: A learns from B; T1: B learns from A → 2.
    assert learner_bringer([a, b], (T[0], T[1])) == 2.0


def test_learner_bringer_middle_score_is_neither():
    a = registration("A", themes=(T[0], T[1], T[2]), scores={T[0]: 2})
    b = registration("B", themes=(T[0], T[1], T[2]), scores={T[0]: 2})
    # Level 2 is a learner, but nobody brings (3–4) → 0.
    assert learner_bringer([a, b], (T[0],)) == 0.0


def test_similar_level_counts_pairs_that_chose_the_theme_at_equal_level():
    a = registration("A", themes=(T[0], T[1], T[2]), scores={T[0]: 3})
    b = registration("B", themes=(T[0], T[3], T[4]), scores={T[0]: 3.2})
    c = registration("C", themes=(T[0], T[3], T[4]), scores={T[0]: 1})
    # Levels 3, 3 (3.2 rounds to 3) and 1: only A–B share a level.
    assert similar_level([a, b, c], (T[0],)) == 1.0


def test_similar_level_ignores_pairs_that_did_not_both_choose_the_theme():
    a = registration("A", themes=(T[0], T[1], T[2]), scores={T[0]: 3})
    b = registration("B", themes=(T[5], T[3], T[4]), scores={T[0]: 3})
    assert similar_level([a, b], (T[0],)) == 0.0


def test_similar_level_zero_level_does_not_count():
    a = registration("A", themes=(T[0], T[1], T[2]), scores={T[0]: 0})
    b = registration("B", themes=(T[0], T[3], T[4]), scores={T[0]: 0})
    # Level 0 (no experience at all) is no shared depth.
    assert similar_level([a, b], (T[0],)) == 0.0


@pytest.mark.parametrize(
    ("balances", "expected"),
    [
        ((Balance.DEFICIT, Balance.SURPLUS), 1.0),
        ((Balance.DEFICIT, Balance.NEUTRAL), 1.0),
        ((Balance.DEFICIT, Balance.DEFICIT), 0.0),
        ((Balance.SURPLUS, Balance.NEUTRAL), 0.0),
        ((Balance.DEFICIT, Balance.DEFICIT, Balance.SURPLUS), 1.0),
    ],
)
def test_balance_mix_one_when_deficit_meets_surplus_or_neutral(balances, expected):
    members = [registration(f"M{i}", balance=b) for i, b in enumerate(balances)]
    # Neutral counts with surplus: the mix is 'deficit versus the rest'.
    assert balance_mix(members, (T[0],)) == expected


def test_size_gap_penalises_each_pair_two_or_more_classes_apart():
    small = registration("S", inhabitants=10_000)
    middle = registration("M", inhabitants=30_000)
    huge = registration("H", inhabitants=400_000)
    # S–M neighbours (no penalty), S–H three apart, M–H two apart → −2.
    assert size_gap([small, middle, huge], (T[0],)) == -2.0
    assert size_gap([small, middle], (T[0],)) == 0.0


def test_session_score_is_the_weighted_sum_of_session_criteria():
    a = registration("A", themes=(T[0], T[1], T[2]), scores={T[0]: 1}, balance=Balance.DEFICIT)
    b = registration("B", themes=(T[0], T[3], T[4]), scores={T[0]: 4}, balance=Balance.SURPLUS)
    # shared 4 × 3 + learner_bringer 3 × 1 + similar_level 1 × 0 + balance_mix 3 × 1
    # + size_gap 1 × 0 = 18.
    assert session_score([a, b], (T[0],), CONFIG) == pytest.approx(18.0)
    for criterion in SESSION_CRITERIA:
        assert hasattr(CONFIG.weights.sessions, criterion.key), criterion.key


def test_candidate_themes_are_chosen_themes_in_catalogue_order():
    a = registration("A", themes=(T[5], T[1], T[2]))
    b = registration("B", themes=(T[2], T[7], T[1]))
    # Union of choices, in catalogue order; unchosen themes are never proposed.
    assert candidate_themes([a, b], T) == [T[1], T[2], T[5], T[7]]


# --------------------------------------------------------------------------
# First-choice coverage: once per member over both rounds
# --------------------------------------------------------------------------


def _session(club: int, members, themes) -> Session:  # type: ignore[no-untyped-def]
    return Session(
        club=club,
        members=tuple(m.name for m in members),
        host=members[0].name,
        themes=tuple(themes),
        format=SessionFormat.PLENARY_THEN_PARALLEL,
    )


def test_first_choice_counted_once_per_member_across_rounds():
    a = registration("A", themes=(T[0], T[1], T[2]))
    b = registration("B", themes=(T[0], T[3], T[4]))
    c = registration("C", themes=(T[5], T[6], T[7]))
    d = registration("D", themes=(T[8], T[9], T[1]))
    people = {p.name: p for p in (a, b, c, d)}
    layout = Layout(
        clubs=(Club(id=1, members=("A", "B", "C", "D")),),
        rounds=(
            Round(round=1, sessions=(_session(1, [a, b], [T[0]]), _session(1, [c, d], [T[5]]))),
            Round(round=2, sessions=(_session(1, [a, c], [T[0]]), _session(1, [b, d], [T[8]]))),
        ),
    )
    breakdown = score_layout(layout, people, CONFIG)
    total = next(c for c in breakdown.criteria if c.key == FIRST_CHOICE_KEY)
    # A gets T0 in both rounds but counts once; B (round 1), C (round 1), D (round 2)
    # once each → 4 members covered, 4 × weight 5.
    assert total.raw == 4
    assert total.contribution == pytest.approx(20.0)
    per_session = [
        next(c.raw for c in s.criteria if c.key == FIRST_CHOICE_KEY) for s in breakdown.sessions
    ]
    # Round 2's A+C session adds nothing for A (already covered) and nothing for C.
    assert sorted(per_session) == [0, 1, 1, 2]


# --------------------------------------------------------------------------
# recommend_format (docs/domain.md §7)
# --------------------------------------------------------------------------


def test_recommend_format_iii_for_mutual_learner_and_bringer():
    a = registration("Zwolle", themes=(T[0], T[1], T[2]), scores={T[0]: 1, T[1]: 4})
    b = registration("Ede", themes=(T[1], T[0], T[2]), scores={T[0]: 4, T[1]: 1})
    fmt, why = recommend_format([a, b], (T[0], T[1]))
    # Zwolle learns T0 from Ede, Ede learns T1 from Zwolle: haler–brenger both ways.
    assert fmt == "iii"
    assert why.code == "format_learner_bringer"
    assert why.facts == {"learner": "Zwolle", "bringer": "Ede", "theme": T[0], "other_theme": T[1]}
    text = render_session_format([why])
    assert text == f"Zwolle leert van Ede over {T[0]}, Ede leert van Zwolle over {T[1]}"


def test_recommend_format_ii_when_levels_are_low():
    a = registration("A", themes=(T[0], T[1], T[2]), scores={T[0]: 1, T[1]: 2})
    b = registration("B", themes=(T[0], T[1], T[3]), scores={T[0]: 2, T[1]: 1})
    c = registration("C", themes=(T[0], T[4], T[5]), scores={T[0]: 2})
    fmt, why = recommend_format([a, b, c], (T[0], T[1]))
    # No bringer at all and mean level (1+2+2+2+1)/5 = 1.6 ≤ 2: immature questions.
    assert fmt == "ii"
    assert why.code == "format_small_groups" and why.facts == {"mean_level": 1.6}
    assert "in ontwikkeling" in render_session_format([why])


def test_recommend_format_i_otherwise():
    a = registration("A", themes=(T[0], T[1], T[2]), scores={T[0]: 3})
    b = registration("B", themes=(T[0], T[3], T[4]), scores={T[0]: 4})
    fmt, why = recommend_format([a, b], (T[0],))
    # Shared theme at high levels (mean 3.5): plenary start, depth per role.
    assert fmt == "i"
    assert why.code == "format_plenary" and why.facts == {"theme": T[0]}
    assert render_session_format([why]) == f"gezamenlijk hoofdthema '{T[0]}', verdieping per rol"


def test_recommend_format_iii_needs_both_directions():
    a = registration("A", themes=(T[0], T[1], T[2]), scores={T[0]: 1, T[1]: 3})
    b = registration("B", themes=(T[1], T[0], T[2]), scores={T[0]: 4, T[1]: 4})
    fmt, _ = recommend_format([a, b], (T[0], T[1]))
    # A learns T0 from B, but B (level 4 on T1) has nothing to learn from A: not iii;
    # mean level (1 + 4 + 3 + 4) / 4 = 3 > 2, so i.
    assert fmt == "i"
