"""The matching engine end to end (matching/engine.py): the returned layout
keeps every hard rule, its objective is the plain-Python score, it beats the
baseline, it is deterministic, and --keep moves few participants and says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ortools.sat.python import cp_model

from leernetwerk.config import CycleConfig, config_from_dict, load_cycle_config
from leernetwerk.domain import Registration
from leernetwerk.intake import load_registrations
from matching.engine import MatchResult, baseline, match
from matching.errors import RuleConflict
from matching.rules import check_layout
from matching.scoring import score_layout
from tests.factories import random_participants

PILOT = Path(__file__).resolve().parent.parent / "examples" / "pilot-2025"
FAST = {"club_deterministic_time": 0.5, "session_deterministic_time": 1.0}


def fast(config: CycleConfig, **solver: Any) -> CycleConfig:
    """The config with short solver limits (and any other solver settings)."""
    return config.model_copy(update={"solver": config.solver.model_copy(update=FAST | solver)})


def with_pins(config: CycleConfig, **pins: Any) -> CycleConfig:
    data = config.model_dump(mode="json")
    data["pins"] = data["pins"] | pins
    return config_from_dict(data)


def people_of(participants: list[Registration]) -> dict[str, Registration]:
    return {p.name: p for p in participants}


@pytest.fixture(scope="module")
def pilot() -> tuple[list[Registration], CycleConfig]:
    """The eight pilot municipalities and the pilot's cycle.toml (short limits)."""
    config = fast(load_cycle_config(PILOT / "cycle.toml"))
    return list(load_registrations(PILOT / "aanmeldingen.xlsx", config)), config


@pytest.fixture(scope="module")
def pilot_result(pilot) -> MatchResult:
    return match(*pilot)


RANDOM = {20: random_participants(20, seed=21), 26: random_participants(26, seed=22)}
"""Two clubs of ten; three clubs of 8–9."""


@pytest.fixture(scope="module")
def random_results() -> dict[int, MatchResult]:
    return {n: match(people, fast(CycleConfig())) for n, people in RANDOM.items()}


def instances(pilot, pilot_result, random_results):  # type: ignore[no-untyped-def]
    yield pilot[0], pilot[1], pilot_result
    for n, result in random_results.items():
        yield RANDOM[n], fast(CycleConfig()), result


def test_engine_layout_has_no_hard_violation(pilot, pilot_result, random_results):
    for participants, config, result in instances(pilot, pilot_result, random_results):
        violations = check_layout(result.layout, people_of(participants), config)
        assert [v.message for v in violations if v.hard] == []
        assert sorted(result.layout.club_of()) == sorted(p.name for p in participants)


def test_objective_equals_the_plain_python_score(pilot, pilot_result, random_results):
    for participants, config, result in instances(pilot, pilot_result, random_results):
        breakdown = score_layout(result.layout, people_of(participants), config)
        assert result.quality.objective == pytest.approx(breakdown.total, abs=1e-6)
        assert result.breakdown == breakdown
        # A bound for the whole problem (club bound + a session bound valid for every
        # club layout, docs/quality.md); with one club the tighter one of that club.
        q = result.quality
        assert q.bound is not None and q.bound >= q.objective - 1e-6
        assert q.gap is not None and q.gap >= 0
        clubs, sessions = result.quality.stages["clubs"], result.quality.stages["sessions"]
        assert clubs.objective + sessions.objective == pytest.approx(breakdown.total, abs=1e-3)
        for stage in (clubs, sessions):
            assert stage.bound is not None and stage.bound >= stage.objective - 1e-6


def test_objective_beats_the_baseline(pilot, pilot_result, random_results):
    for participants, config, result in instances(pilot, pilot_result, random_results):
        base = score_layout(
            baseline(participants, config, seed=config.solver.seed), people_of(participants), config
        )
        assert result.quality.baseline_objective == pytest.approx(base.total)
        assert result.quality.objective > base.total, (len(participants), base.total)


def test_baseline_itself_keeps_the_size_and_repeat_rules():
    participants = RANDOM[26]
    config = CycleConfig()
    layout = baseline(participants, config, seed=0)
    violations = check_layout(layout, people_of(participants), config)
    # The baseline ignores balance and pins, but is a valid layout otherwise.
    ignored = ("club_balance", "club_hosts", "pin_club", "pin_apart", "pin_together", "pin_host")
    assert [v for v in violations if v.hard and v.rule not in ignored] == []


def test_pilot_is_one_club_of_eight_with_sessions_of_two_or_three(pilot_result):
    layout = pilot_result.layout
    assert [len(c.members) for c in layout.clubs] == [8]
    assert all(2 <= len(s.members) <= 3 for _, s in layout.sessions())
    assert pilot_result.quality.status.value == "optimaal"


def test_same_input_twice_gives_the_identical_layout(pilot, pilot_result):
    again = match(*pilot)
    assert again.layout.model_dump() == pilot_result.layout.model_dump()
    assert again.quality.objective == pilot_result.quality.objective


