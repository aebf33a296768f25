"""The rule table (:data:`matching.rules.RULES`): every rule broken on its own, and caught.

Three kinds of test, all over the table, so adding a rule without a case fails:

* **checker**: a small layout that breaks exactly one rule; ``check_layout``
  reports that rule, and the report's "Controle" (``check_proposal``) and
  ``leernetwerk check`` (``rule_breaks``, with the inputs ``check_workbook``
  gives it) name the same broken rules, rule by rule.
* **model**: for every hard rule that a CP-SAT function enforces, data that
  tempts the solver to break it; the engine keeps the rule, and with the
  rule's function removed from the table the solver does break it (which
  proves the data really tempts).
* **docs**: the rule table in ``docs/rules.md`` is what
  ``benchmarks/mutants.py --table`` prints.

``benchmarks/mutants.py`` loosens each hard rule in the model and in the
checker and records which of these tests catch it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import matching.clubs
import matching.engine
import matching.rules
import matching.sessions
from leernetwerk.check import rule_breaks, selected_participants
from leernetwerk.config import CycleConfig
from leernetwerk.domain import Balance, Registration, Registrations, SafetyNet
from leernetwerk.layout_io import EditedLayout
from leernetwerk.proposal import (
    Club,
    Layout,
    Proposal,
    Round,
    SelectionEntry,
    Session,
    SessionFormat,
)
from leernetwerk.reports.checks import check_proposal
from matching.engine import match
from matching.rules import RULES, check_layout
from tests.factories import THEMES, registration

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- checker cases
#
# The base: eight participants in two clubs of four (clubs of 4–6), two deficit
# members per club, everybody may host; two rounds of sessions of two in which
# nobody meets twice and everybody hosts once. It breaks no rule at all.

CLUB_1 = ("Almere", "Breda", "Cuijk", "Delft")
CLUB_2 = ("Ede", "Fijnaart", "Gouda", "Heerlen")
NAMES = CLUB_1 + CLUB_2
DEFICIT = {"Almere", "Breda", "Ede", "Fijnaart"}


def small_config(**sections: dict[str, Any]) -> CycleConfig:
    data: dict[str, Any] = {"clubs": {"min_size": 4, "max_size": 6, "target_size": 5}}
    for name, values in sections.items():
        data[name] = data.get(name, {}) | values
    return CycleConfig.model_validate(data)


def base_people(
    deficit: Collection[str] = DEFICIT, not_host: Collection[str] = ()
) -> dict[str, Registration]:
    return {
        n: registration(
            n,
            balance=Balance.DEFICIT if n in deficit else Balance.SURPLUS,
            can_host=n not in not_host,
        )
        for n in NAMES
    }


def session(club: int, host: str | None, *others: str) -> Session:
    members = ((host,) if host else ()) + others
    return Session(
        club=club,
        members=members,
        host=host,
        themes=(THEMES[0],),
        format=SessionFormat.SMALL_GROUPS,
    )


def two_rounds(club: int, a: str, b: str, c: str, d: str) -> dict[int, list[Session]]:
    """Round 1: a+b (a hosts), c+d (d hosts); round 2: a+c (c hosts), b+d (b hosts)."""
    return {
        1: [session(club, a, b), session(club, d, c)],
        2: [session(club, c, a), session(club, b, d)],
    }


def layout_of(clubs: Sequence[Sequence[str]], rounds: dict[int, list[Session]]) -> Layout:
    return Layout(
        clubs=tuple(Club(id=i, members=tuple(m)) for i, m in enumerate(clubs, start=1)),
        rounds=tuple(Round(round=r, sessions=tuple(s)) for r, s in sorted(rounds.items())),
    )


def base_rounds() -> dict[int, list[Session]]:
    one, two = two_rounds(1, *CLUB_1), two_rounds(2, *CLUB_2)
    return {r: one[r] + two[r] for r in (1, 2)}


@dataclass
class Case:
    """A layout with everything needed to check it the three ways."""

    layout: Layout
    people: dict[str, Registration] = field(default_factory=base_people)
    config: CycleConfig = field(default_factory=small_config)
    selected: tuple[str, ...] = NAMES
    met_before: frozenset[frozenset[str]] = frozenset()
    also: frozenset[str] = frozenset()
    """Other rules this layout cannot help breaking (each with its reason in the case)."""


def with_sessions(change: Callable[[dict[int, list[Session]]], None]) -> Layout:
    rounds = base_rounds()
    change(rounds)
    return layout_of((CLUB_1, CLUB_2), rounds)


def replace_session(r: int, index: int, new: Session) -> Callable[[dict[int, list[Session]]], None]:
    def change(rounds: dict[int, list[Session]]) -> None:
        rounds[r][index] = new

    return change


BASE = layout_of((CLUB_1, CLUB_2), base_rounds())


def case_places() -> Case:
    return Case(BASE, config=small_config(cycle={"places": 7}))


def case_selection_pins() -> Case:
    return Case(BASE, config=small_config(pins={"exclude": ["Breda"]}))


def case_in_one_club() -> Case:
    # Heerlen is in both clubs (club 1 then has 5 members, which is allowed).
    return Case(layout_of((CLUB_1 + ("Heerlen",), CLUB_2), base_rounds()))


def case_club_size() -> Case:
    # Clubs of 5–8: the base clubs of 4 are too small.
    return Case(BASE, config=small_config(clubs={"min_size": 5, "max_size": 8, "target_size": 6}))


def case_club_balance() -> Case:
    # All four deficit members in club 1: |2·4 − 4| = 4 > 2 in both clubs.
    return Case(BASE, people=base_people(deficit=set(CLUB_1)))


def case_pin_club() -> Case:
    return Case(BASE, config=small_config(pins={"club": [{"name": "Almere", "club": 2}]}))


def case_pin_apart() -> Case:
    return Case(BASE, config=small_config(pins={"apart": [["Almere", "Cuijk"]]}))


def case_session_size() -> Case:
    # Round 1 of club 1: Almere+Breda, and Cuijk and Delft alone. (Someone then
    # hosts twice: a warning, not a hard rule.)
    def change(rounds: dict[int, list[Session]]) -> None:
        rounds[1][1:2] = [session(1, "Cuijk"), session(1, "Delft")]

    return Case(with_sessions(change))


def case_one_session_per_round() -> Case:
    # Breda and Delft attend nothing in round 2.
    def change(rounds: dict[int, list[Session]]) -> None:
        del rounds[2][1]

    return Case(with_sessions(change))


def case_session_in_club() -> Case:
    # Round 1: Almere+Breda's session is said to be one of club 2.
    return Case(with_sessions(replace_session(1, 0, session(2, "Almere", "Breda"))))


def case_no_repeated_pair() -> Case:
    # Round 2 of club 1 repeats round 1 (with the other member hosting).
    def change(rounds: dict[int, list[Session]]) -> None:
        rounds[2][0:2] = [session(1, "Breda", "Almere"), session(1, "Cuijk", "Delft")]

    return Case(with_sessions(change))


def case_session_host() -> Case:
    return Case(with_sessions(replace_session(1, 0, session(1, None, "Almere", "Breda"))))


def case_pin_together() -> Case:
    pin = {"members": ["Almere", "Delft"], "round": 1}
    return Case(BASE, config=small_config(pins={"together": [pin]}))


def case_club_hosts() -> Case:
    # Only Almere may host in club 1: 1 host for 4 members, 1 on 3 is needed.
    # Every session needs a host of its own and a club of four has two sessions
    # per round, so no complete layout can break this rule without also breaking
    # session_host: club_hosts follows from the session rules (see docs/rules.md).
    people = base_people(not_host={"Breda", "Cuijk", "Delft"})
    return Case(BASE, people=people, also=frozenset({"session_host"}))


def case_pin_host() -> Case:
    return Case(BASE, config=small_config(pins={"host": [{"name": "Breda", "round": 1}]}))


def case_host_twice() -> Case:
    # Breda and Cuijk may not host: Almere is the only possible host of both her
    # sessions (and so hosts twice, a warning); club 1 is short of hosts too.
    def change(rounds: dict[int, list[Session]]) -> None:
        rounds[2][0:2] = [session(1, "Almere", "Cuijk"), session(1, "Delft", "Breda")]
        rounds[1][1] = session(1, "Delft", "Cuijk")

    people = base_people(not_host={"Breda", "Cuijk"})
    layout = with_sessions(change)
    return Case(layout, people=people)


def case_met_before() -> Case:
    return Case(BASE, met_before=frozenset({frozenset({"Almere", "Breda"})}))


def case_host_shortfall() -> Case:
    # Delft may not host (and hosts nothing): club 1 has 3 of the 4 hosts its
    # four sessions need for nobody to host twice.
    def change(rounds: dict[int, list[Session]]) -> None:
        rounds[1][1] = session(1, "Cuijk", "Delft")
        rounds[2][0] = session(1, "Almere", "Cuijk")

    return Case(with_sessions(change), people=base_people(not_host={"Delft"}))


def case_host_rotation() -> Case:
    def change(rounds: dict[int, list[Session]]) -> None:
        rounds[2][0] = session(1, "Almere", "Cuijk")

    return Case(with_sessions(change))


CASES: dict[str, Callable[[], Case]] = {
    name.removeprefix("case_"): fn
    for name, fn in globals().items()
    if name.startswith("case_") and callable(fn)
}


def test_every_rule_has_a_case_that_breaks_it() -> None:
    assert set(CASES) == {rule.key for rule in RULES}


def test_the_base_layout_breaks_no_rule() -> None:
    case = Case(BASE)
    assert (
        check_layout(BASE, case.people, case.config, selected=NAMES, registrations=case.people)
        == []
    )


def table_verdict(case: Case) -> dict[str, bool]:
    """Rule key → hard, for every rule ``check_layout`` finds broken."""
    violations = check_layout(
        case.layout,
        case.people,
        case.config,
        case.met_before,
        selected=case.selected,
        registrations=case.people,
    )
    return {v.rule: v.hard for v in violations}


def proposal_of(case: Case) -> tuple[Proposal, Registrations]:
    registrations = Registrations(registrations=tuple(case.people.values()))
    proposal = Proposal(
        cycle="2026",
        input_file="aanmeldingen.xlsx",
        input_sha256="0" * 64,
        config_sha256="0" * 64,
        seed=0,
        selection=tuple(SelectionEntry(name=n, selected=n in case.selected) for n in case.people),
        clubs=case.layout.clubs,
        rounds=case.layout.rounds,
    )
    return proposal, registrations


def report_verdict(case: Case) -> dict[str, bool]:
    """Rule key → hard, for every rule the report's "Controle" finds broken."""
    proposal, registrations = proposal_of(case)
    checks = check_proposal(proposal, registrations, case.config, case.met_before)
    return {c.key: c.hard for c in checks if not c.ok}


