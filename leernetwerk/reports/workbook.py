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
from openpyxl.chart.label import DataLabelList
from openpyxl.drawing.fill import ColorChoice, PatternFillProperties
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Balance, Registrations
from leernetwerk.excel import (
    fit_for_print,
    fit_row_heights,
    format_table,
    new_workbook,
    print_a4_landscape,
    save_workbook,
    style_header,
    write_row,
    write_table,
)
from leernetwerk.proposal import GroupScore, Layout, Proposal
from leernetwerk.reports.checks import check_proposal, checks_summary
from leernetwerk.reports.common import (
    AnalystRow,
    baseline_comparison,
    chosen_themes,
    club_balances,
    forcing_cost_text,
    join,
    manual_comparison,
    matching_analyst_rows,
    numbered_sessions,
    participants_in_order,
    quality_ratio,
    round_numbers,
    run_analyst_rows,
    selection_analyst_rows,
    selection_balance,
    session_number_of,
    shared_themes_sentence,
    yes_no,
)
from leernetwerk.reports.graph import BALANCE_FILL
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
APPENDIX_SHEET = "Bijlage analist"
SHEETS = ("Overzicht", "Selectie", "Clubs", "Heatmap", "Score", APPENDIX_SHEET)
"""Fixed sheets (the round sheets sit between Clubs and Heatmap); the appendix is last."""

DEFICIT_COLOUR = BALANCE_FILL[Balance.DEFICIT].lstrip("#").upper()
OTHER_COLOUR = BALANCE_FILL[Balance.SURPLUS].lstrip("#").upper()
"""The report's colours: red for tekort, green for overschot/neutraal (one scheme everywhere)."""


def write_proposal_workbook(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    path: Path,
    met_before: frozenset[frozenset[str]] = frozenset(),
    manual: Layout | None = None,
) -> None:
    """Write the review workbook for ``proposal`` to ``path``.

    ``path`` is normally a staging path from :func:`leernetwerk.fsutil.write_outputs`,
    which takes care of never overwriting and never leaving partial output.
    ``manual``: a hand-made layout (the pilot's way) to compare with, if any.
    """
    wb = new_workbook()
    overview_sheet(
        wb.create_sheet("Overzicht"), proposal, registrations, config, met_before, manual
    )
    selection_sheet(wb.create_sheet("Selectie"), proposal, registrations)
    clubs_sheet(wb.create_sheet("Clubs"), proposal, registrations)
    for number in round_numbers(proposal, config):
        round_sheet(wb.create_sheet(ROUND_SHEET.format(number)), proposal, number)
    heatmap_sheet(wb.create_sheet("Heatmap"), proposal, registrations)
    score_sheet(wb.create_sheet("Score"), proposal)
    appendix_sheet(wb.create_sheet(APPENDIX_SHEET), proposal)
    for ws in wb.worksheets:
        print_a4_landscape(ws)
    save_workbook(wb, path)


