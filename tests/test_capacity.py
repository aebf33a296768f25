"""Capacity of the executor: the report's table 3 and appendix E, to the last digit."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from leernetwerk.capacity import (
    CYCLE_MONTHS,
    ActivityGroup,
    CapacityNorms,
    LineItem,
    capacity,
    days_for,
    fte_for,
    spread_over_months,
)
from leernetwerk.cli import main

# Report §4.3, table 3, and appendix E's totals: participants → (hours, days, fte).
TABLE_3 = {
    20: (572, 72, "0.44"),
    30: (800, 100, "0.61"),
    40: (1028, 129, "0.78"),
    50: (1256, 157, "0.96"),
}

# Appendix E, hours per activity group at 20/30/40/50 participants.
APPENDIX_E = {
    "startup": (20, 20, 20, 20),
    "selection": ("45", "62.5", "80", "97.5"),
    "matching": ("35", "47.5", "60", "72.5"),
    "preparation": (110, 165, 220, 275),
    "sessions": (270, 402, 534, 666),
    "closing": (52, 63, 74, 85),
    "management": (40, 40, 40, 40),
}


@pytest.mark.parametrize("participants", sorted(TABLE_3))
def test_reproduces_table_3_of_the_report(participants):
    hours, days, fte = TABLE_3[participants]
    result = capacity(participants)
    assert result.hours == hours
    assert result.days == days
    assert result.fte == Decimal(fte)


@pytest.mark.parametrize("column, participants", list(enumerate((20, 30, 40, 50))))
def test_group_hours_follow_appendix_e(column, participants):
    result = capacity(participants)
    for key, expected in APPENDIX_E.items():
        assert result.groups[key] == Decimal(str(expected[column])), key


def test_norms_total_116_fixed_and_22_8_per_participant():
    norms = CapacityNorms()
    assert norms.fixed == 116
    assert norms.per_participant == Decimal("22.8")


def test_days_round_half_up_not_to_even():
    # 572 / 8 = 71.5 and 1028 / 8 = 128.5: the report rounds both up;
    # Python's round() would give 72 but 128 (banker's rounding).
    assert days_for(Decimal(572)) == 72
    assert days_for(Decimal(1028)) == 129
    assert days_for(Decimal(1020)) == 128  # 127.5 → 128


def test_fte_uses_36_hours_52_weeks_70_percent():
    assert fte_for(Decimal("1310.4")) == Decimal("1.00")


@pytest.mark.parametrize("participants", [0, 7, 20, 33, 50, 123])
def test_monthly_profile_sums_to_the_total(participants):
    result = capacity(participants)
    assert list(result.months) == list(CYCLE_MONTHS)
    assert sum(result.months.values()) == result.hours


def test_peak_is_september_to_march_and_summer_is_nearly_empty():
    months = capacity(30).months
    peak = [months[m] for m in (9, 10, 11, 12, 1, 2, 3)]
    rest = [months[m] for m in (5, 6, 7, 8, 4)]
    assert min(peak) > max(rest)
    assert months[8] == 0


def test_spread_gives_the_rounding_remainder_to_the_last_month():
    parts = spread_over_months(Decimal(100), (9, 10, 11))
    assert parts == {9: Decimal("33.33"), 10: Decimal("33.33"), 11: Decimal("33.34")}


def test_other_norms_can_be_passed_in():
    norms = CapacityNorms(
        groups=(
            ActivityGroup(
                key="all",
                label="Alles",
                items=(LineItem(label="x", fixed=Decimal(10), per_participant=Decimal(2)),),
                months=(9,),
            ),
        )
    )
    result = capacity(5, norms)
    assert result.hours == 20
    assert result.months[9] == 20


def test_cli_json_lists_hours_days_fte_and_groups(capsys):
    assert main(["capacity", "20", "30", "40", "50", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["participants"], r["hours"], r["days"], r["fte"]) for r in rows] == [
        (20, 572, 72, 0.44),
        (30, 800, 100, 0.61),
        (40, 1028, 129, 0.78),
        (50, 1256, 157, 0.96),
    ]
    assert rows[1]["groups"]["selection"]["hours"] == 62.5


def test_cli_table_is_dutch(capsys):
    assert main(["capacity", "30"]) == 0
    out = capsys.readouterr().out
    assert "Aantal deelnemers" in out and "Fte" in out and "0,61" in out and "62,5" in out


def test_cli_uses_places_of_the_cycle_when_no_counts(tmp_path, capsys):
    toml = tmp_path / "cycle.toml"
    toml.write_text("[cycle]\nplaces = 40\n", encoding="utf-8")
    assert main(["capacity", "--cycle", str(toml), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["hours"] == 1028


def test_cli_without_counts_is_a_dutch_error(capsys):
    assert main(["capacity"]) == 1
    assert "aantallen deelnemers" in capsys.readouterr().err


def test_norms_come_from_the_cycle_config(tmp_path, capsys):
    """[capacity] in cycle.toml replaces the report's norms: one extra fixed
    hour in project management gives 801 hours for 30 participants."""
    import json as _json
    import tomllib as _tomllib

    from leernetwerk.cli import main
    from leernetwerk.config import CycleConfig
    from leernetwerk.cycle import cycle_toml

    text = cycle_toml("2027-2028", 2026).replace(
        '{ label = "Projectmanagement, afstemming en overleg", fixed = 40,',
        '{ label = "Projectmanagement, afstemming en overleg", fixed = 41,',
    )
    assert CycleConfig.model_validate(_tomllib.loads(text)).capacity.fixed == 117
    path = tmp_path / "cycle.toml"
    path.write_text(text, encoding="utf-8")
    assert main(["capacity", "--json", "--cycle", str(path), "30"]) == 0
    (row,) = _json.loads(capsys.readouterr().out)
    assert row["hours"] == 801