def check_verdict(case: Case) -> dict[str, bool]:
    """Rule key → hard, for every rule ``leernetwerk check`` finds broken: ``rule_breaks``
    with the inputs ``check_workbook`` gives it (participants from the proposal's
    selection, the met pairs of the cycle's history)."""
    proposal, registrations = proposal_of(case)
    participants = selected_participants(proposal, registrations)
    breaks = rule_breaks(
        EditedLayout(layout=case.layout),
        participants,
        case.config,
        case.met_before,
        selected=proposal.selected,
        registrations=registrations.by_name(),
    )
    verdict: dict[str, bool] = {}
    for b in breaks:
        verdict[b.rule] = verdict.get(b.rule, False) or b.hard
    return verdict


@pytest.mark.parametrize("key", sorted(CASES))
def test_a_layout_that_breaks_one_rule_is_reported_for_that_rule(key: str) -> None:
    case = CASES[key]()
    verdict = table_verdict(case)
    rule = matching.rules.BY_KEY[key]
    assert key in verdict, f"check_layout misses {key}: {verdict}"
    assert verdict[key] is rule.hard
    hard = {k for k, is_hard in verdict.items() if is_hard}
    if rule.hard:
        assert hard == {key} | case.also
    else:
        assert hard == set(case.also)


def extra_stranger_in_a_session() -> Case:
    # Xanten, who is not a participant, joins Almere and Breda in round 1.
    return Case(with_sessions(replace_session(1, 0, session(1, "Almere", "Breda", "Xanten"))))


