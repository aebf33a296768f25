"""The exploration's findings, computed once for the three output files.

:func:`findings` turns the variants and their proposals into
:class:`Findings` (pandas tables plus lists), :func:`findings_json` into the
``verkenning.json`` document, and :func:`reading_guide` into the short Dutch
reading guide the HTML page and the workbook show. Nothing here depends on
time, paths of the cache or the number of processes, so equal explorations
give equal files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from leernetwerk.explore.analysis import (
    Change,
    aligned_club_lists,
    change,
    criteria_frame,
    frame_of,
    non_dominated,
    orientation,
    pair_stability,
    participant_stability,
    participants,
    stable_clubs,
    stable_sessions,
)
from leernetwerk.explore.thresholds import ThresholdResult
from leernetwerk.explore.variants import Variant, format_value
from leernetwerk.proposal import Proposal

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Exploration:
    """What was explored: the inputs, the varied keys and every variant's proposal."""

    workbook: str
    input_sha256: str
    cycle: str | None
    keys: tuple[str, ...]
    base_values: dict[str, Any]
    variants: tuple[Variant, ...]
    proposals: tuple[Proposal, ...]
    grid: bool = False
    thresholds: ThresholdResult | None = None
    base_rescored: tuple[float | None, ...] = ()
    """Per variant: the base layout's score under that variant's settings (None when
    the variant selected other participants). Above the variant's own score, the
    variant's changes come at least partly from where the search stopped."""

    def search_short(self, i: int) -> bool:
        """Whether the base layout beats variant ``i``'s own layout under its settings."""
        if i >= len(self.base_rescored):
            return False
        base, own = self.base_rescored[i], self.proposals[i].quality.objective
        return base is not None and own is not None and base > own + 1e-6

    def value(self, variant: Variant, key: str) -> Any:
        return variant.as_dict().get(key, self.base_values[key])


@dataclass(frozen=True)
class Findings:
    exploration: Exploration
    labels: list[str]
    raw: pd.DataFrame
    """Variants × criteria: raw values."""
    contributions: pd.DataFrame
    weights: pd.DataFrame
    objectives: list[float | None]
    changes: list[Change]
    names: list[str]
    pairs: pd.DataFrame
    people: pd.DataFrame
    stable_clubs: list[list[str]]
    stable_sessions: list[tuple[int, list[str]]]
    non_dominated: list[bool]
    signs: pd.Series
    labels_of_criteria: dict[str, str]


def findings(exploration: Exploration) -> Findings:
    proposals = list(exploration.proposals)
    labels = [v.label for v in exploration.variants]
    raw = criteria_frame(labels, proposals)
    weights = frame_of(labels, proposals, "weight")
    signs = orientation(weights)
    names = participants(proposals)
    criterion_labels: dict[str, str] = {}
    for p in proposals:
        for c in p.breakdown.criteria if p.breakdown else ():
            criterion_labels.setdefault(c.key, c.label)
    return Findings(
        exploration=exploration,
        labels=labels,
        raw=raw,
        contributions=frame_of(labels, proposals, "contribution"),
        weights=weights,
        objectives=[p.quality.objective for p in proposals],
        changes=[change(proposals[0], p) for p in proposals],
        names=names,
        pairs=pair_stability(proposals, names),
        people=participant_stability(proposals, names),
        stable_clubs=stable_clubs(proposals),
        stable_sessions=stable_sessions(proposals),
        non_dominated=non_dominated(raw, signs),
        signs=signs,
        labels_of_criteria=criterion_labels,
    )


