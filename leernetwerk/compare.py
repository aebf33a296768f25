"""What changed between two layouts or two proposals, in Dutch.

Two uses share this module. ``leernetwerk check`` shows how an edited layout
scores against the engine's proposal per criterion (:func:`criterion_changes`).
``leernetwerk compare A B`` lists who moved between two runs (selection,
club, session partners per round) and how every quality figure and every
criterion of the breakdown changed, so an analyst who changed a weight sees
exactly what that did (:func:`compare_proposals`). Both return plain pydantic
models, so ``--json`` is the same data as the Dutch text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from leernetwerk.proposal import Breakdown, Proposal, Quality, load_proposal


class Report(BaseModel):
    model_config = ConfigDict(frozen=True)


class CriterionChange(Report):
    """One criterion in two breakdowns: ``before`` / ``after`` are contributions."""

    key: str
    label: str
    weight_before: float | None
    weight_after: float | None
    raw_before: float | None
    raw_after: float | None
    before: float
    after: float

    @property
    def difference(self) -> float:
        return round(self.after - self.before, 4)

    @property
    def weight_changed(self) -> bool:
        return self.weight_before != self.weight_after


class ScoreChange(Report):
    criteria: tuple[CriterionChange, ...]
    total_before: float
    total_after: float

    @property
    def total_difference(self) -> float:
        return round(self.total_after - self.total_before, 4)


def criterion_changes(before: Breakdown | None, after: Breakdown | None) -> ScoreChange:
    """Per criterion (in first-seen order): weight, raw score and contribution before and after.

    A criterion missing on one side counts as contribution 0 there, so
    switching a weight on or off still shows up.
    """
    left = {c.key: c for c in before.criteria} if before else {}
    right = {c.key: c for c in after.criteria} if after else {}
    changes = []
    for key in dict.fromkeys([*left, *right]):
        a, b = left.get(key), right.get(key)
        label = (b or a).label  # type: ignore[union-attr]
        changes.append(
            CriterionChange(
                key=key,
                label=label,
                weight_before=a.weight if a else None,
                weight_after=b.weight if b else None,
                raw_before=a.raw if a else None,
                raw_after=b.raw if b else None,
                before=a.contribution if a else 0.0,
                after=b.contribution if b else 0.0,
            )
        )
    return ScoreChange(
        criteria=tuple(changes),
        total_before=before.total if before else 0.0,
        total_after=after.total if after else 0.0,
    )


class FigureChange(Report):
    """One quality figure (objective, bound, …) before and after."""

    label: str
    before: float | str | None
    after: float | str | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


class ClubMove(Report):
    name: str
    before: int | None
    after: int | None


class PartnerChange(Report):
    """A member whose session partners in one round differ between A and B."""

    round: int
    name: str
    before: tuple[str, ...]
    after: tuple[str, ...]


class Comparison(Report):
    """Everything that differs between proposal A and proposal B."""

    a: str
    b: str
    inputs: tuple[FigureChange, ...]
    """Cycle, input and config hashes, seed, solver settings that differ."""
    selected_in: tuple[str, ...]
    """Selected in B, not in A."""
    selected_out: tuple[str, ...]
    """Selected in A, not in B."""
    club_moves: tuple[ClubMove, ...]
    partner_changes: tuple[PartnerChange, ...]
    quality: tuple[FigureChange, ...]
    scores: ScoreChange

    @property
    def same_inputs(self) -> bool:
        return not self.inputs


def input_differences(a: Proposal, b: Proposal) -> list[FigureChange]:
    """The recorded inputs and settings that differ (same inputs → empty)."""
    pairs: list[tuple[str, object, object]] = [
        ("Cyclus", a.cycle, b.cycle),
        ("Invoerbestand", a.input_file, b.input_file),
        ("SHA-256 invoer", a.input_sha256, b.input_sha256),
        ("SHA-256 configuratie", a.config_sha256, b.config_sha256),
        ("Seed", a.seed, b.seed),
    ]
    for key in sorted(set(a.solver) | set(b.solver)):
        pairs.append((f"Solver: {key}", a.solver.get(key), b.solver.get(key)))
    return [
        FigureChange(label=label, before=_plain(x), after=_plain(y))
        for label, x, y in pairs
        if x != y
    ]


def _plain(value: object) -> float | str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    return str(value)


QUALITY_FIGURES: tuple[tuple[str, Callable[[Quality], float | str | None]], ...] = (
    ("status", lambda q: q.status.value),
    ("doelfunctie", lambda q: q.objective),
    ("beste grens", lambda q: q.bound),
    ("gap", lambda q: q.gap),
    ("basislijn", lambda q: q.baseline_objective),
    ("deterministische tijd", lambda q: q.deterministic_time),
)


def quality_changes(a: Proposal, b: Proposal) -> list[FigureChange]:
    """Every quality figure of the matching, and of the selection when either has one."""
    changes = [
        FigureChange(label=f"Matching: {label}", before=get(a.quality), after=get(b.quality))
        for label, get in QUALITY_FIGURES
    ]
    if a.selection_quality is not None or b.selection_quality is not None:
        sa, sb = a.selection_quality or Quality(), b.selection_quality or Quality()
        changes += [
            FigureChange(label=f"Selectie: {label}", before=get(sa), after=get(sb))
            for label, get in QUALITY_FIGURES
            if label != "basislijn" or get(sa) is not None or get(sb) is not None
        ]
    return changes


def club_moves(a: Proposal, b: Proposal) -> list[ClubMove]:
    """Members whose club differs (None: in no club), in A's order then B's."""
    before, after = a.layout.club_of(), b.layout.club_of()
    names = dict.fromkeys([*before, *after])
    return [
        ClubMove(name=n, before=before.get(n), after=after.get(n))
        for n in names
        if before.get(n) != after.get(n)
    ]


def session_partners(proposal: Proposal, round_number: int) -> dict[str, tuple[str, ...]]:
    """Member → the others in its session(s) of that round, sorted."""
    partners: dict[str, set[str]] = {}
    for rnd, session in proposal.layout.sessions():
        if rnd != round_number:
            continue
        for name in session.members:
            partners.setdefault(name, set()).update(m for m in session.members if m != name)
    return {name: tuple(sorted(others)) for name, others in partners.items()}


def partner_changes(a: Proposal, b: Proposal) -> list[PartnerChange]:
    """Per round, every member whose set of session partners changed."""
    rounds = sorted({r.round for r in a.rounds} | {r.round for r in b.rounds})
    changes = []
    for number in rounds:
        before, after = session_partners(a, number), session_partners(b, number)
        for name in dict.fromkeys([*before, *after]):
            if before.get(name) != after.get(name):
                changes.append(
                    PartnerChange(
                        round=number,
                        name=name,
                        before=before.get(name, ()),
                        after=after.get(name, ()),
                    )
                )
    return changes


def compare_proposals(
    a: Proposal, b: Proposal, *, a_name: str = "A", b_name: str = "B"
) -> Comparison:
    """What differs between two proposals (see :class:`Comparison`)."""
    sel_a, sel_b = set(a.selected), set(b.selected)
    return Comparison(
        a=a_name,
        b=b_name,
        inputs=tuple(input_differences(a, b)),
        selected_in=tuple(n for n in b.selected if n not in sel_a),
        selected_out=tuple(n for n in a.selected if n not in sel_b),
        club_moves=tuple(club_moves(a, b)),
        partner_changes=tuple(partner_changes(a, b)),
        quality=tuple(quality_changes(a, b)),
        scores=criterion_changes(a.breakdown, b.breakdown),
    )


def compare_paths(a: Path | str, b: Path | str) -> Comparison:
    """Compare two run folders or ``proposal.json`` files."""
    return compare_proposals(load_proposal(a), load_proposal(b), a_name=str(a), b_name=str(b))


# --- Dutch text -------------------------------------------------------------


def fmt(value: float | str | None, decimals: int = 3) -> str:
    """Dutch number (decimal comma), text as is, '–' for unknown."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return value
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
    return (text if text not in ("-0", "") else "0").replace(".", ",")


