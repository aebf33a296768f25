"""The selection workbook (``selectie.xlsx`` of ``leernetwerk select``).

The same story as the selection report (:mod:`leernetwerk.reports.selection_view`),
for people who work in Excel: ``Overzicht`` (counts, balance, rules, points
of attention), ``Selectie`` (every registrant with its decision, the deciding
reason and what happens if it is let in anyway), ``Provincies`` (a table),
``Kaart`` (the provinces in a grid laid out like the map), ``Grootte en variant``, and last
``Bijlage analist`` with the calculation's figures. Every sheet prints on A4
landscape with its header row repeated; reasons wrap. Tekort and
overschot/neutraal cells carry their label and the report's colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registrations
from leernetwerk.excel import new_workbook, save_workbook, style_header, write_row, write_table
from leernetwerk.proposal import CriterionScore, Proposal
from leernetwerk.reports.selection_view import (
    DEFICIT_LABEL,
    OTHER_LABEL,
    Group,
    Row,
    SelectionView,
    selection_view,
)

DEFICIT_FILL = PatternFill("solid", fgColor="FBE0D3")
"""Light tint of the report's tekort colour (#c2410c)."""
OTHER_FILL = PatternFill("solid", fgColor="D8F0E0")
"""Light tint of the report's overschot/neutraal colour (#15803d)."""
DEFICIT_EDGE = Border(left=Side(style="thick", color="C2410C"))
OTHER_EDGE = Border(left=Side(style="thick", color="15803D"))
WRAP = Alignment(wrap_text=True, vertical="top")
TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)

SELECTION_HEADERS = (
    "Naam",
    "Besluit",
    "Provincie",
    "Saldo",
    "Vangnet",
    "Reden",
    "Als deze toch meedoet",
)
"""Size class and variant are on 'Grootte en variant': this sheet must stay legible on A4."""
GROUP_HEADERS = ("Aangemeld", "Geselecteerd", "Tekort", "Overschot/neutraal", "Deelnemers")


