"""``verkenning.xlsx``: the exploration as sheets an analyst filters and sorts.

Sheets (Dutch names and headers): Leeswijzer, Varianten (variants × criteria,
raw values), Bijdragen (variants × criteria, contributions), Verschuivingen
(who moved, per variant), Paarstabiliteit (participants × participants, the
share of variants in which two share a club, coloured by a conditional-format
colour scale, ordered by base club), Deelnemers (share of variants in the base
club), Vaste clubs, one sheet per varied key, and Drempels with ``--drempels``.
Every value goes through :mod:`leernetwerk.excel`, so a name that looks like a
formula stays text.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook

from leernetwerk.excel import format_table, new_workbook, save_workbook, write_row, write_table
from leernetwerk.explore.analysis import aligned_club_lists
from leernetwerk.explore.report import Findings, _plain, reading_guide
from leernetwerk.explore.variants import format_value


def _cells(values: list[Any]) -> list[Any]:
    return [_plain(v) if not isinstance(v, str | list) else v for v in values]


def criteria_headers(f: Findings, frame: pd.DataFrame) -> list[str]:
    return [f"{f.labels_of_criteria.get(k, k)} ({k})" for k in frame.columns]


def variants_sheet(wb: Workbook, f: Findings) -> None:
    e = f.exploration
    headers = ["Variant", *e.keys, "Score", "Status", "Niet gedomineerd"]
    headers += ["Wisselen van club", "Andere bijeenkomstpartners"]
    headers += criteria_headers(f, f.raw)
    rows = []
    for i, variant in enumerate(e.variants):
        c = f.changes[i]
        rows.append(
            _cells(
                [
                    f.labels[i],
                    *(format_value(e.value(variant, k)) for k in e.keys),
                    f.objectives[i],
                    e.proposals[i].quality.status.value,
                    f.non_dominated[i],
                    len(c.moved),
                    len(c.sessions_changed),
                    *f.raw.iloc[i].tolist(),
                ]
            )
        )
    write_table(wb.create_sheet("Varianten"), headers, rows)
    contributions = [
        _cells([f.labels[i], f.objectives[i], *f.contributions.iloc[i].tolist()])
        for i in range(len(e.variants))
    ]
    write_table(
        wb.create_sheet("Bijdragen"),
        ["Variant", "Score", *criteria_headers(f, f.contributions)],
        contributions,
    )


def moves_sheet(wb: Workbook, f: Findings) -> None:
    e = f.exploration
    base = e.proposals[0].layout.club_of()
    rows: list[list[Any]] = []
    for i in range(1, len(e.variants)):
        c = f.changes[i]
        variant_clubs = {n: k + 1 for k, club in enumerate(_aligned(f, i)) for n in club}
        for name in c.club_moved:
            rows.append([f.labels[i], name, base.get(name), variant_clubs.get(name), "club"])
        for name in c.selection_in:
            rows.append([f.labels[i], name, None, variant_clubs.get(name), "erbij geselecteerd"])
        for name in c.selection_out:
            rows.append([f.labels[i], name, base.get(name), None, "niet meer geselecteerd"])
    write_table(
        wb.create_sheet("Verschuivingen"),
        ["Variant", "Deelnemer", "Basisclub", "Club in variant", "Wat"],
        rows,
    )


def _aligned(f: Findings, i: int) -> list[list[str]]:
    return aligned_club_lists(f.exploration.proposals[0], f.exploration.proposals[i])


def pairs_sheet(wb: Workbook, f: Findings) -> None:
    ws = wb.create_sheet("Paarstabiliteit")
    names = f.names
    share = {(r.a, r.b): float(r.share) for r in f.pairs.itertuples(index=False)}
    base = f.exploration.proposals[0].layout.club_of()
    write_row(ws, 1, ["Deelnemer", "Basisclub", *names])
    for row, a in enumerate(names, start=2):
        values: list[Any] = [a, base.get(a)]
        for b in names:
            values.append(None if a == b else share.get((a, b), share.get((b, a))))
        write_row(ws, row, values)
    format_table(ws, autofilter=False)
    ws.freeze_panes = "C2"
    if names:
        last = f"{get_column_letter(len(names) + 2)}{len(names) + 1}"
        ws.conditional_formatting.add(
            f"C2:{last}",
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="FFFFFFFF",
                mid_type="num",
                mid_value=0.5,
                mid_color="FFF4B183",
                end_type="num",
                end_value=1,
                end_color="FF2F5597",
            ),
        )
        for column in range(3, len(names) + 3):
            ws.column_dimensions[get_column_letter(column)].width = 6
            for cells in ws.iter_rows(min_row=2, min_col=column, max_col=column):
                cells[0].number_format = "0%"


def people_sheet(wb: Workbook, f: Findings) -> None:
    rows = [
        _cells([r.deelnemer, r.base_club, float(r.share)]) for r in f.people.itertuples(index=False)
    ]
    write_table(
        wb.create_sheet("Deelnemers"),
        ["Deelnemer", "Basisclub", "Aandeel varianten in de basisclub"],
        rows,
    )
    base = f.exploration.proposals[0]
    ids = {frozenset(c.members): c.id for c in base.clubs}
    clubs = [[ids[frozenset(m)], ", ".join(m)] for m in f.stable_clubs]
    write_table(wb.create_sheet("Vaste clubs"), ["Basisclub", "Leden (in elke variant)"], clubs)


def sheet_name(key: str, used: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters) for a varied key."""
    name = re.sub(r"[\[\]:*?/\\]", "_", key.removeprefix("weights."))[:31]
    candidate, n = name, 2
    while candidate.lower() in used:
        candidate = f"{name[: 31 - len(str(n)) - 1]}~{n}"
        n += 1
    used.add(candidate.lower())
    return candidate


def key_sheets(wb: Workbook, f: Findings) -> None:
    e = f.exploration
    used = {ws.title.lower() for ws in wb.worksheets}
    for key in e.keys:
        order = sorted(range(len(e.variants)), key=lambda i: (e.value(e.variants[i], key), i))
        rows = [
            _cells(
                [
                    format_value(e.value(e.variants[i], key)),
                    f.labels[i],
                    f.objectives[i],
                    len(f.changes[i].moved),
                    ", ".join(f.changes[i].moved),
                    *f.raw.iloc[i].tolist(),
                ]
            )
            for i in order
        ]
        headers = [key, "Variant", "Score", "Wisselen van club", "Wie"]
        write_table(
            wb.create_sheet(sheet_name(key, used)), headers + criteria_headers(f, f.raw), rows
        )


def thresholds_sheet(wb: Workbook, f: Findings) -> None:
    t = f.exploration.thresholds
    if t is None:
        return
    rows = [
        [
            format_value(th.low),
            format_value(th.high),
            len(th.change.moved),
            ", ".join(th.change.moved),
            len(th.change.sessions_changed),
        ]
        for th in t.thresholds
    ]
    write_table(
        wb.create_sheet("Drempels"),
        [f"{t.spec.key} van", "tot", "Wisselen van club", "Wie", "Andere bijeenkomstpartners"],
        rows,
    )


def write_exploration_workbook(f: Findings, path: Path) -> None:
    wb = new_workbook()
    guide = wb.create_sheet("Leeswijzer")
    write_table(guide, ["Leeswijzer"], [[line] for line in reading_guide(f)], autofilter=False)
    guide.column_dimensions["A"].width = 120
    variants_sheet(wb, f)
    moves_sheet(wb, f)
    pairs_sheet(wb, f)
    people_sheet(wb, f)
    key_sheets(wb, f)
    thresholds_sheet(wb, f)
    save_workbook(wb, path)