def _plain(value: Any) -> Any:
    """pandas/numpy scalars as JSON values."""
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def findings_json(f: Findings) -> dict[str, Any]:
    """The ``verkenning.json`` document (see docs/verken.md for every field)."""
    e = f.exploration
    base = e.proposals[0]
    variants = []
    for i, (variant, proposal) in enumerate(zip(e.variants, e.proposals, strict=True)):
        c = f.changes[i]
        variants.append(
            {
                "label": f.labels[i],
                "overrides": variant.as_dict(),
                "values": {k: e.value(variant, k) for k in e.keys},
                "status": proposal.quality.status.value,
                "objective": f.objectives[i],
                "base_layout_objective": (e.base_rescored[i] if i < len(e.base_rescored) else None),
                "search_stopped_short": e.search_short(i),
                "criteria": {k: _plain(v) for k, v in f.raw.iloc[i].items()},
                "contributions": {k: _plain(v) for k, v in f.contributions.iloc[i].items()},
                "weights": {k: _plain(v) for k, v in f.weights.iloc[i].items()},
                "non_dominated": f.non_dominated[i],
                "selected": list(proposal.selected),
                "clubs": aligned_club_lists(base, proposal),
                "moved": list(c.moved),
                "selection_in": list(c.selection_in),
                "selection_out": list(c.selection_out),
                "sessions_changed": list(c.sessions_changed),
            }
        )
    thresholds = None
    if e.thresholds is not None:
        t = e.thresholds
        thresholds = {
            "key": t.spec.key,
            "low": t.spec.low,
            "high": t.spec.high,
            "runs": t.runs,
            "points": list(t.points),
            "changes": [
                {
                    "from": th.low,
                    "to": th.high,
                    "moved": list(th.change.moved),
                    "selection_in": list(th.change.selection_in),
                    "selection_out": list(th.change.selection_out),
                    "sessions_changed": list(th.change.sessions_changed),
                }
                for th in t.thresholds
            ],
        }
    return {
        "format": FORMAT_VERSION,
        "workbook": e.workbook,
        "input_sha256": e.input_sha256,
        "cycle": e.cycle,
        "varied": list(e.keys),
        "base_values": e.base_values,
        "grid": e.grid,
        "variants": variants,
        "pair_stability": [
            {"a": r.a, "b": r.b, "share": float(r.share), "together": int(r.together)}
            for r in f.pairs.itertuples(index=False)
        ],
        "participant_stability": [
            {"name": r.deelnemer, "base_club": _plain(r.base_club), "share": float(r.share)}
            for r in f.people.itertuples(index=False)
        ],
        "stable_clubs": f.stable_clubs,
        "stable_sessions": [{"round": r, "members": m} for r, m in f.stable_sessions],
        "thresholds": thresholds,
        "reading_guide": reading_guide(f),
    }


# --- the Dutch reading guide ---------------------------------------------------------