def test_every_multi_worker_solve_is_reproducible_by_construction(pilot, monkeypatch):
    """With num_workers = 2 every CP-SAT solve of match() must run either on one
    worker or with interleave_search (CP-SAT's deterministic parallel mode; without
    it the session solves gave 2 different pilot layouts in 4 runs)."""
    seen: list[tuple[int, bool]] = []
    original = cp_model.CpSolver.solve

    def recording_solve(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append((self.parameters.num_workers, self.parameters.interleave_search))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cp_model.CpSolver, "solve", recording_solve)
    participants, config = pilot
    match(participants, fast(config, num_workers=2))
    assert seen
    assert all(workers <= 1 or interleaved for workers, interleaved in seen), seen


def test_same_input_twice_with_two_workers_gives_the_identical_layout(pilot):
    participants, config = pilot
    config = fast(config, num_workers=2)
    first, second = (match(participants, config).layout.model_dump() for _ in range(2))
    assert first == second


def test_keep_with_one_extra_club_pin_moves_few_and_says_why(random_results):
    participants, before = RANDOM[20], random_results[20]
    club_of = before.layout.club_of()
    name = next(n for n in sorted(club_of) if club_of[n] == 1)
    config = with_pins(fast(CycleConfig()), club=[{"name": name, "club": 2}])
    after = match(participants, config, keep=before.layout)
    new_club = after.layout.club_of()
    assert new_club[name] == 2
    changed = sorted(n for n in club_of if club_of[n] != new_club[n])
    # Clubs of ten stay clubs of ten: the pinned one moves and one other moves back.
    assert name in changed and len(changed) == 2, changed
    lines = "\n".join(after.moved)
    assert f"{name}: van club 1 naar club 2 (pin: in club 2)" in lines
    other = next(n for n in changed if n != name)
    assert f"{other}: van club 2 naar club 1" in lines
    assert check_layout(after.layout, people_of(participants), config) == [] or not any(
        v.hard for v in check_layout(after.layout, people_of(participants), config)
    )


def test_keep_without_changes_keeps_the_layout(pilot, pilot_result):
    participants, config = pilot
    again = match(participants, config, keep=pilot_result.layout)
    # Same weights and pins: the earlier layout is still the best, and now also the
    # most stable one, so nothing moves (sessions and hosts included).
    assert again.layout.model_dump() == pilot_result.layout.model_dump()
    assert again.moved == ()


def test_pin_about_a_non_participant_is_ignored_with_a_warning(pilot):
    participants, config = pilot
    result = match(participants, with_pins(config, host=[{"name": "Atlantis", "round": 1}]))
    assert any("Pin over Atlantis genegeerd" in w for w in result.warnings)


def test_progress_reports_phases(pilot):
    phases: list[str] = []
    match(*pilot, progress=lambda phase, elapsed, best: phases.append(phase))
    assert phases[0] == "clubs" and phases[-1] == "klaar"
    assert "bijeenkomsten club 1" in phases
    # The club stage's LP bound reports its rounds (8 participants: 4 rounds at most).
    assert "clubs: bovengrens (ronde 0 van 4)" in phases


def test_conflicting_pins_raise_a_matching_conflict(pilot):
    participants, config = pilot
    a, b = participants[0].name, participants[1].name
    config = with_pins(config, together=[{"members": [a, b], "round": 1}], apart=[[a, b]])
    with pytest.raises(RuleConflict) as info:
        match(participants, config)
    assert any(a in r and b in r for r in info.value.reasons), info.value.reasons


def test_together_pin_across_clubs_is_honoured(random_results):
    """A and B were in different clubs; pinning them into one session in round 1
    makes the club model put them in one club, and the session model together."""
    participants, before = RANDOM[20], random_results[20]
    club_of = before.layout.club_of()
    a = next(n for n in sorted(club_of) if club_of[n] == 1)
    b = next(n for n in sorted(club_of) if club_of[n] == 2)
    config = with_pins(fast(CycleConfig()), together=[{"members": [a, b], "round": 1}])
    result = match(participants, config)
    assert result.layout.club_of()[a] == result.layout.club_of()[b]
    assert any(r == 1 and a in s.members and b in s.members for r, s in result.layout.sessions())


def test_unavoidable_earlier_meetings_are_reported_as_warnings(pilot):
    participants, config = pilot
    names = sorted(p.name for p in participants)
    everyone_met = [frozenset((a, b)) for i, a in enumerate(names) for b in names[i + 1 :]]
    result = match(participants, config, met_before=everyone_met)
    # Every pair of the one pilot club met before: every session repeats a meeting,
    # which is allowed ('hard unless impossible') but reported per pair.
    meetings = {
        frozenset((a, b))
        for _, s in result.layout.sessions()
        for i, a in enumerate(s.members)
        for b in s.members[i + 1 :]
    }
    assert len(result.violations) == len(meetings)
    assert all(v.rule == "met_before" and not v.hard for v in result.violations)
    assert sum("ontmoetten elkaar al" in w for w in result.warnings) == len(meetings)


def test_too_few_participants_for_a_club_is_a_matching_conflict(pilot):
    participants, config = pilot
    with pytest.raises(RuleConflict) as info:
        match(participants[:7], config)
    assert "7 deelnemers passen niet in clubs van 8–12" in info.value.reasons[0]
