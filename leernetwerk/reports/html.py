"""The stuurgroep report (``report.html``): one self-contained, printable file.

The page is rendered from the Jinja2 templates in ``reports/templates/``
(package data): ``report.html`` and the parts it includes, with the CSS of
``report.css`` inline. This module only gathers and formats the figures (the
view); the templates hold all markup. Autoescaping is on and undefined names
are an error, so every value from the proposal or the registrations is
escaped and a typo in a template fails loudly instead of printing nothing.

Everything is inline (CSS in ``<style>``, graphs as inline ``<svg>``); there
are no scripts, fonts, images or links to other files or sites, so the file
works offline and as an e-mail attachment. The output depends only on its
inputs (no clock, no randomness), so writing twice gives equal bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registrations
from leernetwerk.proposal import Club, GroupScore, Layout, Proposal
from leernetwerk.reports.checks import check_proposal, checks_summary
from leernetwerk.reports.common import (
    AnalystRow,
    ClubBalance,
    LayoutComparison,
    baseline_comparison,
    chosen_themes,
    club_balances,
    fmt_inhabitants,
    fmt_number,
    forcing_cost_text,
    join,
    manual_comparison,
    matching_analyst_rows,
    numbered_sessions,
    quality_ratio,
    run_analyst_rows,
    selection_analyst_rows,
    selection_balance,
    session_number_of,
    shared_themes_sentence,
)
from leernetwerk.reports.graph import club_graph
from leernetwerk.reports.heatmap import heat_groups, heat_legend
from leernetwerk.templating import html_environment


def environment() -> Environment:
    return html_environment("leernetwerk.reports")


def write_report_html(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    path: Path,
    met_before: frozenset[frozenset[str]] = frozenset(),
    manual: Layout | None = None,
) -> None:
    """Write the stuurgroep report for ``proposal`` to ``path`` (UTF-8); ``manual``: a
    hand-made layout (the pilot's way) to compare with, when there is one."""
    html = render_report_html(proposal, registrations, config, met_before, manual)
    Path(path).write_text(html, encoding="utf-8")


def render_report_html(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
    manual: Layout | None = None,
) -> str:
    """The whole report as one HTML string; ``met_before``: pairs that met in an
    earlier decided cycle (checked like ``leernetwerk check`` does)."""
    template = environment().get_template("report.html")
    return template.render(report_context(proposal, registrations, config, met_before, manual))


@dataclass(frozen=True)
class Cell:
    """A table cell's text; numbers are right-aligned in their column."""

    text: str
    numeric: bool = False


@dataclass(frozen=True)
class Bar:
    """The deficit versus surplus/neutral bar, widths in per cent of the group."""

    deficit: int
    other: int
    deficit_width: float
    other_width: float


def bar(balance: ClubBalance) -> Bar:
    size = max(balance.size, 1)
    d = round(100 * balance.deficit / size, 1)
    return Bar(balance.deficit, balance.other, d, round(100 - d, 1))


def num(value: float | None, decimals: int = 1) -> Cell:
    return Cell(fmt_number(value, decimals), numeric=True)


def analyst_view(rows: Iterable[AnalystRow]) -> list[tuple[str, Cell, str]]:
    """Appendix rows formatted for the page: label, value cell, explanation."""
    result = []
    for row in rows:
        value = row.value
        if value is None:
            cell = Cell("–", numeric=True)
        elif row.percent and isinstance(value, int | float):
            cell = Cell(fmt_number(value * 100, 1) + " %", numeric=True)
        elif isinstance(value, float):
            cell = num(value, 3)
        elif isinstance(value, int):
            cell = Cell(str(value), numeric=True)
        else:
            cell = Cell(str(value))
        result.append((row.label, cell, row.explanation))
    return result


def texts(values: Iterable[object]) -> str:
    """Violations (strings or objects with a Dutch ``str``), joined with '; '."""
    return join(str(v) for v in values)


def report_context(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
    manual: Layout | None = None,
) -> dict[str, object]:
    """Every figure the templates show, already formatted in Dutch."""
    clubs = sorted(proposal.clubs, key=lambda c: c.id)
    checks = check_proposal(proposal, registrations, config, met_before)
    sessions = {r.round: len(r.sessions) for r in proposal.rounds}
    total = selection_balance(proposal, registrations)
    cards = [
        (str(len(proposal.selection)), "aanmeldingen", ""),
        (str(len(proposal.selected)), "geselecteerd", f"van {config.cycle.places} plaatsen"),
        (str(len(proposal.clubs)), "clubs", ""),
        *((str(n), f"bijeenkomsten ronde {r}", "") for r, n in sorted(sessions.items())),
        (f"{total.deficit} : {total.other}", "tekort : overschot/neutraal", ""),
    ]
    broken = [c.label for c in checks if c.hard and not c.ok]
    story = stuurgroep_story(proposal, registrations, config, met_before, manual, broken)
    appendix = matching_analyst_rows(proposal.quality)
    if proposal.selection_quality is not None:
        appendix += selection_analyst_rows(proposal.selection_quality)
    return {
        "proposal": proposal,
        "title": f"Voorstel leernetwerk {proposal.cycle}",
        "heading": f"Voorstel leernetwerk Participatiewet — cyclus {proposal.cycle}",
        "cards": cards,
        "total_bar": bar(total),
        "balance_rows": [
            (f"Club {b.club}", b.size, b.deficit, b.other, bar(b))
            for b in sorted(club_balances(proposal, registrations), key=lambda b: b.club)
        ],
        "story": story,
        "checks": [(c.label, c.ok, c.hard, "" if c.ok else texts(c.violations)) for c in checks],
        "checks_broken": any(c.hard and not c.ok for c in checks),
        "checks_summary": checks_summary(checks),
        "selection_rows": selection_rows(proposal, registrations),
        "clubs": [club_view(c, proposal, registrations) for c in clubs],
        "heat_themes": registrations.catalogue.names,
        "heat_groups": heat_groups(proposal, registrations),
        "heat_legend": heat_legend(),
        "appendix_quality": analyst_view(appendix),
        "appendix_run": analyst_view(run_analyst_rows(proposal)),
        "breakdown": breakdown_view(proposal),
    }


def comparison_view(comparison: LayoutComparison) -> dict[str, object]:
    """A comparison in plain words: the headline, the totals and a row per criterion."""
    ratio = comparison.ours_total / comparison.other_total if comparison.other_total > 0 else None
    return {
        "title": comparison.title,
        "headline": shared_themes_sentence(comparison),
        "totals": (
            f"Totaalscore: dit voorstel {fmt_number(comparison.ours_total)}, "
            f"{comparison.title} {fmt_number(comparison.other_total)}"
            + (f" ({fmt_number(ratio, 2)} keer zo hoog)." if ratio else ".")
        ),
        "broken": comparison.other_hard_broken,
        "rows": [
            (
                c.label,
                "clubs" if c.key.startswith("clubs.") else "bijeenkomsten",
                fmt_number(abs(c.ours), 1),
                fmt_number(abs(c.other), 1),
                c.verdict,
            )
            for c in comparison.criteria
        ],
    }


def stuurgroep_story(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]],
    manual: Layout | None,
    broken: Sequence[str],
) -> dict[str, object]:
    """The plain-Dutch part for the stuurgroep: what, why, compared with what."""
    comparisons = []
    simple = baseline_comparison(proposal, registrations, config, met_before)
    if simple is not None:
        comparisons.append(comparison_view(simple))
    if manual is not None:
        hand = manual_comparison(proposal, registrations, config, manual, met_before)
        if hand is not None:
            comparisons.append(comparison_view(hand))
    ratio = quality_ratio(proposal.quality)
    return {
        "chosen": chosen_sentences(proposal, config),
        "why": why_sentences(),
        "comparisons": comparisons,
        "ratio_only": (
            f"Dit voorstel scoort {fmt_number(ratio, 2)} keer zo hoog als een eenvoudige "
            "indeling (willekeurige clubs en bijeenkomsten die alleen de grootte- en "
            "herhalingsregels volgen)."
            if ratio and simple is None
            else ""
        ),
        "decisions": decision_items(proposal, broken),
    }


