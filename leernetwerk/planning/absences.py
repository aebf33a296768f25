"""``afwezig.xlsx``: the days participants (or the executor) cannot come.

``leernetwerk plan CYCLE --template`` writes the workbook: a sheet
``Afwezigheid`` (Naam with a dropdown of the participants, Van, Tot,
Toelichting), an ``Instructies`` sheet and a hidden ``Deelnemers`` list.
Reading it back reports every problem at once, located by sheet, row, column
and value, with "Bedoelde u …?" for a misspelt name, like the registrations
workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from leernetwerk.cycle import parse_date
from leernetwerk.errors import Problem, UserError, did_you_mean
from leernetwerk.excel import format_table, new_workbook, save_workbook, set_text, write_row
from leernetwerk.fsutil import write_new_file
from leernetwerk.names import name_key, normalise_name
from leernetwerk.workbook_reader import Unreadable, is_blank, open_workbook, shown_value

ABSENCE_FILE = "afwezig.xlsx"
SHEET_ABSENCES = "Afwezigheid"
SHEET_INSTRUCTIONS = "Instructies"
SHEET_PARTICIPANTS = "Deelnemers"
COLUMNS = ("Naam", "Van", "Tot", "Toelichting")
EXECUTOR = "Uitvoerder"
"""The name for the executor's own staff: such a day is closed for every meeting."""
TEMPLATE_ROWS = 500

INSTRUCTIONS = (
    "Afwezigheid voor het inplannen van de bijeenkomsten (leernetwerk plan)",
    "",
    "Vul op het blad 'Afwezigheid' één regel per periode in waarin een deelnemer niet kan:",
    "  Naam: kies de deelnemer uit de lijst; kies 'Uitvoerder' voor dagen waarop de "
    "uitvoerder zelf niet kan (dan valt er op die dagen geen enkele bijeenkomst).",
    "  Van: eerste dag (dd-mm-jjjj).",
    "  Tot: laatste dag, inclusief; leeg = alleen de dag bij Van.",
    "  Toelichting: vrij, bijvoorbeeld 'raadsvergadering'.",
    "",
    "Op een dag waarop een deelnemer afwezig is, valt geen bijeenkomst en geen "
    "voorbereidingsgesprek van die deelnemer.",
    "Daarna: leernetwerk plan CYCLUSMAP (leest afwezig.xlsx uit de cyclusmap, of geef "
    "--afwezig BESTAND).",
)


@dataclass(frozen=True)
class Absence:
    name: str
    first: dt.date
    last: dt.date
    note: str = ""
    row: int = 0

    def days(self) -> list[dt.date]:
        count = (self.last - self.first).days + 1
        return [self.first + dt.timedelta(days=n) for n in range(count)]


def write_absence_template(path: Path, participants: Sequence[str]) -> Path:
    """Write a new, empty ``afwezig.xlsx``; refuses an existing file."""
    names = [*sorted(participants, key=name_key), EXECUTOR]

    def writer(target: Path) -> None:
        wb = new_workbook()
        ws = wb.create_sheet(SHEET_ABSENCES)
        write_row(ws, 1, COLUMNS)
        format_table(ws)
        for letter, width in (("A", 30), ("B", 14), ("C", 14), ("D", 40)):
            ws.column_dimensions[letter].width = width
        lists = wb.create_sheet(SHEET_PARTICIPANTS)
        write_row(lists, 1, ["Naam"])
        for row, name in enumerate(names, start=2):
            set_text(lists.cell(row=row, column=1), name)
        lists.sheet_state = "hidden"
        choice = DataValidation(
            type="list", formula1=f"{SHEET_PARTICIPANTS}!$A$2:$A${len(names) + 1}"
        )
        choice.error = "Kies een deelnemer uit de lijst."
        choice.errorTitle = "Onbekende naam"
        choice.showErrorMessage = True
        choice.add(f"A2:A{TEMPLATE_ROWS}")
        ws.add_data_validation(choice)
        dates = DataValidation(type="date", operator="greaterThan", formula1="36526")
        dates.error = "Vul een datum in (dd-mm-jjjj)."
        dates.showErrorMessage = True
        dates.add(f"B2:C{TEMPLATE_ROWS}")
        ws.add_data_validation(dates)
        info = wb.create_sheet(SHEET_INSTRUCTIONS)
        for row, line in enumerate(INSTRUCTIONS, start=1):
            set_text(info.cell(row=row, column=1), line)
        info.column_dimensions[get_column_letter(1)].width = 110
        save_workbook(wb, target)

    return write_new_file(path, writer)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value))


def read_absences(path: Path, participants: Sequence[str]) -> list[Absence]:
    """The absences in ``path``; a :class:`UserError` with every problem located."""
    try:
        with open_workbook(path) as reader:
            titles = [sheet.title for sheet in reader.sheets]
            if SHEET_ABSENCES not in titles:
                message = f"het blad '{SHEET_ABSENCES}' ontbreekt." + did_you_mean(
                    SHEET_ABSENCES, titles
                )
                raise UserError(Problem(sheet=path.name, message=message, whole_file=True))
            table = reader.read(SHEET_ABSENCES)
    except Unreadable as unreadable:
        raise UserError(unreadable.problem) from None
    problems: list[Problem] = list(table.problems)
    headers = {normalise_name(h).casefold(): i for i, h in enumerate(table.headers)}
    missing = [c for c in COLUMNS[:3] if c.casefold() not in headers]
    for column in missing:
        problems.append(
            Problem(sheet=SHEET_ABSENCES, row=1, column=column, message="kolom ontbreekt.")
        )
    if missing:
        raise UserError(problems)
    known = {name_key(n): n for n in [*participants, EXECUTOR]}
    absences: list[Absence] = []
    for number, values in table.rows:

        def cell(column: str, values: tuple[Any, ...] = values) -> Any:
            index = headers.get(column.casefold())
            return values[index] if index is not None and index < len(values) else None

        def bad(column: str, message: str, number: int = number) -> None:
            value = shown_value(cell(column))
            problems.append(
                Problem(
                    sheet=SHEET_ABSENCES, row=number, column=column, value=value, message=message
                )
            )

        if all(is_blank(cell(c)) for c in COLUMNS):
            continue
        raw = normalise_name(cell("Naam"))
        name = known.get(name_key(raw))
        if not raw:
            bad("Naam", "vul de naam van de deelnemer in.")
        elif name is None:
            bad("Naam", "geen deelnemer van deze cyclus." + did_you_mean(raw, list(known.values())))
        dates: list[dt.date | None] = []
        for column in ("Van", "Tot"):
            value = cell(column)
            if is_blank(value):
                if column == "Van":
                    bad(column, "vul de eerste dag van de afwezigheid in.")
                dates.append(None)
                continue
            try:
                dates.append(_date(value))
            except (ValueError, TypeError):
                bad(column, "geen geldige datum; gebruik bijvoorbeeld 15-9-2027.")
                dates.append(None)
        first, last = dates
        if first is not None and last is not None and last < first:
            bad("Tot", "de laatste dag ligt vóór de eerste dag (Van).")
            continue
        if name is None or first is None or (last is None and not is_blank(cell("Tot"))):
            continue
        note = "" if is_blank(cell("Toelichting")) else str(cell("Toelichting")).strip()
        absences.append(Absence(name, first, last or first, note, number))
    if any(p.is_error for p in problems):
        raise UserError(problems)
    return absences
