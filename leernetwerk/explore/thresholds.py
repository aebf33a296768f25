"""``--drempels KEY=lo:hi``: the values of one setting at which the layout changes.

The search, deterministic and bounded:

1. the layout is computed at :data:`GRID` evenly spaced values from ``lo`` to
   ``hi`` and at the base value;
2. between two neighbouring values with different layouts (selection, club
   member sets, session member sets per round; numbering ignored) the
   midpoint is computed; the half whose ends still differ is kept (both halves
   when the midpoint's layout is a third one). This repeats, all open
   intervals in one batch (in parallel), until an interval is at most
   (hi − lo) / 2^:data:`DEPTH` wide (width 1 for a whole-number setting);
3. at most :data:`MAX_RUNS` values are computed in all; intervals still open
   then are reported as they are (wider).

A change that happens and reverts between two neighbouring grid values is not
seen; a finer grid (a narrower range) finds it. Every computed value is a
variant of the exploration (and is cached), so the outputs show them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from leernetwerk.config import CycleConfig
from leernetwerk.errors import UserError
from leernetwerk.explore.analysis import Change, change, layout_signature
from leernetwerk.explore.variants import (
    USAGE_EXIT,
    Variant,
    VarySpec,
    check_keys,
    format_value,
    setting_value,
    typed_values,
)
from leernetwerk.proposal import Proposal

GRID = 5
DEPTH = 6
MAX_RUNS = 40

Compute = Callable[[list[Variant]], list[Proposal]]
"""Computes a batch of variants (in parallel), in order."""


@dataclass(frozen=True)
class ThresholdSpec:
    key: str
    low: float
    high: float
    integer: bool


@dataclass(frozen=True)
class Threshold:
    """The layout at ``low`` differs from the one at ``high`` (no computed value between)."""

    low: float
    high: float
    change: Change


@dataclass(frozen=True)
class ThresholdResult:
    spec: ThresholdSpec
    points: tuple[float, ...]
    """Every value computed, ascending."""
    thresholds: tuple[Threshold, ...]
    runs: int


def parse_threshold_spec(text: str, config: CycleConfig) -> ThresholdSpec:
    """``KEY`` or ``KEY=lo:hi`` → a checked spec (a usage error exits 2, a value error 1)."""
    option = "--drempels"
    key, sep, bounds = text.partition("=")
    key = key.strip()
    check_keys([key], config, option)
    base = setting_value(config, key)
    if isinstance(base, bool) or not isinstance(base, int | float):
        raise UserError(
            f"{option} {key}: dit is geen getal; drempels zoeken kan alleen voor een "
            "getalinstelling (bijvoorbeeld een gewicht).",
            exit_code=USAGE_EXIT,
        )
    if sep:
        low_text, colon, high_text = bounds.partition(":")
        if not colon or not low_text.strip() or not high_text.strip():
            raise UserError(
                f"{option} '{text}': schrijf INSTELLING=van:tot, bijvoorbeeld "
                "weights.clubs.region=-5:5.",
                exit_code=USAGE_EXIT,
            )
        low, high = typed_values(config, VarySpec(key, (low_text.strip(),)), option)[0], None
        high = typed_values(config, VarySpec(key, (high_text.strip(),)), option)[0]
    elif base > 0:
        low, high = 0 * base, 2 * base
    else:
        raise UserError(
            f"{option} {key}: de basiswaarde is {format_value(base)}; geef een bereik op, "
            f"bijvoorbeeld {key}=-5:5.",
            exit_code=USAGE_EXIT,
        )
    if not low < high:
        raise UserError(f"{option} {text}: de ondergrens moet kleiner zijn dan de bovengrens.")
    return ThresholdSpec(key, float(low), float(high), integer=isinstance(base, int))


def _value(spec: ThresholdSpec, x: float) -> Any:
    return int(x) if spec.integer else x


def initial_points(spec: ThresholdSpec, base: float) -> list[float]:
    step = (spec.high - spec.low) / (GRID - 1)
    points = [spec.low + i * step for i in range(GRID - 1)] + [spec.high]
    if spec.integer:
        points = [float(round(p)) for p in points]
    if spec.low <= base <= spec.high:
        points.append(float(base))
    return sorted(set(points))


def find_thresholds(
    spec: ThresholdSpec, base_value: float, compute: Compute
) -> tuple[ThresholdResult, list[Variant], list[Proposal]]:
    """Search (module doc); returns the result and every computed variant, ascending."""

    def variant(x: float) -> Variant:
        value = _value(spec, x)
        return Variant() if value == base_value else Variant(((spec.key, value),))

    layouts: dict[float, Proposal] = {}

    def run(points: Sequence[float]) -> None:
        new = [x for x in points if x not in layouts]
        for x, proposal in zip(new, compute([variant(x) for x in new]), strict=True):
            layouts[x] = proposal

    run(initial_points(spec, base_value))
    tolerance = 1.0 if spec.integer else (spec.high - spec.low) / 2**DEPTH
    points = sorted(layouts)
    sig = {x: layout_signature(p) for x, p in layouts.items()}
    open_ = [(a, b) for a, b in zip(points, points[1:], strict=False) if sig[a] != sig[b]]
    done: list[tuple[float, float]] = []
    while open_:
        wide = [(a, b) for a, b in open_ if b - a > tolerance]
        done += [(a, b) for a, b in open_ if b - a <= tolerance]
        room = MAX_RUNS - len(layouts)
        if not wide or room <= 0:
            done += wide
            break
        batch, rest = wide[:room], wide[room:]
        mids = [_midpoint(spec, a, b) for a, b in batch]
        run(mids)
        sig.update({m: layout_signature(layouts[m]) for m in mids})
        open_ = list(rest)
        for (a, b), m in zip(batch, mids, strict=True):
            open_ += [(x, y) for x, y in ((a, m), (m, b)) if sig[x] != sig[y]]
        open_.sort()
    thresholds = tuple(
        Threshold(a, b, change(layouts[a], layouts[b])) for a, b in sorted(set(done))
    )
    ordered = sorted(layouts)
    result = ThresholdResult(spec, tuple(ordered), thresholds, len(layouts))
    return result, [variant(x) for x in ordered], [layouts[x] for x in ordered]


def _midpoint(spec: ThresholdSpec, a: float, b: float) -> float:
    middle = (a + b) / 2
    return float(int(middle // 1)) if spec.integer else middle
