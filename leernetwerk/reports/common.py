"""What both review outputs show, computed once: numbering, balance, quality.

The workbook and the HTML report must tell the same story, so every figure
they share (session numbers, balance per club, the quality ratio, the hard
rule checks) is derived here and only formatted by the writers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Balance, Registration, Registrations
from leernetwerk.proposal import Breakdown, Layout, Proposal, Quality, SelectionEntry, Session
from matching.engine import baseline as simple_layout
from matching.rules import check_layout
from matching.scoring import score_layout


@dataclass(frozen=True)
class NumberedSession:
    """A session with its number: 1, 2, … within its round, in proposal order.

    The number is what a user edits in the round sheets to move a member, so
    it must be stable for a given proposal and unique within the round.
    """

    round: int
    number: int
    session: Session


@dataclass(frozen=True)
class ClubBalance:
    club: int
    deficit: int
    other: int
    """Surplus and neutral together (docs/domain.md §5b)."""

    @property
    def size(self) -> int:
        return self.deficit + self.other


def round_numbers(proposal: Proposal, config: CycleConfig) -> tuple[int, ...]:
    """Rounds to show: every configured round plus any the proposal holds."""
    numbers = set(range(1, config.sessions.rounds + 1))
    numbers.update(r.round for r in proposal.rounds)
    return tuple(sorted(numbers))


def numbered_sessions(proposal: Proposal) -> list[NumberedSession]:
    """Every session with its per-round number, rounds in ascending order."""
    result = []
    for rnd in sorted(proposal.rounds, key=lambda r: r.round):
        for number, session in enumerate(rnd.sessions, start=1):
            result.append(NumberedSession(round=rnd.round, number=number, session=session))
    return result


def session_number_of(proposal: Proposal) -> dict[tuple[int, frozenset[str]], int]:
    """(round, member set) → session number, to label score rows."""
    return {(s.round, frozenset(s.session.members)): s.number for s in numbered_sessions(proposal)}


def is_deficit(registration: Registration | None) -> bool:
    return registration is not None and registration.balance is Balance.DEFICIT


def club_balances(proposal: Proposal, registrations: Registrations) -> list[ClubBalance]:
    """Deficit versus surplus/neutral members per club."""
    by_name = registrations.by_name()
    result = []
    for club in proposal.clubs:
        deficit = sum(is_deficit(by_name.get(m)) for m in club.members)
        result.append(ClubBalance(club.id, deficit, len(club.members) - deficit))
    return result


def selection_balance(proposal: Proposal, registrations: Registrations) -> ClubBalance:
    """Deficit versus surplus/neutral among all selected (club 0 = everyone)."""
    by_name = registrations.by_name()
    deficit = sum(is_deficit(by_name.get(m)) for m in proposal.selected)
    return ClubBalance(0, deficit, len(proposal.selected) - deficit)


def quality_ratio(quality: Quality) -> float | None:
    """Objective divided by the simple baseline's objective, when meaningful."""
    if quality.objective is None or not quality.baseline_objective:
        return None
    if quality.baseline_objective <= 0:
        return None
    return quality.objective / quality.baseline_objective


def participants_in_order(proposal: Proposal) -> list[tuple[int | None, str]]:
    """(club, name) for every participant: club members by club, then selected without club."""
    seen: set[str] = set()
    result: list[tuple[int | None, str]] = []
    for club in sorted(proposal.clubs, key=lambda c: c.id):
        for name in club.members:
            if name not in seen:
                seen.add(name)
                result.append((club.id, name))
    for name in proposal.selected:
        if name not in seen:
            seen.add(name)
            result.append((None, name))
    return result


def chosen_themes(registration: Registration | None) -> tuple[str, ...]:
    """The registrant's chosen themes in rank order (first choice first)."""
    if registration is None:
        return ()
    return tuple(c.theme for c in sorted(registration.themes, key=lambda c: c.rank))


def fmt_number(value: float | None, decimals: int = 1) -> str:
    """Dutch number: decimal comma, no thousands separator; '–' for unknown."""
    if value is None:
        return "–"
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def fmt_inhabitants(value: int) -> str:
    """Dutch thousands separator: 131.000."""
    return f"{value:,}".replace(",", ".")


