"""Shared helpers for every workbook the tool writes.

Two concerns live here so that no writer has to think about them again:

* **Text stays text.** openpyxl turns any string that starts with ``=`` into
  a formula, and Excel itself treats a typed ``+``, ``-`` or ``@`` as the
  start of a formula. A municipality called ``=SUM(A1)`` or a phone number
  ``+31 …`` must arrive in Excel as the literal text, so :func:`set_text`
  forces the string data type and sets the *quote prefix* style (the
  invisible apostrophe Excel uses for "this is text").
* **Consistent looks.** Bold header row, frozen header, autofilter and
  column widths that fit the contents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_PREFIXES = ("=", "+", "-", "@")
"""Leading characters that make Excel (or openpyxl) read text as a formula."""

DATE_FORMAT = "DD-MM-YYYY"
"""Dutch day-month-year display for date cells."""

HEADER_FILL = PatternFill(fill_type="solid", start_color="FFDDEBF7", end_color="FFDDEBF7")
HEADER_FONT = Font(bold=True)

FIXED_TIMESTAMP = dt.datetime(2000, 1, 1)
"""Creation time stamped into written workbooks, so equal input gives equal metadata."""


def looks_like_formula(text: str) -> bool:
    """True when Excel would read ``text`` as the start of a formula."""
    return text.startswith(FORMULA_PREFIXES)


def clean_text(text: str) -> str:
    """Remove the control characters that XML (and so xlsx) cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def set_text(cell: Cell, value: str) -> None:
    """Write ``value`` as literal text, never as a formula.

    openpyxl marks strings starting with ``=`` as formulas on assignment, so
    the data type is forced back to string afterwards; the quote prefix makes
    Excel show (and keep, on edit) the value as text too.
    """
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"
    if looks_like_formula(text):
        cell.quotePrefix = True


def set_value(cell: Cell, value: Any) -> None:
    """Write any plain value: text safely, dates as real Excel dates, rest as is."""
    if value is None:
        cell.value = None
    elif isinstance(value, str):
        set_text(cell, value)
    elif isinstance(value, dt.datetime):
        cell.value = value
        cell.number_format = DATE_FORMAT + " HH:MM"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, bool):
        # Booleans are shown in Dutch; a TRUE/FALSE cell reads as English.
        set_text(cell, "ja" if value else "nee")
    else:
        cell.value = value


def write_row(ws: Worksheet, row: int, values: Sequence[Any], start_column: int = 1) -> None:
    """Write ``values`` into ``row`` from ``start_column`` on (see :func:`set_value`)."""
    for offset, value in enumerate(values):
        set_value(ws.cell(row=row, column=start_column + offset), value)


def append_row(ws: Worksheet, values: Sequence[Any]) -> int:
    """Write ``values`` below the last used row; returns the row number written."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    write_row(ws, row, values)
    return row


def style_header(ws: Worksheet, row: int = 1) -> None:
    """Bold, lightly filled header cells in ``row``."""
    for cell in ws[row]:
        if cell.value is not None:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="top", wrap_text=False)


def freeze_header(ws: Worksheet, rows: int = 1, columns: int = 0) -> None:
    """Keep the header rows (and optionally the first columns) in view while scrolling."""
    ws.freeze_panes = ws.cell(row=rows + 1, column=columns + 1)


def add_autofilter(ws: Worksheet, header_row: int = 1) -> None:
    """Autofilter over the used range, starting at the header row."""
    if ws.max_column >= 1 and ws.cell(header_row, 1).value is not None:
        last = get_column_letter(ws.max_column)
        ws.auto_filter.ref = f"A{header_row}:{last}{max(ws.max_row, header_row)}"


def autosize(ws: Worksheet, min_width: float = 8, max_width: float = 60) -> None:
    """Set every column's width to fit its longest value (within bounds)."""
    widths: dict[int, float] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            text = (
                cell.value.strftime("%d-%m-%Y")
                if isinstance(cell.value, dt.date)
                else str(cell.value)
            )
            longest = max((len(line) for line in text.splitlines()), default=0)
            widths[cell.column] = max(widths.get(cell.column, 0), longest)
    for column, width in widths.items():
        letter = get_column_letter(column)
        ws.column_dimensions[letter].width = min(max(width + 2, min_width), max_width)


def format_table(ws: Worksheet, header_row: int = 1, autofilter: bool = True) -> None:
    """The usual finish for a table sheet: styled, frozen header, filter, widths."""
    style_header(ws, header_row)
    freeze_header(ws, header_row)
    if autofilter:
        add_autofilter(ws, header_row)
    autosize(ws)


def write_table(
    ws: Worksheet, headers: Sequence[str], rows: Iterable[Sequence[Any]], autofilter: bool = True
) -> None:
    """Write a header and data rows into an empty sheet and format it as a table."""
    write_row(ws, 1, headers)
    for index, values in enumerate(rows, start=2):
        write_row(ws, index, values)
    format_table(ws, autofilter=autofilter)


def new_workbook() -> Workbook:
    """An empty workbook without its default sheet, with fixed metadata."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "leernetwerk"
    wb.properties.created = FIXED_TIMESTAMP
    return wb


def save_workbook(wb: Workbook, path: Path | str) -> Path:
    """Save ``wb`` at ``path`` (callers use :mod:`leernetwerk.fsutil` for safety)."""
    path = Path(path)
    wb.save(path)
    return path