def overview_sheet(
    ws: Worksheet,
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
    manual: Layout | None = None,
) -> None:
    """The stuurgroep's summary in plain Dutch (no solver figures: those are in the
    appendix sheet), plus the balance per club with a bar chart beside it."""
    checks = check_proposal(proposal, registrations, config, met_before)
    total = selection_balance(proposal, registrations)
    sizes = sorted(len(c.members) for c in proposal.clubs)
    rows: list[tuple[str, Any]] = [
        ("Cyclus", proposal.cycle),
        ("Aanmeldingen", len(proposal.selection)),
        ("Geselecteerd", len(proposal.selected)),
        ("Plaatsen", config.cycle.places),
        ("Geselecteerd met tekort", total.deficit),
        ("Geselecteerd met overschot/neutraal", total.other),
        ("Clubs", len(proposal.clubs)),
    ]
    rejected = sum(1 for e in proposal.selection if not e.selected)
    rows[1:1] = [
        (
            "Besluit 1",
            f"De selectie van {len(proposal.selected)} deelnemers vaststellen"
            + (
                f" ({rejected} vallen af; reden per aanmelding op blad Selectie)."
                if rejected
                else "."
            ),
        ),
        (
            "Besluit 2",
            f"De indeling in {len(proposal.clubs)} clubs en hun leerbijeenkomsten vaststellen.",
        ),
    ]
    if sizes:
        spread = f"{sizes[0]}" if sizes[0] == sizes[-1] else f"{sizes[0]} tot {sizes[-1]}"
        rows.append(("Deelnemers per club", spread))
    rows += [
        (f"Leerbijeenkomsten ronde {r.round}", len(r.sessions))
        for r in sorted(proposal.rounds, key=lambda r: r.round)
    ]
    rows.append(
        (
            "Werkwijze",
            "Eerst worden de clubs gekozen, daarna de leerbijeenkomsten binnen elke club.",
        )
    )
    comparisons = [baseline_comparison(proposal, registrations, config, met_before)]
    if manual is not None:
        comparisons.append(manual_comparison(proposal, registrations, config, manual, met_before))
    for comparison in comparisons:
        if comparison is None:
            continue
        sentence = shared_themes_sentence(comparison)
        if sentence:
            rows.append((f"Vergeleken met {comparison.title}", sentence[0].upper() + sentence[1:]))
        rows.append(
            (
                f"Totaalscore tegenover {comparison.title}",
                f"{comparison.ours_total:.1f} tegen {comparison.other_total:.1f}".replace(".", ","),
            )
        )
    ratio = quality_ratio(proposal.quality)
    if comparisons[0] is None and ratio:
        rows.append(
            (
                "Vergeleken met een eenvoudige indeling",
                f"{ratio:.2f} keer zo hoge score".replace(".", ","),
            )
        )
    rows.append(("Regels", checks_summary(checks)))
    rows += [(f"Regel: {c.label}", "OK" if c.ok else join(c.violations)) for c in checks]
    rows += [("Let op", w) for w in proposal.warnings]
    rows += [("Verschoven", m) for m in proposal.moved]
    rows.append(("Rekendetails", f"Zie het laatste blad, '{APPENDIX_SHEET}'."))
    # `leernetwerk check` matches an edited workbook to its proposal by this row.
    rows.append(("SHA-256 invoer", proposal.input_sha256))
    write_table(ws, ("Onderdeel", "Waarde"), rows)
    for row in ws.iter_rows(min_row=2, min_col=1, max_col=2):
        for cell in row:
            cell.alignment = Alignment(horizontal="left", wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 70
    balance_table(ws, proposal, registrations, first_column=4)
    fit_row_heights(ws)


def appendix_sheet(ws: Worksheet, proposal: Proposal) -> None:
    """The analyst appendix: every solver figure and setting with a one-line explanation."""
    rows: list[AnalystRow] = matching_analyst_rows(proposal.quality)
    if proposal.selection_quality is not None:
        rows += selection_analyst_rows(proposal.selection_quality)
    rows += run_analyst_rows(proposal)
    write_table(
        ws,
        ("Kenmerk", "Waarde", "Uitleg"),
        [(r.label, r.value, r.explanation) for r in rows],
    )
    for index, r in enumerate(rows, start=2):
        ws.cell(row=index, column=1).alignment = Alignment(vertical="top", wrap_text=True)
        ws.cell(row=index, column=3).alignment = Alignment(vertical="top", wrap_text=True)
        cell = ws.cell(row=index, column=2)
        if r.percent:
            cell.number_format = "0.0%"
        elif isinstance(r.value, float):
            cell.number_format = "0.0##"
        cell.alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 36
    ws.column_dimensions["C"].width = 80
    fit_row_heights(ws)


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
    # Red (hatched) for tekort, green for overschot/neutraal, as in report.html; the
    # hatching and the value labels keep the bars apart without colour.
    deficit, other = chart.series
    deficit.graphicalProperties.pattFill = PatternFillProperties(
        prst="wdUpDiag",
        fgClr=ColorChoice(srgbClr=DEFICIT_COLOUR),
        bgClr=ColorChoice(srgbClr="FFFFFF"),
    )
    deficit.graphicalProperties.line.solidFill = DEFICIT_COLOUR
    other.graphicalProperties.solidFill = OTHER_COLOUR
    other.graphicalProperties.line.solidFill = OTHER_COLOUR
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.dataLabels.showSerName = False
    chart.dataLabels.showCatName = False
    chart.dataLabels.showLegendKey = False
    chart.width, chart.height = 16, 8
    ws.add_chart(chart, f"{get_column_letter(first_column)}{len(balances) + 3}")


def selection_sheet(ws: Worksheet, proposal: Proposal, registrations: Registrations) -> None:
    """Every registrant: selected or not, key facts, reasons, what taking it in would mean."""
    by_name = registrations.by_name()
    rows = []
    for entry in proposal.selection:
        r = by_name.get(entry.name)
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
                forcing_cost_text(entry),
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
            "Variant",
            "Eerder deelgenomen",
            "Redenen",
            "Als deze toch geselecteerd wordt",
        ),
        rows,
    )
    thousands(ws, "F")
    wrap_column(ws, "I", 48)
    wrap_column(ws, "J", 34)
    fit_for_print(ws, max_width=22, keep=("I", "J"))


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
            "Variant",
            "Thema 1",
            "Thema 2",
            "Thema 3",
        ),
        rows,
    )
    thousands(ws, "D")
    fit_for_print(ws, max_width=22)


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
    wrap_column(ws, "I", 45)
    fit_for_print(ws, max_width=22, keep=("I",))


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
    fit_for_print(ws, max_width=36, fit_header=False)
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
    wrap_column(ws, "E", 26)
    wrap_column(ws, "K", 45)
    fit_for_print(ws, max_width=24, keep=("E", "K"))


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