VERDICT_CASES = {**CASES, "stranger_in_a_session": extra_stranger_in_a_session}


@pytest.mark.parametrize("key", sorted(VERDICT_CASES))
def test_report_and_check_give_the_same_verdict_rule_by_rule(key: str) -> None:
    case = VERDICT_CASES[key]()
    report, check = report_verdict(case), check_verdict(case)
    assert report == check
    assert report == table_verdict(case)


# --------------------------------------------------------------------------- model: tempting data
#
# For every hard rule, participants whose scores pull the solver towards breaking
# it. The engine keeps the rule; with the rule loosened in the model (exactly the
# model mutant of benchmarks/mutants.py) the solver breaks it, which proves that
# the data tempts. Cluster "A" and cluster "B" members are alike within their
# cluster and unlike across (themes, self-evaluation, size, variant).

SOLVER = {"num_workers": 1, "club_deterministic_time": 0.3, "session_deterministic_time": 0.3}


def member(name: str, cluster: str, *, deficit: bool, host: bool = True) -> Registration:
    a = cluster == "A"
    return registration(
        name,
        balance=Balance.DEFICIT if deficit else Balance.SURPLUS,
        themes=tuple(THEMES[0:3] if a else THEMES[5:8]),
        scores={t: 1.0 if a else 4.0 for t in THEMES},
        inhabitants=20_000 if a else 400_000,
        variant="gemeentelijk" if a else "regionaal",
        can_host=host,
    )


