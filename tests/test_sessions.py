"""The session model of one club (matching/sessions.py): hard rules, pins,
earlier meetings, hosting, and the objective recomputed in plain Python."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

import pytest

from leernetwerk.config import CycleConfig, config_from_dict
from leernetwerk.domain import Registration
from leernetwerk.proposal import Layout, Round, Session, SessionFormat
from matching.rules import check_layout
from matching.scoring import score_layout
from matching.sessions import (
    SessionPins,
    SessionProblem,
    SessionResult,
    enumerate_candidates,
    explain_infeasible_sessions,
    solve_sessions,
)
from matching.solver import SolveStatus
from tests.factories import THEMES, random_participants, registration

CONFIG: CycleConfig = config_from_dict(
    {"solver": {"club_deterministic_time": 1.0, "session_deterministic_time": 1.0}}
)


NO_PINS = SessionPins()


def problem(
    members: Sequence[Registration],
    *,
    pins: SessionPins = NO_PINS,
    met_before: Sequence[tuple[str, str]] = (),
) -> SessionProblem:
    """A session problem for club 1 with the test config."""
    return SessionProblem(
        club=1,
        members=tuple(members),
        config=CONFIG,
        pins=pins,
        met_before=frozenset(frozenset(p) for p in met_before),
    )


def solve(p: SessionProblem) -> SessionResult:
    return solve_sessions(p, seed=0, max_deterministic_time=5.0)


def as_layout(result: SessionResult) -> Layout:
    """The sessions of one club as a layout without clubs (scores sessions only)."""
    rounds: dict[int, list[Session]] = {}
    for s in result.sessions:
        rounds.setdefault(s.round, []).append(
            Session(
                club=1,
                members=s.members,
                host=s.host,
                themes=s.themes,
                format=SessionFormat(s.format),
                reason=s.reason,
            )
        )
    return Layout(
        rounds=tuple(Round(round=r, sessions=tuple(ss)) for r, ss in sorted(rounds.items()))
    )


def by_round(result: SessionResult) -> dict[int, list[tuple[str, ...]]]:
    rounds: dict[int, list[tuple[str, ...]]] = {}
    for s in result.sessions:
        rounds.setdefault(s.round, []).append(s.members)
    return rounds


def together(result: SessionResult, a: str, b: str, rnd: int | None = None) -> bool:
    return any(
        a in s.members and b in s.members and (rnd is None or s.round == rnd)
        for s in result.sessions
    )


CLUBS = [random_participants(n, seed) for n, seed in ((4, 1), (6, 2), (7, 3), (9, 4))]
CLUB_IDS = [f"{len(c)}-members" for c in CLUBS]


@pytest.fixture(scope="module")
def solved() -> list[SessionResult]:
    """The four random clubs above, solved once for the structural tests."""
    return [solve(problem(c)) for c in CLUBS]


@pytest.mark.parametrize("k", range(len(CLUBS)), ids=CLUB_IDS)
def test_every_member_in_exactly_one_session_of_two_or_three_per_round(solved, k):
    names = {m.name for m in CLUBS[k]}
    result = solved[k]
    assert result.status is SolveStatus.OPTIMAL
    for r in (1, 2):
        sessions = by_round(result)[r]
        assert all(2 <= len(s) <= 3 for s in sessions), sessions
        seen = Counter(n for s in sessions for n in s)
        assert set(seen) == names and set(seen.values()) == {1}


@pytest.mark.parametrize("k", range(len(CLUBS)), ids=CLUB_IDS)
def test_no_pair_meets_in_both_rounds(solved, k):
    pairs = Counter(
        frozenset(p) for s in solved[k].sessions for p in itertools.combinations(s.members, 2)
    )
    assert max(pairs.values()) == 1


@pytest.mark.parametrize("k", range(len(CLUBS)), ids=CLUB_IDS)
def test_every_session_has_a_host_who_may_host_listed_first(solved, k):
    people = {m.name: m for m in CLUBS[k]}
    for s in solved[k].sessions:
        assert s.host == s.members[0]
        assert people[s.host].can_host


@pytest.mark.parametrize("k", range(len(CLUBS)), ids=CLUB_IDS)
def test_optimal_objective_equals_score_layout_total(solved, k):
    result = solved[k]
    people = {m.name: m for m in CLUBS[k]}
    breakdown = score_layout(as_layout(result), people, CONFIG)
    # Coefficients are weights × 100 rounded per candidate: at most 0.005 off per session.
    assert result.objective == pytest.approx(breakdown.total, abs=0.01 * len(result.sessions))
    assert result.bound is not None and result.bound >= result.objective - 1e-6


@pytest.mark.parametrize("k", range(len(CLUBS)), ids=CLUB_IDS)
def test_solver_layout_passes_the_checker(solved, k):
    people = {m.name: m for m in CLUBS[k]}
    hard = [v for v in check_layout(as_layout(solved[k]), people, CONFIG) if v.hard]
    # check_layout also reports 'in geen enkele club' (there are no clubs here): skip those.
    assert [v for v in hard if v.rule != "in_one_club"] == []


def test_nobody_hosts_twice_when_the_club_has_enough_hosts():
    members = random_participants(8, seed=11, hosts=1.0)
    result = solve(problem(members))
    # 8 members → 3 sessions per round, 6 sessions and 8 possible hosts.
    hosts = [s.host for s in result.sessions]
    assert len(hosts) == len(set(hosts)) == 6
    assert result.double_hosts == 0


def test_two_hosts_among_four_host_twice_and_that_is_reported():
    members = [registration(f"M{i}", can_host=i < 2) for i in range(4)]
    result = solve(problem(members))
    # Four members make two pairs per round, each pair needs one of the two hosts:
    # both hosts host in both rounds, which is unavoidable and counted.
    assert result.status is SolveStatus.OPTIMAL
    assert sorted(s.host for s in result.sessions) == ["M0", "M0", "M1", "M1"]
    assert result.double_hosts == 2


def test_pin_together_in_round_is_honoured():
    members = random_participants(7, seed=5)
    a, b = members[0].name, members[6].name
    free = solve(problem(members))
    rnd = 2 if together(free, a, b, 1) else 1  # pin a round they do not share unpinned
    result = solve(problem(members, pins=SessionPins(together=((a, b, rnd),))))
    assert together(result, a, b, rnd)


def test_pin_host_in_round_is_honoured():
    members = random_participants(7, seed=6, hosts=1.0)
    free = solve(problem(members))
    hosts_r1 = {s.host for s in free.sessions if s.round == 1}
    name = next(m.name for m in members if m.name not in hosts_r1)  # not a host unpinned
    result = solve(problem(members, pins=SessionPins(host=((name, 1),))))
    assert name in {s.host for s in result.sessions if s.round == 1}


def test_two_pinned_hosts_of_one_round_are_in_different_sessions():
    members = random_participants(6, seed=7, hosts=1.0)
    a, b = members[0].name, members[1].name
    result = solve(problem(members, pins=SessionPins(host=((a, 1), (b, 1)))))
    assert {s.host for s in result.sessions if s.round == 1} >= {a, b}


def test_pin_apart_never_in_one_session():
    twins = [registration(f"T{i}", themes=(THEMES[0], THEMES[1], THEMES[2])) for i in range(2)]
    others = [registration(f"O{i}", themes=(THEMES[5], THEMES[6], THEMES[7])) for i in range(4)]
    members = twins + others
    # The twins share every theme, so unpinned they meet.
    assert together(solve(problem(members)), "T0", "T1")
    result = solve(problem(members, pins=SessionPins(apart=(("T0", "T1"),))))
    assert not together(result, "T0", "T1")


def test_apart_pair_is_no_candidate_session():
    members = random_participants(5, seed=8)
    a, b = members[0].name, members[1].name
    candidates = enumerate_candidates(problem(members, pins=SessionPins(apart=((a, b),))))
    assert all(not {0, 1} <= set(c.members) for c in candidates)
    assert all(2 <= len(c.members) <= 3 for c in candidates)


def test_pair_that_met_before_is_avoided_when_possible():
    twins = [registration(f"T{i}", themes=(THEMES[0], THEMES[1], THEMES[2])) for i in range(2)]
    others = [registration(f"O{i}", themes=(THEMES[5], THEMES[6], THEMES[7])) for i in range(4)]
    members = twins + others
    assert together(solve(problem(members)), "T0", "T1")  # they would like to meet
    result = solve(problem(members, met_before=[("T0", "T1")]))
    assert not together(result, "T0", "T1")
    assert result.met_before_violations == 0


def test_pairs_that_met_before_are_counted_when_unavoidable():
    members = [registration(f"M{i}") for i in range(4)]
    # Four members: each round is a perfect matching {01,23}, {02,13} or {03,12}, and
    # the rounds use two different ones. Mark the first two matchings as met before:
    # only {03,12} is clean, so one round repeats two earlier meetings.
    met = [("M0", "M1"), ("M2", "M3"), ("M0", "M2"), ("M1", "M3")]
    result = solve(problem(members, met_before=met))
    assert result.status is SolveStatus.OPTIMAL
    assert result.met_before_violations == 2
    people = {m.name: m for m in members}
    soft = [
        v
        for v in check_layout(as_layout(result), people, CONFIG, [frozenset(p) for p in met])
        if v.rule == "met_before"
    ]
    assert len(soft) == 2 and not any(v.hard for v in soft)
    # The objective includes the 'met before' penalty, named in the breakdown.
    breakdown = score_layout(as_layout(result), people, CONFIG, [frozenset(p) for p in met])
    assert result.objective == pytest.approx(breakdown.total, abs=0.04)
    (penalty,) = [c for c in breakdown.criteria if c.key == "sessions.met_before"]
    assert penalty.raw == -2 and penalty.contribution == -2 * CONFIG.weights.sessions.met_before


def test_club_of_five_has_no_two_rounds_without_a_repeated_pair():
    members = random_participants(5, seed=2, hosts=1.0)
    p = problem(members)
    # Each round is a pair plus a trio; round 2's trio can hold at most one of the
    # round-1 pair and one of the round-1 trio, so it cannot exist.
    assert solve(p).status is SolveStatus.INFEASIBLE
    conflict = explain_infeasible_sessions(p)
    assert conflict.keys == ("no_repeated_pair",) or "no_repeated_pair" in conflict.keys
    assert any("beide rondes" in r for r in conflict.reasons), conflict.reasons


def test_club_without_enough_hosts_is_infeasible_and_explained():
    members = [registration(f"M{i}", can_host=i == 0) for i in range(4)]
    p = problem(members)
    # Two sessions per round, but only M0 may host: impossible.
    assert solve(p).status is SolveStatus.INFEASIBLE
    conflict = explain_infeasible_sessions(p)
    assert "session_host" in conflict.keys
    assert any("hosten" in r for r in conflict.reasons), conflict.reasons


def test_explain_names_conflicting_pins():
    members = random_participants(6, seed=9, hosts=1.0)
    a, b = members[0].name, members[1].name
    pins = SessionPins(together=((a, b, 1),), apart=((a, b),))
    reasons = explain_infeasible_sessions(problem(members, pins=pins)).reasons
    # The apart pin removes every candidate holding both, so 'together' cannot hold.
    assert any(f"pin: {a} en {b} samen in ronde 1" in r for r in reasons), reasons


def test_same_input_same_sessions():
    members = random_participants(7, seed=10)
    assert solve(problem(members)).sessions == solve(problem(members)).sessions


def test_explain_names_every_pin_of_a_host_conflict():
    members = random_participants(6, seed=12, hosts=1.0)
    a, b = members[0].name, members[1].name
    # a and b share a session in round 1, and both must host in round 1: a session
    # has one host, so these three pins together are impossible.
    pins = SessionPins(together=((a, b, 1),), host=((a, 1), (b, 1)))
    reasons = explain_infeasible_sessions(problem(members, pins=pins)).reasons
    assert f"pin: {a} en {b} samen in ronde 1" in reasons, reasons
    assert f"pin: {b} is host in ronde 1" in reasons, reasons
    assert f"pin: {a} is host in ronde 1" in reasons, reasons
