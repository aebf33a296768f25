"""Reading worksheets of an untrusted workbook as tables, within fixed limits.

openpyxl's own row iterator pads every row to the sheet's declared width and
fills every missing row up to its declared height, so one formatted cell at
``XFD1048576`` makes it produce seventeen billion empty cells. This reader
drives openpyxl's streaming sheet parser itself: only rows and cells that are
in the file are seen, empty ones are dropped, at most
:data:`~leernetwerk.workbook_guard.MAX_ROWS` data rows and
:data:`~leernetwerk.workbook_guard.MAX_COLUMNS` columns are kept, and the
archive is checked by :mod:`leernetwerk.workbook_guard` before anything is
parsed. Along the way it records what the values alone would hide: hidden
sheets, merged header cells, columns with data but no header, and formulas
whose value was never computed (a workbook written by a script).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

from leernetwerk.errors import Problem, Severity
from leernetwerk.names import normalise_text, visible
from leernetwerk.workbook_guard import (
    MAX_COLUMNS,
    MAX_ROWS,
    SUSPICIOUS_XML_MESSAGE,
    check_workbook_file,
    file_problem,
)

MAX_SHOWN_VALUE = 100
MAX_MERGE_WARNINGS = 10


@dataclass(frozen=True)
class UncachedFormula:
    """A formula cell without a computed value (the file was never saved by Excel)."""

    formula: str

    def __str__(self) -> str:
        return self.formula


UNCACHED_FORMULA_MESSAGE = (
    "deze cel bevat een formule zonder berekende waarde: het bestand is door een programma "
    "gemaakt en nooit in Excel opgeslagen. Open het in Excel en sla het op; dan worden de "
    "waarden berekend en kan leernetwerk ze lezen."
)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: Any) -> str:
    """Any cell as trimmed NFC text without invisible characters; whole numbers without ``.0``."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d-%m-%Y")
    return normalise_text(str(value))


