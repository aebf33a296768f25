"""``verkenning.html``: one self-contained page (inline CSS and SVG, no scripts).

The markup is in the Jinja2 template ``explore/templates/verkenning.html``
(package data, autoescape on, undefined names an error); this module computes
the view: the trade-off charts (criterion against criterion across variants,
the variants that are non-dominated on that pair filled), the pair-stability
heat map ordered by base club, and the tables. Equal findings give equal bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from jinja2 import Environment

from leernetwerk.explore.report import Findings, reading_guide
from leernetwerk.explore.variants import format_value
from leernetwerk.templating import html_environment

CHART_W, CHART_H, MARGIN = 320, 250, 46
MAX_CHART_CRITERIA = 4
"""Charts are drawn for the (at most) 4 criteria that vary most: at most 6 pairs."""


def environment() -> Environment:
    return html_environment("leernetwerk.explore")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    number: int
    label: str
    front: bool
    base: bool
    text: str = ""
    """The numbers of every variant drawn at this spot ("" for all but the first)."""


@dataclass(frozen=True)
class Tick:
    position: float
    text: str


@dataclass(frozen=True)
class Chart:
    x_label: str
    y_label: str
    points: list[Point]
    front_path: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]


def _scale(values: list[float], low_px: float, high_px: float) -> tuple[list[float], list[Tick]]:
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = lo - 1, hi + 1
    pad = (hi - lo) * 0.08
    lo, hi = lo - pad, hi + pad

    def at(v: float) -> float:
        return round(low_px + (v - lo) / (hi - lo) * (high_px - low_px), 1)

    ticks = [lo + (hi - lo) * k / 4 for k in range(5)]
    return [at(v) for v in values], [Tick(at(t), f"{t:.4g}") for t in ticks]


def front_2d(xs: list[float], ys: list[float], sx: int, sy: int) -> list[bool]:
    """Non-dominated on this pair (oriented by the signs)."""
    pts = [(x * sx, y * sy) for x, y in zip(xs, ys, strict=True)]
    return [
        not any(
            (q[0] >= p[0] and q[1] >= p[1]) and (q[0] > p[0] or q[1] > p[1])
            for j, q in enumerate(pts)
            if j != i
        )
        for i, p in enumerate(pts)
    ]


def charts(f: Findings) -> list[Chart]:
    varying = [k for k in f.raw.columns if f.raw[k].nunique() > 1]
    varying.sort(key=lambda k: (-f.raw[k].nunique(), list(f.raw.columns).index(k)))
    chosen = varying[:MAX_CHART_CRITERIA]
    result = []
    for a, b in combinations(chosen, 2):
        xs, ys = [float(v) for v in f.raw[a]], [float(v) for v in f.raw[b]]
        px, x_ticks = _scale(xs, MARGIN, CHART_W - 12)
        py, y_ticks = _scale(ys, CHART_H - MARGIN + 10, 12)
        sa, sb = int(f.signs.get(a, 0)) or 1, int(f.signs.get(b, 0)) or 1
        front = front_2d(xs, ys, sa, sb)
        points = [Point(px[i], py[i], i + 1, f.labels[i], front[i], i == 0) for i in range(len(xs))]
        line = sorted((p for p in points if p.front), key=lambda p: (p.x, p.y))
        path = " ".join(f"{'M' if k == 0 else 'L'}{p.x},{p.y}" for k, p in enumerate(line))
        result.append(
            Chart(
                x_label=f"{f.labels_of_criteria.get(a, a)} ({_direction(sa)})",
                y_label=f"{f.labels_of_criteria.get(b, b)} ({_direction(sb)})",
                points=points,
                front_path=path,
                x_ticks=x_ticks,
                y_ticks=y_ticks,
            )
        )
    return result


def _direction(sign: int) -> str:
    return "hoger is beter" if sign > 0 else "lager is beter"


def heat_colour(share: float) -> str:
    """White (never together) to dark blue (together in every variant)."""
    low, high = (255, 255, 255), (31, 78, 145)
    rgb = [round(a + (b - a) * share) for a, b in zip(low, high, strict=True)]
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def heatmap(f: Findings) -> dict[str, object]:
    names = f.names
    n = len(names)
    cell = max(5, min(16, 760 // max(n, 1)))
    font = max(5, min(11, cell - 2))
    longest = max((len(name) for name in names), default=0)
    label_w = int(longest * font * 0.62) + 10
    share = {(r.a, r.b): float(r.share) for r in f.pairs.itertuples(index=False)}
    share |= {(b, a): s for (a, b), s in share.items()}
    cells = [
        {
            "x": label_w + j * cell,
            "y": label_w + i * cell,
            "fill": heat_colour(share.get((a, b), 0.0)) if i != j else "#9aa5b1",
            "title": f"{a} – {b}: {share.get((a, b), 0.0):.0%}" if i != j else a,
        }
        for i, a in enumerate(names)
        for j, b in enumerate(names)
    ]
    base = f.exploration.proposals[0]
    position = {name: i for i, name in enumerate(names)}
    blocks = []
    for club in sorted(base.clubs, key=lambda c: c.id):
        index = [position[m] for m in club.members if m in position]
        if index:
            start = min(index)
            blocks.append(
                {
                    "x": label_w + start * cell,
                    "size": len(index) * cell,
                    "club": club.id,
                    "mid": label_w + (start + len(index) / 2) * cell,
                }
            )
    labels = [
        {"name": name, "pos": label_w + (i + 0.5) * cell + font / 3} for i, name in enumerate(names)
    ]
    size = label_w + n * cell + 10
    return {
        "cells": cells,
        "blocks": blocks,
        "labels": labels,
        "cell": cell,
        "font": font,
        "label_w": label_w,
        "size": size,
        "legend": [(heat_colour(s), f"{s:.0%}") for s in (0.0, 0.25, 0.5, 0.75, 1.0)],
    }


def context(f: Findings) -> dict[str, object]:
    e = f.exploration
    varying = [k for k in f.raw.columns if f.raw[k].nunique() > 1]
    variants = [
        {
            "number": i + 1,
            "label": f.labels[i],
            "values": [format_value(e.value(v, k)) for k in e.keys],
            "objective": f.objectives[i],
            "status": e.proposals[i].quality.status.value,
            "front": f.non_dominated[i],
            "moved": list(f.changes[i].moved),
            "sessions": len(f.changes[i].sessions_changed),
        }
        for i, v in enumerate(e.variants)
    ]
    unstable = [
        {"name": r.deelnemer, "club": r.base_club, "share": float(r.share)}
        for r in f.people.itertuples(index=False)
        if float(r.share) < 1.0
    ]
    unstable.sort(key=lambda u: (u["share"], str(u["name"])))
    base = e.proposals[0]
    ids = {frozenset(c.members): c.id for c in base.clubs}
    thresholds = None
    if e.thresholds is not None:
        t = e.thresholds
        thresholds = {
            "key": t.spec.key,
            "low": format_value(t.spec.low),
            "high": format_value(t.spec.high),
            "runs": t.runs,
            "rows": [
                {
                    "low": format_value(th.low),
                    "high": format_value(th.high),
                    "moved": list(th.change.moved),
                    "sessions": len(th.change.sessions_changed),
                }
                for th in t.thresholds
            ],
        }
    return {
        "workbook": e.workbook,
        "sha": e.input_sha256[:12],
        "cycle": e.cycle,
        "keys": list(e.keys),
        "grid": e.grid,
        "guide": reading_guide(f),
        "criteria": [
            {
                "label": f.labels_of_criteria.get(k, k),
                "key": k,
                "values": [float(x) for x in f.raw[k]],
            }
            for k in varying
        ],
        "constant": [k for k in f.raw.columns if k not in varying],
        "variants": variants,
        "charts": charts(f),
        "chart_w": CHART_W,
        "chart_h": CHART_H,
        "margin": MARGIN,
        "heat": heatmap(f),
        "unstable": unstable,
        "stable_clubs": [{"club": ids[frozenset(m)], "members": m} for m in f.stable_clubs],
        "thresholds": thresholds,
    }


def render_exploration_html(f: Findings) -> str:
    return environment().get_template("verkenning.html").render(**context(f))


def write_exploration_html(f: Findings, path: Path) -> None:
    Path(path).write_text(render_exploration_html(f), encoding="utf-8")
