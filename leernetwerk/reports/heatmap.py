"""The theme heat map: self-evaluation scores 0–4 as colours.

One colour scale for both outputs: white (0, not relevant) through light
blue (2, in ontwikkeling) to strong blue (4, expert). A sequential scale,
not red–green, because a low score is not "bad" (it is a learning question)
and because it stays readable for colour-blind readers and in grey print.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from leernetwerk.domain import SCORE_LABELS, SCORE_MAX, Registrations
from leernetwerk.proposal import Proposal
from leernetwerk.reports.common import chosen_themes, fmt_number, participants_in_order

HEAT_COLOURS: tuple[str, str, str] = ("FFFFFF", "9ECAE1", "3182BD")
"""RRGGBB at scores 0, 2 and 4 (Excel colour scale and HTML cells alike)."""


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


def heat_colour(score: float) -> str:
    """CSS colour ``#rrggbb`` for a score, linear between the three anchors."""
    score = min(max(score, 0.0), float(SCORE_MAX))
    low, mid, high = (_rgb(c) for c in HEAT_COLOURS)
    if score <= 2:
        start, end, t = low, mid, score / 2
    else:
        start, end, t = mid, high, (score - 2) / 2
    mixed = (round(a + (b - a) * t) for a, b in zip(start, end, strict=True))
    return "#" + "".join(f"{v:02x}" for v in mixed)


def text_colour(score: float) -> str:
    """Dark text on light cells, white text on the darkest ones."""
    return "#ffffff" if score >= 3.5 else "#1a1a1a"


@dataclass(frozen=True)
class HeatRow:
    club: int | None
    name: str
    scores: tuple[float | None, ...]
    """One per catalogue theme; None when the registrant has no self-evaluation."""
    ranks: tuple[int | None, ...]
    """Rank (1–3) when the theme is chosen, per catalogue theme."""


def heat_rows(proposal: Proposal, registrations: Registrations) -> list[HeatRow]:
    """Rows of the heat map: every participant, grouped by club."""
    by_name = registrations.by_name()
    themes = registrations.catalogue.names
    rows = []
    for club, name in participants_in_order(proposal):
        r = by_name.get(name)
        has_scores = r is not None and r.self_evaluation is not None
        chosen = chosen_themes(r)
        rows.append(
            HeatRow(
                club=club,
                name=name,
                scores=tuple(r.score(t) if has_scores and r else None for t in themes),
                ranks=tuple(chosen.index(t) + 1 if t in chosen else None for t in themes),
            )
        )
    return rows


def heat_table_html(proposal: Proposal, registrations: Registrations) -> str:
    """An HTML table: a header row per club, a row per participant, coloured cells."""
    e = html.escape
    themes = registrations.catalogue.names
    head = "".join(f'<th class="rot"><span>{e(t)}</span></th>' for t in themes)
    parts = [f'<table class="heat"><thead><tr><th>Deelnemer</th>{head}</tr></thead><tbody>']
    current: object = object()
    for row in heat_rows(proposal, registrations):
        if row.club != current:
            current = row.club
            title = f"Club {row.club}" if row.club is not None else "Zonder club"
            parts.append(f'<tr class="group"><th colspan="{len(themes) + 1}">{e(title)}</th></tr>')
        cells = []
        for score, rank in zip(row.scores, row.ranks, strict=True):
            if score is None:
                cells.append('<td class="none">–</td>')
                continue
            mark = f"<sup>{rank}</sup>" if rank else ""
            cls = ' class="chosen"' if rank else ""
            style = f"background:{heat_colour(score)};color:{text_colour(score)}"
            cells.append(f'<td{cls} style="{style}">{fmt_number(score)}{mark}</td>')
        parts.append(f'<tr><th class="name">{e(row.name)}</th>{"".join(cells)}</tr>')
    parts.append("</tbody></table>")
    return "".join(parts)


def heat_legend_html() -> str:
    """The score scale with its Dutch meanings."""
    items = "".join(
        f'<span class="swatch" style="background:{heat_colour(s)};color:{text_colour(s)}">'
        f"{s}</span> {html.escape(label)} "
        for s, label in SCORE_LABELS.items()
    )
    return (
        f'<p class="legend">{items}<br>Vet met cijfer (<sup>1</sup>, <sup>2</sup>, '
        "<sup>3</sup>): gekozen leerthema met rang.</p>"
    )
