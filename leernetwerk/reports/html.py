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
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registrations
from leernetwerk.proposal import Club, GroupScore, Proposal, Quality, SelectionEntry
from leernetwerk.reports.checks import check_proposal, checks_summary
from leernetwerk.reports.common import (
    ClubBalance,
    chosen_themes,
    club_balances,
    fmt_inhabitants,
    fmt_number,
    join,
    numbered_sessions,
    quality_ratio,
    selection_balance,
    session_number_of,
)
from leernetwerk.reports.graph import club_graph
from leernetwerk.reports.heatmap import heat_groups, heat_legend


@cache
def environment() -> Environment:
    """The template environment: package templates, autoescape on, strict undefined."""
    env = Environment(
        loader=PackageLoader("leernetwerk.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def write_report_html(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    path: Path,
    met_before: frozenset[frozenset[str]] = frozenset(),
) -> None:
    """Write the stuurgroep report for ``proposal`` to ``path`` (UTF-8)."""
    html = render_report_html(proposal, registrations, config, met_before)
    Path(path).write_text(html, encoding="utf-8")


def render_report_html(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
) -> str:
    """The whole report as one HTML string; ``met_before``: pairs that met in an
    earlier decided cycle (checked like ``leernetwerk check`` does)."""
    template = environment().get_template("report.html")
    return template.render(report_context(proposal, registrations, config, met_before))


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


def quality_rows(quality: Quality) -> list[tuple[str, Cell]]:
    ratio = quality_ratio(quality)
    gap = fmt_number(quality.gap * 100, 1) + " %" if quality.gap is not None else "–"
    return [
        ("Status", Cell(quality.status.value)),
        ("Doelfunctie", num(quality.objective)),
        ("Beste grens", num(quality.bound)),
        ("Gap", Cell(gap, numeric=True)),
        ("Basislijn (eenvoudige indeling)", num(quality.baseline_objective)),
        (
            "Verhouding doelfunctie / basislijn",
            Cell(fmt_number(ratio, 2) + "×" if ratio else "–", numeric=True),
        ),
        ("Deterministische tijd", num(quality.deterministic_time)),
    ]


def texts(values: Iterable[object]) -> str:
    """Violations (strings or objects with a Dutch ``str``), joined with '; '."""
    return join(str(v) for v in values)


def report_context(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    met_before: frozenset[frozenset[str]] = frozenset(),
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
        *((str(n), f"sessies ronde {r}", "") for r, n in sorted(sessions.items())),
        (f"{total.deficit} : {total.other}", "tekort : overschot/neutraal", ""),
    ]
    return {
        "proposal": proposal,
        "title": f"Voorstel leernetwerk {proposal.cycle}",
        "heading": f"Voorstel leernetwerk Participatiewet — cyclus {proposal.cycle}",
        "cards": cards,
        "total_bar": bar(total),
        "quality_rows": quality_rows(proposal.quality),
        "checks": [(c.label, c.ok, c.hard, "" if c.ok else texts(c.violations)) for c in checks],
        "checks_broken": any(c.hard and not c.ok for c in checks),
        "checks_summary": checks_summary(checks),
        "selection_rows": selection_rows(proposal, registrations),
        "clubs": [club_view(c, proposal, registrations) for c in clubs],
        "heat_themes": registrations.catalogue.names,
        "heat_groups": heat_groups(proposal, registrations),
        "heat_legend": heat_legend(),
        "selection_quality": (
            quality_rows(proposal.selection_quality)
            if proposal.selection_quality is not None
            else None
        ),
        "breakdown": breakdown_view(proposal),
    }


def forcing_cost_text(entry: SelectionEntry) -> str:
    cost = entry.forcing_cost
    if cost is None:
        return ""
    bits = []
    if cost.objective_change is not None:
        bits.append(f"doelfunctie {fmt_number(cost.objective_change)}")
    if cost.drop_out:
        bits.append("valt af: " + ", ".join(cost.drop_out))
    if cost.note:
        bits.append(cost.note)
    return join(bits)


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
