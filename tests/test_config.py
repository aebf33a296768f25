"""cycle.toml loading: defaults, validation, unknown keys with suggestions."""

from __future__ import annotations

import datetime as dt

import pytest

from leernetwerk.config import CycleConfig, config_from_dict, load_cycle_config
from leernetwerk.errors import UserError


def test_defaults_follow_the_design():
    config = CycleConfig()
    assert config.cycle.places == 30
    assert config.cycle.deadline == dt.date(2026, 5, 1)
    assert (config.clubs.min_size, config.clubs.target_size, config.clubs.max_size) == (8, 10, 12)
    assert (config.sessions.min_size, config.sessions.max_size) == (2, 3)
    assert len(config.catalogue.names) == 10


def test_unknown_key_is_an_error_with_suggestion():
    with pytest.raises(UserError) as info:
        config_from_dict({"cycle": {"plaeces": 20}})
    (problem,) = info.value.problems
    assert problem.column == "cycle.plaeces"
    assert "Bedoelde u 'places'?" in problem.message


def test_unknown_weight_is_an_error_with_suggestion():
    with pytest.raises(UserError) as info:
        config_from_dict({"weights": {"sessions": {"first_choise": 3}}})
    assert "Bedoelde u 'first_choice'?" in info.value.problems[0].message


def test_negative_weight_rejected_but_region_is_signed():
    with pytest.raises(UserError):
        config_from_dict({"weights": {"clubs": {"shared_themes": -1}}})
    assert config_from_dict({"weights": {"clubs": {"region": -2}}}).weights.clubs.region == -2


def test_club_sizes_must_be_ordered():
    with pytest.raises(UserError):
        config_from_dict({"clubs": {"min_size": 10, "max_size": 8, "target_size": 9}})


def test_sessions_of_four_are_never_allowed():
    with pytest.raises(UserError):
        config_from_dict({"sessions": {"max_size": 4}})


def test_all_problems_in_one_pass(tmp_path):
    path = tmp_path / "cycle.toml"
    path.write_text('[cycle]\nplaces = -1\nnaam = "x"\n[clubs]\nmin_sise = 3\n', encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_cycle_config(path)
    assert len(info.value.problems) == 3


def test_broken_toml_is_a_user_error(tmp_path):
    path = tmp_path / "cycle.toml"
    path.write_text("[cycle\nplaces = 3", encoding="utf-8")
    with pytest.raises(UserError, match="geen geldig TOML"):
        load_cycle_config(path)


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="bestaat niet"):
        load_cycle_config(tmp_path / "nope.toml")


def test_a_problem_in_a_whole_file_names_the_file_not_a_sheet():
    from leernetwerk.errors import Problem

    assert str(Problem(sheet="cycle.toml", column="cycle.places", message="x")).startswith(
        "Fout: bestand 'cycle.toml', kolom 'cycle.places'"
    )
    assert "blad 'Aanmeldingen', rij 3" in str(Problem(sheet="Aanmeldingen", row=3, message="x"))
