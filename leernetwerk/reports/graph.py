"""Who meets whom: a networkx graph per club rendered as inline SVG.

Nodes are the club's participants (coloured by balance), edges join two
participants who share a session, coloured and dashed by round. Nodes sit
on a circle (``networkx.circular_layout``) in round-1 session order, so each
round-1 session is a short chord and round-2 links cross the circle: the
network's growth is visible at a glance. All coordinates are rounded to one
decimal, so the same proposal always gives byte-identical SVG. This module
computes the drawing; the markup is the ``graph.svg`` template (autoescaped).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Edge:
    """One shared session of a pair: a straight line, or a bent path when repeated."""

    x1: str
    y1: str
    x2: str
    y2: str
    colour: str
    dash: str
    title: str
    bend: tuple[str, str] | None = None
    """Control point of the quadratic curve for a pair's second (third…) edge."""


@dataclass(frozen=True)
class Node:
    name: str
    x: str
    y: str
    fill: str
    label_x: str
    label_y: str
    anchor: str
    square: bool = False
    """Deficit participants are squares, so the graph does not rely on colour alone."""


@dataclass(frozen=True)
class LegendItem:
    y: int
    text: str
    colour: str
    dash: str = ""
    square: bool = False


@dataclass(frozen=True)
class ClubGraph:
    """Everything the ``graph.svg`` template draws, coordinates already formatted."""

    club: int
    width: int
    height: int
    edges: tuple[Edge, ...]
    nodes: tuple[Node, ...]
    round_legend: tuple[LegendItem, ...]
    balance_legend: tuple[LegendItem, ...]


def club_graph(club: Club, proposal: Proposal, registrations: Registrations) -> ClubGraph:
    """The drawing of who meets whom in ``club``: edges, nodes and legend."""
    graph = meeting_graph(club, proposal)
    by_name = registrations.by_name()
    cx, cy = WIDTH / 2, HEIGHT / 2 + 10
    layout = nx.circular_layout(graph, scale=RADIUS, center=(cx, cy)) if len(graph) else {}
    pos = {n: (float(x), float(y)) for n, (x, y) in layout.items()}
    edges = []
    seen: dict[frozenset[str], int] = {}
    for a, b, data in graph.edges(data=True):
        key = frozenset((a, b))
        repeat = seen.get(key, 0)
        seen[key] = repeat + 1
        round_number = int(data["round"])
        colour, dash = ROUND_STYLES.get(round_number, ("#444444", "2 3"))
        (x1, y1), (x2, y2) = pos[a], pos[b]
        bend = None
        if repeat:  # a pair meeting twice: bend the extra edge so both stay visible
            mx, my = (x1 + x2) / 2, (y1 + y2) / 2
            dx, dy = x2 - x1, y2 - y1
            length = math.hypot(dx, dy) or 1.0
            size = 25.0 * repeat
            bend = (_fmt(mx - dy / length * size), _fmt(my + dx / length * size))
        edges.append(
            Edge(
                _fmt(x1),
                _fmt(y1),
                _fmt(x2),
                _fmt(y2),
                colour,
                dash,
                f"{a} – {b}, ronde {round_number}",
                bend,
            )
        )
    nodes = []
    for name in graph.nodes:
        x, y = pos[name]
        registration = by_name.get(name)
        angle = math.atan2(y - cy, x - cx)
        lx = x + math.cos(angle) * LABEL_GAP
        ly = y + math.sin(angle) * LABEL_GAP + 4
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        if anchor == "middle":
            ly += 6 if math.sin(angle) > 0 else -4
        fill = BALANCE_FILL[registration.balance if registration else None]
        square = registration is not None and registration.balance is Balance.DEFICIT
        nodes.append(Node(name, _fmt(x), _fmt(y), fill, _fmt(lx), _fmt(ly), anchor, square))
    return ClubGraph(
        club=club.id,
        width=WIDTH,
        height=HEIGHT,
        edges=tuple(edges),
        nodes=tuple(nodes),
        **_legend(),
    )


def _legend() -> dict[str, tuple[LegendItem, ...]]:
    """Round colours and balance colours, top-left, one line every 18 px."""
    rounds = tuple(
        LegendItem(18 + 18 * i, f"ronde {number}", colour, dash)
        for i, (number, (colour, dash)) in enumerate(ROUND_STYLES.items())
    )
    balances = tuple(
        LegendItem(
            18 + 18 * (len(rounds) + i),
            balance.value + (" (vierkant)" if balance is Balance.DEFICIT else " (rond)"),
            BALANCE_FILL[balance],
            square=balance is Balance.DEFICIT,
        )
        for i, balance in enumerate((Balance.DEFICIT, Balance.SURPLUS, Balance.NEUTRAL))
    )
    return {"round_legend": rounds, "balance_legend": balances}
