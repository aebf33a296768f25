"""The theme heat map: self-evaluation scores 0–4 as colours.

One colour scale for both outputs: white (0, not relevant) through light
blue (2, in ontwikkeling) to strong blue (4, expert). A sequential scale,
not red–green, because a low score is not "bad" (it is a learning question)
and because it stays readable for colour-blind readers and in grey print.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class HeatCell:
    """One coloured cell: the score as Dutch text and its rank when chosen."""

    text: str
    background: str
    colour: str
    rank: int | None


@dataclass(frozen=True)
class HeatGroup:
    """A club's rows (or the selected without club) under one header row."""

    title: str
    rows: tuple[tuple[str, tuple[HeatCell | None, ...]], ...]
    """(name, one cell per catalogue theme; None when there is no self-evaluation)."""


def heat_groups(proposal: Proposal, registrations: Registrations) -> list[HeatGroup]:
    """The heat map's rows grouped by club, cells coloured, ready for the template."""
    groups: list[tuple[int | None, list[tuple[str, tuple[HeatCell | None, ...]]]]] = []
    for row in heat_rows(proposal, registrations):
        if not groups or groups[-1][0] != row.club:
            groups.append((row.club, []))
        cells = tuple(
            None
            if score is None
            else HeatCell(fmt_number(score), heat_colour(score), text_colour(score), rank)
            for score, rank in zip(row.scores, row.ranks, strict=True)
        )
        groups[-1][1].append((row.name, cells))
    return [
        HeatGroup(f"Club {club}" if club is not None else "Zonder club", tuple(rows))
        for club, rows in groups
    ]


def heat_legend() -> list[tuple[HeatCell, str]]:
    """The score scale: a swatch per score with its Dutch meaning."""
    return [
        (HeatCell(str(s), heat_colour(s), text_colour(s), None), label)
        for s, label in SCORE_LABELS.items()
    ]
