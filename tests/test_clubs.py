"""The club model (matching/clubs.py): club count, equal sizes, balance,
pins, and conflicts explained in Dutch."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pytest

from leernetwerk.config import CycleConfig, config_from_dict
from leernetwerk.domain import Balance, Registration
from matching.club_sizes import balance_feasible, club_bounds, club_count, host_need
from matching.clubs import ClubProblem, ClubResult, solve_clubs
from matching.criteria import club_pair_weight
from matching.errors import RuleConflict
from matching.rules import advice_for
from tests.factories import random_participants

SOLVER = {"club_deterministic_time": 1.0, "session_deterministic_time": 1.0}


def config(**sections: Any) -> CycleConfig:
    """The default config with short solver limits and the given sections."""
    return config_from_dict({"solver": SOLVER} | sections)


def solve(people: Sequence[Registration], cfg: CycleConfig) -> ClubResult:
    """Short limit: the heuristic start already meets every rule; CP-SAT improves it."""
    return solve_clubs(ClubProblem(tuple(people), cfg), seed=0, max_deterministic_time=0.3)


TWENTY = random_participants(20, seed=4)
"""Twenty participants, ten in deficit: two clubs of ten."""


@pytest.fixture(scope="module")
def twenty() -> ClubResult:
    """TWENTY solved once with the default weights."""
    return solve(TWENTY, config())


def deficits(names: Sequence[str], people: Sequence[Registration]) -> int:
    by_name = {p.name: p for p in people}
    return sum(1 for n in names if by_name[n].balance.is_deficit)


def with_deficits(people: list[Registration], count: int) -> list[Registration]:
    """The same participants, but only the first ``count`` in deficit."""
    return [
        p.model_copy(update={"balance": Balance.DEFICIT if i < count else Balance.SURPLUS})
        for i, p in enumerate(people)
    ]


# --------------------------------------------------------------------------
# Club count and sizes
# --------------------------------------------------------------------------


def test_seven_participants_do_not_fit_clubs_of_eight_to_twelve():
    with pytest.raises(RuleConflict) as info:
        club_count(7, CycleConfig())
    assert "7 deelnemers passen niet in clubs van 8–12" in info.value.reasons[0]
    assert advice_for(info.value)  # says what to change


@pytest.mark.parametrize(
    ("n", "expected", "why"),
    [
        (8, 1, "one club of eight is within 8–12"),
        (30, 3, "three clubs of ten: exactly the target size"),
        (100, 10, "ten clubs of ten"),
        (25, 3, "two clubs would be 12 + 13 (too big), so three"),
        (13, None, "one club is too big, two clubs too small"),
    ],
)
def test_club_count_follows_the_target_size_within_bounds(n, expected, why):
    if expected is None:
        with pytest.raises(RuleConflict):
            club_count(n, CycleConfig())
    else:
        assert club_count(n, CycleConfig()) == expected, why


def test_club_bounds_are_as_equal_as_possible():
    # 25 over 3 clubs: sizes 8 or 9, never 8 + 8 + 9 replaced by 12 + 5 + 8.
    assert club_bounds(25, 3) == ((8, 9),) * 3
    assert club_bounds(30, 3) == ((10, 10),) * 3


def test_balance_feasible_by_counts():
    # Two clubs of 10: 10 deficits split 5/5 → difference 0.
    assert balance_feasible(((10, 10), (10, 10)), 20, 10, 0)
    # 3 deficits in two clubs of 10: best split 1/2 gives |2·1 − 10| = 8.
    assert not balance_feasible(((10, 10), (10, 10)), 20, 3, 7)
    assert balance_feasible(((10, 10), (10, 10)), 20, 3, 8)


def test_clubs_are_as_equal_in_size_as_possible():
    people = random_participants(25, seed=3)
    result = solve(people, config())  # 25 over three clubs
    assert sorted(len(c) for c in result.clubs) == [8, 8, 9]
    assert sorted(n for c in result.clubs for n in c) == sorted(p.name for p in people)


# --------------------------------------------------------------------------
# Balance
# --------------------------------------------------------------------------


def test_balance_per_club_within_tolerance_when_feasible(twenty):
    people, result = TWENTY, twenty
    assert result.balance_tolerance == 2 and result.warnings == ()
    for club in result.clubs:
        # |2·deficit − size| ≤ 2 in a club of ten: 4 to 6 deficits.
        assert abs(2 * deficits(club, people) - len(club)) <= 2, club


def test_balance_relaxed_with_a_warning_when_counts_make_it_impossible():
    people = with_deficits(random_participants(20, seed=5), 3)
    result = solve(people, config())
    # 3 deficits over two clubs of ten: 1/2 is best, |2·1 − 10| = 8.
    assert result.balance_tolerance == 8
    assert len(result.warnings) == 1 and "niet haalbaar" in result.warnings[0]
    assert "best mogelijke verschil: 8" in result.warnings[0]
    assert sorted(deficits(c, people) for c in result.clubs) == [1, 2]


# --------------------------------------------------------------------------
# Pins
# --------------------------------------------------------------------------


def test_club_pins_and_apart_pins_are_honoured():
    people = random_participants(20, seed=6)
    a, b, c, d = (people[i].name for i in (0, 1, 2, 3))
    cfg = config(
        pins={
            "club": [{"name": a, "club": 2}, {"name": b, "club": 2}, {"name": c, "club": 1}],
            "apart": [[c, d]],
        }
    )
    result = solve(people, cfg)
    assert a in result.clubs[1] and b in result.clubs[1] and c in result.clubs[0]
    assert not any(c in club and d in club for club in result.clubs)


def test_apart_pins_hold_for_a_pair_that_would_like_to_be_together(twenty):
    people, cfg = TWENTY, config()
    weight = {
        (x.name, y.name): club_pair_weight(x, y, cfg)
        for club in twenty.clubs
        for x, y in itertools.combinations([p for p in people if p.name in club], 2)
    }
    a, b = max(weight, key=lambda pair: weight[pair])  # the best pair, together unpinned
    result = solve(people, config(pins={"apart": [[a, b]]}))
    assert not any(a in c and b in c for c in result.clubs)


def test_conflicting_pins_raise_a_conflict_naming_both_pins():
    people = random_participants(20, seed=8)
    a, b = people[0].name, people[1].name
    cfg = config(pins={"club": [{"name": a, "club": 1}, {"name": b, "club": 1}], "apart": [[a, b]]})
    with pytest.raises(RuleConflict) as info:
        solve(people, cfg)
    reasons = info.value.reasons
    assert f"pin: {a} in club 1" in reasons and f"pin: {b} in club 1" in reasons, reasons
    assert f"pin: {a} en {b} nooit samen" in reasons, reasons
    assert advice_for(info.value)


def test_pin_to_a_club_that_does_not_exist_is_a_conflict():
    people = random_participants(20, seed=9)
    cfg = config(pins={"club": [{"name": people[0].name, "club": 3}]})
    with pytest.raises(RuleConflict) as info:
        solve(people, cfg)
    assert any("er zijn maar 2 clubs" in r for r in info.value.reasons), info.value.reasons


def test_club_objective_is_the_sum_of_pair_weights_in_each_club(twenty):
    people, cfg, result = TWENTY, config(), twenty
    by_name = {p.name: p for p in people}
    recomputed = sum(
        club_pair_weight(by_name[x], by_name[y], cfg)
        for club in result.clubs
        for x, y in itertools.combinations(club, 2)
    )
    assert result.objective == pytest.approx(recomputed, abs=1e-6)
    assert result.bound is not None and result.bound >= result.objective - 0.01 * 20


def test_same_input_same_clubs(twenty):
    assert solve(TWENTY, config()).clubs == twenty.clubs


def test_too_few_hosts_is_a_named_club_conflict_with_advice():
    """30 participants in 3 clubs of 10 need at least 4 hosts per club (sessions of
    at most 3, each with a host); with 6 hosts in all that cannot hold."""
    from leernetwerk.config import CycleConfig as _Config
    from matching.clubs import ClubProblem as _Problem
    from matching.clubs import solve_clubs as _solve
    from matching.errors import RuleConflict as _Conflict
    from tests.factories import random_participants as _people

    people = [p.model_copy(update={"can_host": i < 6}) for i, p in enumerate(_people(30, 5))]
    with pytest.raises(_Conflict) as info:
        _solve(_Problem(tuple(people), _Config()), seed=0, max_deterministic_time=2.0)
    assert any("mogen hosten" in r for r in info.value.reasons)
    assert any("Host mogelijk" in a for a in advice_for(info.value))


def test_hosts_are_spread_so_every_session_can_have_one():
    """12 hosts among 30: every club of 10 gets at least 4."""
    from leernetwerk.config import CycleConfig as _Config
    from matching.clubs import ClubProblem as _Problem
    from matching.clubs import solve_clubs as _solve
    from tests.factories import random_participants as _people

    people = [p.model_copy(update={"can_host": i % 5 < 2}) for i, p in enumerate(_people(30, 6))]
    # The compact model alone (the column generation's columns keep the same host
    # rule, tests/test_column_generation.py; here it would spend its 8 units).
    result = _solve(
        _Problem(tuple(people), _Config()),
        seed=0,
        max_deterministic_time=2.0,
        column_generation_budget=0.0,
    )
    can_host = {p.name: p.can_host for p in people}
    assert all(sum(can_host[n] for n in club) >= 4 for club in result.clubs)


def test_hosts_are_spread_so_that_nobody_needs_to_host_twice():
    """30 participants, 24 who may host: 3 clubs of 10 each need 8 hosts (8 sessions
    over two rounds), which the 24 allow exactly; every club gets its 8."""
    from leernetwerk.config import CycleConfig as _Config
    from matching.clubs import ClubProblem as _Problem
    from matching.clubs import solve_clubs as _solve
    from tests.factories import random_participants as _people

    # the six who may not host are listed first, so a naive split puts them together
    people = [p.model_copy(update={"can_host": i >= 6}) for i, p in enumerate(_people(30, 8))]
    config = _Config()
    result = _solve(_Problem(tuple(people), config), seed=0, max_deterministic_time=1.0)
    can_host = {p.name: p.can_host for p in people}
    assert host_need(10, config) == 8
    assert [sum(can_host[n] for n in club) for club in result.clubs] == [8, 8, 8]
