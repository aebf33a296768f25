"""Writing registrations workbooks and the template; formula-safe Excel text."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registration, Registrations, SelfEvaluation, ThemeChoice
from leernetwerk.excel import new_workbook, save_workbook, write_row
from leernetwerk.intake import read_registrations
from leernetwerk.registrations_io import TEMPLATE_ROWS, write_registrations, write_template

FORMULA_LOOKING = ["=SUM(A1)", "+31 6 1234", "-x", "@home", "=1+1"]


def sheet_xml(path: Path, index: int = 1) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(f"xl/worksheets/sheet{index}.xml").decode()


def test_formula_looking_text_stays_text(tmp_path):
    wb = new_workbook()
    ws = wb.create_sheet("Blad")
    write_row(ws, 1, FORMULA_LOOKING)
    path = save_workbook(wb, tmp_path / "t.xlsx")
    assert "<f>" not in sheet_xml(path)
    cells = load_workbook(path)["Blad"][1]
    assert [c.value for c in cells] == FORMULA_LOOKING
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_dates_are_real_excel_dates(tmp_path):
    wb = new_workbook()
    write_row(wb.create_sheet("Blad"), 1, [dt.date(2026, 5, 1)])
    path = save_workbook(wb, tmp_path / "t.xlsx")
    cell = load_workbook(path)["Blad"]["A1"]
    assert cell.is_date and cell.value == dt.datetime(2026, 5, 1)


def sample() -> Registrations:
    beleid = {"Samenwerking met werkgevers": 1, "Integraliteit sociaal domein": 2,
              "Participatiewet in balans": 0}  # fmt: skip
    return Registrations(
        registrations=(
            Registration(
                name="=SUM(A1)", province="Utrecht", inhabitants=5000, balance="tekort",
                safety_net="geen", registered_on=dt.date(2026, 4, 1), contact="+31 6 1234",
                email="@home", previous_cycles=("2025-2026",),
                self_evaluation=SelfEvaluation(scores={"Handhaving": 2, "Beleid": 1.5},
                                               subscores={"Beleid": beleid}),
                themes=(ThemeChoice(rank=1, theme="Handhaving", went_well="-goed"),),
            ),
            Registration(
                name="Regio", kind="uitvoeringsorganisatie", members=("A", "B"),
                province="Friesland", inhabitants=90_000, balance="overschot",
                safety_net="aanvullend", execution_variant="regionaal", can_host=False,
            ),
        )
    )  # fmt: skip


def test_written_registrations_read_back_equal(tmp_path):
    path = tmp_path / "r.xlsx"
    write_registrations(sample(), path)
    assert all("<f>" not in sheet_xml(path, i) for i in range(1, 5))
    result = read_registrations(path, CycleConfig())
    assert result.ok, result.problems
    read_back = [r.model_copy(update={"row": None}) for r in result.registrations]
    assert read_back == list(sample().registrations)


def test_fractional_main_score_without_subthemes_cannot_be_written(tmp_path):
    registration = (
        sample()
        .registrations[0]
        .model_copy(update={"self_evaluation": SelfEvaluation(scores={"Handhaving": 2.5})})
    )
    with pytest.raises(ValueError, match="not a whole number"):
        write_registrations(Registrations(registrations=(registration,)), tmp_path / "r.xlsx")


def validations(ws) -> dict[str, tuple[str, str | None, str | None]]:
    """sqref → (type, formula1, formula2) of the sheet's data validations."""
    return {str(dv.sqref): (dv.type, dv.formula1, dv.formula2)
            for dv in ws.data_validations.dataValidation}  # fmt: skip


def test_template_has_sheets_dropdowns_and_score_validation(tmp_path):
    config = CycleConfig()
    path = tmp_path / "sjabloon.xlsx"
    write_template(path, config)
    wb = load_workbook(path)
    assert wb.sheetnames == [
        "Instructies", "Aanmeldingen", "Zelfevaluatie", "Leerthemas", "Lijsten"
    ]  # fmt: skip
    assert wb["Lijsten"].sheet_state == "hidden"
    reg = validations(wb["Aanmeldingen"])
    last = TEMPLATE_ROWS
    assert reg[f"B2:B{last}"] == ("list", '"gemeente,uitvoeringsorganisatie"', None)
    assert reg[f"D2:D{last}"] == ("list", "Lijsten!$A$2:$A$13", None)
    assert reg[f"F2:F{last}"] == ("list", '"tekort,overschot,neutraal"', None)
    assert reg[f"G2:G{last}"] == ("list", '"aanvullend,regulier,geen"', None)
    assert reg[f"H2:H{last}"] == ("list", "Lijsten!$B$2:$B$3", None)
    assert reg[f"K2:K{last}"] == ("list", '"ja,nee"', None)
    assert reg[f"E2:E{last}"][0] == "whole"
    provinces = [c.value for c in wb["Lijsten"]["A"][1:13]]
    assert "Fryslân" not in provinces and "Friesland" in provinces and len(provinces) == 12
    themes = [c.value for c in wb["Lijsten"]["C"][1:] if c.value]
    assert themes == list(config.catalogue.names)
    ((score_range, score_rule),) = validations(wb["Zelfevaluatie"]).items()
    assert score_range.startswith("B2:") and score_range.endswith(str(last))
    assert score_rule == ("whole", "0", "4")
    lt = validations(wb["Leerthemas"])
    assert lt[f"B2:B{last}"] == ("list", '"1,2,3"', None)
    assert lt[f"C2:C{last}"] == ("list", "Lijsten!$C$2:$C$11", None)
    assert wb["Aanmeldingen"].freeze_panes == "A2"


def test_template_instructions_explain_scores_themes_and_deadline(tmp_path):
    path = tmp_path / "sjabloon.xlsx"
    write_template(path, CycleConfig())
    text = " ".join(str(c.value) for row in load_workbook(path)["Instructies"].iter_rows()
                    for c in row if c.value is not None)  # fmt: skip
    assert "01-05-2026" in text and "expert" in text
    assert "Data- en informatiegedreven werken" in text


def test_empty_template_reads_as_zero_registrations_without_problems(tmp_path):
    path = tmp_path / "sjabloon.xlsx"
    write_template(path, CycleConfig())
    result = read_registrations(path, CycleConfig())
    assert result.ok and not result.problems and len(result.registrations) == 0