def yes_no(flag: bool) -> str:
    return "ja" if flag else "nee"


def join(parts: Iterable[str], sep: str = "; ") -> str:
    return sep.join(p for p in parts if p)


@dataclass(frozen=True)
class CriterionComparison:
    """One criterion's raw value in this proposal and in another layout."""

    key: str
    label: str
    ours: float
    other: float

    @property
    def verdict(self) -> str:
        """'beter', 'gelijk' or 'minder goed' (a higher raw value is always better:
        penalties have a negative raw value)."""
        if abs(self.ours - self.other) < 1e-9:
            return "gelijk"
        return "beter" if self.ours > self.other else "minder goed"


@dataclass(frozen=True)
class LayoutComparison:
    """This proposal against another layout (the simple one, or the pilot's manual one)."""

    title: str
    """Dutch name of the other layout, e.g. 'een eenvoudige indeling'."""
    ours_total: float
    other_total: float
    criteria: tuple[CriterionComparison, ...]
    other_hard_broken: int = 0

    def raw(self, key: str) -> CriterionComparison | None:
        return next((c for c in self.criteria if c.key == key), None)


def compare_breakdowns(title: str, ours: Breakdown, other: Breakdown) -> LayoutComparison:
    """Criterion by criterion (raw values), in the order of ``ours``."""
    theirs = {c.key: c for c in other.criteria}
    rows = tuple(
        CriterionComparison(c.key, c.label, c.raw, theirs[c.key].raw if c.key in theirs else 0.0)
        for c in ours.criteria
        if c.weight != 0
    )
    return LayoutComparison(title, ours.total, other.total, rows)


def baseline_comparison(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
) -> LayoutComparison | None:
    """The proposal against the engine's simple layout (``matching.engine.baseline``).

    The proposal stores only the simple layout's total, so its breakdown is
    recomputed from the same participants, seed and config; it is used only
    when its total equals the stored one (otherwise the config or the
    participants differ and the comparison would not be honest).
    """
    stored = proposal.quality.baseline_objective
    if proposal.breakdown is None or stored is None or not proposal.selected:
        return None
    by_name = registrations.by_name()
    if any(n not in by_name for n in proposal.selected):
        return None
    participants = [by_name[n] for n in proposal.selected]
    try:
        layout = simple_layout(participants, config, seed=config.solver.seed)
    except (ValueError, IndexError, ZeroDivisionError):
        return None
    other = score_layout(layout, {p.name: p for p in participants}, config, met_before)
    if abs(other.total - stored) > 1e-3 * max(1.0, abs(stored)):
        return None
    return compare_breakdowns("een eenvoudige indeling", proposal.breakdown, other)


def manual_comparison(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    manual: Layout,
    met_before: frozenset[frozenset[str]] = frozenset(),
) -> LayoutComparison | None:
    """The proposal against a manual layout (the pilot's way), scored the same way."""
    if proposal.breakdown is None:
        return None
    by_name = registrations.by_name()
    people = {n: by_name[n] for c in manual.clubs for n in c.members if n in by_name}
    other = score_layout(manual, people, config, met_before)
    broken = sum(1 for v in check_layout(manual, people, config, met_before) if v.hard)
    result = compare_breakdowns("de handmatige indeling", proposal.breakdown, other)
    return LayoutComparison(
        result.title, result.ours_total, result.other_total, result.criteria, broken
    )


SHARED_THEMES = (
    ("sessions.shared_themes", "in de leerbijeenkomsten"),
    ("clubs.shared_themes", "in de clubs"),
)


def percent_more(ours: float, other: float) -> float | None:
    """How many per cent ``ours`` is above ``other`` (None when ``other`` is not positive)."""
    if other <= 0:
        return None
    return 100 * (ours - other) / other


def shared_themes_sentence(comparison: LayoutComparison) -> str | None:
    """'12 % meer gedeelde leerthema's in de leerbijeenkomsten dan een eenvoudige indeling'."""
    parts = []
    for key, where in SHARED_THEMES:
        c = comparison.raw(key)
        if c is None:
            continue
        pct = percent_more(c.ours, c.other)
        if pct is None:
            continue
        amount = fmt_number(abs(pct), 0)
        more = "meer" if pct >= 0 else "minder"
        parts.append(f"{amount} % {more} gedeelde leerthema's {where}")
    if not parts:
        return None
    return " en ".join(parts) + f" dan {comparison.title}"


