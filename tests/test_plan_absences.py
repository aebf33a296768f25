"""afwezig.xlsx: the template, reading it back, and located Dutch errors."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from leernetwerk.errors import UserError
from leernetwerk.planning import EXECUTOR, read_absences, write_absence_template

PARTICIPANTS = ("Amstelveen", "Súdwest-Fryslân", "Zwolle")


@pytest.fixture
def template(tmp_path):
    return write_absence_template(tmp_path / "afwezig.xlsx", PARTICIPANTS)


def _fill(path, rows):
    wb = openpyxl.load_workbook(path)
    ws = wb["Afwezigheid"]
    for row in rows:
        ws.append(list(row))
    wb.save(path)


def test_the_template_has_a_dropdown_of_the_participants_and_instructions(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["Afwezigheid", "Deelnemers", "Instructies"]
    ws = wb["Afwezigheid"]
    assert [c.value for c in ws[1]] == ["Naam", "Van", "Tot", "Toelichting"]
    lists = wb["Deelnemers"]
    assert lists.sheet_state == "hidden"
    names = [lists.cell(row=r, column=1).value for r in range(2, lists.max_row + 1)]
    assert names == [*PARTICIPANTS, EXECUTOR]
    (dropdown,) = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert dropdown.formula1 == f"Deelnemers!$A$2:$A${len(names) + 1}"
    assert "A2" in str(dropdown.sqref)
    assert "afwezig" in " ".join(str(c.value) for c in wb["Instructies"]["A"]).lower()
    assert read_absences(template, PARTICIPANTS) == []


def test_the_template_is_never_overwritten(template):
    with pytest.raises(UserError, match="bestaat al"):
        write_absence_template(template, PARTICIPANTS)


def test_absences_read_back_with_dates_text_dates_and_normalised_names(template):
    _fill(
        template,
        [
            ("Zwolle", dt.datetime(2027, 9, 14), dt.datetime(2027, 9, 16), "raad"),
            ("súdwest-fryslân ", "1-10-2027", None, None),  # case; Tot empty: one day
            ("Súdwest-Fryslân", "2027-11-02", "2027-11-02", ""),
            (EXECUTOR, dt.date(2027, 12, 1), dt.date(2027, 12, 3), "personeelsdag"),
        ],
    )
    absences = read_absences(template, PARTICIPANTS)
    names = [a.name for a in absences]
    assert names == ["Zwolle", "Súdwest-Fryslân", "Súdwest-Fryslân", EXECUTOR]
    first = absences[0]
    assert (first.first, first.last, first.note, first.row) == (
        dt.date(2027, 9, 14),
        dt.date(2027, 9, 16),
        "raad",
        2,
    )
    assert first.days() == [dt.date(2027, 9, 14), dt.date(2027, 9, 15), dt.date(2027, 9, 16)]
    assert absences[1].days() == [dt.date(2027, 10, 1)]


def test_every_problem_is_located_at_once_with_did_you_mean(template):
    _fill(
        template,
        [
            ("Zwole", "1-9-2027", "2-9-2027", ""),
            ("Amstelveen", "morgen", "2-9-2027", ""),
            ("Amstelveen", "10-9-2027", "2-9-2027", ""),
            ("", "1-9-2027", None, "wie?"),
            ("Zwolle", None, "2-9-2027", ""),
        ],
    )
    with pytest.raises(UserError) as caught:
        read_absences(template, PARTICIPANTS)
    text = [str(p) for p in caught.value.problems]
    assert len(text) == 5
    assert "blad 'Afwezigheid', rij 2, kolom 'Naam' (waarde: 'Zwole')" in text[0]
    assert "Bedoelde u 'Zwolle'?" in text[0]
    assert "rij 3, kolom 'Van' (waarde: 'morgen'): geen geldige datum" in text[1]
    assert "rij 4, kolom 'Tot'" in text[2] and "vóór de eerste dag" in text[2]
    assert "rij 5, kolom 'Naam'" in text[3]
    assert "rij 6, kolom 'Van'" in text[4] and "eerste dag" in text[4]


def test_a_missing_sheet_or_column_and_a_broken_file_are_dutch_errors(tmp_path, template):
    wb = openpyxl.load_workbook(template)
    wb["Afwezigheid"].title = "Afwezig"
    wb.save(tmp_path / "blad.xlsx")
    with pytest.raises(UserError, match="blad 'Afwezigheid' ontbreekt. Bedoelde u 'Afwezig'"):
        read_absences(tmp_path / "blad.xlsx", PARTICIPANTS)
    wb = openpyxl.load_workbook(template)
    wb["Afwezigheid"]["B1"] = "Vanaf"
    wb.save(tmp_path / "kolom.xlsx")
    with pytest.raises(UserError, match="kolom 'Van': kolom ontbreekt"):
        read_absences(tmp_path / "kolom.xlsx", PARTICIPANTS)
    (tmp_path / "kapot.xlsx").write_bytes(b"geen excel")
    with pytest.raises(UserError, match="kapot.xlsx"):
        read_absences(tmp_path / "kapot.xlsx", PARTICIPANTS)
