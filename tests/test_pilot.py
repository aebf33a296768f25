"""The pilot's manual layout against the engine, scored with the same function."""

from __future__ import annotations

from pathlib import Path

import pytest

from leernetwerk.config import load_cycle_config
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import Layout
from matching.engine import match
from matching.rules import check_layout
from matching.scoring import score_layout

PILOT = Path(__file__).resolve().parents[1] / "examples" / "pilot-2025"


@pytest.fixture(scope="module")
def pilot():
    config = load_cycle_config(PILOT / "cycle.toml")
    registrations = load_registrations(PILOT / "aanmeldingen.xlsx", config)
    manual = Layout.model_validate_json((PILOT / "manual_layout.json").read_text(encoding="utf-8"))
    return config, registrations, manual


def test_manual_layout_breaks_the_two_rules_the_design_names(pilot):
    config, registrations, manual = pilot
    hard = [v for v in check_layout(manual, registrations.by_name(), config) if v.hard]
    assert sorted(v.rule for v in hard) == ["no_repeated_pair", "session_size"]
    assert any({"Barendrecht", "Schagen"} == set(v.names) for v in hard)


def test_engine_beats_the_manual_layout_without_breaking_rules(pilot):
    config, registrations, manual = pilot
    people = registrations.by_name()
    result = match(list(registrations), config)
    assert not [v for v in check_layout(result.layout, people, config) if v.hard]
    assert all(len(s.members) <= 3 for _, s in result.layout.sessions())
    assert result.breakdown.total > score_layout(manual, people, config).total
    assert result.quality.objective > result.quality.baseline_objective