def names_text(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" en {len(names) - limit} anderen" if len(names) > limit else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def key_sentences(f: Findings, key: str) -> list[str]:
    """Who changes club along one key (variants that change only that key)."""
    e = f.exploration
    base_value = e.base_values[key]
    single = [
        (e.value(v, key), f.changes[i])
        for i, v in enumerate(e.variants)
        if v.overrides and {k for k, _ in v.overrides} == {key}
    ]
    if not single:
        return []
    if isinstance(base_value, bool) or not isinstance(base_value, int | float):
        return [
            f"Bij {key} = {format_value(value)}: "
            + (
                f"{_count(len(c.moved), 'deelnemer wisselt', 'deelnemers wisselen')} van club "
                f"({names_text(list(c.moved))})."
                if c.moved
                else "niemand wisselt van club."
            )
            for value, c in single
        ]
    sentences = []
    for side, above in (("≥", True), ("≤", False)):
        tried = sorted(
            ((v, c) for v, c in single if (v > base_value if above else v < base_value)),
            key=lambda vc: vc[0] if above else -vc[0],
        )
        first: dict[str, tuple[Any, bool]] = {}
        for position, (value, c) in enumerate(tried):
            for name in c.moved:
                if name not in first:
                    later = [set(x.moved) for _, x in tried[position:]]
                    first[name] = (value, all(name in s for s in later))
        groups: dict[tuple[Any, bool], list[str]] = {}
        for name, where in first.items():
            groups.setdefault(where, []).append(name)
        for (value, lasting), members in sorted(
            groups.items(), key=lambda kv: kv[0][0] if above else -kv[0][0]
        ):
            who = _count(len(members), "deelnemer wisselt", "deelnemers wisselen")
            if lasting:
                when = f"zodra {key} {side} {format_value(value)}"
            else:
                when = f"bij {key} = {format_value(value)} (niet bij elke verdere waarde)"
            sentences.append(f"{who.capitalize()} van club {when}: {names_text(members)}.")
    if not sentences:
        values = ", ".join(format_value(v) for v, _ in sorted(single, key=lambda vc: vc[0]))
        sentences.append(
            f"{key}: bij de geteste waarden ({values}; basis {format_value(base_value)}) "
            "wisselt niemand van club."
        )
    return sentences


def reading_guide(f: Findings) -> list[str]:
    """Short Dutch sentences: what holds, what depends on which weight."""
    e = f.exploration
    n = len(e.variants)
    lines = [
        f"{_count(n, 'variant', 'varianten')}: de basis (de instellingen zoals opgegeven) en "
        f"{n - 1} met andere waarden voor {', '.join(e.keys)}."
    ]
    for key in e.keys:
        lines += key_sentences(f, key)
    if e.thresholds is not None:
        t = e.thresholds
        if not t.thresholds:
            lines.append(
                f"Tussen {t.spec.key} = {format_value(t.spec.low)} en "
                f"{format_value(t.spec.high)} blijft de indeling gelijk "
                f"({_count(t.runs, 'berekening', 'berekeningen')})."
            )
        for th in t.thresholds:
            c = th.change
            parts = []
            if c.moved:
                parts.append(
                    f"{_count(len(c.moved), 'deelnemer wisselt', 'deelnemers wisselen')} "
                    f"van club ({names_text(list(c.moved))})"
                )
            if c.sessions_changed:
                parts.append(
                    f"{_count(len(c.sessions_changed), 'deelnemer krijgt', 'deelnemers krijgen')}"
                    " andere bijeenkomstpartners"
                )
            lines.append(
                f"Tussen {t.spec.key} = {format_value(th.low)} en {format_value(th.high)} "
                f"verandert de indeling: {'; '.join(parts) or 'andere bijeenkomsten'}."
            )
    short = [i for i in range(n) if e.search_short(i)]
    if short:
        worst = max(short, key=lambda i: (e.base_rescored[i] or 0) - (f.objectives[i] or 0))
        lines.append(
            f"Let op: bij {', '.join(f.labels[i] for i in short)} scoort de basisindeling "
            "onder de instellingen van die variant hoger dan de indeling die de variant vond "
            f"(bijvoorbeeld {f.labels[worst]}: {format_value(e.base_rescored[worst])} tegen "
            f"{format_value(f.objectives[worst])}). Daar komen wisselingen dus (deels) doordat "
            "de zoektocht binnen de rekentijd stopte, niet alleen door de gewichten."
        )
    base_people = f.people[f.people["base_club"].notna()]
    keep = int((base_people["share"] == 1.0).sum())
    lines.append(
        f"{keep} van de {len(base_people)} deelnemers van de basis houden in elke variant "
        "hun basisclub."
    )
    clubs = len(e.proposals[0].clubs)
    lines.append(
        f"{len(f.stable_clubs)} van de {clubs} clubs blijven in elke variant precies gelijk; "
        f"{len(f.stable_sessions)} bijeenkomsten van de basis komen in elke variant terug."
    )
    best = [f.labels[i] for i, flag in enumerate(f.non_dominated) if flag]
    lines.append(
        "Niet gedomineerd (geen andere variant is op elk criterium minstens zo goed en op "
        f"één beter): {', '.join(best)}."
    )
    return lines
