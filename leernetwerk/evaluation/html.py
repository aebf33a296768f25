"""``evaluatie.html``: the figures as one self-contained page (inline CSS and SVG).

Rendered from ``evaluation/templates/evaluatie.html`` (package data) with
autoescaping and strict undefined names, like the proposal report; no
scripts, fonts or links, so it works offline and as an e-mail attachment.
This module turns ``evaluatie.json`` into chart geometry; the template holds
the markup.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from jinja2 import Environment

from leernetwerk.evaluation.overview import GROUPINGS
from leernetwerk.templating import html_environment

BAR_WIDTH = 320
"""Pixels for the full scale of a bar."""
NETWORK_SIZE = 520


def environment() -> Environment:
    return html_environment("leernetwerk.evaluation")


def fmt(value: float | None, digits: int = 2) -> str:
    """Dutch decimal comma; '–' for no value."""
    if value is None:
        return "–"
    return f"{value:.{digits}f}".replace(".", ",")


def bars(entries: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """A horizontal bar chart of mean usefulness (scale 0–5) per group."""
    rows = []
    for index, entry in enumerate(entries):
        value = entry["mean"]
        rows.append(
            {
                "label": entry["key"],
                "y": 8 + index * 26,
                "width": 0 if value is None else round(value / 5 * BAR_WIDTH, 1),
                "text": f"{fmt(value)} (n = {entry['n']})",
            }
        )
    return {"title": label, "rows": rows, "height": 16 + len(rows) * 26}


def growth_bars(themes: list[dict[str, Any]]) -> dict[str, Any]:
    """Diverging bars: growth per theme around zero (scale ±2 or the largest value)."""
    largest = max([abs(t["growth"]) for t in themes if t["growth"] is not None] + [2.0])
    half = BAR_WIDTH / 2
    rows = []
    for index, theme in enumerate(themes):
        growth = theme["growth"] or 0.0
        width = round(abs(growth) / largest * half, 1)
        rows.append(
            {
                "label": theme["theme"],
                "y": 8 + index * 26,
                "x": half if growth >= 0 else half - width,
                "width": width,
                "negative": growth < 0,
                "text": f"{fmt(theme['growth'])} (n = {theme['n']})",
            }
        )
    return {"rows": rows, "height": 16 + len(rows) * 26, "zero": half}


def network_picture(figures: dict[str, Any]) -> dict[str, Any]:
    """Participants on a circle grouped by club; a line for every tie among them."""
    members = [(c["club"], n) for c in figures["clubs"] for n in c["members"]]
    count = max(len(members), 1)
    centre = NETWORK_SIZE / 2
    radius = centre - 60
    position = {}
    nodes = []
    for index, (club, name) in enumerate(members):
        angle = 2 * math.pi * index / count - math.pi / 2
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        position[name] = (round(x, 1), round(y, 1))
        nodes.append({"name": name, "club": club, "x": position[name][0], "y": position[name][1]})
    edges = [
        {"x1": position[a][0], "y1": position[a][1], "x2": position[b][0], "y2": position[b][1]}
        for a, b in figures["network"]["edges"]
        if a in position and b in position
    ]
    return {"size": NETWORK_SIZE, "nodes": nodes, "edges": edges}


def context(figures: dict[str, Any]) -> dict[str, Any]:
    usefulness = figures["usefulness"]
    return {
        "f": figures,
        "fmt": fmt,
        "charts": [bars(usefulness[key], label) for key, label in GROUPINGS],
        "growth": growth_bars(figures["themes"]),
        "network": network_picture(figures),
        "bar_width": BAR_WIDTH,
    }


def render_evaluation_html(figures: dict[str, Any]) -> str:
    return environment().get_template("evaluatie.html").render(context(figures))


def write_evaluation_html(figures: dict[str, Any], path: Path) -> None:
    Path(path).write_text(render_evaluation_html(figures), encoding="utf-8")
