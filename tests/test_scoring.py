"""Scoring and checking any layout (matching/scoring.py).

A hand-made valid layout of one club of eight, then one broken rule at a
time: the checker must name the rule and the participants involved.
"""

from __future__ import annotations

import pytest

from leernetwerk.config import CycleConfig, config_from_dict
from leernetwerk.domain import Registration
from leernetwerk.proposal import Club, Layout, Round, Session, SessionFormat
from matching.criteria import club_pair_weight, session_score
from matching.rules import check_layout
from matching.scoring import score_layout
from tests.factories import random_participants

CONFIG = CycleConfig()
PEOPLE: dict[str, Registration] = {
    p.name: p
    for p in (
        r.model_copy(update={"name": f"M{i}"}) for i, r in enumerate(random_participants(8, seed=1))
    )
}
ROUND_1 = (("M0", "M1", "M2"), ("M4", "M3", "M5"), ("M7", "M6"))
ROUND_2 = (("M3", "M0", "M6"), ("M1", "M4", "M7"), ("M2", "M5"))
"""No pair of round 1 meets again in round 2; the host (listed first) differs every time."""


def everyone_hosts(people: dict[str, Registration]) -> dict[str, Registration]:
    return {n: p.model_copy(update={"can_host": True}) for n, p in people.items()}


def session(members: tuple[str, ...], host: str | None = None) -> Session:
    return Session(
        club=1,
        members=members,
        host=host or members[0],
        themes=(),
        format=SessionFormat.PLENARY_THEN_PARALLEL,
    )


ONE_CLUB = (Club(id=1, members=tuple(PEOPLE)),)


def layout(
    round_1: tuple[tuple[str, ...], ...] = ROUND_1,
    round_2: tuple[tuple[str, ...], ...] = ROUND_2,
    clubs: tuple[Club, ...] = ONE_CLUB,
) -> Layout:
    """The valid layout, or one with a round or the clubs replaced."""
    return Layout(
        clubs=clubs,
        rounds=(
            Round(round=1, sessions=tuple(session(s) for s in round_1)),
            Round(round=2, sessions=tuple(session(s) for s in round_2)),
        ),
    )


def messages(
    lay: Layout, people: dict[str, Registration] | None = None, config: CycleConfig = CONFIG
) -> list[str]:
    """The hard violations' messages (everyone may host unless ``people`` says otherwise)."""
    return [
        v.message for v in check_layout(lay, people or everyone_hosts(PEOPLE), config) if v.hard
    ]


def test_valid_layout_has_no_violation():
    assert check_layout(layout(), everyone_hosts(PEOPLE), CONFIG) == []


def test_session_of_four_is_caught_with_its_names():
    broken = layout(round_1=(("M0", "M1", "M2", "M3"), ("M4", "M5"), ("M6", "M7")))
    found = [m for m in messages(broken) if "4 deelnemers" in m]
    assert len(found) == 1
    assert all(n in found[0] for n in ("M0", "M1", "M2", "M3")), found


def test_repeated_pair_is_caught_with_both_names():
    broken = layout(round_2=(("M0", "M1", "M6"), ("M3", "M5", "M7"), ("M2", "M4")))
    # M0–M1 and M3–M5 met in round 1 already.
    found = messages(broken)
    assert "M0 en M1 zitten in beide rondes samen." in found
    assert "M3 en M5 zitten in beide rondes samen." in found
    assert len(found) == 2, found


def test_member_in_no_session_is_caught():
    broken = layout(round_2=(("M0", "M3", "M6"), ("M1", "M4"), ("M2", "M5")))
    assert messages(broken) == ["Ronde 2: M7 zit in geen enkele bijeenkomst."]


def test_member_in_two_sessions_of_a_round_is_caught():
    broken = layout(round_2=(("M0", "M3", "M6"), ("M1", "M4", "M7"), ("M2", "M5", "M0")))
    assert "Ronde 2: M0 zit in 2 bijeenkomsten." in messages(broken)