def chosen_sentences(proposal: Proposal, config: CycleConfig) -> list[str]:
    """What was chosen, in two or three sentences."""
    selected, registered = len(proposal.selected), len(proposal.selection)
    sizes = sorted(len(c.members) for c in proposal.clubs)
    sessions = sum(len(r.sessions) for r in proposal.rounds)
    lines = [
        f"Van de {registered} aanmeldingen zijn er {selected} geselecteerd voor "
        f"{config.cycle.places} plaatsen."
    ]
    if sizes:
        size_text = f"{sizes[0]}" if sizes[0] == sizes[-1] else f"{sizes[0]} tot {sizes[-1]}"
        lines.append(
            f"Zij vormen {len(sizes)} {'club' if len(sizes) == 1 else 'clubs'} van "
            f"{size_text} deelnemers. Binnen elke club zijn er {len(proposal.rounds)} "
            f"rondes van leerbijeenkomsten met 2 of 3 deelnemers ({sessions} in totaal)."
        )
    return lines


def why_sentences() -> list[str]:
    """How the choice was made, without solver terms."""
    return [
        "Selectie: eerst wie op tijd en volledig is aangemeld; daarna gaat voorrang voor "
        "het vangnet voor, met een evenwicht tussen gemeenten met een tekort en met een "
        "overschot of neutraal saldo, en spreiding over provincies, grootte en "
        "uitvoeringsvariant. Bij gelijke stand beslist de eerdere aanmelding.",
        "Clubs worden eerst gevormd: deelnemers met dezelfde leerthema's, een vergelijkbaar "
        "profiel, een vergelijkbare omvang en dezelfde uitvoeringsvariant komen bij elkaar.",
        "Daarna worden binnen elke gekozen club de leerbijeenkomsten gepland: gedeelde "
        "leerthema's, een haler bij een brenger, de eerste keuze van iedereen aan bod, "
        "en niemand twee keer met dezelfde partner.",
    ]