@dataclass(frozen=True)
class AnalystRow:
    """One figure of the analyst appendix with a one-line Dutch explanation."""

    label: str
    value: float | int | str | None
    explanation: str
    percent: bool = False
    """Show ``value`` (a fraction) as a percentage."""


STAGE_LABELS = {
    "clubs": (
        "Clubfase",
        "score van de clubindeling (clubcriteria)",
        "bovengrens van de clubscore over alle toegestane clubindelingen",
    ),
    "sessions": (
        "Bijeenkomstenfase",
        "score van de leerbijeenkomsten binnen de gekozen clubs",
        "bovengrens van de bijeenkomstenscore voor deze clubs (niet voor andere clubs)",
    ),
}


def matching_analyst_rows(quality: Quality) -> list[AnalystRow]:
    """The matching's solver figures, stage by stage, each explained in one line."""
    rows = [
        AnalystRow(
            "Werkwijze",
            "eerst clubs, dan bijeenkomsten",
            "De clubs worden eerst gekozen; daarna worden per club de leerbijeenkomsten "
            "gepland. De bijeenkomsten kunnen dus niet meer aan de clubs schuiven.",
        ),
        AnalystRow(
            "Status (hele indeling)",
            quality.status.value,
            "Alleen bewezen beste als is aangetoond dat geen indeling (clubs en "
            "bijeenkomsten samen) hoger scoort; anders de beste binnen de rekentijd.",
        ),
        AnalystRow(
            "Doelfunctie (totale score)",
            quality.objective,
            "De som van gewicht × ruwe score over alle criteria (zie tabel Score).",
        ),
    ]
    if quality.bound is not None:
        rows += [
            AnalystRow(
                "Bovengrens hele indeling",
                quality.bound,
                "Geen enkele indeling (clubs en bijeenkomsten samen) kan hoger scoren.",
            ),
            AnalystRow(
                "Gap hele indeling",
                quality.gap,
                "(bovengrens − score) / score: hoeveel beter het hooguit nog kan.",
                percent=True,
            ),
        ]
    else:
        rows.append(
            AnalystRow(
                "Bovengrens hele indeling",
                "niet bekend",
                "De grenzen per fase tellen niet op tot een grens voor het geheel: de "
                "bijeenkomstengrens geldt alleen voor de gekozen clubs.",
            )
        )
    for key, (stage_label, score_text, bound_text) in STAGE_LABELS.items():
        stage = quality.stages.get(key)
        if stage is None:
            continue
        rows += [
            AnalystRow(
                f"{stage_label}: status",
                stage.status.value,
                "Geldt voor deze fase alleen, niet voor de hele indeling.",
            ),
            AnalystRow(f"{stage_label}: doelfunctie", stage.objective, score_text.capitalize()),
            AnalystRow(
                f"{stage_label}: beste grens" + (" (voor deze clubs)" if key == "sessions" else ""),
                stage.bound,
                bound_text.capitalize() + "; leeg als er geen bekend is.",
            ),
            AnalystRow(
                f"{stage_label}: gap",
                stage.gap,
                "(grens − score) / score voor deze fase.",
                percent=True,
            ),
        ]
    rows += [
        AnalystRow(
            "Basislijn (eenvoudige indeling)",
            quality.baseline_objective,
            "Score van een willekeurige indeling die alleen de grootte- en herhalingsregels volgt.",
        ),
        AnalystRow(
            "Verhouding doelfunctie / basislijn",
            quality_ratio(quality),
            "Hoeveel keer zo hoog het voorstel scoort als de eenvoudige indeling.",
        ),
        AnalystRow(
            "Deterministische tijd",
            quality.deterministic_time,
            "Rekenwerk van CP-SAT in vaste eenheden (onafhankelijk van de computer); "
            "de limiet hierop maakt de uitkomst herhaalbaar.",
        ),
    ]
    return rows


