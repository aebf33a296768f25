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
from openpyxl.worksheet.page import PageMargins
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


LINE_HEIGHT = 15.0
"""Points per line of 11-point text (Excel's default row height)."""

PRINT_MAX_WIDTH = 40.0
"""Widest a column gets for print; longer text wraps within it."""


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide (word wrap).

    Deliberately a little pessimistic (one character of padding, whole words
    only), so the row height fits rather than clips.
    """
    capacity = max(1, int(width * 1.2) - 1)
    hard = max(1, int(width) - 1)  # unbroken runs (hashes, numbers): digit-wide characters
    lines = 0
    for paragraph in str(text).split("\n"):
        current = 0
        lines += 1
        for word in paragraph.split(" "):
            size = len(word)
            if current and current + 1 + size > capacity:
                lines += 1
                current = 0
            while size > hard:  # a word longer than a line is broken (by character width)
                lines += 1
                size -= hard
            current += size if current == 0 else size + 1
    return lines


def column_width(ws: Worksheet, letter: str) -> float:
    width = ws.column_dimensions[letter].width
    return float(width) if width else 8.43


def fit_for_print(
    ws: Worksheet,
    max_width: float = PRINT_MAX_WIDTH,
    header_row: int = 1,
    fit_header: bool = True,
    keep: Iterable[str] = (),
) -> None:
    """Cap every column at ``max_width``, wrap what is longer, and fit the row heights.

    Header cells wrap too, so a long header does not make a narrow column
    wide. Row heights come from :func:`wrapped_lines` (the widest need in
    the row), because Excel and LibreOffice do not grow rows on open.
    Columns in ``keep`` keep the width they have (they still wrap).
    """
    kept = set(keep)
    for column in ws.iter_cols(min_row=header_row):
        letter = get_column_letter(column[0].column)
        width = column_width(ws, letter)
        if letter not in kept:
            width = min(width, max_width)
        header = column[0].value
        body = [len(str(c.value)) + 2 for c in column[1:] if c.value is not None]
        if header is not None and body and letter not in kept:
            # Wide enough for the data and the header's longest word (it wraps).
            longest_word = max(len(w) for w in str(header).split()) + 2
            width = min(max(max(body), longest_word, 6), width)
        ws.column_dimensions[letter].width = width
        for cell in column:
            if cell.value is None or cell.row == header_row and not fit_header:
                continue
            if cell.row > header_row and not cell.alignment.text_rotation:
                old = cell.alignment
                cell.alignment = Alignment(
                    horizontal=old.horizontal, vertical="top", wrap_text=old.wrap_text
                )
            if len(str(cell.value)) + 1 > width or "\n" in str(cell.value):
                old = cell.alignment
                cell.alignment = Alignment(
                    horizontal=old.horizontal,
                    vertical="top",
                    wrap_text=True,
                    text_rotation=old.text_rotation,
                    indent=old.indent,
                )
    fit_row_heights(ws, header_row if fit_header else header_row + 1)


def fit_row_heights(ws: Worksheet, min_row: int = 1) -> None:
    """Row height = lines of the most wrapped cell × :data:`LINE_HEIGHT`."""
    for row in ws.iter_rows(min_row=min_row):
        lines = 1
        for cell in row:
            if cell.value is None or not cell.alignment.wrap_text:
                continue
            width = column_width(ws, get_column_letter(cell.column))
            lines = max(lines, wrapped_lines(str(cell.value), width))
        ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines if lines > 1 else None


def print_a4_landscape(ws: Worksheet, title_rows: int = 1) -> None:
    """A4 landscape, one page wide (as many pages tall as needed), narrow margins,
    the first ``title_rows`` rows repeated on every printed page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.5, header=0.2, footer=0.2)
    ws.oddFooter.center.text = "&A — pagina &P van &N"
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"