def print_setup(ws: Worksheet, title_rows: str | None = "1:1") -> None:
    """A4 landscape, as wide as the page, header rows repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    if title_rows:
        ws.print_title_rows = title_rows


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def fit_rows(ws: Worksheet, widths: Sequence[float], first_row: int = 2) -> None:
    """Wrap every cell and give each row the height its longest wrapped cell needs."""
    for row in ws.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            cell.alignment = WRAP
            if cell.value is None or cell.column > len(widths):
                continue
            chars = max(1, int(widths[cell.column - 1] * 1.1) - 1)
            text = str(cell.value)
            lines = max(lines, sum(-(-max(1, len(part)) // chars) for part in text.split("\n")))
        ws.row_dimensions[row[0].row].height = 15 * lines + 2


def mark_balance(cell: Any, deficit: bool | None) -> None:
    if deficit is None:
        return
    cell.fill = DEFICIT_FILL if deficit else OTHER_FILL
    cell.border = DEFICIT_EDGE if deficit else OTHER_EDGE


def _decision(row: Row) -> str:
    if row.selected:
        return "geselecteerd"
    return "niet geselecteerd" if row.selectable else "niet selecteerbaar"


def _overview(ws: Worksheet, v: SelectionView) -> None:
    lines: list[tuple[Any, ...]] = [
        (f"Selectievoorstel leercyclus {v.cycle}",),
        (f"Aanmeldingen uit {v.input_file} (kenmerk {v.input_sha256})",),
        (),
        ("Geselecteerd", len(v.selected), f"{v.taken} van {v.places} plaatsen bezet"),
        ("Aanmeldingen", v.registered, f"waarvan {v.selectable} selecteerbaar"),
        ("Tekort", v.deficit, "geselecteerd met een tekort op het BUIG-budget"),
        ("Overschot/neutraal", v.other, "geselecteerd met een overschot of neutraal saldo"),
        (
            "Provincies",
            sum(1 for g in v.provinces if g.selected),
            "van de 12 provincies vertegenwoordigd",
        ),
        (),
        ("Zekerheid", v.certainty),
        (),
        ("Regels",),
    ]
    lines += [
        (rule.label, "voldaan" if rule.met else "NIET voldaan", rule.detail) for rule in v.rules
    ]
    if v.notes:
        lines += [(), ("Aandachtspunten",)] + [("", note) for note in v.notes]
    for index, values in enumerate(lines, start=1):
        write_row(ws, index, values)
    ws["A1"].font = TITLE
    for row in ws.iter_rows():
        if row[0].value in ("Regels", "Aandachtspunten", "Zekerheid"):
            row[0].font = BOLD
    mark_balance(ws["A6"], True)
    mark_balance(ws["A7"], False)
    widths = (34, 50, 60)
    set_widths(ws, widths)
    fit_rows(ws, widths, first_row=3)
    print_setup(ws, None)


def _selection(ws: Worksheet, v: SelectionView) -> None:
    rows = [*v.selected, *v.rejected, *v.not_selectable]
    write_table(
        ws,
        SELECTION_HEADERS,
        [
            (
                r.name,
                _decision(r),
                r.province,
                r.balance_label,
                r.safety_net,
                r.reason,
                r.what_if,
            )
            for r in rows
        ],
    )
    for index, r in enumerate(rows, start=2):
        mark_balance(ws.cell(index, 4), r.deficit)
    widths = (22, 15, 13, 17, 10, 44, 36)
    set_widths(ws, widths)
    fit_rows(ws, widths)
    print_setup(ws)


def _group_rows(groups: Sequence[Group]) -> list[tuple[Any, ...]]:
    return [
        (g.label, g.registered, g.selected, g.deficit, g.other, ", ".join(g.names)) for g in groups
    ]


def _provinces(ws: Worksheet, v: SelectionView) -> None:
    write_table(ws, ("Provincie", *GROUP_HEADERS), _group_rows(v.provinces), autofilter=False)
    widths = (20, 11, 13, 9, 19, 60)
    set_widths(ws, widths)
    fit_rows(ws, widths)
    print_setup(ws)


def _map(ws: Worksheet, v: SelectionView) -> None:
    ws.cell(1, 1, "Geselecteerd per provincie, zoals op de kaart (noord boven)").font = BOLD
    edge = Side(style="thin", color="999999")
    for r, line in enumerate(v.province_map, start=2):
        for c, g in enumerate(line, start=1):
            if g is None:
                continue
            cell = ws.cell(
                r,
                c,
                f"{g.label}\n{g.selected} van {g.registered} geselecteerd\n"
                f"{g.deficit} {DEFICIT_LABEL} · {g.other} {OTHER_LABEL}",
            )
            cell.alignment = WRAP
            cell.border = Border(left=edge, right=edge, top=edge, bottom=edge)
        ws.row_dimensions[r].height = 50
    set_widths(ws, (30, 30, 30))
    print_setup(ws, None)


def _sizes(ws: Worksheet, v: SelectionView) -> None:
    write_table(ws, ("Grootteklasse", *GROUP_HEADERS), _group_rows(v.sizes), autofilter=False)
    start = ws.max_row + 2
    write_row(ws, start, ("Uitvoeringsvariant", *GROUP_HEADERS))
    style_header(ws, start)
    for offset, values in enumerate(_group_rows(v.variants), start=1):
        write_row(ws, start + offset, values)
    widths = (24, 11, 13, 9, 19, 60)
    set_widths(ws, widths)
    fit_rows(ws, widths)
    print_setup(ws)


def _appendix(ws: Worksheet, v: SelectionView) -> None:
    write_table(ws, ("Gegeven", "Waarde", "Uitleg"), v.appendix, autofilter=False)
    if v.breakdown:
        start = ws.max_row + 2
        write_row(ws, start, ("Afwegingsregel", "Gewicht", "Waarde", "Bijdrage"))
        style_header(ws, start)
        for offset, values in enumerate(v.breakdown, start=1):
            write_row(ws, start + offset, values)
    widths = (40, 22, 70)
    set_widths(ws, widths)
    fit_rows(ws, widths)
    print_setup(ws)


def write_selection_workbook(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    path: Path,
    breakdown: Sequence[CriterionScore] = (),
) -> Path:
    """Write ``selectie.xlsx`` for ``proposal.selection`` to ``path``."""
    view = selection_view(proposal, registrations, config, breakdown)
    wb = new_workbook()
    for title, fill in (
        ("Overzicht", _overview),
        ("Selectie", _selection),
        ("Provincies", _provinces),
        ("Kaart", _map),
        ("Grootte en variant", _sizes),
        ("Bijlage analist", _appendix),
    ):
        fill(wb.create_sheet(title), view)
    return save_workbook(wb, path)
