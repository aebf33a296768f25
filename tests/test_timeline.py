"""The cycle table: every date of a cycle comes from it, by key, and adding a
phase or milestone is one entry (the worked example of docs/cycle.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from test_cycle import make_cycle

from leernetwerk import capacity, timeline
from leernetwerk.calendar import cycle_calendar, format_calendar, to_ical
from leernetwerk.cli import main
from leernetwerk.config import CycleConfig, CycleSection
from leernetwerk.cycle import MilestoneState, cycle_status, cycle_toml, milestones
from leernetwerk.timeline import (
    CYCLE_TABLE,
    Evidence,
    MilestoneSpec,
    Phase,
    PhaseSpec,
    cycle_months,
    default_deadline,
    phase_window,
    round_window,
    work_months,
)

# The worked example of docs/cycle.md, entry for entry.
LETTERS = MilestoneSpec(
    "letters",
    "toelatings- en afwijzingsbrieven verstuurd",
    Phase.SELECTION,
    Evidence.SELECTION_DECIDED,
    due=(1, 7, 31),
)
PREPARATION = PhaseSpec(
    "voorbereiding",
    (1, 8, 1),
    (1, 8, 31),
    "draaiboeken en locaties voor ronde 1",
    ("draaiboeken ronde 1",),
)


def test_every_date_follows_from_the_budget_year():
    d = dt.date
    assert default_deadline(2026) == d(2027, 5, 1)
    assert CycleSection(budget_year=2026).deadline == d(2027, 5, 1)
    assert round_window(2026, 1) == (d(2027, 9, 1), d(2027, 12, 31))
    assert round_window(2026, 2) == (d(2028, 1, 1), d(2028, 3, 31))
    dates = {m.key: (m.start, m.due) for m in milestones(CycleConfig(cycle=CycleSection()))}
    assert dates["plan"] == (d(2026, 5, 2), d(2026, 8, 31))
    assert dates["round1"] == round_window(2025, 1)
    assert dates["round2"] == round_window(2025, 2)


def test_a_configured_deadline_moves_what_is_relative_to_it():
    deadline = dt.date(2027, 5, 20)
    config = CycleConfig(cycle=CycleSection(budget_year=2026, registration_deadline=deadline))
    assert phase_window(Phase.RECRUITMENT, 2026, deadline).end == deadline
    for phase in (Phase.SELECTION, Phase.MATCHING):
        assert phase_window(phase, 2026, deadline).start == dt.date(2027, 5, 21)
    dates = {m.key: (m.start, m.due) for m in milestones(config)}
    assert dates["registrations"][1] == deadline
    assert dates["plan"][0] == dt.date(2027, 5, 21)
    werving = phase_window(Phase.RECRUITMENT, 2026, deadline)
    assert werving.activities == "aanmeldingen komen binnen (deadline 20 mei, inclusief)"
    assert "(deadline 1 mei, inclusief)" in phase_window(Phase.RECRUITMENT, 2026).activities


def test_the_capacity_month_profile_comes_from_the_table():
    assert capacity.CYCLE_MONTHS == cycle_months() == (5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3, 4)
    months = {g.key: g.months for g in capacity.DEFAULT_GROUPS}
    assert months["startup"] == work_months(Phase.RECRUITMENT) == (5,)
    assert months["selection"] == (5, 6) and months["matching"] == (6, 7)
    assert months["preparation"] == months["sessions"] == work_months(Phase.EXECUTION)
    assert months["closing"] == work_months(Phase.CLOSING) == (3, 4)
    assert months["management"] == tuple(m for m in cycle_months() if m != 8)


def test_phases_are_found_by_key_not_by_position(tmp_path):
    """Reversing the table's phases changes no date and no milestone state."""
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    reversed_table = dataclasses.replace(CYCLE_TABLE, phases=CYCLE_TABLE.phases[::-1])
    for today in (dt.date(2027, 5, 1), dt.date(2027, 5, 2), dt.date(2027, 8, 1)):
        normal = cycle_status(folder, today)
        other = cycle_status(folder, today, reversed_table)
        assert normal.missing == other.missing
        assert [(m.key, s) for m, s in normal.milestones] == [
            (m.key, s) for m, s in other.milestones
        ]
        assert {w.phase for w in normal.phases} == {w.phase for w in other.phases}


def test_a_table_that_refers_to_itself_is_refused():
    loop = dataclasses.replace(
        CYCLE_TABLE,
        phases=(
            PhaseSpec("a", timeline.start_of("b"), (1, 2, 1), "", ()),
            PhaseSpec("b", timeline.start_of("a"), (1, 3, 1), "", ()),
        ),
    )
    with pytest.raises(ValueError, match="refers to itself"):
        timeline.phase_windows(2026, table=loop)


@pytest.fixture
def with_letters(monkeypatch):
    """The worked example: one milestone entry added to the table."""
    table = dataclasses.replace(CYCLE_TABLE, milestones=(*CYCLE_TABLE.milestones, LETTERS))
    monkeypatch.setattr(timeline, "CYCLE_TABLE", table)
    return table


def test_one_milestone_entry_shows_in_status_and_calendar(tmp_path, capsys, with_letters):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    status = cycle_status(folder, dt.date(2027, 7, 20))
    states = {m.key: state for m, state in status.milestones}
    assert states["letters"] is MilestoneState.OPEN
    assert states["selection"] is MilestoneState.OVERDUE
    assert main(["status", str(folder), "--today", "2027-08-01"]) == 0
    overdue = capsys.readouterr().out.split("Te laat:")[1].split("Nu aan de orde:")[0]
    assert "  - toelatings- en afwijzingsbrieven verstuurd (uiterlijk 31 juli 2027)" in overdue
    text = format_calendar(cycle_calendar(folder))
    assert "31 juli 2027: Uiterlijk: toelatings- en afwijzingsbrieven verstuurd" in text
    assert b"SUMMARY:Uiterlijk: toelatings- en afwijzingsbrieven verstuurd" in to_ical(
        cycle_calendar(folder)
    )


def test_one_phase_entry_shows_in_status_calendar_and_header(tmp_path, capsys, monkeypatch):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    assert main(["status", str(folder), "--today", "2027-08-10"]) == 0
    assert "Huidige fase: geen (zomerperiode" in capsys.readouterr().out
    table = dataclasses.replace(CYCLE_TABLE, phases=(*CYCLE_TABLE.phases, PREPARATION))
    monkeypatch.setattr(timeline, "CYCLE_TABLE", table)
    assert main(["status", str(folder), "--today", "2027-08-10"]) == 0
    out = capsys.readouterr().out
    assert "Huidige fase: voorbereiding" in out
    assert "voorbereiding: 1 augustus 2027 – 31 augustus 2027; draaiboeken" in out
    text = format_calendar(cycle_calendar(folder))
    assert "1 augustus 2027 – 31 augustus 2027: Fase voorbereiding" in text
    assert "#   voorbereiding: 1 augustus 2027 – 31 augustus 2027" in cycle_toml("x", 2026)
    # project management now also works in August
    assert 8 in work_months(table=table)


def test_milestone_labels_name_the_files_of_the_cycle_folder():
    from leernetwerk.cycle import PLAN_FILE, REGISTRATIONS_FILE

    labels = {m.key: m.label for m in CYCLE_TABLE.milestones}
    assert f"({REGISTRATIONS_FILE})" in labels["registrations"]
    assert f"({PLAN_FILE})" in labels["plan"]