def decision_items(proposal: Proposal, broken: Sequence[str]) -> list[str]:
    """What the stuurgroep is asked to decide or look at."""
    rejected = sum(1 for e in proposal.selection if not e.selected)
    items = [
        f"Besluit 1: de selectie van {len(proposal.selected)} deelnemers vaststellen"
        + (
            f" ({rejected} aanmeldingen vallen af; de reden staat per aanmelding bij Selectie)."
            if rejected
            else "."
        ),
        f"Besluit 2: de indeling in {len(proposal.clubs)} clubs en hun leerbijeenkomsten "
        "vaststellen.",
    ]
    if broken:
        items.append("Niet aan alle regels voldaan: " + ", ".join(broken) + ".")
    items += [f"Let op: {w}" for w in proposal.warnings]
    return items


def selection_rows(proposal: Proposal, registrations: Registrations) -> list[dict[str, object]]:
    """Every registrant, selected or not, with its reasons and forcing cost."""
    by_name = registrations.by_name()
    rows = []
    for entry in proposal.selection:
        r = by_name.get(entry.name)
        rows.append(
            {
                "name": entry.name,
                "selected": entry.selected,
                "balance": r.balance.value if r else "",
                "safety_net": r.safety_net.value if r else "",
                "province": r.province if r else "",
                "inhabitants": fmt_inhabitants(r.inhabitants) if r else None,
                "reasons": join(entry.reasons),
                "cost": forcing_cost_text(entry),
            }
        )
    return rows


def club_view(club: Club, proposal: Proposal, registrations: Registrations) -> dict[str, object]:
    """One club: balance, members, sessions of every round, who-meets-whom graph."""
    by_name = registrations.by_name()
    balance = next(b for b in club_balances(proposal, registrations) if b.club == club.id)
    members = []
    for name in club.members:
        r = by_name.get(name)
        members.append(
            {
                "name": name,
                "balance": r.balance.value if r else "",
                "inhabitants": fmt_inhabitants(r.inhabitants) if r else None,
                "province": r.province if r else "",
                "variant": r.execution_variant if r else "",
                "themes": join(chosen_themes(r), " · "),
            }
        )
    sessions = [
        {
            "round": item.round,
            "number": item.number,
            "members": [(m, m == item.session.host) for m in item.session.members],
            "themes": join(item.session.themes, " / "),
            "format": f"{item.session.format.value}. {item.session.format.label}",
            "reason": item.session.reason,
        }
        for item in numbered_sessions(proposal)
        if item.session.club == club.id
    ]
    return {
        "id": club.id,
        "size": len(club.members),
        "bar": bar(balance),
        "members": members,
        "sessions": sessions,
        "graph": club_graph(club, proposal, registrations),
    }


def group_rows(
    groups: Sequence[GroupScore], numbers: dict[tuple[int, frozenset[str]], int]
) -> dict[str, object]:
    """Per club or per session: total, each criterion's contribution, the sentences."""
    keys: list[tuple[str, str]] = []
    for g in groups:
        for c in g.criteria:
            if (c.key, c.label) not in keys:
                keys.append((c.key, c.label))
    rows = []
    for g in groups:
        by_key = {c.key: c.contribution for c in g.criteria}
        number = numbers.get((g.round or 0, frozenset(g.members)))
        where = (
            f"club {g.club}"
            + (f", ronde {g.round}" if g.round else "")
            + (f", sessie {number}" if number else "")
        )
        rows.append(
            {
                "where": where,
                "members": ", ".join(g.members),
                "sentences": list(g.sentences),
                "total": fmt_number(g.total, 2),
                "contributions": [fmt_number(by_key.get(k), 2) for k, _ in keys],
            }
        )
    return {"labels": [label for _, label in keys], "rows": rows}


def breakdown_view(proposal: Proposal) -> dict[str, object] | None:
    """The score breakdown per criterion, per club and per session (None when absent)."""
    b = proposal.breakdown
    if b is None:
        return None
    numbers = session_number_of(proposal)
    return {
        "criteria": [
            {
                "label": c.label,
                "key": c.key,
                "weight": fmt_number(c.weight, 2),
                "raw": fmt_number(c.raw, 2),
                "contribution": fmt_number(c.contribution, 2),
            }
            for c in b.criteria
        ],
        "total": fmt_number(b.total, 2),
        "clubs": group_rows(b.clubs, numbers) if b.clubs else None,
        "sessions": group_rows(b.sessions, numbers) if b.sessions else None,
    }
