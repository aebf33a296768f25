"""Selection reasons: codes with facts in the proposal, short plain Dutch for people.

The sentences for the tie, balance, late, incomplete, organisation-overlap and
earlier-participation cases are pinned on tiny selections; a property checks
every reason of generated selections (length, sentences, no solver words), and
the national example is checked as a whole.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leernetwerk.cli import main
from leernetwerk.config import CycleConfig
from leernetwerk.domain import Balance, Registrations, SafetyNet
from leernetwerk.proposal import Proposal, SelectionEntry
from leernetwerk.reasons import MAX_CHARS, Code, reason, render_selection, render_what_if
from matching.selection import select
from tests.test_selection import config, entry, reg, run
from tests.test_selection_properties import PROPERTY, registration_sets
from tests.test_selection_properties import run as run_generated

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = (
    "doelfunctie",
    "gap",
    "grens",
    "toegelaten",
    "deterministische",
    "objective",
    "bound",
    "punten",
    "oplosser",
    "solver",
)


def sentences(text: str) -> int:
    return len(re.findall(r"[.!?](?:\s|$)", text))


def assert_plain(text: str) -> None:
    """At most two sentences, at most 300 characters, no solver words."""
    assert text and len(text) <= MAX_CHARS, text
    assert 1 <= sentences(text) <= 2, text
    lowered = text.casefold()
    assert not [w for w in FORBIDDEN if re.search(rf"\b{w}\b", lowered)], text


def assert_entry_plain(e: SelectionEntry) -> None:
    assert len(e.reasons) == 1
    assert_plain(e.reason)
    assert e.reason.startswith("Geselecteerd" if e.selected else "Niet ")
    assert e.codes, e.name
    # the text is what the codes render to: a reader of proposal.json can redo it
    assert e.reason == render_selection(e.name, e.selected, e.codes)
    if e.forcing_cost is not None:
        assert_plain(e.forcing_cost.note)
        assert e.forcing_cost.codes


# ------------------------------------------------------------------ the pinned sentences


def test_tie_names_both_the_shared_priority_and_the_tie_break():
    regs = [
        reg("Assen", net=SafetyNet.REGULAR, on=dt.date(2026, 4, 20)),
        reg("Het Hogeland", net=SafetyNet.REGULAR, on=dt.date(2026, 4, 2)),
    ]
    result = run(regs, config(tolerance=10), places=1)
    assen = entry(result, "Assen")
    assert assen.reason == (
        "Niet geselecteerd: Assen en Het Hogeland hebben dezelfde voorrang (regulier vangnet); "
        "bij gelijke stand gaat de eerdere aanmelding voor."
    )
    assert assen.codes[0].code == Code.TIE
    assert assen.codes[0].facts == {
        "with": "Het Hogeland",
        "safety_net": "regulier",
        "same_priority": 1,
        "same_date": 0,
    }
    assert assen.forcing_cost is not None
    assert assen.forcing_cost.note == (
        "Als Assen toch meedoet, valt Het Hogeland af; de selectie wordt daar niet slechter van."
    )
    assert entry(result, "Het Hogeland").reason == (
        "Geselecteerd: voorrang door regulier vangnet en enige uit Utrecht."
    )


def test_tie_on_the_same_day_says_the_name_decides():
    regs = [reg("Beta"), reg("Alfa")]
    result = run(regs, config(tolerance=10), places=1)
    assert entry(result, "Beta").reason == (
        "Niet geselecteerd: Beta en Alfa hebben dezelfde voorrang (geen vangnet); bij gelijke "
        "stand en dezelfde aanmelddatum gaat de naam in alfabetische volgorde voor."
    )


def test_balance_names_the_side_and_the_counts():
    # The deficit places are pinned; T2 could only take a surplus one's place, and
    # with tolerance 0 that breaks the balance.
    regs = [
        reg("T0"),
        reg("T1"),
        reg("T2", net=SafetyNet.ADDITIONAL),
        reg("O1", balance=Balance.SURPLUS),
        reg("O2", balance=Balance.NEUTRAL),
    ]
    result = run(regs, config(tolerance=0, pins={"select": ["T0", "T1"]}), places=4)
    assert result.selected == ("T0", "T1", "O1", "O2")
    t2 = entry(result, "T2")
    assert t2.codes[0].code == Code.BALANCE_FULL
    assert t2.reason == (
        "Niet geselecteerd: T2 kan de plaats van O2 niet innemen zonder het evenwicht te "
        "verstoren (dan 3 tekort tegen 1 overschot/neutraal)."
    )
    assert entry(result, "O1").reason == (
        "Geselecteerd: saldo overschot of neutraal, voor het evenwicht in de selectie "
        "(2 tekort tegen 2 overschot/neutraal)."
    )


def test_balance_full_with_a_free_place_renders_the_side():
    codes = (reason(Code.BALANCE_FULL, side="tekort", deficit=5, other=2),)
    assert render_selection("Emmen", False, codes) == (
        "Niet geselecteerd: de plaatsen voor gemeenten met een tekort zijn vol; met Emmen erbij "
        "wordt het 5 tekort tegen 2 overschot/neutraal."
    )


def test_late_says_the_timely_ones_filled_every_place():
    late = CycleConfig().cycle.deadline + dt.timedelta(days=1)
    regs = [reg("Op tijd"), reg("Laat", net=SafetyNet.ADDITIONAL, on=late)]
    result = run(regs, config(), places=1)
    laat = entry(result, "Laat")
    assert laat.reason == (
        "Niet geselecteerd: te laat aangemeld, en de tijdige aanmeldingen vulden alle 1 plaatsen."
    )
    assert [c.code for c in laat.codes] == [Code.LATE_NO_PLACES]
    assert laat.forcing_cost is not None
    assert laat.forcing_cost.note == (
        "Als Laat toch meedoet, valt Op tijd af; dat past op zich beter, maar een te late "
        "aanmelding krijgt alleen een plaats die tijdige aanmeldingen niet vullen."
    )
    room = run(regs, config(), places=2)
    assert entry(room, "Laat").reason == (
        "Geselecteerd: alle volledige aanmeldingen passen binnen de 2 plaatsen. Te laat "
        "aangemeld, maar er waren plaatsen over."
    )


def test_incomplete_names_what_is_missing_and_lateness():
    late = CycleConfig().cycle.deadline + dt.timedelta(days=3)
    regs = [reg("Compleet"), reg("Half", complete=False, on=late)]
    result = run(regs, config(), places=2)
    half = entry(result, "Half")
    assert half.reason == (
        "Niet selecteerbaar: de aanmelding is onvolledig (zelfevaluatie ontbreekt). "
        "Bovendien te laat aangemeld."
    )
    assert [c.code for c in half.codes] == [Code.INCOMPLETE, Code.LATE]
    assert half.forcing_cost is None


def test_organisation_overlap_names_the_organisation():
    regs = [
        reg("Regio Foodvalley", members=("Ede", "Wageningen"), net=SafetyNet.ADDITIONAL),
        reg("Ede"),
    ]
    result = run(regs, config(tolerance=10, cycle={"organisation_places": 2}), places=3)
    assert entry(result, "Ede").reason == (
        "Niet geselecteerd: Ede doet al mee via Regio Foodvalley; een gemeente neemt maar één "
        "keer deel."
    )
    assert entry(result, "Regio Foodvalley").reason == (
        "Geselecteerd: voorrang door aanvullend vangnet en enige uit Utrecht. Neemt als "
        "uitvoeringsorganisatie 2 plaatsen in."
    )


def test_earlier_participation_names_the_cycle_and_who_went_first():
    regs = [reg("Nieuw", on=dt.date(2026, 4, 30)), reg("Oud", previous=("pilot-2025-2026",))]
    result = run(regs, config("earlier_participation", tolerance=10), places=1)
    oud = entry(result, "Oud")
    assert oud.reason == (
        "Niet geselecteerd: Oud deed eerder mee (pilot-2025-2026); wie nog niet meedeed, gaat "
        "voor, zoals Nieuw."
    )
    assert [c.code for c in oud.codes] == [Code.WORSE, Code.EARLIER]
    assert oud.codes[0].facts["criteria"] == ("earlier_participation",)


def test_lower_priority_and_spread_sentences():
    regs = [
        reg("Vangnet", net=SafetyNet.REGULAR),
        reg("Zonder", net=SafetyNet.NONE),
    ]
    result = run(regs, config("safety_net", tolerance=10), places=1)
    assert entry(result, "Zonder").reason == (
        "Niet geselecteerd: Zonder (geen vangnet) heeft minder voorrang dan de gekozen "
        "gemeenten met een tekort, zoals Vangnet (regulier vangnet)."
    )
    worse = (reason(Code.WORSE, criteria=("province_spread", "size_spread"), with_="Goes"),)
    assert render_selection("Zeist", False, worse) == (
        "Niet geselecteerd: met Zeist in plaats van Goes is de selectie minder goed gespreid "
        "over de provincies."
    )


# --------------------------------------------------------------------------- rendering


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ((reason(Code.FORCED_NOT_COMPUTED),), "Niet doorgerekend wat er gebeurt als X toch"),
        ((reason(Code.FORCED_IMPOSSIBLE),), "X kan er niet bij zonder een besluit"),
        (
            (reason(Code.FORCED, drop_out=("A", "B"), change=-2.0, criteria=("size_spread",)),),
            "Als X toch meedoet, vallen A en B af; dan is de selectie minder goed gespreid over "
            "de grootteklassen.",
        ),
        (
            (
                reason(Code.FORCED, drop_out=("A",), change=-1.0),
                reason(Code.FORCED_UNBALANCED, difference=4, tolerance=2),
                reason(Code.FORCED_APPROXIMATE),
            ),
            "Als X toch meedoet, valt A af; het verschil tussen tekort en overschot/neutraal "
            "wordt dan 4 (afgesproken: hoogstens 2). Dit is een schatting",
        ),
    ],
)
def test_what_if_sentences(codes, expected):
    text = render_what_if("X", codes)
    assert text.startswith(expected)
    assert_plain(text)


@given(
    st.lists(st.sampled_from(list(Code)), min_size=1, max_size=6),
    st.text(alphabet="abcdefghij -'", min_size=1, max_size=60),
    st.booleans(),
)
def test_any_codes_render_to_at_most_two_short_sentences(codes, name, selected):
    """Whatever codes (facts missing or not) and however long a name: the text stays
    within two sentences and 300 characters, and never says a solver word."""
    name = name.strip() or "X"
    items = [reason(c, with_="Y" * 40, drop_out=("Z" * 40,), cycles=("2025-2026",)) for c in codes]
    for text in (render_selection(name, selected, items), render_what_if(name, items)):
        assert len(text) <= MAX_CHARS or sentences(text) == 1
        assert 1 <= sentences(text) <= 2
        assert "doelfunctie" not in text and "grens" not in text


# --------------------------------------------------------------------------- engine-wide


@PROPERTY
@given(registration_sets(), st.integers(1, 8))
def test_every_generated_reason_is_plain_and_rendered_from_its_codes(regs, places):
    result = run_generated(regs, places)
    for e in result.entries:
        assert_entry_plain(e)


def test_codes_round_trip_through_proposal_json():
    result = select(
        Registrations(registrations=(reg("A", previous=("2025-2026",)), reg("B"))),
        config(),
        places=1,
    )
    proposal = Proposal(
        cycle="c",
        input_file="x",
        input_sha256="",
        config_sha256="",
        seed=0,
        selection=result.entries,
    )
    again = Proposal.model_validate_json(proposal.to_json())
    assert again.selection == result.entries
    raw = json.loads(proposal.to_json())["selection"]
    assert raw[0]["codes"][0]["code"] in {c.value for c in Code}


def test_national_example_reasons_are_plain(tmp_path):
    out = tmp_path / "sel"
    workbook = ROOT / "examples" / "national-2026" / "aanmeldingen.xlsx"
    cycle = ROOT / "cycles" / "2026-2027" / "cycle.toml"
    assert main(["select", str(workbook), "--cycle", str(cycle), "--out", str(out)]) == 0
    text = (out / "selection.json").read_text(encoding="utf-8")
    proposal = Proposal.model_validate_json(text)
    assert len(proposal.selection) == 61
    for e in proposal.selection:
        assert_entry_plain(e)
    assen = next(e for e in proposal.selection if e.name == "Assen")
    assert assen.reason.startswith(
        "Niet geselecteerd: Assen en Het Hogeland hebben dezelfde voorrang (regulier vangnet); "
        "bij gelijke stand gaat de eerdere aanmelding voor."
    )
    assert assen.forcing_cost is not None
    assert assen.forcing_cost.note == (
        "Als Assen toch meedoet, valt Het Hogeland af; de selectie wordt daar niet slechter van."
    )
