"""The network the learning network builds: who met whom, this cycle and over all cycles.

A *tie* is a pair of participants that shared a learning session. This
cycle's ties come from the evaluation workbook: the sessions that took place
(``ja`` or ``verplaatst``), leaving out a member recorded with 0 people
present. Earlier ties come from the decided matchings of earlier cycles
(:func:`leernetwerk.history.load_history`). docs/evaluatie.md defines every
figure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import networkx as nx

from leernetwerk.domain import Registration

Pair = frozenset[str]


@dataclass(frozen=True)
class NetworkInput:
    participants: dict[str, int]
    """This cycle's participants → club."""
    met_now: set[Pair]
    met_before: set[Pair]
    reached: set[str]
    """Participants who attended at least one session that took place."""
    registrations: list[Registration]
    """Every registration of this cycle (also the ones not selected)."""


def pairs_of(members: Iterable[str]) -> set[Pair]:
    return {frozenset(pair) for pair in combinations(sorted(set(members)), 2)}


def graph(nodes: Iterable[str], ties: Iterable[Pair]) -> nx.Graph:
    g: nx.Graph = nx.Graph()
    g.add_nodes_from(sorted(nodes))
    g.add_edges_from(sorted(tuple(sorted(pair)) for pair in ties))
    return g


def network_figures(data: NetworkInput) -> dict[str, Any]:
    """The ``network`` section of ``evaluatie.json``."""
    names = set(data.participants)
    cumulative = data.met_now | data.met_before
    among = {pair for pair in cumulative if pair <= names}
    whole = graph(names, among)
    by_name = {r.name: r for r in data.registrations}
    registered: dict[str, str] = {}
    for registration in data.registrations:
        for municipality in registration.municipalities():
            registered.setdefault(municipality, registration.province)
    reached_municipalities = {
        municipality
        for name in data.reached
        if name in by_name
        for municipality in by_name[name].municipalities()
    }
    provinces = sorted(set(registered.values()))
    by_province = [
        {
            "province": province,
            "reached": sum(1 for mu in reached_municipalities if registered.get(mu) == province),
            "registered": sum(1 for p in registered.values() if p == province),
        }
        for province in provinces
    ]
    share = len(reached_municipalities) / len(registered) if registered else None
    return {
        "participants": len(names),
        "ties_this_cycle": len(data.met_now),
        "new_ties": len(data.met_now - data.met_before),
        "repeated_ties": len(data.met_now & data.met_before),
        "cumulative_ties": len(cumulative),
        "municipalities_reached": len(reached_municipalities),
        "municipalities_registered": len(registered),
        "share_of_registrations": round(share, 4) if share is not None else None,
        "by_province": by_province,
        "components": nx.number_connected_components(whole) if names else 0,
        "components_this_cycle": nx.number_connected_components(graph(names, data.met_now))
        if names
        else 0,
        "bridges": bridges(data.participants, among),
        "edges": sorted(sorted(pair) for pair in among),
    }


def bridges(participants: dict[str, int], ties: set[Pair]) -> list[str]:
    """Participants with ties (over all cycles) to members of at least two clubs of
    this cycle: they could connect those clubs next cycle. Most clubs first."""
    clubs: dict[str, set[int]] = {name: {club} for name, club in participants.items()}
    for pair in ties:
        a, b = sorted(pair)
        clubs[a].add(participants[b])
        clubs[b].add(participants[a])
    found = [(len(c), name) for name, c in clubs.items() if len(c) >= 2]
    return [name for _, name in sorted(found, key=lambda item: (-item[0], item[1]))]
