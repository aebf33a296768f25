"""The money side of capacity (report §4.3, §4.4.1): hourly rate → budget,
budget → places, table 5's line items, and the staff needed per month."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from leernetwerk.capacity import (
    CYCLE_MONTHS,
    HOURS_PER_FTE_MONTH,
    CapacityNorms,
    affordable_places,
    capacity,
    cost_of,
    format_euro,
    staff_per_month,
)
from leernetwerk.cli import main

# Appendix E, table 5: every line item → (fixed, per participant, hours at 20/30/40/50).
TABLE_5 = {
    "Aanvang project, kennismaking en startbijeenkomst": ("12", "0", (12, 12, 12, 12)),
    "Updaten zelfevaluatieformulier en aanmeldingsformulieren": ("8", "0", (8, 8, 8, 8)),
    "Beoordelen inschrijvingen op compleetheid": ("0", "1", (20, 30, 40, 50)),
    "Quick scan van leervragen en zelfevaluaties": ("4", "0.25", (9, 11.5, 14, 16.5)),
    "Selectievoorstel op basis van het afwegingskader": ("0", "0.25", (5, 7.5, 10, 12.5)),
    "Totaalbeeld en voorstel selectie bespreken": ("6", "0", (6, 6, 6, 6)),
    "Communicatie deelnemers en afwijzingsbrieven": ("0", "0.25", (5, 7.5, 10, 12.5)),
    "Indeling in clubs en leerbijeenkomsten": ("0", "1", (20, 30, 40, 50)),
    "Voorstel matching accorderen en aanpassingen doorvoeren": ("10", "0", (10, 10, 10, 10)),
    "Communicatie deelnemers en inplannen dataslots": ("0", "0.25", (5, 7.5, 10, 12.5)),
    "Startbijeenkomst per club": ("0", "0.6", (12, 18, 24, 30)),
    "Inplannen (voorbereidende) bijeenkomsten": ("0", "0.5", (10, 15, 20, 25)),
    "Inhoud en draaiboek per leerbijeenkomst": ("0", "4.4", (88, 132, 176, 220)),
    "Organisatorische zaken rondom leerbijeenkomsten": ("0", "1.6", (32, 48, 64, 80)),
    "Uitvoeren leerbijeenkomsten en nazorg": ("0", "11.6", (232, 348, 464, 580)),
    "Procesupdate begeleidingscommissie": ("6", "0", (6, 6, 6, 6)),
    "Terugkommoment per club": ("0", "0.6", (12, 18, 24, 30)),
    "Korte rapportage geleerde lessen en leerproces": ("4", "0.5", (14, 19, 24, 29)),
    "Algehele evaluatie met de begeleidingscommissie": ("10", "0", (10, 10, 10, 10)),
    "Kennisverspreiding en communicatie": ("16", "0", (16, 16, 16, 16)),
    "Projectmanagement, afstemming en overleg": ("40", "0", (40, 40, 40, 40)),
}


def test_json_line_items_reproduce_table_5(capsys):
    assert main(["capacity", "20", "30", "40", "50", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    for column, row in enumerate(rows):
        items = {i["label"]: i for i in row["items"]}
        assert set(items) == set(TABLE_5)
        for label, (fixed, per, totals) in TABLE_5.items():
            assert Decimal(str(items[label]["fixed"])) == Decimal(fixed), label
            assert Decimal(str(items[label]["per_participant"])) == Decimal(per), label
            assert items[label]["hours"] == totals[column], label
        assert sum(Decimal(str(i["hours"])) for i in row["items"]) == row["hours"]


def test_text_shows_the_line_items_with_the_total_row(capsys):
    assert main(["capacity", "20", "30", "40", "50", "--posten"]) == 0
    out = capsys.readouterr().out
    total = next(line for line in out.splitlines() if line.startswith("TOTAAL"))
    assert total.split()[1:] == ["116", "22,8", "572", "800", "1028", "1256"]
    assert "Uitvoeren leerbijeenkomsten en nazorg" in out


def test_hourly_rate_turns_hours_into_a_budget(capsys):
    assert cost_of(Decimal(800), Decimal(150)) == Decimal(120000)
    assert cost_of(Decimal("62.5"), Decimal("97.50")) == Decimal("6093.75")
    assert main(["capacity", "20", "30", "--uurtarief", "150"]) == 0
    out = capsys.readouterr().out
    budget = next(line for line in out.splitlines() if line.startswith("Budget  "))
    assert "€ 85.800" in budget and "€ 120.000" in budget  # 572 h and 800 h × € 150


@pytest.mark.parametrize(
    "budget, rate, places",
    [
        (Decimal(120000), Decimal(150), 30),  # exactly 800 hours
        (Decimal("119999.99"), Decimal(150), 29),
        (Decimal(188400), Decimal(150), 50),  # exactly 1256 hours
        (Decimal(17400), Decimal(150), 0),  # 116 fixed hours: € 17.400 pays for no place
        (Decimal(17399), Decimal(150), 0),
    ],
)
def test_budget_pays_for_the_largest_number_of_places(budget, rate, places):
    assert affordable_places(budget, rate) == places


@given(
    budget=st.integers(min_value=0, max_value=1_000_000),
    rate=st.integers(min_value=50, max_value=250),
)
def test_affordable_places_is_the_largest_that_fits(budget, rate):
    places = affordable_places(Decimal(budget), Decimal(rate))
    assert places is not None
    over = cost_of(capacity(places + 1).hours, Decimal(rate))
    assert over > budget
    if places > 0:
        assert cost_of(capacity(places).hours, Decimal(rate)) <= budget


def test_no_hours_per_participant_means_no_limit():
    norms = CapacityNorms(groups=(CapacityNorms().groups[0],))  # fixed hours only
    assert affordable_places(Decimal(10**6), Decimal(100), norms) is None


def test_budget_cli_prints_the_places_and_needs_a_rate(capsys):
    assert main(["capacity", "--budget", "120.000", "--uurtarief", "150"]) == 0
    out = capsys.readouterr().out
    assert "betaalt maximaal 30 plaatsen (800 uur, € 120.000; over: € 0)" in out
    assert out.startswith("Aantal deelnemers") and " 30" in out.splitlines()[0]
    assert main(["capacity", "30", "--budget", "120000"]) == 1
    assert "--budget vraagt ook --uurtarief" in capsys.readouterr().err
    assert main(["capacity", "30", "--uurtarief", "nul"]) == 1


def test_json_budget_fields(capsys):
    assert main(["capacity", "30", "31", "--json", "--uurtarief", "150", "--budget", "120000"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["cost"] for r in rows] == [120000, 123420]  # 822.8 h × 150
    assert [r["within_budget"] for r in rows] == [True, False]
    assert {r["affordable_places"] for r in rows} == {30}


def test_staff_per_month_is_hours_over_one_fte_month():
    assert Decimal("109.2") == HOURS_PER_FTE_MONTH
    result = capacity(30)
    staff = staff_per_month(result)
    assert list(staff) == list(CYCLE_MONTHS)
    assert staff[8] == 0  # August: nothing
    # the peak is in the execution months Sep–Mar
    assert max(staff, key=lambda m: staff[m]) in (9, 10, 11, 12, 1, 2, 3)
    for month, hours in result.months.items():
        assert abs(staff[month] * HOURS_PER_FTE_MONTH - hours) <= Decimal("0.55")


def test_text_shows_staff_per_month_and_the_peak(capsys):
    assert main(["capacity", "30"]) == 0
    out = capsys.readouterr().out
    assert "Benodigde bezetting per maand" in out
    peak = next(line for line in out.splitlines() if line.startswith("Piek"))
    assert peak.split()[-1] == "1,06"  # March: 116.14 h / 109.2


def test_euro_format_is_dutch():
    assert format_euro(Decimal(120000)) == "€ 120.000"
    assert format_euro(Decimal("1234.5")) == "€ 1.234,50"
    assert format_euro(Decimal("0.05")) == "€ 0,05"
