"""Selection failures: typed exceptions in :mod:`matching`, Dutch only in :mod:`leernetwerk`.

Also checks that the selection modules are layered: each imports only the ones
before it, none imports the CLI, commands, reports, pipeline or ``UserError``,
and no import hides inside a function.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

import matching.selection
from leernetwerk.cli import main
from leernetwerk.config import config_from_dict
from leernetwerk.domain import (
    Balance,
    RegistrantKind,
    Registration,
    Registrations,
    SafetyNet,
    SelfEvaluation,
    ThemeChoice,
)
from leernetwerk.errors import UserError
from leernetwerk.registrations_io import write_registrations
from leernetwerk.solver_errors import user_error
from matching.errors import (
    InvalidInput,
    MatchingError,
    NoSolutionInTime,
    SelectionInfeasible,
    SelectionOutOfTime,
)
from matching.selection import select
from matching.selection_explain import hard_violations
from matching.selection_model import run_stages
from matching.selection_problem import build_problem

THEMES = ("Handhaving", "Financieel", "Beleid")
MATCHING = Path(matching.selection.__file__).parent
LAYERS = (
    "matching.selection_problem",
    "matching.selection_criteria",
    "matching.selection_model",
    "matching.selection_explain",
    "matching.selection",
)
"""The selection modules, bottom first: each may import only those before it."""


def reg(name: str, balance: Balance = Balance.DEFICIT, members: tuple[str, ...] = ()):
    return Registration(
        name=name,
        kind=RegistrantKind.ORGANISATION if members else RegistrantKind.MUNICIPALITY,
        members=members,
        province="Utrecht",
        inhabitants=40_000,
        balance=balance,
        safety_net=SafetyNet.NONE,
        registered_on=dt.date(2026, 4, 1),
        self_evaluation=SelfEvaluation(scores={t: 2.0 for t in THEMES}),
        themes=tuple(ThemeChoice(rank=k + 1, theme=t) for k, t in enumerate(THEMES)),
    )


REGISTRATIONS = Registrations(
    registrations=(
        reg("Zwolle"),
        reg("Amstelveen", Balance.SURPLUS),
        reg("Wageningen", Balance.SURPLUS),
        reg("Regio Foodvalley", members=("Wageningen", "Ede")),
    )
)


def fast(**data: object):
    return config_from_dict(
        {"solver": {"max_deterministic_time": 1.0, "forcing_cost_budget": 2.0}} | data
    )


# --------------------------------------------------------------------------- typed, then Dutch


@pytest.mark.parametrize("places", [0, -3])
def test_fewer_than_one_place_is_invalid_input_with_the_dutch_message(places):
    with pytest.raises(InvalidInput) as info:
        select(REGISTRATIONS, fast(), places=places)
    error = user_error(info.value)
    assert isinstance(error, UserError) and error.exit_code == 1
    assert str(error) == f"Fout: Het aantal plaatsen moet minstens 1 zijn (nu {places})."


def test_all_pin_problems_come_at_once_located_in_cycle_toml():
    cfg = fast(pins={"select": ["Zwole"], "exclude": ["Nergens"]})
    with pytest.raises(InvalidInput) as info:
        select(REGISTRATIONS, cfg, places=2)
    assert [(p.column, p.value) for p in info.value.problems] == [
        ("pins.select", "Zwole"),
        ("pins.exclude", "Nergens"),
    ]
    assert str(user_error(info.value)).splitlines()[0] == (
        "Fout: bestand 'cycle.toml', kolom 'pins.select' (waarde: 'Zwole'): "
        "deze naam staat niet bij de aanmeldingen. Bedoelde u 'Zwolle'?"
    )


def test_an_impossible_stage_is_selection_infeasible_with_the_dutch_message():
    # Forcing the organisation in while its member Wageningen is pinned breaks
    # "nobody takes part twice": the very first stage has no solution.
    problem, _ = build_problem(REGISTRATIONS, fast(pins={"select": ["Wageningen"]}), places=3)
    organisation = next(c for c in problem.candidates if c.name == "Regio Foodvalley")
    with pytest.raises(SelectionInfeasible) as info:
        run_stages(problem, forced=frozenset({organisation.index}))
    assert info.value.stage == "vullen"
    assert str(user_error(info.value)) == (
        "Fout: De selectie is onmogelijk met deze pins en dit aantal plaatsen "
        "(fase 'vullen'). Controleer pins.select en pins.exclude."
    )


def test_forcing_an_impossible_registrant_in_says_so_instead_of_failing():
    result = select(REGISTRATIONS, fast(pins={"select": ["Wageningen"]}), places=2)
    entry = next(e for e in result.entries if e.name == "Regio Foodvalley")
    assert entry.forcing_cost is not None and entry.forcing_cost.objective_change is None
    assert entry.forcing_cost.note == (
        "Regio Foodvalley kan er niet bij zonder een besluit van de stuurgroep (een "
        "vastgezette keuze) terug te draaien."
    )
    assert [c.code for c in entry.forcing_cost.codes] == ["forced_impossible"]


def test_a_used_up_budget_is_selection_out_of_time_with_the_dutch_message():
    problem, _ = build_problem(REGISTRATIONS, fast(), places=2)
    with pytest.raises(SelectionOutOfTime) as info:
        run_stages(problem, budget=0.0)
    assert isinstance(info.value, NoSolutionInTime) and info.value.phase == "vullen"
    assert info.value.setting == "max_deterministic_time"
    assert str(user_error(info.value)) == (
        "Fout: Geen selectie gevonden binnen de tijdslimiet (fase 'vullen'). Verhoog "
        "solver.max_deterministic_time in cycle.toml."
    )


def test_any_other_stage_out_of_time_names_the_stage_and_its_setting():
    error = user_error(NoSolutionInTime("de clubindeling", "max_deterministic_time"))
    assert str(error) == (
        "Fout: De clubindeling vond binnen de rekentijd geen oplossing. "
        "Verhoog [solver] max_deterministic_time in cycle.toml."
    )


@pytest.mark.parametrize("command", ["select", "run"])
def test_cli_turns_a_selection_timeout_into_dutch_and_writes_nothing(
    command, tmp_path, monkeypatch, capsys
):
    # Timeouts cannot be provoked reliably on a small instance (presolve solves
    # it), so the stages are replaced by one that runs out of time.
    def out_of_time(*args: object, **kwargs: object):
        raise SelectionOutOfTime("balans", 0.5)

    monkeypatch.setattr(matching.selection, "run_stages", out_of_time)
    workbook = tmp_path / "aanmeldingen.xlsx"
    write_registrations(REGISTRATIONS, workbook)
    out = tmp_path / "uit"
    assert main([command, str(workbook), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Geen selectie gevonden binnen de tijdslimiet (fase 'balans')" in err
    assert "Traceback" not in err
    assert not out.exists()


# --------------------------------------------------------------------------- layers


def imports_of(module: str) -> tuple[set[str], list[str]]:
    """Modules imported at the top of ``module``, and any imports inside functions."""
    path = MATCHING / f"{module.rsplit('.', 1)[1]}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            top.add(node.module)
            top |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            top |= {alias.name for alias in node.names}
    nested = [
        ast.unparse(node)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    return top, nested


@pytest.mark.parametrize("position", range(len(LAYERS)))
def test_selection_modules_import_one_way_and_nothing_from_the_cli_side(position):
    module = LAYERS[position]
    top, nested = imports_of(module)
    assert nested == [], f"{module} imports inside a function"
    later = set(LAYERS[position:])
    assert not top & later, f"{module} imports a module at or above its own layer"
    forbidden = ("leernetwerk.cli", "leernetwerk.commands", "leernetwerk.reports")
    forbidden += ("leernetwerk.pipeline", "leernetwerk.errors.UserError")
    assert not [name for name in top if name.startswith(forbidden)]


def test_every_selection_failure_is_a_matching_error():
    for cls in (InvalidInput, SelectionInfeasible, SelectionOutOfTime):
        assert issubclass(cls, MatchingError)


# --------------------------------------------------------------------------- keyed hard rules


def test_each_broken_hard_rule_is_reported_under_its_own_key():
    """The explanation picks its wording by rule key, never by searching the Dutch text."""
    late = dt.date(2026, 6, 1)
    registrations = Registrations(
        registrations=(
            *REGISTRATIONS.registrations,
            reg("Laat", Balance.SURPLUS).model_copy(update={"registered_on": late}),
        )
    )
    cfg = fast(pins={"select": ["Zwolle"]}, selection={"balance_tolerance": 0})
    problem, _ = build_problem(registrations, cfg, places=2)
    solution = run_stages(problem)
    by_name = {c.name: c for c in problem.candidates}
    chosen = problem.by_index(solution.chosen)
    assert hard_violations(problem, solution, chosen) == []

    def keys(*names: str) -> set[str]:
        return {v.key for v in hard_violations(problem, solution, [by_name[n] for n in names])}

    assert keys("Zwolle", "Amstelveen", "Wageningen") == {"places_limit", "balance_limit"}
    assert keys("Zwolle", "Wageningen", "Regio Foodvalley") >= {"one_representation"}
    assert keys("Amstelveen", "Wageningen") == {"pins", "balance_limit"}
    assert keys("Zwolle", "Laat") == {"timely_first"}
    assert keys("Zwolle", "Amstelveen") == set()