def shown_value(value: Any) -> str | None:
    """A cell value as shown to the user in a problem (invisible characters written out)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = visible(str(value))
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


@dataclass
class Table:
    """One sheet: its header (as in the file) and non-empty data rows by Excel row."""

    title: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, tuple[Any, ...]]]
    columns: dict[str, int] = field(default_factory=dict)
    """Contract column name → index, filled by the reader of the sheet."""
    hidden: bool = False
    problems: list[Problem] = field(default_factory=list)
    """What reading the sheet revealed: merged headers, header-less data, too many rows."""
    truncated: bool = False
    """True when the sheet had more data rows than were read."""

    def header(self, column: str) -> str:
        """The header as written in the file (or the contract name when absent)."""
        index = self.columns.get(column)
        return self.headers[index] if index is not None else column


@dataclass(frozen=True)
class SheetInfo:
    title: str
    hidden: bool


class _Parser(WorkSheetParser):
    """openpyxl's streaming parser, marking formulas without a cached value."""

    row_counter: int
    col_counter: int

    def parse_cell(self, element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = super().parse_cell(element)
        if cell["value"] is None and cell["data_type"] != "str":
            formula = element.find(FORMULA_TAG)
            if formula is not None:
                cell["value"] = UncachedFormula("=" + (formula.text or ""))
        return cell

    def parse_row(self, row: Any) -> tuple[int, list[dict[str, Any]]]:
        """As openpyxl's, without keeping row formatting (a million styled rows add up)."""
        number = row.get("r")
        self.row_counter = int(float(number)) if number else self.row_counter + 1
        self.col_counter = 0
        # A cell without children (no value, formula or text) holds nothing but a style.
        return self.row_counter, [
            self.parse_cell(el) for el in row if len(el) or el.get("r") is None
        ]


class Unreadable(Exception):
    """The workbook cannot be read; ``problem`` says why, in Dutch."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class WorkbookReader:
    """An opened workbook: its sheets (with visibility) and a bounded reader per sheet."""

    def __init__(self, path: Path, workbook: Any):
        self.path = path
        self._workbook = workbook
        self.sheets = [
            SheetInfo(ws.title, getattr(ws, "sheet_state", "visible") != "visible")
            for ws in workbook.worksheets
        ]

    def read(self, title: str, *, max_rows: int = MAX_ROWS, mark_uncached: bool = False) -> Table:
        """The sheet ``title`` as a table; uncached formulas as :class:`UncachedFormula`
        when ``mark_uncached``, else as empty cells."""
        ws = self._workbook[title]
        info = next(s for s in self.sheets if s.title == title)
        with _translated_errors(self.path), ws._get_source() as source:
            parser = _Parser(
                source,
                ws._shared_strings,
                data_only=True,
                epoch=self._workbook.epoch,
                date_formats=self._workbook._date_formats,
                timedelta_formats=self._workbook._timedelta_formats,
            )
            table = _collect(title, parser, max_rows, mark_uncached)
        table.hidden = info.hidden
        return table


@contextmanager
def _translated_errors(path: Path) -> Iterator[None]:
    """Any failure to parse untrusted input becomes :class:`Unreadable` (Dutch)."""
    try:
        yield
    except Unreadable:
        raise
    except zipfile.BadZipFile:
        raise Unreadable(
            file_problem(path, "het bestand is beschadigd (geen geldig .xlsx-archief).")
        ) from None
    except DefusedXmlException:
        raise Unreadable(file_problem(path, SUSPICIOUS_XML_MESSAGE)) from None
    except ParseError as exc:
        if "amplification" in str(exc) or "entity" in str(exc).lower():
            raise Unreadable(file_problem(path, SUSPICIOUS_XML_MESSAGE)) from None
        raise Unreadable(_generic(path, "XML-fout")) from None
    except Exception as exc:  # noqa: BLE001 - any failure to parse untrusted input
        raise Unreadable(_generic(path, type(exc).__name__)) from None


def _generic(path: Path, detail: str) -> Problem:
    return file_problem(
        path,
        f"het bestand kan niet als Excel-werkmap worden gelezen ({detail}). "
        "Open het in Excel en sla het opnieuw op als .xlsx.",
    )


@contextmanager
def open_workbook(path: Path) -> Iterator[WorkbookReader]:
    """Open ``path`` after :func:`~leernetwerk.workbook_guard.check_workbook_file`;
    raises :class:`Unreadable` with the Dutch reason when it cannot be read."""
    refused = check_workbook_file(path)
    if refused is not None:
        raise Unreadable(refused)
    with open(path, "rb") as handle:
        with _translated_errors(path):
            workbook = load_workbook(handle, read_only=True, data_only=True)
        try:
            yield WorkbookReader(path, workbook)
        finally:
            workbook.close()


def load_tables(path: Path) -> tuple[list[Table], Problem | None]:
    """All worksheets of ``path`` as tables, or one problem if it is not a readable xlsx."""
    try:
        with open_workbook(path) as reader:
            return [reader.read(sheet.title) for sheet in reader.sheets], None
    except Unreadable as unreadable:
        return [], unreadable.problem


# --- collecting one sheet ---------------------------------------------------


def _collect(title: str, parser: _Parser, max_rows: int, mark_uncached: bool) -> Table:
    table = Table(title=title, header_row=1, headers=[], rows=[])
    first_data: dict[int, int] = {}
    """Column index → first data row with a value in it."""
    beyond: tuple[int, int] | None = None
    header_seen = False
    for number, cells in parser.parse():
        values: dict[int, Any] = {}
        for cell in cells:
            value = cell["value"]
            if is_blank(value):
                continue
            if isinstance(value, UncachedFormula) and not mark_uncached:
                continue
            if cell["column"] > MAX_COLUMNS:
                beyond = beyond or (number, cell["column"])
                continue
            values[cell["column"] - 1] = value
        if not values:
            continue
        row = tuple(values.get(i) for i in range(max(values) + 1))
        if not header_seen:
            header_seen = True
            table.header_row = number
            table.headers = [_header_text(table, number, i, v) for i, v in enumerate(row)]
            continue
        if len(table.rows) >= max_rows:
            table.truncated = True
            table.problems.append(
                Problem(
                    sheet=title,
                    row=number,
                    message=f"dit blad heeft meer dan {max_rows} rijen met gegevens; leernetwerk "
                    f"leest er hoogstens {max_rows}. Verwijder overbodige rijen.",
                )
            )
            return table
        table.rows.append((number, row))
        for index in values:
            first_data.setdefault(index, number)
    if beyond is not None:
        table.problems.append(
            Problem(
                severity=Severity.WARNING,
                sheet=title,
                row=beyond[0],
                column=get_column_letter(beyond[1]),
                message=f"er staan gegevens voorbij kolom {get_column_letter(MAX_COLUMNS)}; "
                "leernetwerk leest die niet.",
            )
        )
    covered = _check_merged(table, parser)
    for index, row_number in sorted(first_data.items()):
        header = table.headers[index] if index < len(table.headers) else ""
        if not header and index not in covered:
            table.problems.append(
                Problem(
                    sheet=title,
                    row=row_number,
                    column=get_column_letter(index + 1),
                    message="deze kolom heeft geen kopnaam maar wel gegevens; die worden niet "
                    "gelezen. Geef de kolom een kopnaam of verwijder de gegevens.",
                )
            )
    return table


def _header_text(table: Table, row: int, index: int, value: Any) -> str:
    if isinstance(value, UncachedFormula):
        table.problems.append(
            Problem(
                sheet=table.title,
                row=row,
                column=get_column_letter(index + 1),
                value=shown_value(value),
                message="de kopcel " + UNCACHED_FORMULA_MESSAGE.removeprefix("deze cel "),
            )
        )
        return ""
    return parse_text(value) if value is not None else ""


def _check_merged(table: Table, parser: _Parser) -> set[int]:
    """Report merged cells; returns the column indexes hidden by a merged header."""
    covered: set[int] = set()
    merged = parser.merged_cells.mergeCell if parser.merged_cells else []
    warnings = 0
    for cells in merged:
        if cells.min_col == cells.max_col and cells.min_row == cells.max_row:
            continue
        first = table.headers[cells.min_col - 1] if cells.min_col <= len(table.headers) else ""
        if cells.min_row <= table.header_row <= cells.max_row and cells.min_col < cells.max_col:
            hidden = range(cells.min_col + 1, cells.max_col + 1)
            covered.update(c - 1 for c in hidden)
            letters = ", ".join(get_column_letter(c) for c in hidden)
            table.problems.append(
                Problem(
                    sheet=table.title,
                    row=table.header_row,
                    column=first or get_column_letter(cells.min_col),
                    message=f"de kopcellen {cells.coord} zijn samengevoegd, waardoor kolom "
                    f"{letters} geen eigen kopnaam heeft en niet wordt gelezen. Maak het "
                    "samenvoegen ongedaan en geef elke kolom een eigen kopnaam.",
                )
            )
        elif cells.max_row > table.header_row and warnings < MAX_MERGE_WARNINGS:
            warnings += 1
            table.problems.append(
                Problem(
                    severity=Severity.WARNING,
                    sheet=table.title,
                    row=max(cells.min_row, table.header_row + 1),
                    column=first or get_column_letter(cells.min_col),
                    message=f"de cellen {cells.coord} zijn samengevoegd; alleen de waarde "
                    "linksboven wordt gelezen, de andere cellen gelden als leeg.",
                )
            )
    return covered
