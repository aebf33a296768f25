"""What the selection report and the selection workbook show, computed once.

``leernetwerk select`` writes a stuurgroep-facing ``report.html`` and
``selectie.xlsx`` for the selection alone (the first of the cycle's two
decisions). Both tell the same story from :func:`selection_view`: who is in
and why, the balance, the spread over provinces (laid out like the map),
sizes and variants, which rules were met, and an appendix for analysts with
the calculation's figures. The main part uses no solver terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from leernetwerk.config import CycleConfig
from leernetwerk.domain import PROVINCES, SIZE_CLASSES, Balance, Registration, Registrations
from leernetwerk.proposal import CriterionScore, Proposal, Quality, SelectionEntry, SolveStatus
from leernetwerk.reports.common import fmt_inhabitants, fmt_number

DEFICIT_LABEL = "tekort"
OTHER_LABEL = "overschot/neutraal"

MAP_GRID: tuple[tuple[str | None, ...], ...] = (
    (None, "Friesland", "Groningen"),
    ("Noord-Holland", "Flevoland", "Drenthe"),
    ("Zuid-Holland", "Utrecht", "Overijssel"),
    ("Zeeland", "Noord-Brabant", "Gelderland"),
    (None, None, "Limburg"),
)
"""The twelve provinces roughly where they lie on the map (north at the top)."""

SIZE_ORDER = tuple(label for label, _, _ in SIZE_CLASSES)


@dataclass(frozen=True)
class Row:
    """One registrant as the report lists it."""

    name: str
    selected: bool
    province: str
    size: str
    variant: str
    deficit: bool | None
    """None when the registration is unknown."""
    safety_net: str
    inhabitants: str
    reason: str
    what_if: str
    selectable: bool

    @property
    def balance_label(self) -> str:
        return "" if self.deficit is None else DEFICIT_LABEL if self.deficit else OTHER_LABEL


@dataclass(frozen=True)
class Group:
    """Registrants and selected ones for one province, size class or variant."""

    label: str
    registered: int
    selected: int
    deficit: int
    other: int
    names: tuple[str, ...]
    """Selected names."""


@dataclass(frozen=True)
class Rule:
    label: str
    met: bool
    detail: str


@dataclass(frozen=True)
class SelectionView:
    cycle: str
    input_file: str
    input_sha256: str
    places: int
    taken: int
    registered: int
    selectable: int
    selected: tuple[Row, ...]
    rejected: tuple[Row, ...]
    not_selectable: tuple[Row, ...]
    deficit: int
    other: int
    tolerance: int
    provinces: tuple[Group, ...]
    province_map: tuple[tuple[Group | None, ...], ...]
    sizes: tuple[Group, ...]
    variants: tuple[Group, ...]
    rules: tuple[Rule, ...]
    certainty: str
    notes: tuple[str, ...]
    appendix: tuple[tuple[str, str, str], ...]
    """(label, value, explanation) for analysts."""
    breakdown: tuple[tuple[str, str, str, str], ...] = field(default=())
    """(criterion, weight, raw, contribution)."""

    @property
    def balance_text(self) -> str:
        return f"{self.deficit} {DEFICIT_LABEL} tegen {self.other} {OTHER_LABEL}"

    @property
    def deficit_share(self) -> float:
        total = self.deficit + self.other
        return self.deficit / total if total else 0.0


def _row(entry: SelectionEntry, r: Registration | None, selectable: bool) -> Row:
    return Row(
        name=entry.name,
        selected=entry.selected,
        province=r.province if r else "",
        size=r.size_class if r else "",
        variant=r.execution_variant if r else "",
        deficit=r.balance is Balance.DEFICIT if r else None,
        safety_net=r.safety_net.value if r else "",
        inhabitants=fmt_inhabitants(r.inhabitants) if r else "",
        reason=entry.reason,
        what_if=entry.forcing_cost.note if entry.forcing_cost else "",
        selectable=selectable,
    )


def _groups(
    rows: Sequence[Row], key: Callable[[Row], str], order: Iterable[str]
) -> tuple[Group, ...]:
    labels = list(dict.fromkeys([*order, *sorted({key(r) for r in rows if key(r)})]))
    groups = []
    for label in labels:
        mine = [r for r in rows if key(r) == label]
        chosen = [r for r in mine if r.selected]
        groups.append(
            Group(
                label=label,
                registered=len(mine),
                selected=len(chosen),
                deficit=sum(1 for r in chosen if r.deficit),
                other=sum(1 for r in chosen if r.deficit is False),
                names=tuple(r.name for r in chosen),
            )
        )
    return tuple(groups)


NOT_SELECTABLE = {"incomplete", "excluded"}


def _certainty(quality: Quality | None) -> str:
    if quality is None:
        return "Onbekend hoe de selectie is berekend."
    if quality.status is SolveStatus.OPTIMAL:
        return (
            "Dit is aantoonbaar de beste selectie volgens de afwegingsregels van deze cyclus: "
            "geen andere selectie die aan de regels voldoet, scoort hoger."
        )
    return (
        "De berekening stopte aan het eind van de rekentijd; een iets betere selectie is niet "
        "uitgesloten. Meer rekentijd kan dat uitwijzen."
    )


def _appendix(proposal: Proposal) -> tuple[tuple[str, str, str], ...]:
    q = proposal.selection_quality or Quality()
    gap = f"{q.gap:.2%}".replace(".", ",") if q.gap is not None else "–"
    rows = [
        (
            "Status",
            q.status.value,
            "optimaal: bewezen de hoogste score; anders stopte de berekening eerder.",
        ),
        (
            "Score (doelfunctie)",
            fmt_number(q.objective),
            "De som van gewicht × waarde over de afwegingsregels (zie de tabel hieronder).",
        ),
        (
            "Bovengrens (bound)",
            fmt_number(q.bound),
            "Hoger dan dit kan geen selectie scoren; gelijk aan de score betekent bewezen best.",
        ),
        ("Gat (gap)", gap, "Het relatieve verschil tussen score en bovengrens."),
        (
            "Score eenvoudige selectie",
            fmt_number(q.baseline_objective),
            "Ter vergelijking: wie voorgaat op voorrang en aanmelddatum, zonder spreiding.",
        ),
        (
            "Deterministische tijd",
            fmt_number(q.deterministic_time, 2),
            "Rekenwerk in vaste eenheden: op elke computer hetzelfde, dus herhaalbaar.",
        ),
    ]
    # Wall time is left out: it differs per run, and the report must not (see selection.json).
    for key, value in sorted(proposal.solver.items()):
        rows.append((f"Instelling: {key}", str(value), "Uit cycle.toml of de standaard."))
    return tuple(rows)


def selection_view(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    breakdown: Sequence[CriterionScore] = (),
) -> SelectionView:
    """Everything the selection report and workbook show, for ``proposal.selection``."""
    by_name = registrations.by_name()
    rows = []
    for entry in proposal.selection:
        selectable = not (entry.codes and entry.codes[0].code in NOT_SELECTABLE)
        rows.append(_row(entry, by_name.get(entry.name), selectable))
    selected = tuple(r for r in rows if r.selected)
    places = int(proposal.solver.get("places", config.cycle.places))
    tolerance = int(proposal.solver.get("balance_tolerance", config.selection.balance_tolerance))

    def places_of(name: str) -> int:
        r = by_name.get(name)
        return config.cycle.organisation_places if r and r.is_organisation else 1

    taken = sum(places_of(r.name) for r in selected)
    deficit = sum(1 for r in selected if r.deficit)
    other = sum(1 for r in selected if r.deficit is False)
    province_groups = _groups(rows, lambda r: r.province, PROVINCES)
    by_province = {g.label: g for g in province_groups}
    province_map = tuple(
        tuple(by_province.get(p) if p else None for p in line) for line in MAP_GRID
    )
    deadline = config.cycle.deadline
    late_in = [r.name for r in selected if (g := by_name.get(r.name)) and g.is_late(deadline)]
    members = [
        m.casefold() for r in selected if (g := by_name.get(r.name)) for m in g.municipalities()
    ]
    twice = sorted({m for m in members if members.count(m) > 1})
    rules = (
        Rule(
            "Niet meer deelnemers dan plaatsen",
            taken <= places,
            f"{taken} van de {places} plaatsen bezet",
        ),
        Rule(
            "Evenwicht tussen tekort en overschot/neutraal",
            abs(deficit - other) <= tolerance,
            f"{deficit} {DEFICIT_LABEL} tegen {other} {OTHER_LABEL} "
            f"(afgesproken: verschil hoogstens {tolerance})",
        ),
        Rule(
            "Niemand neemt twee keer deel",
            not twice,
            "ook niet via een uitvoeringsorganisatie"
            if not twice
            else "dubbel: " + ", ".join(twice),
        ),
        Rule(
            "Te late aanmeldingen alleen op plaatsen die over waren",
            True,
            f"{len(late_in)} te late aanmelding(en) geselecteerd" if late_in else "geen",
        ),
    )
    return SelectionView(
        cycle=proposal.cycle,
        input_file=proposal.input_file,
        input_sha256=proposal.input_sha256[:12],
        places=places,
        taken=taken,
        registered=len(rows),
        selectable=sum(1 for r in rows if r.selectable),
        selected=selected,
        rejected=tuple(r for r in rows if not r.selected and r.selectable),
        not_selectable=tuple(r for r in rows if not r.selectable),
        deficit=deficit,
        other=other,
        tolerance=tolerance,
        provinces=province_groups,
        province_map=province_map,
        sizes=_groups(rows, lambda r: r.size, SIZE_ORDER),
        variants=_groups(rows, lambda r: r.variant, ()),
        rules=rules,
        certainty=_certainty(proposal.selection_quality),
        notes=tuple(proposal.warnings),
        appendix=_appendix(proposal),
        breakdown=tuple(
            (s.label, fmt_number(s.weight, 2), fmt_number(s.raw), fmt_number(s.contribution))
            for s in breakdown
        ),
    )