def config_of(clubs: tuple[int, int, int], **sections: dict[str, Any]) -> CycleConfig:
    lo, hi, target = clubs
    data: dict[str, Any] = {
        "clubs": {"min_size": lo, "max_size": hi, "target_size": target},
        "solver": SOLVER,
    }
    for name, values in sections.items():
        data[name] = data.get(name, {}) | values
    return CycleConfig.model_validate(data)


TWO_CLUBS = (4, 6, 5)
"""Eight participants make two clubs of four."""
ONE_CLUB = (4, 8, 8)
"""Eight participants make one club of eight."""


def mixed_clusters() -> list[Registration]:
    """Four of A and four of B, each cluster balanced: the clubs follow the clusters."""
    return [member(f"A{i}", "A", deficit=i % 2 == 0) for i in range(4)] + [
        member(f"B{i}", "B", deficit=i % 2 == 0) for i in range(4)
    ]


@dataclass
class Temptation:
    people: list[Registration]
    config: CycleConfig
    stage: str = "engine"
    """What the loosened model is run to: "clubs" (the club model alone),
    "engine" (the whole engine without its self-check) or "selection"."""
    breaks_with: str = ""
    """When the loosened engine cannot even finish: the error it then raises."""


def tempt_places() -> Temptation:
    # Ten registrants for eight places: the fill stage wants them all.
    people = [member(f"A{i}", "A", deficit=i % 2 == 0) for i in range(10)]
    return Temptation(people, config_of(ONE_CLUB, cycle={"places": 8}), "selection")


def tempt_selection_pins() -> Temptation:
    # Nine for eight places; the pinned one is the only one without safety-net priority.
    people = [
        member(f"A{i}", "A", deficit=i % 2 == 0).model_copy(
            update={"safety_net": SafetyNet.REGULAR}
        )
        for i in range(8)
    ] + [member("Z", "A", deficit=False)]
    config = config_of(ONE_CLUB, cycle={"places": 8}, pins={"select": ["Z"]})
    return Temptation(people, config, "selection")


