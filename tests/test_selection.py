"""Selection engine: one rule per test on tiny instances, with why the optimum is what it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from leernetwerk.config import CycleConfig, config_from_dict
from leernetwerk.domain import (
    Balance,
    RegistrantKind,
    Registration,
    Registrations,
    SafetyNet,
    SelfEvaluation,
    ThemeChoice,
)
from leernetwerk.proposal import SolveStatus
from leernetwerk.solver_errors import user_error
from matching.errors import InvalidInput
from matching.selection import CRITERIA, SCALE, SelectionResult, select, tie_break_order

THEMES = ("Handhaving", "Financieel", "Beleid")
ALL_SOFT_WEIGHTS = (
    "safety_net",
    "balance",
    "province_spread",
    "size_spread",
    "variant_spread",
    "earlier_participation",
)


def reg(
    name: str,
    *,
    balance: Balance = Balance.DEFICIT,
    net: SafetyNet = SafetyNet.NONE,
    province: str = "Utrecht",
    inhabitants: int = 30_000,
    variant: str = "gemeentelijk",
    on: dt.date | None = dt.date(2026, 4, 1),
    previous: tuple[str, ...] = (),
    complete: bool = True,
    members: tuple[str, ...] = (),
) -> Registration:
    """A registration; complete (self-evaluation + three themes) unless told otherwise."""
    return Registration(
        name=name,
        kind=RegistrantKind.ORGANISATION if members else RegistrantKind.MUNICIPALITY,
        members=members,
        province=province,
        inhabitants=inhabitants,
        balance=balance,
        safety_net=net,
        execution_variant=variant,
        registered_on=on,
        previous_cycles=previous,
        self_evaluation=SelfEvaluation(scores={t: 2.0 for t in THEMES}) if complete else None,
        themes=tuple(ThemeChoice(rank=i + 1, theme=t) for i, t in enumerate(THEMES)),
    )


def config(
    only: str | None = None,
    tolerance: int = 2,
    pins: dict[str, Any] | None = None,
    cycle: dict[str, Any] | None = None,
    solver: dict[str, Any] | None = None,
) -> CycleConfig:
    """Small solver limits; with ``only`` every other soft weight is zero (one rule at a time)."""
    data: dict[str, Any] = {
        "selection": {"balance_tolerance": tolerance},
        "solver": {"max_deterministic_time": 2.0, "forcing_cost_budget": 5.0} | (solver or {}),
    }
    if only is not None:
        data["weights"] = {"selection": {k: (1.0 if k == only else 0.0) for k in ALL_SOFT_WEIGHTS}}
    if pins:
        data["pins"] = pins
    if cycle:
        data["cycle"] = cycle
    return config_from_dict(data)


def run(registrations: list[Registration], cfg: CycleConfig, places: int) -> SelectionResult:
    return select(Registrations(registrations=tuple(registrations)), cfg, places=places)


def entry(result: SelectionResult, name: str):
    return next(e for e in result.entries if e.name == name)


# --------------------------------------------------------------------------- the criteria table


def test_every_criterion_is_registered_once_with_dutch_name_and_weight_key():
    names = [c.name for c in CRITERIA]
    assert len(names) == len(set(names))
    assert {
        "safety_net_priority",
        "deficit_surplus_balance",
        "province_spread",
        "size_spread",
        "variant_spread",
        "earlier_participation",
        "pins",
    } <= set(names)
    weight_keys = set(CycleConfig().weights.selection.model_dump())
    for criterion in CRITERIA:
        assert criterion.label
        if criterion.hard:
            assert criterion.weight_key is None
        else:
            assert criterion.weight_key in weight_keys


# --------------------------------------------------------------------------- one rule per test


def test_safety_net_priority_aanvullend_before_regulier_before_geen():
    # Only the safety-net weight counts: two places go to priority 2 and 1, never to 0.
    regs = [
        reg("Geen", net=SafetyNet.NONE),
        reg("Regulier", net=SafetyNet.REGULAR),
        reg("Aanvullend", net=SafetyNet.ADDITIONAL),
    ]
    result = run(regs, config("safety_net", tolerance=10), places=2)
    assert result.selected == ("Regulier", "Aanvullend")
    assert entry(result, "Aanvullend").reason == "Geselecteerd: voorrang door aanvullend vangnet."
    assert entry(result, "Geen").reason == (
        "Niet geselecteerd: Geen (geen vangnet) heeft minder voorrang dan de gekozen gemeenten "
        "met een tekort, zoals Regulier (regulier vangnet)."
    )
    assert entry(result, "Geen").codes[0].code == "lower_priority"


def test_balance_tolerance_is_hard_and_priority_decides_within_it():
    # Default weights, 4 places, deficit ones have priority: 3 deficit + 1 surplus
    # (|3−1| = 2 ≤ tolerance, 300 − 40 > 200) — 4 deficit would break the tolerance.
    regs = [reg(f"T{i}", net=SafetyNet.ADDITIONAL) for i in range(5)] + [
        reg("O1", balance=Balance.SURPLUS),
        reg("O2", balance=Balance.NEUTRAL),
    ]
    result = run(regs, config(), places=4)
    assert result.balance == (3, 1)
    assert result.warnings == ()


def test_balance_tolerance_zero_forces_equal_halves():
    regs = [reg(f"T{i}", net=SafetyNet.ADDITIONAL) for i in range(5)] + [
        reg("O1", balance=Balance.SURPLUS),
        reg("O2", balance=Balance.NEUTRAL),
    ]
    result = run(regs, config(tolerance=0), places=4)
    assert result.balance == (2, 2)
    rejected_deficit = [e for e in result.entries if e.name.startswith("T") and not e.selected]
    for e in rejected_deficit:  # a tie with T1, and the other side cannot give way
        assert [c.code for c in e.codes] == ["tie", "other_side_blocked"]
        assert e.reason.endswith(
            "Ook de plaats van O2 (geen vangnet) innemen kan niet: dan raakt het evenwicht "
            "tussen tekort en overschot/neutraal zoek."
        )


def test_balance_out_of_reach_is_the_best_possible_and_reported():
    # Only deficit registrants: filling the places wins, the imbalance is reported.
    regs = [reg(f"T{i}") for i in range(3)]
    result = run(regs, config(), places=3)
    assert len(result.selected) == 3
    assert "balans binnen 2 niet haalbaar; beste mogelijke: 3" in result.warnings


def test_province_spread_prefers_a_new_province_and_ties_go_to_the_earlier_registration():
    # Three places, four registrants, only province spread counts: Zeeland and Limburg
    # are each worth a new province; of the two from Utrecht the earlier one wins the tie.
    regs = [
        reg("Amersfoort", province="Utrecht", on=dt.date(2026, 4, 20)),
        reg("Zeist", province="Utrecht", on=dt.date(2026, 4, 2)),
        reg("Goes", province="Zeeland"),
        reg("Venlo", province="Limburg"),
    ]
    result = run(regs, config("province_spread", tolerance=10), places=3)
    assert result.selected == ("Zeist", "Goes", "Venlo")
    assert entry(result, "Amersfoort").reason == (
        "Niet geselecteerd: Amersfoort en Zeist hebben dezelfde voorrang (geen vangnet); bij "
        "gelijke stand gaat de eerdere aanmelding voor."
    )
    assert entry(result, "Amersfoort").forcing_cost.note == (
        "Als Amersfoort toch meedoet, valt Zeist af; de selectie wordt daar niet slechter van."
    )
    assert entry(result, "Goes").reason == "Geselecteerd: enige uit Zeeland."


def test_size_spread_prefers_a_new_size_class():
    regs = [
        reg("Klein", inhabitants=10_000),
        reg("Middel1", inhabitants=30_000, on=dt.date(2026, 3, 1)),
        reg("Middel2", inhabitants=40_000, on=dt.date(2026, 3, 2)),
    ]
    result = run(regs, config("size_spread", tolerance=10), places=2)
    # Klein adds a size class; of the two 'middel' the earlier registration wins.
    assert result.selected == ("Klein", "Middel1")


def test_variant_spread_prefers_a_new_execution_variant():
    regs = [
        reg("A", variant="gemeentelijk", on=dt.date(2026, 3, 1)),
        reg("B", variant="gemeentelijk", on=dt.date(2026, 3, 2)),
        reg("C", variant="regionaal", on=dt.date(2026, 3, 3)),
    ]
    result = run(regs, config("variant_spread", tolerance=10), places=2)
    assert result.selected == ("A", "C")
    assert entry(result, "C").reason == "Geselecteerd: enige met uitvoeringsvariant regionaal."


def test_earlier_participation_lowers_priority_including_history_mapping():
    # B took part before (own column), C according to the history: A is the only clean one.
    regs = [
        reg("A", on=dt.date(2026, 4, 30)),
        reg("B", previous=("2025-2026",), on=dt.date(2026, 4, 1)),
        reg("C", on=dt.date(2026, 4, 2)),
    ]
    result = select(
        Registrations(registrations=tuple(regs)),
        config("earlier_participation", tolerance=10),
        places=1,
        participation={"c": ("2026-2027",)},
    )
    assert result.selected == ("A",)
    assert entry(result, "C").reason == (
        "Niet geselecteerd: C deed eerder mee (2026-2027); wie nog niet meedeed, gaat voor, "
        "zoals A."
    )
    assert entry(result, "C").codes[0].facts["cycles"] == ("2026-2027",)
    assert entry(result, "C").forcing_cost.note == (
        "Als C toch meedoet, valt A af; dan gaat een plaats van een nieuwe deelnemer naar een "
        "eerdere deelnemer."
    )


def test_tie_break_order_is_date_then_name_not_list_order():
    regs = [reg("b", on=None), reg("C"), reg("a"), reg("Z", on=dt.date(2026, 1, 1))]
    assert tie_break_order(regs) == ["Z", "a", "C", "b"]


# --------------------------------------------------------------------------- pins


def test_pins_select_and_exclude_override_priority():
    regs = [
        reg("Geen", net=SafetyNet.NONE),
        reg("Regulier", net=SafetyNet.REGULAR),
        reg("Aanvullend", net=SafetyNet.ADDITIONAL),
    ]
    cfg = config(tolerance=10, pins={"select": ["geen"], "exclude": ["Aanvullend"]})
    result = run(regs, cfg, places=2)
    assert result.selected == ("Geen", "Regulier")
    assert entry(result, "Geen").reason == (
        "Geselecteerd: de stuurgroep heeft besloten deze aanmelding op te nemen."
    )
    assert entry(result, "Aanvullend").reason == (
        "Niet geselecteerd: de stuurgroep heeft besloten deze aanmelding niet op te nemen."
    )
    assert [c.code for c in entry(result, "Aanvullend").codes] == ["excluded"]


@pytest.mark.parametrize(
    ("pins", "places", "fragment"),
    [
        ({"select": ["Utrech"]}, 2, "Bedoelde u 'Utrecht'?"),
        ({"select": ["Utrecht"], "exclude": ["Utrecht"]}, 2, "zowel bij 'altijd selecteren'"),
        ({"select": ["Utrecht", "Zeist"]}, 1, "nemen 2 plaatsen in, maar er zijn er maar 1"),
        ({"select": ["Leeg"]}, 2, "vastgepind maar onvolledig (zelfevaluatie ontbreekt)"),
    ],
)
def test_impossible_pins_are_located_invalid_input_and_a_dutch_user_error(pins, places, fragment):
    regs = [reg("Utrecht"), reg("Zeist"), reg("Leeg", complete=False)]
    with pytest.raises(InvalidInput) as info:
        run(regs, config(pins=pins), places=places)
    assert all(
        p.sheet == "cycle.toml" and p.column.startswith("pins.") for p in info.value.problems
    )
    assert fragment in str(user_error(info.value))


# --------------------------------------------------------------------------- organisations


def test_organisation_takes_its_places_and_nobody_takes_part_twice():
    # The organisation (2 places, aanvullend) stands for Ede and Wageningen; Ede also
    # registered alone. Both can never be in: with 3 places the org + Barneveld is optimal.
    regs = [
        reg(
            "Regio Foodvalley",
            members=("Ede", "Wageningen"),
            net=SafetyNet.ADDITIONAL,
            inhabitants=160_000,
            balance=Balance.SURPLUS,
        ),
        reg("Ede", net=SafetyNet.ADDITIONAL),
        reg("Barneveld", net=SafetyNet.REGULAR),
    ]
    cfg = config(tolerance=10, cycle={"organisation_places": 2})
    result = run(regs, cfg, places=3)
    assert result.selected == ("Regio Foodvalley", "Barneveld")
    assert entry(result, "Ede").reason == (
        "Niet geselecteerd: Ede doet al mee via Regio Foodvalley; een gemeente neemt maar één "
        "keer deel."
    )
    assert entry(result, "Ede").codes[0].facts == {"via": ("Regio Foodvalley",)}
    assert entry(result, "Regio Foodvalley").reason.endswith(
        "Neemt als uitvoeringsorganisatie 2 plaatsen in."
    )
    with pytest.raises(InvalidInput, match="twee keer deelnemen"):
        run(regs, config(pins={"select": ["Ede", "Regio Foodvalley"]}), places=3)


# --------------------------------------------------------------------------- late and incomplete


def test_late_registrations_only_take_places_that_remain():
    deadline = CycleConfig().cycle.deadline
    late = deadline + dt.timedelta(days=1)
    regs = [reg("Op tijd 1"), reg("Op tijd 2"), reg("Laat", net=SafetyNet.ADDITIONAL, on=late)]
    full = run(regs, config(), places=2)
    assert full.selected == ("Op tijd 1", "Op tijd 2")
    assert entry(full, "Laat").reason == (
        "Niet geselecteerd: te laat aangemeld, en de tijdige aanmeldingen vulden alle 2 plaatsen."
    )
    room = run(regs, config(), places=3)
    assert "Laat" in room.selected
    assert any("te laat aangemeld" in w for w in room.warnings)


def test_incomplete_is_not_selectable_unless_the_cycle_allows_it():
    regs = [reg("Compleet"), reg("Half", complete=False, net=SafetyNet.ADDITIONAL)]
    result = run(regs, config(), places=1)
    assert result.selected == ("Compleet",)
    assert entry(result, "Half").reason == (
        "Niet selecteerbaar: de aanmelding is onvolledig (zelfevaluatie ontbreekt)."
    )
    assert entry(result, "Half").codes[0].facts == {"missing": ("zelfevaluatie ontbreekt",)}
    allowed = run(regs, config(cycle={"allow_incomplete": True}), places=1)
    assert allowed.selected == ("Half",)


def test_fewer_selectable_than_places_selects_everyone_and_explains():
    regs = [reg("A", balance=Balance.SURPLUS), reg("B"), reg("C", complete=False)]
    result = run(regs, config(), places=30)
    assert result.selected == ("A", "B")
    assert entry(result, "A").reason == (
        "Geselecteerd: alle volledige aanmeldingen passen binnen de 30 plaatsen."
    )
    assert [e.name for e in result.entries] == ["A", "B", "C"]  # workbook order


def test_no_selectable_registrants_gives_an_empty_but_honest_result():
    result = run([reg("Leeg", complete=False)], config(), places=3)
    assert result.selected == ()
    assert result.quality.status is SolveStatus.OPTIMAL
    assert result.quality.objective == 0


# ------------------------------------------------------------------ breakdown, quality, forcing


def mixed() -> list[Registration]:
    provinces = ("Utrecht", "Zeeland", "Limburg", "Drenthe")
    nets = (SafetyNet.ADDITIONAL, SafetyNet.REGULAR, SafetyNet.NONE)
    return [
        reg(
            f"G{i}",
            balance=Balance.DEFICIT if i % 3 else Balance.SURPLUS,
            net=nets[i % 3],
            province=provinces[i % 4],
            inhabitants=8_000 * (i + 1),
            previous=("2025-2026",) if i % 5 == 0 else (),
            on=dt.date(2026, 4, 1 + i),
        )
        for i in range(10)
    ]


def test_breakdown_recomputed_in_python_equals_the_solver_objective():
    result = run(mixed(), config(), places=5)
    assert result.quality.status is SolveStatus.OPTIMAL
    total = sum(c.contribution for c in result.breakdown)
    assert total == pytest.approx(result.quality.objective, abs=1 / SCALE)
    assert result.quality.gap == 0
    for score in result.breakdown:
        assert score.contribution == pytest.approx(score.weight * score.raw)


def test_forcing_cost_matches_a_rerun_with_that_registrant_pinned():
    regs = mixed()
    result = run(regs, config(), places=5)
    rejected = next(e for e in result.entries if not e.selected)
    assert rejected.forcing_cost is not None and rejected.forcing_cost.objective_change is not None
    pinned = run(regs, config(pins={"select": [rejected.name]}), places=5)
    change = pinned.quality.objective - result.quality.objective
    assert rejected.forcing_cost.objective_change == pytest.approx(change)
    assert set(rejected.forcing_cost.drop_out) == set(result.selected) - set(pinned.selected)


def test_forcing_cost_budget_that_runs_out_says_so():
    result = run(mixed(), config(solver={"forcing_cost_budget": 0.0}), places=5)
    costs = [e.forcing_cost for e in result.entries if not e.selected]
    assert costs and all(c is not None and c.objective_change is None for c in costs)
    assert all(
        c.note == f"Niet doorgerekend wat er gebeurt als {e.name} toch meedoet: de rekentijd "
        "daarvoor was op."
        for e, c in zip([e for e in result.entries if not e.selected], costs, strict=True)
        if c is not None
    )
    assert any("niet berekend" in w for w in result.warnings)


def test_result_records_seed_limits_status_objective_bound_and_gap():
    cfg = config(solver={"seed": 7})
    result = run(mixed(), cfg, places=5)
    assert result.settings["seed"] == 7
    assert result.settings["max_deterministic_time"] == 2.0
    assert result.settings["num_workers"] == 1
    q = result.quality
    assert q.status is SolveStatus.OPTIMAL
    assert q.objective is not None and q.bound is not None and q.gap is not None
    assert q.deterministic_time is not None
    # The greedy baseline is only reported when it keeps the hard rules; then it
    # can never beat the proven optimum.
    assert q.baseline_objective is None or q.baseline_objective <= q.objective


# --------------------------------------------------------------------------- determinism


@pytest.mark.parametrize("workers", [1, 2])
def test_same_input_twice_gives_the_same_selection(workers):
    # With 2 workers interleave_search is on (OR-Tools issue 2793: seed alone is not enough).
    cfg = config(solver={"selection_num_workers": workers})
    first = run(mixed(), cfg, places=5)
    second = run(mixed(), cfg, places=5)
    assert first.entries == second.entries
    assert first.breakdown == second.breakdown
    assert first.quality.objective == second.quality.objective
    if workers > 1:
        assert first.settings["interleave_search"] == "true"


def test_forcing_a_tied_registrant_in_drops_exactly_one():
    """Four equal deficit municipalities and four equal surplus ones, six places.
    Forcing a rejected one in costs nothing (a tie) and needs only one other
    to leave: the forcing re-solve stays as close to the proposal as it can,
    instead of reporting an arbitrary equally good selection."""
    regs = Registrations(
        registrations=tuple(
            reg(f"{kind.value} {i}", balance=kind, on=dt.date(2026, 4, 1 + i))
            for kind in (Balance.DEFICIT, Balance.SURPLUS)
            for i in range(4)
        )
    )
    result = select(regs, CycleConfig(), places=6)
    rejected = [e for e in result.entries if not e.selected]
    assert len(rejected) == 2
    for entry in rejected:
        assert entry.forcing_cost is not None
        assert entry.forcing_cost.objective_change == 0
        assert len(entry.forcing_cost.drop_out) == 1


def test_optimal_only_when_fill_balance_and_criteria_are_all_proven(monkeypatch):
    """The selection is lexicographic: an unproven fill stage means no 'optimaal'."""
    import dataclasses

    import matching.selection_model as sm

    regs = [reg(f"G{i}", balance=Balance.DEFICIT if i % 2 else Balance.SURPLUS) for i in range(8)]
    assert run(regs, config(), places=4).quality.status is SolveStatus.OPTIMAL
    real = sm.solve_stage
    calls = []

    def first_stage_unproven(built, limit, hint):
        outcome = real(built, limit, hint)
        calls.append(outcome.status)
        if len(calls) == 1:
            return dataclasses.replace(outcome, status=SolveStatus.TIME_LIMIT)
        return outcome

    monkeypatch.setattr(sm, "solve_stage", first_stage_unproven)
    result = run(regs, config(), places=4)
    assert calls[2] is SolveStatus.OPTIMAL  # the criteria stage itself was proven
    assert result.quality.status is SolveStatus.TIME_LIMIT
