"""Parts of the evaluation: the network figures on a hand-made case, and the reader
never raising on arbitrary cell values (hypothesis)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from leernetwerk.cycle.decisions import DecisionKind
from leernetwerk.cycle.evaluation_state import EVALUATION_FILE
from leernetwerk.documents.cycle_data import load_cycle_data
from leernetwerk.domain import Balance, RegistrantKind, Registration, SafetyNet
from leernetwerk.evaluation import model as m
from leernetwerk.evaluation.network import NetworkInput, network_figures, pairs_of
from leernetwerk.evaluation.reader import read_evaluation
from leernetwerk.workbook_reader import UNCACHED_FORMULA_MESSAGE
from tests.evaluation_helpers import filled_pilot


def _registration(name: str, province: str, members: tuple[str, ...] = ()) -> Registration:
    return Registration(
        name=name,
        kind=RegistrantKind.ORGANISATION if members else RegistrantKind.MUNICIPALITY,
        members=members,
        province=province,
        inhabitants=10_000,
        balance=Balance.DEFICIT,
        safety_net=SafetyNet.NONE,
    )


def test_network_figures_on_a_hand_made_case():
    # clubs: 1 = A, B, C; 2 = D, E. This cycle A–B and D–E met; earlier A–D and C–E.
    participants = {"A": 1, "B": 1, "C": 1, "D": 2, "E": 2}
    registrations = [
        _registration("A", "Utrecht"),
        _registration("B", "Utrecht"),
        _registration("C", "Drenthe"),
        _registration("D", "Zeeland", members=("D1", "D2")),
        _registration("E", "Zeeland"),
        _registration("F", "Drenthe"),  # registered, not selected
    ]
    figures = network_figures(
        NetworkInput(
            participants=participants,
            met_now=pairs_of(["A", "B"]) | pairs_of(["D", "E"]),
            met_before=pairs_of(["A", "D"]) | pairs_of(["C", "E"]) | pairs_of(["X", "Y"]),
            reached={"A", "B", "D", "E"},
            registrations=registrations,
        )
    )
    assert figures["ties_this_cycle"] == 2 and figures["new_ties"] == 2
    assert figures["repeated_ties"] == 0
    assert figures["cumulative_ties"] == 5  # X–Y counts: all pairs ever
    assert figures["municipalities_reached"] == 5  # A, B, D1, D2, E
    assert figures["municipalities_registered"] == 7
    assert figures["share_of_registrations"] == round(5 / 7, 4)
    assert {p["province"]: (p["reached"], p["registered"]) for p in figures["by_province"]} == {
        "Drenthe": (0, 2),
        "Utrecht": (2, 2),
        "Zeeland": (3, 3),
    }
    # A–B, D–E this cycle; with A–D and C–E all five hang together
    assert figures["components_this_cycle"] == 3
    assert figures["components"] == 1
    # A, C (club 1) know someone in club 2; D, E know someone in club 1
    assert figures["bridges"] == ["A", "C", "D", "E"]


@pytest.fixture(scope="module")
def pilot(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = filled_pilot(tmp_path_factory.mktemp("parts"))
    data = load_cycle_data(folder, DecisionKind.MATCHING, "evaluatie")
    return {"folder": folder, "data": data}


CELL_VALUES = st.one_of(
    st.none(),
    st.integers(-10, 100),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.dates(),
    st.sampled_from(["ja", "NEE", "Verplaatst", "=1+1", "3,5", " 4 ", "Zwolle"]),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    edits=st.lists(
        st.tuples(
            st.sampled_from(
                [m.SHEET_SESSIONS, m.SHEET_RATINGS, m.SHEET_REFLECTION, m.SHEET_END_SCORES]
            ),
            st.integers(1, 12),
            st.integers(1, 16),
            CELL_VALUES,
        ),
        max_size=6,
    )
)
def test_reader_never_raises_on_any_cell_values(pilot, tmp_path_factory, edits):
    path = tmp_path_factory.mktemp("cells") / EVALUATION_FILE
    shutil.copy(pilot["folder"] / EVALUATION_FILE, path)
    wb = load_workbook(path)
    for sheet, row, column, value in edits:
        try:
            wb[sheet].cell(row, column).value = value
        except (ValueError, TypeError, IllegalCharacterError):
            continue  # openpyxl refuses some values (illegal characters); not our input
    wb.save(path)
    result = read_evaluation(Path(path), pilot["data"])
    for problem in result.problems:
        assert problem.sheet  # every problem is located
        if problem.row is not None:
            assert problem.column


def test_a_formula_without_value_is_named(pilot, tmp_path):
    path = tmp_path / EVALUATION_FILE
    shutil.copy(pilot["folder"] / EVALUATION_FILE, path)
    wb = load_workbook(path)
    ws = wb[m.SHEET_RATINGS]
    column = [c.value for c in ws[1]].index(m.COL_USEFUL) + 1
    ws.cell(2, column).value = "=2+2"
    wb.save(path)
    result = read_evaluation(path, pilot["data"])
    (error,) = [p for p in result.errors if p.row == 2 and p.column == m.COL_USEFUL]
    assert error.message == UNCACHED_FORMULA_MESSAGE and error.value == "=2+2"