def tempt_in_one_club() -> Temptation:
    # N is unlike everyone and shares their province, which a negative region weight
    # punishes: without "one club each" N is left out and another sits in two clubs.
    loner = registration(
        "N",
        themes=tuple(THEMES[7:10]),
        scores={t: 4.0 for t in THEMES},
        inhabitants=900_000,
        variant="regionaal",
    )
    others = [
        registration(
            f"P{i}",
            balance=Balance.DEFICIT if i % 2 else Balance.SURPLUS,
            themes=tuple(THEMES[0:3]),
            scores={t: 0.0 for t in THEMES},
            inhabitants=10_000,
        )
        for i in range(7)
    ]
    config = config_of(TWO_CLUBS, weights={"clubs": {"region": -15.0}})
    return Temptation([loner, *others], config, "clubs", breaks_with="StopIteration")


def tempt_club_size() -> Temptation:
    # A cluster of five and one of three: without size bounds they make a club of 8.
    people = [member(f"A{i}", "A", deficit=i < 2) for i in range(5)] + [
        member(f"B{i}", "B", deficit=i < 2) for i in range(3)
    ]
    config = config_of(TWO_CLUBS, weights={"clubs": {"host_shortfall": 0.0}})
    return Temptation(people, config, "clubs")


def tempt_club_balance() -> Temptation:
    # Every deficit member is in cluster A: the clusters make unbalanced clubs.
    people = [member(f"A{i}", "A", deficit=True) for i in range(4)] + [
        member(f"B{i}", "B", deficit=False) for i in range(4)
    ]
    return Temptation(people, config_of(TWO_CLUBS), "clubs")


def tempt_pin_club() -> Temptation:
    pins = {"club": [{"name": "A0", "club": 1}, {"name": "A1", "club": 2}]}
    return Temptation(mixed_clusters(), config_of(TWO_CLUBS, pins=pins), "clubs")


def tempt_pin_apart() -> Temptation:
    return Temptation(
        mixed_clusters(), config_of(TWO_CLUBS, pins={"apart": [["A0", "A1"]]}), "clubs"
    )


def tempt_club_hosts() -> Temptation:
    # Only cluster A may host: the clusters make a club without hosts.
    people = [member(f"A{i}", "A", deficit=i % 2 == 0) for i in range(4)] + [
        member(f"B{i}", "B", deficit=i % 2 == 0, host=False) for i in range(4)
    ]
    return Temptation(people, config_of(TWO_CLUBS), "clubs")


def tempt_pin_together() -> Temptation:
    # A0 and B0 together in round 1, although their clusters make the clubs.
    pins = {"together": [{"members": ["A0", "B0"], "round": 1}]}
    return Temptation(mixed_clusters(), config_of(TWO_CLUBS, pins=pins))


def tempt_session_size() -> Temptation:
    # One club of eight with a cluster of four: a session of four scores best.
    people = [member(f"A{i}", "A", deficit=i < 3) for i in range(4)] + [
        member(f"B{i}", "B", deficit=i % 2 == 0) for i in range(4)
    ]
    return Temptation(people, config_of(ONE_CLUB))


def tempt_one_session_per_round() -> Temptation:
    # Every session scores, so without the rule members attend several per round.
    return Temptation(mixed_clusters(), config_of(ONE_CLUB))


def tempt_session_in_club() -> Temptation:
    return Temptation(mixed_clusters(), config_of(TWO_CLUBS))


def tempt_no_repeated_pair() -> Temptation:
    # One club of eight with one pair of A: A0 and A1 would meet in both rounds.
    people = [member("A0", "A", deficit=True), member("A1", "A", deficit=True)] + [
        member(f"B{i}", "B", deficit=i % 2 == 0) for i in range(6)
    ]
    return Temptation(people, config_of(ONE_CLUB))


def tempt_session_host() -> Temptation:
    # Three of eight may host, and the five who may not are alike: without the rule
    # a session has nobody who may host, and the host assignment fails.
    people = [member(f"A{i}", "A", deficit=i % 2 == 0, host=False) for i in range(5)] + [
        member(f"B{i}", "B", deficit=i % 2 == 0) for i in range(3)
    ]
    return Temptation(people, config_of(ONE_CLUB), breaks_with="host assignment failed")


