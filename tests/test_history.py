"""History across cycles comes only from decided matchings of earlier cycles."""

from __future__ import annotations

import pytest
from test_cycle import make_cycle, make_proposal, make_run

from leernetwerk.cycle import record_decision
from leernetwerk.errors import UserError
from leernetwerk.history import load_history


def _decided_cycle(root, name, budget_year, selected, sessions, rejected=()):
    """A cycle folder whose selection and matching have been decided."""
    folder = make_cycle(root, name, budget_year)
    proposal = make_proposal(name, selected, rejected, sessions)
    run = make_run(folder, f"{budget_year + 1}0601-100000-c0ffee00", proposal)
    record_decision(folder, "selection", run)
    record_decision(folder, "matching", run)
    return folder


@pytest.fixture
def two_cycles(tmp_path):
    """2026-2027: A, B, C, D with A–B and C–D in round 1, A–C and B–D in round 2.
    2027-2028: A, B, E, F with A–B meeting again, and E–F."""
    _decided_cycle(
        tmp_path,
        "2026-2027",
        2025,
        ("A", "B", "C", "D"),
        ((("A", "B"), ("C", "D")), (("A", "C"), ("B", "D"))),
        rejected=("X",),
    )
    _decided_cycle(
        tmp_path,
        "2027-2028",
        2026,
        ("A", "B", "E", "F"),
        ((("A", "B"), ("E", "F")),),
    )
    return tmp_path


def test_participation_lists_the_cycles_in_order(two_cycles):
    history = load_history(two_cycles)
    assert history.participation["A"] == ("2026-2027", "2027-2028")
    assert history.participation["C"] == ("2026-2027",)
    assert history.participation["E"] == ("2027-2028",)
    assert "X" not in history.participation  # rejected registrants did not take part


def test_met_pairs_come_from_sessions_of_all_rounds(two_cycles):
    history = load_history(two_cycles)
    assert history.met_pairs[frozenset({"A", "B"})] == ("2026-2027", "2027-2028")
    assert history.met_pairs[frozenset({"A", "C"})] == ("2026-2027",)
    assert history.met_before("D", "B") == ("2026-2027",)
    assert frozenset({"A", "D"}) not in history.met_pairs  # same club, never same session


def test_before_excludes_the_current_and_later_cycles(two_cycles):
    history = load_history(two_cycles, before="2027-2028")
    assert history.cycles == ("2026-2027",)
    assert history.participation["A"] == ("2026-2027",)
    assert "E" not in history.participation
    assert load_history(two_cycles, before="2026-2027").participation == {}
    assert load_history(two_cycles, before=str(two_cycles / "2027-2028")).cycles == ("2026-2027",)


def test_undecided_runs_never_count(two_cycles):
    folder = make_cycle(two_cycles, "2028-2029", 2027)
    proposal = make_proposal("2028-2029", ("Q", "R"), (), ((("Q", "R"),),))
    make_run(folder, "20280601-100000-c0ffee00", proposal)
    history = load_history(two_cycles)
    assert "Q" not in history.participation
    assert history.undecided == ("2028-2029",)


def test_the_latest_matching_decision_wins(tmp_path):
    people = ("A", "B", "C", "D")
    folder = _decided_cycle(tmp_path, "2026-2027", 2025, people, ((("A", "B"), ("C", "D")),))
    proposal = make_proposal("2026-2027", ("A", "B", "C", "D"), (), ((("A", "C"), ("B", "D")),))
    run = make_run(folder, "20260701-100000-c0ffee00", proposal)
    record_decision(folder, "matching", run)
    history = load_history(tmp_path)
    assert frozenset({"A", "C"}) in history.met_pairs
    assert frozenset({"A", "B"}) not in history.met_pairs


def test_a_changed_decided_proposal_is_refused(two_cycles):
    proposal = two_cycles / "2026-2027" / "runs" / "20260601-100000-c0ffee00" / "proposal.json"
    proposal.write_text(proposal.read_text(encoding="utf-8") + " ", encoding="utf-8")
    with pytest.raises(UserError, match="gewijzigd na besluit"):
        load_history(two_cycles)


def test_missing_cycles_root_is_a_dutch_error(tmp_path):
    with pytest.raises(UserError, match="bestaat niet"):
        load_history(tmp_path / "geen")
