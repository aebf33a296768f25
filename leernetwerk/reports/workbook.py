"""The proposal workbook (``proposal.xlsx``) the executor and analysts review.

Sheets: Overzicht, Selectie, Clubs, Ronde 1, Ronde 2, Heatmap, Score. The
round sheets are also the editing surface: one row per session member, so a
member moves to another session by changing its ``Sessie`` cell, and
``leernetwerk check`` reads the sheet back (layout in ``docs/report.md`` and
in :data:`ROUND_HEADERS`). Every text cell goes through
:func:`leernetwerk.excel.set_text`, so names like ``=HYPERLINK("x")`` stay text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registrations
from leernetwerk.excel import (
    format_table,
    new_workbook,
    save_workbook,
    style_header,
    write_row,
    write_table,
)
from leernetwerk.proposal import GroupScore, Proposal
from leernetwerk.reports.checks import check_proposal, checks_summary
from leernetwerk.reports.common import (
    chosen_themes,
    club_balances,
    join,
    numbered_sessions,
    participants_in_order,
    quality_ratio,
    round_numbers,
    selection_balance,
    session_number_of,
    yes_no,
)
from leernetwerk.reports.heatmap import HEAT_COLOURS

ROUND_HEADERS: tuple[str, ...] = (
    "Club",
    "Sessie",
    "Deelnemer",
    "Host",
    "Thema blok 1",
    "Thema blok 2",
    "Werkvorm",
    "Werkvorm (omschrijving)",
    "Toelichting",
)
"""Columns of the sheets ``Ronde 1`` and ``Ronde 2``, in order (the edit contract)."""

ROUND_SHEET = "Ronde {}"
SHEETS = ("Overzicht", "Selectie", "Clubs", "Heatmap", "Score")


def write_proposal_workbook(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    path: Path,
    met_before: frozenset[frozenset[str]] = frozenset(),
) -> None:
    """Write the review workbook for ``proposal`` to ``path``.

    ``path`` is normally a staging path from :func:`leernetwerk.fsutil.write_outputs`,
    which takes care of never overwriting and never leaving partial output.
    """
    wb = new_workbook()
    overview_sheet(wb.create_sheet("Overzicht"), proposal, registrations, config, met_before)
    selection_sheet(wb.create_sheet("Selectie"), proposal, registrations)
    clubs_sheet(wb.create_sheet("Clubs"), proposal, registrations)
    for number in round_numbers(proposal, config):
        round_sheet(wb.create_sheet(ROUND_SHEET.format(number)), proposal, number)
    heatmap_sheet(wb.create_sheet("Heatmap"), proposal, registrations)
    score_sheet(wb.create_sheet("Score"), proposal)
    for ws in wb.worksheets:
        make_printable(ws)
    save_workbook(wb, path)


def make_printable(ws: Worksheet) -> None:
    """Landscape, fit to one page wide, header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def overview_sheet(
    ws: Worksheet,
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
) -> None:
    """Key figures as Onderdeel/Waarde rows, plus balance per club with a bar chart."""
    checks = check_proposal(proposal, registrations, config, met_before)
    q = proposal.quality
    total = selection_balance(proposal, registrations)
    rows: list[tuple[str, Any]] = [
        ("Cyclus", proposal.cycle),
        ("Invoerbestand", proposal.input_file),
        ("SHA-256 invoer", proposal.input_sha256),
        ("SHA-256 configuratie", proposal.config_sha256),
        ("Seed", proposal.seed),
        *[(f"Solver: {key}", value) for key, value in sorted(proposal.solver.items())],
        ("Aanmeldingen", len(proposal.selection)),
        ("Geselecteerd", len(proposal.selected)),
        ("Plaatsen", config.cycle.places),
        ("Geselecteerd met tekort", total.deficit),
        ("Geselecteerd met overschot/neutraal", total.other),
        ("Clubs", len(proposal.clubs)),
        *[
            (f"Sessies ronde {r.round}", len(r.sessions))
            for r in sorted(proposal.rounds, key=lambda r: r.round)
        ],
        ("Status matching", q.status.value),
        ("Doelfunctie", q.objective),
        ("Beste grens", q.bound),
        ("Gap", q.gap),
        ("Basislijn (eenvoudige indeling)", q.baseline_objective),
        ("Verhouding doelfunctie / basislijn", quality_ratio(q)),
        ("Deterministische tijd", q.deterministic_time),
    ]
    if proposal.selection_quality is not None:
        sq = proposal.selection_quality
        rows += [
            ("Status selectie", sq.status.value),
            ("Doelfunctie selectie", sq.objective),
            ("Beste grens selectie", sq.bound),
        ]
    rows.append(("Controle", checks_summary(checks)))
    rows += [(f"Controle: {c.label}", "OK" if c.ok else join(c.violations)) for c in checks]
    rows += [("Waarschuwing", w) for w in proposal.warnings]
    rows += [("Verschoven", m) for m in proposal.moved]
    write_table(ws, ("Onderdeel", "Waarde"), rows)
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = "0.0###"
            cell.alignment = Alignment(horizontal="left", wrap_text=True, vertical="top")
    ws.column_dimensions["B"].width = 70
    balance_table(ws, proposal, registrations, first_column=4)