def tempt_pin_host() -> Temptation:
    # A0–A2 are alike and pinned as hosts in both rounds: without the rule two of
    # them share a session, and the host assignment cannot honour both pins.
    people = [member(f"A{i}", "A", deficit=i % 2 == 0) for i in range(3)] + [
        member(f"B{i}", "B", deficit=i % 2 == 0) for i in range(5)
    ]
    pins = {"host": [{"name": f"A{i}", "round": r} for i in range(3) for r in (1, 2)]}
    return Temptation(people, config_of(ONE_CLUB, pins=pins), breaks_with="host assignment failed")


TEMPTATIONS: dict[str, Callable[[], Temptation]] = {
    name.removeprefix("tempt_"): fn
    for name, fn in globals().items()
    if name.startswith("tempt_") and callable(fn)
}


def test_every_hard_rule_has_tempting_data() -> None:
    assert set(TEMPTATIONS) == {rule.key for rule in RULES if rule.hard}


def hard_broken(
    layout: Layout,
    people: Sequence[Registration],
    config: CycleConfig,
    *,
    selected: Sequence[str] | None = None,
    registrations: Sequence[Registration] = (),
) -> set[str]:
    violations = check_layout(
        layout,
        {p.name: p for p in people},
        config,
        selected=selected,
        registrations={r.name: r for r in registrations},
    )
    return {v.rule for v in violations if v.hard}


def selected_by_engine(t: Temptation) -> tuple[str, ...]:
    from matching.selection import select

    return select(Registrations(registrations=tuple(t.people)), t.config).selected


@pytest.mark.parametrize("key", sorted(TEMPTATIONS))
def test_the_engine_keeps_a_rule_that_the_data_tempts_it_to_break(key: str) -> None:
    t = TEMPTATIONS[key]()
    if t.stage == "selection":
        chosen = selected_by_engine(t)
        assert hard_broken(Layout(), [], t.config, selected=chosen, registrations=t.people) == set()
        return
    result = match(t.people, t.config)
    assert hard_broken(result.layout, t.people, t.config) == set()


def unchecked_layout(t: Temptation, monkeypatch: pytest.MonkeyPatch) -> Layout:
    """The layout the (loosened) model gives: the club model alone, or the whole
    engine with its self-check reduced to the soft rules."""
    if t.stage == "clubs":
        problem = matching.clubs.ClubProblem(tuple(t.people), t.config)
        result = matching.clubs.solve_clubs(problem, seed=0, max_deterministic_time=0.3)
        return layout_of(result.clubs, {})
    check = matching.rules.check_layout
    monkeypatch.setattr(
        matching.engine,
        "check_layout",
        lambda *args, **kwargs: [v for v in check(*args, **kwargs) if not v.hard],
    )
    return match(t.people, t.config).layout


def mutants() -> Any:
    from benchmarks import mutants

    return mutants


@pytest.mark.parametrize("key", sorted(TEMPTATIONS))
def test_with_the_rule_loosened_in_the_model_the_solver_breaks_it(
    key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = TEMPTATIONS[key]()
    mutants().loosen_model(key, monkeypatch.setattr)
    if t.stage == "selection":
        chosen = selected_by_engine(t)
        assert key in hard_broken(Layout(), [], t.config, selected=chosen, registrations=t.people)
        return
    if t.breaks_with:
        with pytest.raises(RuntimeError, match=t.breaks_with):
            unchecked_layout(t, monkeypatch)
        return
    assert key in hard_broken(unchecked_layout(t, monkeypatch), t.people, t.config)


# --------------------------------------------------------------------------- docs


def test_the_rule_table_in_the_docs_is_what_the_script_prints() -> None:
    m = mutants()
    printed = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "mutants.py"), "--table"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout.strip("\n")
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert m.between(doc, m.TABLE_BEGIN, m.TABLE_END) == printed