def selection_analyst_rows(quality: Quality) -> list[AnalystRow]:
    """The selection model's figures (its bound is a true bound of that model)."""
    return [
        AnalystRow(
            "Selectie: status",
            quality.status.value,
            "Of bewezen is dat geen andere selectie hoger scoort.",
        ),
        AnalystRow(
            "Selectie: doelfunctie",
            quality.objective,
            "Score van de selectie (voorrang, balans, spreiding).",
        ),
        AnalystRow(
            "Selectie: beste grens",
            quality.bound,
            "Geen selectie die aan de regels voldoet kan hoger scoren.",
        ),
        AnalystRow(
            "Selectie: gap",
            quality.gap,
            "(grens − score) / score van de selectie.",
            percent=True,
        ),
        AnalystRow(
            "Selectie: deterministische tijd",
            quality.deterministic_time,
            "Rekenwerk van CP-SAT voor de selectie, in vaste eenheden.",
        ),
    ]


def run_analyst_rows(proposal: Proposal) -> list[AnalystRow]:
    """Input hashes, seed and every solver setting of the run."""
    rows = [
        AnalystRow("Invoerbestand", proposal.input_file, "Het aanmeldingenbestand van deze run."),
        AnalystRow(
            "SHA-256 invoer", proposal.input_sha256, "Vingerafdruk van het aanmeldingenbestand."
        ),
        AnalystRow(
            "SHA-256 configuratie",
            proposal.config_sha256,
            "Vingerafdruk van de gebruikte cycle.toml.",
        ),
        AnalystRow(
            "Seed", proposal.seed, "Vaste startwaarde: dezelfde invoer geeft dezelfde uitkomst."
        ),
    ]
    rows += [
        AnalystRow(f"Instelling: {key}", value, setting_explanation(key))
        for key, value in sorted(proposal.solver.items())
    ]
    return rows


SETTING_EXPLANATIONS = {
    "seed": "Vaste startwaarde van de solver.",
    "num_workers": "Aantal rekenkernen van de solver (meer dan 1: toch herhaalbaar).",
    "interleave_search": "Herhaalbaar zoeken met meer rekenkernen (aan bij meer dan 1).",
    "max_deterministic_time": "Rekenlimiet per selectiestap, in vaste eenheden.",
    "forcing_cost_budget": "Rekenlimiet voor 'wat als deze toch meedoet', in vaste eenheden.",
    "forcing_cost_deterministic_time": "Gebruikt rekenwerk voor 'wat als deze toch meedoet'.",
    "places": "Aantal plaatsen.",
    "balance_tolerance": "Toegestaan verschil tekort/overig in de selectie (cycle.toml).",
    "balance_limit": "Gebruikt verschil tekort/overig: de tolerantie, of meer als dat niet kan.",
    "ortools": "Versie van OR-Tools (CP-SAT).",
    "club_deterministic_time": "Rekenlimiet voor de clubindeling, in vaste eenheden.",
    "session_deterministic_time": "Rekenlimiet per club voor de bijeenkomsten, in vaste eenheden.",
    "club_status": "Uitkomst van de clubstap van de solver.",
}


def setting_explanation(key: str) -> str:
    """One line on a run setting (``matching_`` keys: the matching's own setting)."""
    base = key.removeprefix("matching_")
    text = SETTING_EXPLANATIONS.get(base, "Instelling of meetwaarde van deze run (zie run.json).")
    if base == "balance_tolerance" and key != base:
        return "Toegestaan verschil tekort/overig per club (cycle.toml [clubs])."
    return text


def forcing_cost_text(entry: SelectionEntry) -> str:
    """What happens if a rejected registrant is taken in anyway, in plain words."""
    cost = entry.forcing_cost
    if cost is None:
        return ""
    bits = []
    if cost.drop_out:
        bits.append("dan valt af: " + ", ".join(cost.drop_out))
    if cost.note:
        bits.append(cost.note)
    elif cost.objective_change is not None:
        change = cost.objective_change
        bits.append(
            "de selectie wordt daar niet slechter van"
            if change >= -1e-9
            else f"de selectie scoort dan {fmt_number(-change)} punten lager"
        )
    return join(bits)