def balance_table(
    ws: Worksheet, proposal: Proposal, registrations: Registrations, first_column: int
) -> None:
    """Club / Tekort / Overschot of neutraal table and a clustered bar chart beside it."""
    balances = club_balances(proposal, registrations)
    write_row(ws, 1, ("Club", "Tekort", "Overschot/neutraal"), start_column=first_column)
    for index, b in enumerate(balances, start=2):
        write_row(ws, index, (f"Club {b.club}", b.deficit, b.other), start_column=first_column)
    style_header(ws)
    for offset, width in enumerate((12, 10, 20)):
        ws.column_dimensions[get_column_letter(first_column + offset)].width = width
    if not balances:
        return
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "Tekort en overschot/neutraal per club"
    chart.y_axis.title = "Deelnemers"
    chart.x_axis.title = "Club"
    data = Reference(
        ws, min_col=first_column + 1, max_col=first_column + 2, min_row=1, max_row=len(balances) + 1
    )
    categories = Reference(ws, min_col=first_column, min_row=2, max_row=len(balances) + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.width, chart.height = 16, 8
    ws.add_chart(chart, f"{get_column_letter(first_column)}{len(balances) + 3}")


def selection_sheet(ws: Worksheet, proposal: Proposal, registrations: Registrations) -> None:
    """Every registrant: selected or not, key facts, reasons, cost of forcing in."""
    by_name = registrations.by_name()
    rows = []
    for entry in proposal.selection:
        r = by_name.get(entry.name)
        cost = entry.forcing_cost
        rows.append(
            (
                entry.name,
                yes_no(entry.selected),
                r.balance.value if r else None,
                r.safety_net.value if r else None,
                r.province if r else None,
                r.inhabitants if r else None,
                r.execution_variant if r else None,
                join(r.previous_cycles, ", ") if r else None,
                join(entry.reasons),
                cost.objective_change if cost else None,
                join(cost.drop_out, ", ") if cost else None,
                cost.note if cost else None,
            )
        )
    write_table(
        ws,
        (
            "Naam",
            "Geselecteerd",
            "Saldo",
            "Vangnet",
            "Provincie",
            "Inwoners",
            "Uitvoeringsvariant",
            "Eerder deelgenomen",
            "Redenen",
            "Forceren: verandering doelfunctie",
            "Forceren: valt af",
            "Forceren: toelichting",
        ),
        rows,
    )
    thousands(ws, "F")
    wrap_column(ws, "I", 60)


def clubs_sheet(ws: Worksheet, proposal: Proposal, registrations: Registrations) -> None:
    """One row per club member with the facts clubs are formed on."""
    by_name = registrations.by_name()
    rows = []
    for club in sorted(proposal.clubs, key=lambda c: c.id):
        for name in club.members:
            r = by_name.get(name)
            themes = (*chosen_themes(r), "", "", "")[:3]
            rows.append(
                (
                    club.id,
                    name,
                    r.balance.value if r else None,
                    r.inhabitants if r else None,
                    r.size_class if r else None,
                    r.province if r else None,
                    r.execution_variant if r else None,
                    *themes,
                )
            )
    write_table(
        ws,
        (
            "Club",
            "Deelnemer",
            "Saldo",
            "Inwoners",
            "Grootteklasse",
            "Provincie",
            "Uitvoeringsvariant",
            "Thema 1",
            "Thema 2",
            "Thema 3",
        ),
        rows,
    )
    thousands(ws, "D")


def round_sheet(ws: Worksheet, proposal: Proposal, number: int) -> None:
    """One row per session member in round ``number`` (see :data:`ROUND_HEADERS`).

    Session-level fields (themes, format, reason) are repeated on every row
    of the session so rows can be moved, sorted and filtered freely.
    """
    rows = []
    for item in numbered_sessions(proposal):
        if item.round != number:
            continue
        s = item.session
        themes = (*s.themes, "", "")[:2]
        for name in s.members:
            rows.append(
                (
                    s.club,
                    item.number,
                    name,
                    yes_no(name == s.host),
                    *themes,
                    s.format.value,
                    s.format.label,
                    s.reason,
                )
            )
    write_table(ws, ROUND_HEADERS, rows)
    last = max(ws.max_row, 2)
    session_cells = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="1",
        showErrorMessage=True,
        errorTitle="Ongeldig sessienummer",
        error="Vul een heel getal van 1 of hoger in.",
    )
    host_cells = DataValidation(
        type="list",
        formula1='"ja,nee"',
        showErrorMessage=True,
        errorTitle="Ongeldige waarde",
        error="Kies ja of nee.",
    )
    ws.add_data_validation(session_cells)
    ws.add_data_validation(host_cells)
    session_cells.add(f"B2:B{last + 200}")
    host_cells.add(f"D2:D{last + 200}")
    wrap_column(ws, "I", 60)


