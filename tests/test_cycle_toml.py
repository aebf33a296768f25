"""The cycle.toml writer: its comments are the config's field descriptions, and
what it writes loads back to the same config."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leernetwerk.capacity import DEFAULT_GROUPS, CapacityNorms
from leernetwerk.config import (
    ClubPin,
    ClubWeights,
    CycleConfig,
    CycleSection,
    HostPin,
    Pins,
    SessionWeights,
    TogetherPin,
    Weights,
    config_from_dict,
)
from leernetwerk.cycle import COMMENTS, config_fields, config_toml, cycle_toml

ENGLISH = re.compile(r"\b(the|and|with|when|which|each|every|per pair|whether|these)\b", re.I)


def test_every_config_field_has_a_dutch_description():
    fields = dict(config_fields())
    # tables inside lists are included: themes, pins and the capacity norms
    assert {"themes.catalogue.name", "pins.club.club", "capacity.groups.items.fixed"} <= set(fields)
    for key, description in fields.items():
        assert description.strip(), f"{key} has no description"
        assert not ENGLISH.search(description), f"{key}: {description!r} reads as English"
    assert fields == COMMENTS


def test_the_new_weights_have_their_defaults_and_descriptions():
    assert ClubWeights().host_shortfall == 100.0
    assert SessionWeights().met_before == 1000.0
    assert SessionWeights().host_twice == 1000.0
    assert "host" in COMMENTS["weights.clubs.host_shortfall"]
    assert "eerdere cyclus" in COMMENTS["weights.sessions.met_before"]
    assert "rouleren" in COMMENTS["weights.sessions.host_twice"]


def _comments_above_keys(text: str) -> dict[str, str]:
    """Key (dotted, with its table) → the comment lines right above it, joined."""
    found: dict[str, str] = {}
    table, block = "", []
    for line in text.splitlines():
        if line.startswith("# "):
            block.append(line[2:])
            continue
        header = re.fullmatch(r"\[\[?([\w.]+)\]\]?", line)
        if header:
            if block and header.group(1) not in found:
                found[header.group(1)] = " ".join(block)
            table = header.group(1)
        elif " = " in line and block:
            found[f"{table}.{line.split(' = ')[0]}".lstrip(".")] = " ".join(block)
        block = []
    return found


def test_each_key_of_cycle_toml_carries_its_description_as_comment():
    text = cycle_toml("2027-2028", 2026)
    above = _comments_above_keys(text)
    fields = dict(config_fields())
    written = [key for key in fields if key in above]
    # every table and every key outside arrays of tables is written with its comment
    assert {"cycle", "cycle.name", "weights.sessions.host_twice", "capacity.groups"} <= set(written)
    for key in written:
        assert above[key].startswith(fields[key]), key
    # an array of tables lists the keys of its items under its own comment
    for item_key in ("name", "subthemes"):
        assert f"{item_key}: {fields[f'themes.catalogue.{item_key}']}" in above["themes.catalogue"]


def test_comment_lines_are_wrapped_but_examples_stay_whole():
    text = cycle_toml("2027-2028", 2026)
    assert all(len(line) <= 100 for line in text.splitlines() if line.startswith("#"))
    assert '# [{ members = ["Assen", "Emmen"], round = 1 }].' in text


def test_a_new_cycle_toml_loads_back_to_the_defaults_with_its_cycle():
    text = cycle_toml("2027-2028", 2026, places=24)
    expected = CycleConfig(
        cycle=CycleSection(
            name="2027-2028",
            budget_year=2026,
            places=24,
            registration_deadline=dt.date(2027, 5, 1),
        )
    )
    assert config_from_dict(tomllib.loads(text)) == expected
    assert text.startswith("# Configuratie van leercyclus 2027-2028 (begrotingsjaar 2026).")
    assert "#   werving: 1 januari 2027 – 1 mei 2027" in text


def _changed_config() -> CycleConfig:
    """A config that differs from the defaults in every kind of value."""
    groups = list(DEFAULT_GROUPS)
    groups[0] = groups[0].model_copy(update={"months": (5, 6)})
    return CycleConfig(
        cycle=CycleSection(name="proef", budget_year=2030, places=12, allow_incomplete=True),
        weights=Weights(
            clubs=ClubWeights(region=-2.5, host_shortfall=7.0),
            sessions=SessionWeights(met_before=0.0, host_twice=12.5),
        ),
        pins=Pins(
            select=("Zwolle",),
            club=(ClubPin(name="Zwolle", club=2), ClubPin(name="Ede", club=1)),
            apart=(("Assen", "Emmen"),),
            together=(TogetherPin(members=("A", "B"), round=2),),
            host=(HostPin(name="Tilburg", round=1),),
        ),
        capacity=CapacityNorms(groups=tuple(groups)),
    )


def test_any_config_round_trips_through_its_cycle_toml():
    config = _changed_config()
    text = config_toml(config)
    assert config_from_dict(tomllib.loads(text)) == config
    assert "# registration_deadline = …" in text  # not set: written as a comment only


@settings(max_examples=25, deadline=None)
@given(
    budget_year=st.integers(2020, 2100),
    places=st.integers(1, 500),
    fixed=st.decimals(0, 1000, places=2),
)
def test_round_trip_for_any_year_places_and_norm(budget_year, places, fixed):
    item = DEFAULT_GROUPS[0].items[0].model_copy(update={"fixed": fixed})
    group = DEFAULT_GROUPS[0].model_copy(update={"items": (item,)})
    config = CycleConfig(
        cycle=CycleSection(name=f"c{budget_year}", budget_year=budget_year, places=places),
        capacity=CapacityNorms(groups=(group, *DEFAULT_GROUPS[1:])),
    )
    loaded = config_from_dict(tomllib.loads(config_toml(config)))
    assert loaded == config
    assert loaded.capacity.groups[0].items[0].fixed == Decimal(fixed)


@pytest.mark.parametrize(
    "table, name, value",
    [("clubs", "host_shortfall", 100.0), ("sessions", "met_before", 1000.0)]
    + [("sessions", "host_twice", 1000.0)],
)
def test_the_new_weights_are_written_to_a_new_cycle_toml(table, name, value):
    loaded = tomllib.loads(cycle_toml("2027-2028", 2026))
    assert loaded["weights"][table][name] == value
