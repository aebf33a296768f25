"""Which days a meeting may fall on at all: weekdays, holidays, the Christmas break.

Dutch public holidays come from the maintained ``holidays`` library (Dutch
names), never a hand-written list; the Christmas break is the configured window
``[planning] christmas_break_start`` (December) to ``christmas_break_end``
(January).
"""

from __future__ import annotations

import datetime as dt

import holidays

from leernetwerk.planning_settings import WEEKDAYS, PlanningSection

CHRISTMAS_BREAK = "kerstvakantie"


def closed_days(first: dt.date, last: dt.date, settings: PlanningSection) -> dict[dt.date, str]:
    """Every day in ``first..last`` on an allowed weekday that is closed, with the reason
    (the holiday's Dutch name or 'kerstvakantie')."""
    years = list(range(first.year, last.year + 1))
    public = holidays.country_holidays("NL", years=years, language="nl")
    closed: dict[dt.date, str] = {}
    for year in range(first.year - 1, last.year + 1):
        start = dt.date(year, 12, settings.christmas_break_start)
        end = dt.date(year + 1, 1, settings.christmas_break_end)
        day = start
        while day <= end:
            closed[day] = CHRISTMAS_BREAK
            day += dt.timedelta(days=1)
    for day, name in public.items():
        closed[day] = str(name)
    return {
        day: reason
        for day, reason in sorted(closed.items())
        if first <= day <= last and day.weekday() in settings.weekday_numbers
    }


def allowed_days(first: dt.date, last: dt.date, settings: PlanningSection) -> frozenset[dt.date]:
    """The days in ``first..last`` on an allowed weekday, not a holiday, not in the break."""
    closed = closed_days(first, last, settings)
    count = (last - first).days + 1
    days = (first + dt.timedelta(days=n) for n in range(count))
    return frozenset(d for d in days if d.weekday() in settings.weekday_numbers and d not in closed)


def weekday_name(day: dt.date) -> str:
    """'dinsdag'."""
    return (*WEEKDAYS, "zaterdag", "zondag")[day.weekday()]
