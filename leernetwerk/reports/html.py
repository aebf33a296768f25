"""The stuurgroep report (``report.html``): one self-contained, printable file.

Everything is inline (CSS in ``<style>``, graphs as inline ``<svg>``); there
are no scripts, fonts, images or links to other files or sites, so the file
works offline and as an e-mail attachment. Every value from the proposal or
the registrations passes through :func:`html.escape`. The output depends only
on its inputs (no clock, no randomness), so writing twice gives equal bytes.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registrations
from leernetwerk.proposal import Club, CriterionScore, GroupScore, Proposal, Quality
from leernetwerk.reports.checks import CheckResult, check_proposal, checks_summary
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
from leernetwerk.reports.graph import club_graph_svg
from leernetwerk.reports.heatmap import heat_legend_html, heat_table_html

CSS = """
:root { --ink:#1a1a1a; --muted:#5b6470; --line:#d0d7de; --accent:#1f6fb4;
  --deficit:#c2410c; --other:#15803d; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Arial, Helvetica, sans-serif; color: var(--ink);
  margin: 0 auto; max-width: 1180px; padding: 24px 32px; line-height: 1.4; font-size: 14px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; border-bottom: 2px solid var(--accent); padding-bottom: 4px;
  margin-top: 32px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
.meta { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { background: #eef3f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 150px; }
.card .big { font-size: 24px; font-weight: 600; }
.card .small { color: var(--muted); font-size: 12px; }
.ok { color: #15803d; font-weight: 600; }
.bad { color: #b91c1c; font-weight: 600; }
.warn { color: #a16207; font-weight: 600; }
.no { color: var(--muted); }
.bar { display: flex; height: 18px; width: 320px; border: 1px solid var(--line);
  margin: 4px 0 10px; }
.bar .d { background: var(--deficit); }
.bar .o { background: var(--other); }
.key { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 8px; }
svg.graph { max-width: 100%; height: auto; border: 1px solid var(--line); border-radius: 6px; }
svg.graph text { font-size: 12px; fill: var(--ink); font-family: inherit; }
svg.graph text.legend { font-size: 11px; fill: var(--muted); }
table.heat td { text-align: center; min-width: 34px; padding: 3px 4px; }
table.heat td.chosen { font-weight: 700; }
table.heat td.none { color: var(--muted); }
table.heat th.name { white-space: nowrap; font-weight: normal; }
table.heat tr.group th { background: #eef3f8; }
table.heat th.rot { height: 190px; vertical-align: bottom; padding: 4px 2px; }
table.heat th.rot span { writing-mode: vertical-rl; transform: rotate(180deg);
  white-space: nowrap; font-weight: 600; font-size: 12px; }
.swatch { display: inline-block; min-width: 22px; text-align: center;
  border: 1px solid var(--line); }
.legend { color: var(--muted); font-size: 12px; }
ul.sentences { margin: 2px 0 0 16px; padding: 0; color: var(--muted); }
section.club { margin-top: 28px; }
nav ol { columns: 2; }
@page { size: A4; margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  nav { display: none; }
  section.club, section.break { break-before: page; }
  table, svg.graph, .cards { break-inside: avoid; }
  tr { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def e(value: object) -> str:
    """Escape any value for HTML text and attribute context."""
    return html.escape(str(value), quote=True)


def write_report_html(
    proposal: Proposal, registrations: Registrations, config: CycleConfig, path: Path
) -> None:
    """Write the stuurgroep report for ``proposal`` to ``path`` (UTF-8)."""
    Path(path).write_text(render_report_html(proposal, registrations, config), encoding="utf-8")


def render_report_html(
    proposal: Proposal, registrations: Registrations, config: CycleConfig
) -> str:
    """The whole report as one HTML string."""
    checks = check_proposal(proposal, registrations, config)
    body = [
        header(proposal),
        contents(proposal),
        summary(proposal, registrations, config, checks),
        selection(proposal, registrations),
        *(
            club_section(c, proposal, registrations)
            for c in sorted(proposal.clubs, key=lambda c: c.id)
        ),
        heat_section(proposal, registrations),
        score_section(proposal),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(f'Voorstel leernetwerk {proposal.cycle}')}</title>\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], cls: str = "") -> str:
    """A table from already-escaped cell HTML; headers are escaped here."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(rows_cell(c) for c in row) + "</tr>" for row in rows)
    cls_attr = f' class="{cls}"' if cls else ""
    return f"<table{cls_attr}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


class Num(str):
    """Cell HTML that shows a number: right-aligned in its column."""


def rows_cell(cell: str) -> str:
    """A ``<td>`` holding already-escaped HTML."""
    if isinstance(cell, Num):
        return f'<td class="num">{cell}</td>'
    return f"<td>{cell}</td>"


def num(value: float | None, decimals: int = 1) -> Num:
    return Num(e(fmt_number(value, decimals)))


def header(proposal: Proposal) -> str:
    return (
        f"<header><h1>{e(f'Voorstel leernetwerk Participatiewet — cyclus {proposal.cycle}')}</h1>"
        f'<p class="meta">Invoer: {e(proposal.input_file)} '
        f"(SHA-256 {e(proposal.input_sha256[:12])}…) · "
        f"configuratie SHA-256 {e(proposal.config_sha256[:12])}… · seed {e(proposal.seed)}</p>"
        "</header>"
    )


def contents(proposal: Proposal) -> str:
    items = [
        '<li><a href="#samenvatting">Samenvatting</a></li>',
        '<li><a href="#selectie">Selectie</a></li>',
    ]
    items += [
        f'<li><a href="#club-{c.id}">Club {c.id}</a></li>'
        for c in sorted(proposal.clubs, key=lambda c: c.id)
    ]
    items += [
        '<li><a href="#heatmap">Thema-heatmap</a></li>',
        '<li><a href="#score">Kwaliteit en scoreopbouw</a></li>',
    ]
    return f"<nav><h2>Inhoud</h2><ol>{''.join(items)}</ol></nav>"


def card(big: str, label: str, small: str = "") -> str:
    extra = f'<div class="small">{e(small)}</div>' if small else ""
    return f'<div class="card"><div class="big">{e(big)}</div><div>{e(label)}</div>{extra}</div>'


def balance_bar(balance: ClubBalance) -> str:
    """A horizontal bar: deficit part and surplus/neutral part, with the counts."""
    size = max(balance.size, 1)
    d = round(100 * balance.deficit / size, 1)
    o = round(100 - d, 1)
    return (
        f'<div class="bar" role="img" aria-label="{balance.deficit} tekort, {balance.other} '
        f'overschot of neutraal"><div class="d" style="width:{d}%"></div>'
        f'<div class="o" style="width:{o}%"></div></div>'
        f'<span class="key" style="background:var(--deficit)"></span>tekort {balance.deficit}'
        f'<span class="key" style="background:var(--other)"></span>overschot/neutraal '
        f"{balance.other}"
    )


def quality_rows(quality: Quality) -> list[tuple[str, str]]:
    ratio = quality_ratio(quality)
    return [
        ("Status", e(quality.status.value)),
        ("Doelfunctie", num(quality.objective)),
        ("Beste grens", num(quality.bound)),
        (
            "Gap",
            Num(e(fmt_number(quality.gap * 100, 1)) + " %" if quality.gap is not None else "–"),
        ),
        ("Basislijn (eenvoudige indeling)", num(quality.baseline_objective)),
        (
            "Verhouding doelfunctie / basislijn",
            Num(e(fmt_number(ratio, 2)) + "×" if ratio else "–"),
        ),
        ("Deterministische tijd", num(quality.deterministic_time)),
    ]


def check_outcome(check: CheckResult) -> str:
    """OK in green, a broken hard rule in red, a warning in amber, with the details."""
    if check.ok:
        return '<span class="ok">OK</span>'
    cls, word = ("bad", "geschonden") if check.hard else ("warn", "waarschuwing")
    return f'<span class="{cls}">{word}</span> {e(join(check.violations))}'


def summary(
    proposal: Proposal, registrations: Registrations, config: CycleConfig, checks: list[CheckResult]
) -> str:
    total = selection_balance(proposal, registrations)
    sessions = {r.round: len(r.sessions) for r in proposal.rounds}
    cards = [
        card(str(len(proposal.selection)), "aanmeldingen"),
        card(str(len(proposal.selected)), "geselecteerd", f"van {config.cycle.places} plaatsen"),
        card(str(len(proposal.clubs)), "clubs"),
        *(card(str(n), f"sessies ronde {r}") for r, n in sorted(sessions.items())),
        card(f"{total.deficit} : {total.other}", "tekort : overschot/neutraal"),
    ]
    broken = any(c.hard and not c.ok for c in checks)
    verdict_cls = "bad" if broken else "ok"
    check_rows = [(e(c.label), check_outcome(c)) for c in checks]
    parts = [
        '<section id="samenvatting"><h2>Samenvatting</h2>',
        f'<div class="cards">{"".join(cards)}</div>',
        "<h3>Evenwicht tekort / overschot bij de geselecteerden</h3>",
        balance_bar(total),
        "<h3>Kwaliteit van de matching</h3>",
        table(("Kenmerk", "Waarde"), quality_rows(proposal.quality)),
        f'<h3>Controle</h3><p class="{verdict_cls}">{e(checks_summary(checks))}</p>',
        table(("Regel", "Uitkomst"), check_rows),
    ]
    if proposal.warnings:
        parts.append(
            "<h3>Waarschuwingen</h3><ul>"
            + "".join(f"<li>{e(w)}</li>" for w in proposal.warnings)
            + "</ul>"
        )
    if proposal.moved:
        parts.append(
            "<h3>Verschoven t.o.v. het vorige voorstel</h3><ul>"
            + "".join(f"<li>{e(m)}</li>" for m in proposal.moved)
            + "</ul>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def selection(proposal: Proposal, registrations: Registrations) -> str:
    by_name = registrations.by_name()
    rows = []
    for entry in proposal.selection:
        r = by_name.get(entry.name)
        cost = entry.forcing_cost
        cost_text = ""
        if cost is not None:
            bits = []
            if cost.objective_change is not None:
                bits.append(f"doelfunctie {fmt_number(cost.objective_change)}")
            if cost.drop_out:
                bits.append("valt af: " + ", ".join(cost.drop_out))
            if cost.note:
                bits.append(cost.note)
            cost_text = e(join(bits))
        rows.append(
            (
                e(entry.name),
                '<span class="ok">ja</span>' if entry.selected else '<span class="no">nee</span>',
                e(r.balance.value) if r else "",
                e(r.safety_net.value) if r else "",
                e(r.province) if r else "",
                Num(e(fmt_inhabitants(r.inhabitants))) if r else "",
                e(join(entry.reasons)),
                cost_text,
            )
        )
    headers = (
        "Naam",
        "Geselecteerd",
        "Saldo",
        "Vangnet",
        "Provincie",
        "Inwoners",
        "Redenen",
        "Als deze toch geselecteerd wordt",
    )
    return (
        '<section id="selectie" class="break"><h2>Selectie</h2>'
        + table(headers, rows)
        + "</section>"
    )


def club_section(club: Club, proposal: Proposal, registrations: Registrations) -> str:
    """One club: balance, members, sessions of every round, who-meets-whom graph."""
    by_name = registrations.by_name()
    balance = next(b for b in club_balances(proposal, registrations) if b.club == club.id)
    member_rows = []
    for name in club.members:
        r = by_name.get(name)
        member_rows.append(
            (
                e(name),
                e(r.balance.value) if r else "",
                Num(e(fmt_inhabitants(r.inhabitants))) if r else "",
                e(r.province) if r else "",
                e(r.execution_variant) if r else "",
                e(join(chosen_themes(r), " · ")),
            )
        )
    session_rows = []
    for item in numbered_sessions(proposal):
        s = item.session
        if s.club != club.id:
            continue
        members = ", ".join(
            f"<strong>{e(m)}</strong> (host)" if m == s.host else e(m) for m in s.members
        )
        session_rows.append(
            (
                Num(e(item.round)),
                Num(e(item.number)),
                members,
                e(join(s.themes, " / ")),
                e(f"{s.format.value}. {s.format.label}"),
                e(s.reason),
            )
        )
    return (
        f'<section class="club" id="club-{club.id}"><h2>Club {club.id} '
        f"({len(club.members)} deelnemers)</h2>"
        + balance_bar(balance)
        + "<h3>Deelnemers</h3>"
        + table(
            ("Deelnemer", "Saldo", "Inwoners", "Provincie", "Variant", "Gekozen thema's"),
            member_rows,
        )
        + "<h3>Leerbijeenkomsten</h3>"
        + table(
            (
                "Ronde",
                "Sessie",
                "Deelnemers",
                "Thema's (blok 1 / blok 2)",
                "Werkvorm",
                "Toelichting",
            ),
            session_rows,
        )
        + "<h3>Wie ontmoet wie</h3>"
        + club_graph_svg(club, proposal, registrations)
        + "</section>"
    )


def heat_section(proposal: Proposal, registrations: Registrations) -> str:
    return (
        '<section id="heatmap" class="break"><h2>Thema-heatmap (zelfevaluatie 0–4)</h2>'
        + heat_legend_html()
        + heat_table_html(proposal, registrations)
        + "</section>"
    )


def criteria_table(criteria: Sequence[CriterionScore], total: float | None = None) -> str:
    rows = [
        (e(c.label), e(c.key), num(c.weight, 2), num(c.raw, 2), num(c.contribution, 2))
        for c in criteria
    ]
    if total is not None:
        rows.append(
            (
                "<strong>Totaal</strong>",
                "",
                "",
                "",
                Num(f"<strong>{e(fmt_number(total, 2))}</strong>"),
            )
        )
    return table(("Criterium", "Gewicht in cycle.toml", "Gewicht", "Ruwe score", "Bijdrage"), rows)


def group_table(
    groups: Sequence[GroupScore], numbers: dict[tuple[int, frozenset[str]], int]
) -> str:
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
        sentences = "".join(f"<li>{e(s)}</li>" for s in g.sentences)
        who = e(", ".join(g.members)) + (
            f'<ul class="sentences">{sentences}</ul>' if sentences else ""
        )
        rows.append((e(where), who, num(g.total, 2), *(num(by_key.get(k), 2) for k, _ in keys)))
    return table(
        ("Waar", "Deelnemers en toelichting", "Totaal", *(label for _, label in keys)), rows
    )


def score_section(proposal: Proposal) -> str:
    parts = ['<section id="score" class="break"><h2>Kwaliteit en scoreopbouw</h2>']
    if proposal.selection_quality is not None:
        parts.append("<h3>Selectie</h3>")
        parts.append(table(("Kenmerk", "Waarde"), quality_rows(proposal.selection_quality)))
    b = proposal.breakdown
    if b is None:
        parts.append("<p>Er is geen scoreopbouw in dit voorstel.</p>")
    else:
        numbers = session_number_of(proposal)
        parts.append("<h3>Per criterium</h3>" + criteria_table(b.criteria, b.total))
        if b.clubs:
            parts.append("<h3>Per club</h3>" + group_table(b.clubs, numbers))
        if b.sessions:
            parts.append("<h3>Per sessie</h3>" + group_table(b.sessions, numbers))
    parts.append("</section>")
    return "\n".join(parts)
