"""Who meets whom: a networkx graph per club rendered as inline SVG.

Nodes are the club's participants (coloured by balance), edges join two
participants who share a session, coloured and dashed by round. Nodes sit
on a circle (``networkx.circular_layout``) in round-1 session order, so each
round-1 session is a short chord and round-2 links cross the circle: the
network's growth is visible at a glance. All coordinates are rounded to one
decimal, so the same proposal always gives byte-identical SVG.
"""

from __future__ import annotations

import html
import math

import networkx as nx

from leernetwerk.domain import Balance, Registrations
from leernetwerk.proposal import Club, Proposal

ROUND_STYLES: dict[int, tuple[str, str]] = {
    1: ("#1f6fb4", ""),
    2: ("#d9480f", "7 4"),
}
"""Round → (stroke colour, dash pattern); dashes keep rounds apart in grey print."""

BALANCE_FILL: dict[Balance | None, str] = {
    Balance.DEFICIT: "#c2410c",
    Balance.SURPLUS: "#15803d",
    Balance.NEUTRAL: "#6b7280",
    None: "#ffffff",
}

WIDTH, HEIGHT, RADIUS = 720, 440, 150
LABEL_GAP = 14


def meeting_graph(club: Club, proposal: Proposal) -> nx.MultiGraph:
    """Participants of ``club`` with one edge (attribute ``round``) per shared session."""
    graph = nx.MultiGraph()
    order: list[str] = []
    for rnd in sorted(proposal.rounds, key=lambda r: r.round):
        for session in rnd.sessions:
            if session.club == club.id:
                order += [m for m in session.members if m not in order and m in club.members]
    order += [m for m in club.members if m not in order]
    graph.add_nodes_from(order)
    for rnd in sorted(proposal.rounds, key=lambda r: r.round):
        for session in rnd.sessions:
            if session.club != club.id:
                continue
            members = [m for m in session.members if m in club.members]
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    graph.add_edge(a, b, round=rnd.round)
    return graph


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def club_graph_svg(club: Club, proposal: Proposal, registrations: Registrations) -> str:
    """Inline ``<svg>`` of who meets whom in ``club``, with a legend."""
    e = html.escape
    graph = meeting_graph(club, proposal)
    by_name = registrations.by_name()
    cx, cy = WIDTH / 2, HEIGHT / 2 + 10
    layout = nx.circular_layout(graph, scale=RADIUS, center=(cx, cy)) if len(graph) else {}
    pos = {n: (float(x), float(y)) for n, (x, y) in layout.items()}
    parts = [
        f'<svg class="graph" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-label="{e(f"Wie ontmoet wie in club {club.id}")}">'
    ]
    seen: dict[frozenset[str], int] = {}
    for a, b, data in graph.edges(data=True):
        key = frozenset((a, b))
        repeat = seen.get(key, 0)
        seen[key] = repeat + 1
        colour, dash = ROUND_STYLES.get(int(data["round"]), ("#444444", "2 3"))
        (x1, y1), (x2, y2) = pos[a], pos[b]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        round_number = data["round"]
        title = f"<title>{e(f'{a} – {b}, ronde {round_number}')}</title>"
        if repeat == 0:
            shape = f'<line x1="{_fmt(x1)}" y1="{_fmt(y1)}" x2="{_fmt(x2)}" y2="{_fmt(y2)}"'
        else:  # a pair meeting twice: bend the extra edge so both stay visible
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            dx, dy = x2 - x1, y2 - y1
            length = math.hypot(dx, dy) or 1.0
            bend = 25.0 * repeat
            qx, qy = mx - dy / length * bend, my + dx / length * bend
            shape = (
                f'<path d="M{_fmt(x1)},{_fmt(y1)} Q{_fmt(qx)},{_fmt(qy)} {_fmt(x2)},{_fmt(y2)}" '
                'fill="none"'
            )
        parts.append(
            f'{shape} stroke="{colour}" stroke-width="2.5"{dash_attr}>{title}'
            f"{'</line>' if repeat == 0 else '</path>'}"
        )
    for name in graph.nodes:
        x, y = pos[name]
        registration = by_name.get(name)
        fill = BALANCE_FILL[registration.balance if registration else None]
        angle = math.atan2(y - cy, x - cx)
        lx = x + math.cos(angle) * LABEL_GAP
        ly = y + math.sin(angle) * LABEL_GAP + 4
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        if anchor == "middle":
            ly += 6 if math.sin(angle) > 0 else -4
        parts.append(
            f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="8" fill="{fill}" stroke="#1a1a1a" '
            f'stroke-width="1"><title>{e(name)}</title></circle>'
            f'<text x="{_fmt(lx)}" y="{_fmt(ly)}" text-anchor="{anchor}">{e(name)}</text>'
        )
    parts.append(_legend())
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    """Round colours and balance colours, top-left."""
    items = []
    y = 18
    for number, (colour, dash) in ROUND_STYLES.items():
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(
            f'<line x1="10" y1="{y - 4}" x2="40" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}></line>'
            f'<text x="46" y="{y}" class="legend">ronde {number}</text>'
        )
        y += 18
    for balance in (Balance.DEFICIT, Balance.SURPLUS, Balance.NEUTRAL):
        items.append(
            f'<circle cx="25" cy="{y - 4}" r="6" fill="{BALANCE_FILL[balance]}" '
            f'stroke="#1a1a1a"></circle><text x="46" y="{y}" class="legend">{balance.value}</text>'
        )
        y += 18
    return "".join(items)
