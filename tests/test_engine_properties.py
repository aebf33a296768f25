"""Property tests of the matching engine on small random instances.

8–24 participants with random themes, scores, balance and host flags, in
clubs of 6–10 (so small instances still make several clubs; a club of five
has no two rounds of 2–3 without a repeated pair). Properties:

* every returned layout keeps every hard rule (``check_layout``: no hard violation);
* random *feasible* pins (taken from an unpinned layout, so a layout exists
  that keeps them) are honoured;
* impossible configurations raise :class:`RuleConflict` with Dutch
  reasons, never another exception;
* same input, same layout.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from leernetwerk.config import CycleConfig, config_from_dict
from leernetwerk.domain import Balance, Registration
from matching.engine import MatchResult, match
from matching.errors import RuleConflict
from matching.rules import advice_for, check_layout
from tests.factories import random_participants

BASE: dict[str, Any] = {
    "clubs": {"min_size": 6, "max_size": 10, "target_size": 8},
    "solver": {"club_deterministic_time": 0.3, "session_deterministic_time": 0.5},
}
SIZES = st.integers(8, 24).filter(lambda n: n != 11)
"""Eleven fits neither one club of 6–10 nor two."""
DUTCH_WORDS = ("deelnemer", "pin", "club", "bijeenkomst", "host", "ronde", "samen", "balans")

slow = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


def config(pins: dict[str, Any] | None = None) -> CycleConfig:
    return config_from_dict(BASE | ({"pins": pins} if pins else {}))


@st.composite
def instances(draw: st.DrawFn, max_non_hosts: int = 2) -> list[Registration]:
    """Random participants: size, themes and scores by seed; balance and hosting drawn."""
    n = draw(SIZES)
    people = random_participants(n, seed=draw(st.integers(0, 10_000)), hosts=1.0)
    balances = draw(st.lists(st.sampled_from(list(Balance)), min_size=n, max_size=n))
    non_hosts = set(draw(st.lists(st.integers(0, n - 1), max_size=max_non_hosts)))
    return [
        p.model_copy(update={"balance": b, "can_host": i not in non_hosts})
        for i, (p, b) in enumerate(zip(people, balances, strict=True))
    ]


def hard_violations(result: MatchResult, people: list[Registration], cfg: CycleConfig) -> list[str]:
    return [
        v.message for v in check_layout(result.layout, {p.name: p for p in people}, cfg) if v.hard
    ]


def feasible_pins(draw: st.DrawFn, result: MatchResult) -> dict[str, Any]:
    """Pins that the unpinned layout already keeps (so a layout exists that keeps them).

    A together pair is also pinned to its club: the club model does not see
    together pins (see the xfail test in test_engine.py).
    """
    layout = result.layout
    club_of = layout.club_of()
    names = sorted(club_of)
    pins: dict[str, Any] = {"club": [], "apart": [], "together": [], "host": []}
    for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
        pins["club"].append({"name": name, "club": club_of[name]})
    sessions = layout.sessions()
    if draw(st.booleans()):
        r, s = draw(st.sampled_from(sessions))
        a, b = s.members[0], s.members[1]
        pins["together"].append({"members": [a, b], "round": r})
        pins["club"] += [
            {"name": n, "club": club_of[n]}
            for n in (a, b)
            if {"name": n, "club": club_of[n]} not in pins["club"]
        ]
    if draw(st.booleans()):
        r, s = draw(st.sampled_from(sessions))
        pins["host"].append({"name": s.host, "round": r})
    if len(layout.clubs) > 1 and draw(st.booleans()):
        a = draw(st.sampled_from(layout.clubs[0].members))
        b = draw(st.sampled_from(layout.clubs[1].members))
        pins["apart"].append([a, b])
    return pins


# Each example runs the engine twice (unpinned, then pinned), about 2 s each; the
# examples are fixed under CI (derandomize), so 10 keep the suite within its time.
@settings(slow, max_examples=10)
@given(people=instances(), data=st.data())
def test_every_layout_keeps_the_hard_rules_and_feasible_pins(people, data):
    cfg = config()
    try:
        free = match(people, cfg)
    except RuleConflict as conflict:  # pragma: no cover - only with unlucky hosts
        assert conflict.reasons
        assume(False)
    assert hard_violations(free, people, cfg) == []

    pins = feasible_pins(data.draw, free)
    pinned_cfg = config(pins)
    result = match(people, pinned_cfg)
    assert hard_violations(result, people, pinned_cfg) == []
    club_of = result.layout.club_of()
    assert all(club_of[p["name"]] == p["club"] for p in pins["club"])
    assert all(club_of[a] != club_of[b] for a, b in pins["apart"])
    sessions = result.layout.sessions()
    for p in pins["together"]:
        a, b = p["members"]
        assert any(r == p["round"] and {a, b} <= set(s.members) for r, s in sessions)
    for p in pins["host"]:
        assert any(r == p["round"] and s.host == p["name"] for r, s in sessions)


KINDS = [
    "apart_same_club",
    "club_too_high",
    "together_apart",
    "two_clubs",
    "together_both_rounds",
    "together_chain_of_four",
    "together_two_hosts",
]


def conflicting_pins(draw: st.DrawFn, names: list[str], k: int) -> tuple[dict[str, Any], str]:
    """Pins that cannot all hold, and which kind of conflict they make."""
    a, b, c, d = draw(st.lists(st.sampled_from(names), min_size=4, max_size=4, unique=True))
    kind = draw(st.sampled_from(KINDS))
    if kind == "together_both_rounds":  # the pair would meet in both rounds
        return {"together": [{"members": [a, b], "round": r} for r in (1, 2)]}, kind
    if kind == "together_chain_of_four":  # a session of four in round r
        r = draw(st.integers(1, 2))
        chain = [[a, b], [b, c], [c, d]]
        return {"together": [{"members": m, "round": r} for m in chain]}, kind
    if kind == "together_two_hosts":  # one session, two pinned hosts
        r = draw(st.integers(1, 2))
        hosts = [{"name": a, "round": r}, {"name": b, "round": r}]
        return {"together": [{"members": [a, b], "round": r}], "host": hosts}, kind
    if kind == "apart_same_club":
        return {"apart": [[a, b]], "club": [{"name": a, "club": 1}, {"name": b, "club": 1}]}, kind
    if kind == "club_too_high":
        return {"club": [{"name": a, "club": k + draw(st.integers(1, 3))}]}, kind
    if kind == "together_apart":
        r = draw(st.integers(1, 2))
        return {"apart": [[a, b]], "together": [{"members": [a, b], "round": r}]}, kind
    return {"club": [{"name": a, "club": 1}, {"name": a, "club": 2}]} if k > 1 else (
        {"club": [{"name": a, "club": 2}]}
    ), kind


@settings(slow, max_examples=25)
@given(people=instances(), data=st.data())
def test_impossible_pins_raise_a_matching_conflict_with_dutch_reasons(people, data):
    n = len(people)
    k = 1 if n <= 10 else (2 if n <= 20 else 3)
    pins, kind = conflicting_pins(data.draw, [p.name for p in people], k)
    try:
        match(people, config(pins))
    except RuleConflict as conflict:
        assert conflict.reasons, kind
        text = " ".join(conflict.reasons).lower()
        assert any(word in text for word in DUTCH_WORDS), conflict.reasons
        assert advice_for(conflict)
    else:
        raise AssertionError(f"no conflict for {kind}: {pins}")


@settings(slow, max_examples=10)
@given(people=instances(max_non_hosts=0), data=st.data())
def test_impossible_hosting_raises_a_matching_conflict(people, data):
    kind = data.draw(st.sampled_from(["nobody_hosts", "pinned_non_host"]))
    if kind == "nobody_hosts":
        people = [p.model_copy(update={"can_host": False}) for p in people]
        cfg = config()
    else:
        i = data.draw(st.integers(0, len(people) - 1))
        people[i] = people[i].model_copy(update={"can_host": False})
        cfg = config({"host": [{"name": people[i].name, "round": data.draw(st.integers(1, 2))}]})
    try:
        match(people, cfg)
    except RuleConflict as conflict:
        text = " ".join(conflict.reasons)
        assert "host" in text, (
            conflict.reasons
        )  # e.g. 'iedere bijeenkomst heeft een deelnemer die mag hosten'
    else:
        raise AssertionError(kind)


@settings(slow, max_examples=4)  # two engine runs each; across processes: test_determinism.py
@given(people=instances())
def test_same_input_same_layout(people):
    cfg = config()
    try:
        first = match(people, cfg)
    except RuleConflict:  # pragma: no cover - only with unlucky hosts
        assume(False)
    second = match(people, cfg)
    assert first.layout.model_dump() == second.layout.model_dump()
    assert first.quality.objective == second.quality.objective
