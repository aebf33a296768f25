"""Selection properties over generated registration sets (hypothesis), plus the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leernetwerk.cli import main
from leernetwerk.config import config_from_dict
from leernetwerk.domain import (
    PROVINCES,
    Balance,
    Registration,
    Registrations,
    SafetyNet,
    SelfEvaluation,
    ThemeChoice,
)
from leernetwerk.proposal import Proposal, SolveStatus
from matching.selection import CRITERIA, select

THEMES = ("Handhaving", "Financieel", "Beleid")
DEADLINE = dt.date(2026, 5, 1)
SOLVER = {"max_deterministic_time": 1.0, "forcing_cost_budget": 2.0}


@st.composite
def registration_sets(draw: st.DrawFn) -> list[Registration]:
    """3–12 complete-or-not municipalities with drawn balance, safety net, province,
    size, variant, registration date (some late) and earlier participation."""
    n = draw(st.integers(3, 12))
    registrations = []
    for i in range(n):
        complete = draw(st.booleans()) or draw(st.booleans())
        registrations.append(
            Registration(
                name=f"Gemeente {i:02d}",
                province=draw(st.sampled_from(PROVINCES[:4])),
                inhabitants=draw(st.integers(1_000, 200_000)),
                balance=draw(st.sampled_from(list(Balance))),
                safety_net=draw(st.sampled_from(list(SafetyNet))),
                execution_variant=draw(st.sampled_from(("gemeentelijk", "regionaal"))),
                registered_on=DEADLINE + dt.timedelta(days=draw(st.integers(-40, 3))),
                previous_cycles=draw(st.sampled_from(((), (), ("2025-2026",)))),
                self_evaluation=SelfEvaluation(scores={t: 2.0 for t in THEMES})
                if complete
                else None,
                themes=tuple(ThemeChoice(rank=k + 1, theme=t) for k, t in enumerate(THEMES)),
            )
        )
    return registrations


def run(regs: list[Registration], places: int, pins: dict | None = None):
    config = config_from_dict({"solver": SOLVER, "pins": pins or {}})
    return select(Registrations(registrations=tuple(regs)), config, places=places)


PROPERTY = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(registration_sets(), st.integers(1, 8), st.data())
def test_places_pins_breakdown_and_reasons_hold(regs, places, data):
    complete = [r.name for r in regs if r.is_complete]
    pinned = data.draw(
        st.lists(st.sampled_from(complete), max_size=min(2, places), unique=True)
        if complete
        else st.just([])
    )
    others = [n for n in complete if n not in pinned]
    excluded = data.draw(
        st.lists(st.sampled_from(others), max_size=2, unique=True) if others else st.just([])
    )
    result = run(regs, places, {"select": pinned, "exclude": excluded})

    # Never more than places; pins honoured.
    assert len(result.selected) <= places
    assert set(pinned) <= set(result.selected)
    assert not set(excluded) & set(result.selected)
    # Every registrant has an entry with at least one reason, in workbook order.
    assert [e.name for e in result.entries] == [r.name for r in regs]
    assert all(e.reasons for e in result.entries)
    # The plain-Python breakdown adds up to the solver's objective.
    if result.quality.status is SolveStatus.OPTIMAL:
        total = sum(c.contribution for c in result.breakdown)
        assert total == pytest.approx(result.quality.objective, abs=1e-6)


@PROPERTY
@given(registration_sets(), st.integers(2, 8))
def test_balance_holds_when_both_sides_have_enough(regs, places):
    timely = [r for r in regs if r.is_complete and not r.is_late(DEADLINE)]
    deficit = sum(1 for r in timely if r.balance.is_deficit)
    other = len(timely) - deficit
    result = run(regs, places)
    by_name = {r.name: r for r in regs}
    chosen = [by_name[n] for n in result.selected]
    imbalance = abs(sum(1 if r.balance.is_deficit else -1 for r in chosen))
    if deficit >= places and other >= places:
        assert imbalance <= 2
        assert not any("niet haalbaar" in w for w in result.warnings)


CRITERION_WORDS = tuple(c.label for c in CRITERIA) + (
    "te laat",
    "doet al mee",
    "evenwicht",
    "gespreid",
    "voorrang",
    "deed eerder mee",
    "stuurgroep",
    "gelijke stand",
)


@PROPERTY
@given(registration_sets(), st.integers(1, 8))
def test_higher_priority_rejected_only_with_the_criterion_named(regs, places):
    result = run(regs, places)
    by_name = {r.name: r for r in regs}
    selected = [by_name[n] for n in result.selected]
    for entry in result.entries:
        r = by_name[entry.name]
        if entry.selected or not r.is_complete:
            continue
        lower = [
            s
            for s in selected
            if s.balance.is_deficit == r.balance.is_deficit
            and s.safety_net.priority < r.safety_net.priority
        ]
        if lower:
            text = " ".join(entry.reasons)
            assert any(word in text for word in CRITERION_WORDS), (entry.name, entry.reasons)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registration_sets(), st.integers(1, 8))
def test_same_input_twice_gives_the_same_output(regs, places):
    first, second = run(regs, places), run(regs, places)
    assert first.entries == second.entries
    assert first.breakdown == second.breakdown
    assert first.warnings == second.warnings


# -------------------------------------------------------------------------- CLI (last: uses intake)


def _workbook(tmp_path):
    from leernetwerk.registrations_io import write_registrations

    regs = [
        Registration(
            name=name,
            province=province,
            inhabitants=inhabitants,
            balance=balance,
            safety_net=net,
            registered_on=dt.date(2026, 4, 1),
            self_evaluation=SelfEvaluation(scores={t: 2.0 for t in THEMES}),
            themes=tuple(ThemeChoice(rank=k + 1, theme=t) for k, t in enumerate(THEMES)),
        )
        for name, province, inhabitants, balance, net in (
            ("Zwolle", "Overijssel", 130_000, Balance.DEFICIT, SafetyNet.ADDITIONAL),
            ("Leeuwarden", "Friesland", 125_000, Balance.DEFICIT, SafetyNet.REGULAR),
            ("Amstelveen", "Noord-Holland", 92_000, Balance.SURPLUS, SafetyNet.NONE),
            ("Wageningen", "Gelderland", 40_000, Balance.SURPLUS, SafetyNet.NONE),
            ("Schagen", "Noord-Holland", 47_000, Balance.SURPLUS, SafetyNet.NONE),
        )
    ]
    path = tmp_path / "aanmeldingen.xlsx"
    write_registrations(Registrations(registrations=tuple(regs)), path)
    return path


def test_cli_writes_selection_json_and_refuses_a_non_empty_folder(tmp_path, capsys):
    workbook = _workbook(tmp_path)
    cycle = tmp_path / "cycle.toml"
    cycle.write_text("[solver]\nmax_deterministic_time = 1.0\nforcing_cost_budget = 2.0\n")
    out = tmp_path / "selectie"
    args = ["select", str(workbook), "--cycle", str(cycle), "--places", "4", "--out", str(out)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "4 van 5 aanmeldingen geselecteerd" in printed
    assert "Balans: 2 tekort tegen 2 overschot/neutraal." in printed
    proposal = Proposal.model_validate_json((out / "selection.json").read_text())
    assert len(proposal.selected) == 4 and proposal.selection_quality is not None
    assert proposal.seed == 0 and proposal.solver["max_deterministic_time"] == 1.0
    assert len(proposal.input_sha256) == 64
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html",
        "selectie.xlsx",
        "selection.json",
    ]
    report = (out / "report.html").read_bytes()
    assert main(args) == 1  # non-empty folder without --force
    assert "niet leeg" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
    again = Proposal.model_validate_json((out / "selection.json").read_text())
    assert (out / "report.html").read_bytes() == report  # same inputs, same report
    # Deterministic except the measured wall time.
    assert again.selection == proposal.selection
    assert again.selection_quality.objective == proposal.selection_quality.objective
    assert again.input_sha256 == proposal.input_sha256


def test_cli_bad_pins_write_nothing(tmp_path, capsys):
    workbook = _workbook(tmp_path)
    cycle = tmp_path / "cycle.toml"
    cycle.write_text('[pins]\nselect = ["Zwole"]\n')
    out = tmp_path / "selectie"
    assert main(["select", str(workbook), "--cycle", str(cycle), "--out", str(out)]) == 1
    assert "Bedoelde u 'Zwolle'?" in capsys.readouterr().err
    assert not out.exists()
