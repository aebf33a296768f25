"""Properties of the date planner (matching/planning.py) on small random instances."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from leernetwerk.planning import allowed_days, closed_days
from leernetwerk.planning_settings import WEEKDAYS, PlanningSection
from matching.errors import PlanningConflict
from matching.planning import MeetingToPlan, PlanningRules, plan_dates, week_of

NAMES = ("Assen", "Breda", "Delft", "Emmen", "Gouda")
ANCHORS = (dt.date(2027, 9, 6), dt.date(2027, 12, 6), dt.date(2028, 3, 13))
"""Windows around plain weeks, the Christmas break and Easter."""
FAST = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def instances(draw):
    anchor = draw(st.sampled_from(ANCHORS))
    first = anchor + dt.timedelta(weeks=draw(st.integers(0, 2)))
    last = first + dt.timedelta(weeks=draw(st.integers(3, 6)), days=4)
    weekdays = tuple(
        sorted(draw(st.sets(st.sampled_from(WEEKDAYS), min_size=2, max_size=4)), key=WEEKDAYS.index)
    )
    section = PlanningSection(
        weekdays=weekdays,
        sessions_per_day=draw(st.integers(1, 2)),
        prep_weeks=draw(st.sampled_from([(1, 2), (2, 4), (0, 1)])),
    )
    span_first = first - dt.timedelta(weeks=section.prep_weeks[1] + 1)
    days = allowed_days(span_first, last, section)
    window_days = sorted(d for d in days if first <= d <= last)
    blocked = {
        name: frozenset(
            draw(st.lists(st.sampled_from(sorted(days)), max_size=len(days) // 3, unique=True))
        )
        for name in NAMES
    }
    meetings = []
    for number in range(draw(st.integers(1, 5))):
        members = tuple(draw(st.lists(st.sampled_from(NAMES), min_size=2, max_size=3, unique=True)))
        fixed = None
        if window_days and draw(st.booleans()) and number % 2:
            fixed = draw(st.sampled_from(window_days))
        meetings.append(
            MeetingToPlan(
                key=f"m{number}",
                members=members,
                first=first,
                last=last,
                round=1,
                fixed=fixed,
                preparation=draw(st.booleans()),
            )
        )
    rules = PlanningRules(
        days=days,
        blocked=blocked,
        per_day=section.sessions_per_day,
        prep_weeks=section.prep_weeks,
    )
    return meetings, rules, section, span_first, last


@FAST
@given(instances())
def test_a_plan_keeps_every_hard_rule(instance):
    meetings, rules, section, span_first, last = instance
    try:
        plan = plan_dates(meetings, rules)
    except PlanningConflict as conflict:
        event("onmogelijk")
        assert conflict.meetings, "an impossible plan names the meetings that clash"
        keys = {m.key for m in meetings}
        assert set(conflict.meetings) <= keys
        for member, monday in conflict.absences:  # every named week is a real absence
            assert any(week_of(d) == monday for d in rules.blocked[member])
        return
    event("gepland")
    closed = closed_days(span_first, last, section)
    public = holidays.country_holidays("NL", years=[span_first.year, last.year])
    per_day: dict[dt.date, int] = {}
    for meeting in meetings:
        day = plan.dates[meeting.key]
        per_day[day] = per_day.get(day, 0) + 1
        if meeting.fixed is not None:
            assert day == meeting.fixed, "a hand-filled date is kept"
        else:
            assert meeting.first <= day <= meeting.last
            assert WEEKDAYS[day.weekday()] in section.weekdays
            assert day not in public and day not in closed
            for member in meeting.members:
                assert day not in rules.blocked[member], f"{member} is away on {day}"
        if meeting.preparation:
            call = plan.preparations[meeting.key]
            low, high = section.prep_weeks
            assert 7 * low <= (day - call).days <= 7 * high
            assert call in rules.days
            assert all(call not in rules.blocked[m] for m in meeting.members)
        else:
            assert meeting.key not in plan.preparations
    assert max(per_day.values()) <= section.sessions_per_day


@FAST
@given(st.data())
def test_a_meeting_whose_days_are_all_taken_is_explained_by_the_absences(data):
    """Block every day of one meeting's window for some of its members: the conflict
    names that meeting, and its named absences cover every day it could have had."""
    first = data.draw(st.sampled_from(ANCHORS))
    last = first + dt.timedelta(weeks=data.draw(st.integers(1, 3)), days=4)
    days = allowed_days(first, last, PlanningSection())
    members = ("Assen", "Breda", "Delft")
    blocked: dict[str, set[dt.date]] = {m: set() for m in members}
    for day in sorted(days):
        blocked[data.draw(st.sampled_from(members))].add(day)
    meeting = MeetingToPlan("m0", members, first, last)
    rules = PlanningRules(days=days, blocked={m: frozenset(d) for m, d in blocked.items()})
    with pytest.raises(PlanningConflict) as caught:
        plan_dates([meeting], rules)
    conflict = caught.value
    assert conflict.meetings == ("m0",)
    named = set(conflict.absences)
    for day in days:
        assert any((m, week_of(day)) in named for m in members if day in blocked[m])


def test_start_meeting_comes_first_and_sessions_spread_over_the_weeks():
    first, last = dt.date(2027, 9, 1), dt.date(2027, 10, 29)
    days = allowed_days(first, last, PlanningSection())
    start = MeetingToPlan("start", NAMES, first, dt.date(2027, 9, 30))
    sessions = [
        MeetingToPlan(f"s{i}", (NAMES[i], NAMES[(i + 1) % 5]), first, last, 1, after=("start",))
        for i in range(5)
    ]
    plan = plan_dates([start, *sessions], PlanningRules(days=days, per_day=2))
    assert all(plan.dates[s.key] > plan.dates["start"] for s in sessions)
    weeks = [week_of(plan.dates[s.key]) for s in sessions]
    assert max(weeks.count(w) for w in weeks) == 1, "five sessions over seven weeks: one a week"


def test_the_christmas_break_and_holidays_are_closed():
    section = PlanningSection(weekdays=("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"))
    closed = closed_days(dt.date(2027, 12, 1), dt.date(2028, 4, 30), section)
    assert closed[dt.date(2027, 12, 20)] == "kerstvakantie"
    assert closed[dt.date(2028, 1, 4)] == "kerstvakantie"
    assert dt.date(2028, 1, 5) not in closed
    assert dt.date(2028, 4, 17) in closed  # Tweede paasdag
    assert dt.date(2028, 4, 27) in closed  # Koningsdag
    days = allowed_days(dt.date(2027, 12, 1), dt.date(2028, 4, 30), section)
    assert not days & set(closed)