def test_host_who_may_not_host_is_caught():
    people = everyone_hosts(PEOPLE)
    people["M0"] = people["M0"].model_copy(update={"can_host": False})
    found = messages(layout(), people)
    # M0 is listed first in round 1, so hosts that session.
    assert found == [
        "Ronde 1, bijeenkomst van M0, M1, M2: host M0 mag niet hosten (Host mogelijk = nee)."
    ]


def test_session_without_host_is_caught():
    broken = layout().model_copy(
        update={
            "rounds": (
                Round(
                    round=1,
                    sessions=tuple(
                        session(s)
                        if s != ("M7", "M6")
                        else Session(
                            club=1,
                            members=s,
                            host=None,
                            themes=(),
                            format=SessionFormat.SMALL_GROUPS,
                        )
                        for s in ROUND_1
                    ),
                ),
                layout().rounds[1],
            )
        }
    )
    found = messages(broken)
    assert len(found) == 1 and "M7, M6: geen host" in found[0], found


def test_member_in_two_clubs_is_caught():
    clubs = (
        Club(id=1, members=tuple(PEOPLE)),
        Club(id=2, members=("M0",)),
    )
    found = messages(layout(clubs=clubs))
    assert "M0 zit in meer dan één club (1, 2)." in found
    # A club of one is too small as well.
    assert any(m.startswith("Club 2 heeft 1 deelnemers") for m in found), found


def test_member_in_no_club_is_caught():
    clubs = (Club(id=1, members=tuple(n for n in PEOPLE if n != "M7")),)
    found = messages(layout(clubs=clubs))
    assert "M7 zit in geen enkele club." in found


def test_met_before_and_hosting_twice_are_soft():
    people = everyone_hosts(PEOPLE)
    twice = layout(round_2=(("M0", "M3", "M6"), ("M1", "M4", "M7"), ("M2", "M5")))
    violations = check_layout(twice, people, CONFIG, [frozenset(("M0", "M1"))])
    # M0–M1 met in an earlier cycle and meet again; M0 now hosts in both rounds.
    assert [(v.rule, v.hard, v.names) for v in violations] == [
        ("met_before", False, ("M0", "M1")),
        ("host_rotation", False, ("M0",)),
    ]


def test_broken_pins_are_caught():
    config = config_from_dict(
        {
            "pins": {
                "apart": [["M0", "M1"]],
                "club": [{"name": "M2", "club": 2}],
                "together": [{"members": ["M0", "M7"], "round": 1}],
                "host": [{"name": "M1", "round": 1}],
            }
        }
    )
    found = [
        v
        for v in check_layout(layout(), everyone_hosts(PEOPLE), config)
        if v.rule.startswith("pin")
    ]
    texts = " | ".join(v.message for v in found)
    assert "M0 en M1 mogen niet samen" in texts
    assert "M2 hoort in club 2" in texts
    assert "M0 en M7 horen samen in ronde 1" in texts
    assert "M1 hoort host te zijn in ronde 1" in texts
    assert len(found) == 4


def test_score_layout_total_is_club_pairs_plus_sessions_plus_first_choices():
    people = everyone_hosts(PEOPLE)
    lay = layout()
    breakdown = score_layout(lay, people, CONFIG)
    names = list(people)
    clubs = sum(
        club_pair_weight(people[a], people[b], CONFIG)
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    )
    # The sessions here take no themes, so only balance mix and size gap can score.
    sessions = sum(
        session_score([people[n] for n in s.members], (), CONFIG) for _, s in lay.sessions()
    )
    assert breakdown.total == pytest.approx(clubs + sessions, abs=1e-3)
    assert breakdown.total == pytest.approx(
        sum(c.contribution for c in breakdown.criteria), abs=1e-3
    )
    assert len(breakdown.clubs) == 1 and len(breakdown.sessions) == 6
