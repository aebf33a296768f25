"""The whole-problem bound (matching/whole_bound.py, docs/quality.md): the session
bound holds for every session and every club layout, and the engine's
``quality.bound`` is at least the best club layout with its best sessions,
checked by enumerating every club layout of a small case."""

from __future__ import annotations

import itertools

import pytest

from leernetwerk.config import CycleConfig, config_from_dict
from leernetwerk.proposal import Club, Layout, Round, Session, SessionFormat
from matching.criteria import candidate_themes, session_score
from matching.engine import match, session_problem
from matching.scoring import score_layout
from matching.sessions import solve_sessions
from matching.solver import SolveStatus
from matching.whole_bound import (
    participant_round_bounds,
    participant_shares,
    session_upper_bound,
)
from tests.factories import random_participants


def config_clubs_of_four() -> CycleConfig:
    data = CycleConfig().model_dump(mode="json")
    data["clubs"] = data["clubs"] | {"min_size": 4, "max_size": 4, "target_size": 4}
    data["solver"] = data["solver"] | {
        "club_deterministic_time": 0.5,
        "session_deterministic_time": 5.0,
        "num_workers": 1,
    }
    return config_from_dict(data)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_every_session_share_is_below_the_participant_bound(seed: int) -> None:
    people = random_participants(8, seed=seed)
    config = CycleConfig()
    beta = participant_shares(people, config)
    catalogue = config.catalogue.names
    for size in (2, 3):
        for combo in itertools.combinations(range(len(people)), size):
            group = [people[i] for i in combo]
            options = candidate_themes(group, catalogue)
            choices = [()] + [t for k in (1, 2) for t in itertools.combinations(options, k)]
            best = max(session_score(group, themes, config) for themes in choices)
            for i in combo:
                assert best / size <= beta[i] + 1e-9


def test_two_rounds_with_different_partners_stay_below_the_participant_bound() -> None:
    people = random_participants(7, seed=11)
    config = CycleConfig()
    assert config.sessions.rounds == 2
    bound = participant_round_bounds(people, config)
    catalogue = config.catalogue.names

    def best_share(combo: tuple[int, ...]) -> float:
        group = [people[i] for i in combo]
        options = candidate_themes(group, catalogue)
        choices = [()] + [t for k in (1, 2) for t in itertools.combinations(options, k)]
        return max(session_score(group, themes, config) for themes in choices) / len(combo)

    sessions = [c for size in (2, 3) for c in itertools.combinations(range(7), size)]
    share = {c: best_share(c) for c in sessions}
    for a in range(7):
        mine = [c for c in sessions if a in c]
        for first, second in itertools.combinations(mine, 2):
            if set(first) & set(second) == {a}:
                assert share[first] + share[second] <= bound[a] + 1e-9


def best_whole_score(people, config) -> float:
    """Every split into two clubs of four, each with its optimal sessions, scored
    with the plain-Python ruler."""
    named = {p.name: p for p in people}
    best = float("-inf")
    rest = list(range(1, 8))
    for mates in itertools.combinations(rest, 3):
        clubs = [[0, *mates], [i for i in rest if i not in mates]]
        sessions: dict[int, list[Session]] = {1: [], 2: []}
        for club_id, members in enumerate(clubs, start=1):
            problem = session_problem(
                club_id, [people[i] for i in members], config, frozenset(), None
            )
            result = solve_sessions(problem, seed=0, max_deterministic_time=10.0)
            assert result.status is SolveStatus.OPTIMAL
            for s in result.sessions:
                sessions[s.round].append(
                    Session(
                        club=club_id,
                        members=s.members,
                        host=s.host,
                        themes=s.themes,
                        format=SessionFormat(s.format),
                    )
                )
        layout = Layout(
            clubs=tuple(
                Club(id=c, members=tuple(people[i].name for i in m))
                for c, m in enumerate(clubs, start=1)
            ),
            rounds=tuple(Round(round=r, sessions=tuple(ss)) for r, ss in sessions.items()),
        )
        best = max(best, score_layout(layout, named, config, frozenset()).total)
    return best


@pytest.mark.parametrize("seed", [3, 4])
def test_whole_bound_is_above_every_club_layout(seed: int) -> None:
    people = random_participants(8, seed=seed)
    config = config_clubs_of_four()
    result = match(people, config)
    best = best_whole_score(people, config)
    assert result.quality.bound is not None
    assert result.quality.bound >= best - 1e-6
    assert result.quality.objective <= best + 1e-6
    assert result.quality.gap is not None and result.quality.gap >= 0
    sessions = session_upper_bound(people, config)
    assert sessions is not None
    assert sessions >= result.quality.stages["sessions"].objective - 1e-6