def heatmap_sheet(ws: Worksheet, proposal: Proposal, registrations: Registrations) -> None:
    """Participants × themes self-evaluation scores, grouped by club, colour scale 0–4.

    Chosen themes are bold; the last column lists them in rank order.
    """
    by_name = registrations.by_name()
    themes = registrations.catalogue.names
    headers = ("Club", "Deelnemer", *themes, "Gekozen thema's (1, 2, 3)")
    write_row(ws, 1, headers)
    for index, (club, name) in enumerate(participants_in_order(proposal), start=2):
        r = by_name.get(name)
        scores = [r.score(t) if r and r.self_evaluation else None for t in themes]
        chosen = chosen_themes(r)
        write_row(ws, index, (club, name, *scores, join(chosen, "; ")))
        for offset, theme in enumerate(themes):
            cell = ws.cell(row=index, column=3 + offset)
            cell.number_format = "0.0"
            cell.alignment = Alignment(horizontal="center")
            if theme in chosen:
                cell.font = Font(bold=True)
    format_table(ws)
    ws.freeze_panes = "C2"
    for offset in range(len(themes)):
        letter = get_column_letter(3 + offset)
        ws.column_dimensions[letter].width = 7
        ws.cell(row=1, column=3 + offset).alignment = Alignment(
            text_rotation=90, horizontal="center", vertical="bottom", wrap_text=True
        )
    ws.row_dimensions[1].height = 150
    if ws.max_row >= 2:
        first = get_column_letter(3)
        last = get_column_letter(2 + len(themes))
        low, mid, high = HEAT_COLOURS
        ws.conditional_formatting.add(
            f"{first}2:{last}{ws.max_row}",
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color=low,
                mid_type="num",
                mid_value=2,
                mid_color=mid,
                end_type="num",
                end_value=4,
                end_color=high,
            ),
        )


def score_sheet(ws: Worksheet, proposal: Proposal) -> None:
    """Score breakdown: per criterion overall, per club, per session (one long table)."""
    headers = (
        "Niveau",
        "Club",
        "Ronde",
        "Sessie",
        "Deelnemers",
        "Criterium",
        "Gewichtsleutel",
        "Gewicht",
        "Ruwe score",
        "Bijdrage",
        "Toelichting",
    )
    rows: list[Sequence[Any]] = []
    breakdown = proposal.breakdown
    if breakdown is not None:
        for c in breakdown.criteria:
            rows.append(
                (
                    "totaal",
                    None,
                    None,
                    None,
                    None,
                    c.label,
                    c.key,
                    c.weight,
                    c.raw,
                    c.contribution,
                    None,
                )
            )
        rows.append(
            ("totaal", None, None, None, None, "Totaal", None, None, None, breakdown.total, None)
        )
        numbers = session_number_of(proposal)
        for group in breakdown.clubs:
            rows += group_rows("club", group, None)
        for group in breakdown.sessions:
            number = numbers.get((group.round or 0, frozenset(group.members)))
            rows += group_rows("sessie", group, number)
    write_table(ws, headers, rows)
    for row in ws.iter_rows(min_row=2, min_col=8, max_col=10):
        for cell in row:
            cell.number_format = "0.0##"
    wrap_column(ws, "E", 40)
    wrap_column(ws, "K", 60)


def group_rows(level: str, group: GroupScore, number: int | None) -> list[Sequence[Any]]:
    """Criterion rows of one club or session, then its total with the sentences."""
    members = ", ".join(group.members)
    head = (level, group.club, group.round, number, members)
    rows: list[Sequence[Any]] = [
        (*head, c.label, c.key, c.weight, c.raw, c.contribution, None) for c in group.criteria
    ]
    rows.append((*head, "Totaal", None, None, None, group.total, join(group.sentences, " ")))
    return rows


def thousands(ws: Worksheet, column: str) -> None:
    for cell in ws[column][1:]:
        cell.number_format = "#,##0"


def wrap_column(ws: Worksheet, column: str, width: float) -> None:
    """Fixed width with wrapped text, for long Dutch sentences."""
    ws.column_dimensions[column].width = width
    for cell in ws[column][1:]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