def signed(value: float) -> str:
    text = fmt(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def text_table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    """A plain-text table: first column left-aligned, numbers right-aligned."""
    all_rows = [list(headers), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(all_rows[0]))]
    lines = []
    for index, row in enumerate(all_rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  " + "  ".join(cells).rstrip())
        if index == 0:
            lines.append("  " + "  ".join("-" * w for w in widths))
    return lines


def score_table(scores: ScoreChange, before: str, after: str) -> list[str]:
    """Criterium | gewicht | <before> | <after> | verschil, plus the total row."""
    rows = []
    for c in scores.criteria:
        weight = (
            fmt(c.weight_after)
            if not c.weight_changed
            else f"{fmt(c.weight_before)} → {fmt(c.weight_after)}"
        )
        rows.append(
            [f"{c.label} ({c.key})", weight, fmt(c.before), fmt(c.after), signed(c.difference)]
        )
    rows.append(
        [
            "Totaal",
            "",
            fmt(scores.total_before),
            fmt(scores.total_after),
            signed(scores.total_difference),
        ]
    )
    return text_table(("Criterium", "Gewicht", before, after, "Verschil"), rows)


def _names(names: Iterable[str]) -> str:
    listed = ", ".join(names)
    return listed or "niemand"


def _club(club: int | None) -> str:
    return f"club {club}" if club is not None else "geen club"


def weight_effect(x: CriterionChange) -> tuple[float, float] | None:
    """Split a contribution change into (weight effect, layout effect).

    weight effect = (new weight − old weight) × new raw score;
    layout effect = old weight × (new raw − old raw). They add up to the change.
    """
    if None in (x.weight_before, x.weight_after, x.raw_before, x.raw_after):
        return None
    assert x.weight_before is not None and x.weight_after is not None
    assert x.raw_before is not None and x.raw_after is not None
    by_weight = (x.weight_after - x.weight_before) * x.raw_after
    by_layout = x.weight_before * (x.raw_after - x.raw_before)
    return round(by_weight, 4), round(by_layout, 4)


def render_comparison(c: Comparison) -> str:
    """The comparison as Dutch text for the terminal."""
    lines = [f"Vergelijking: A = {c.a}", f"              B = {c.b}", ""]
    if c.same_inputs:
        lines.append("Invoer: zelfde aanmeldingen, configuratie, seed en solverinstellingen.")
    else:
        lines.append("Invoer verschilt:")
        lines += [f"  {f.label}: {fmt(f.before)} → {fmt(f.after)}" for f in c.inputs]
    lines += ["", "Selectie:"]
    if not c.selected_in and not c.selected_out:
        lines.append("  ongewijzigd.")
    else:
        lines.append(f"  erbij in B: {_names(c.selected_in)}")
        lines.append(f"  eruit in B: {_names(c.selected_out)}")
    lines += ["", "Clubs:"]
    lines += [f"  {m.name}: {_club(m.before)} → {_club(m.after)}" for m in c.club_moves] or [
        "  niemand van club gewisseld."
    ]
    lines += ["", "Sessies (wie ontmoet wie, per ronde):"]
    if not c.partner_changes:
        lines.append("  iedereen heeft in elke ronde dezelfde sessiepartners.")
    for p in c.partner_changes:
        lines.append(
            f"  Ronde {p.round}, {p.name}: was met {_names(p.before)}; nu met {_names(p.after)}"
        )
    lines += ["", "Kwaliteit:"]
    lines += text_table(
        ("Kengetal", "A", "B", "Verschil"),
        [
            [
                f.label,
                fmt(f.before),
                fmt(f.after),
                signed(f.after - f.before)
                if isinstance(f.before, float) and isinstance(f.after, float)
                else ("gelijk" if not f.changed else ""),
            ]
            for f in c.quality
        ],
    )
    lines += ["", "Score per criterium (bijdrage = gewicht × ruwe score):"]
    if not c.scores.criteria:
        lines.append("  geen scoreopbouw in A of B.")
    else:
        lines += score_table(c.scores, "A", "B")
        changed = [x for x in c.scores.criteria if x.weight_changed]
        for x in changed:
            line = (
                f"  Gewicht '{x.label}' ({x.key}) van {fmt(x.weight_before)} naar "
                f"{fmt(x.weight_after)}: bijdrage {fmt(x.before)} → {fmt(x.after)} "
                f"({signed(x.difference)})"
            )
            split = weight_effect(x)
            if split is not None:
                by_weight, by_layout = split
                line += f", waarvan {signed(by_weight)} door het gewicht en "
                line += f"{signed(by_layout)} door de andere indeling"
            lines.append(line + ".")
    return "\n".join(lines)


def comparison_json(c: Comparison) -> dict[str, object]:
    """The comparison as JSON-ready data (differences included)."""
    data = c.model_dump(mode="json")
    data["same_inputs"] = c.same_inputs
    data["scores"]["total_difference"] = c.scores.total_difference
    for item, criterion in zip(data["scores"]["criteria"], c.scores.criteria, strict=True):
        item["difference"] = criterion.difference
    return data
