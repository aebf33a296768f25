"""A planning conflict in Dutch: which meetings cannot be placed, and who blocks which weeks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping

from leernetwerk.cycle import Meeting
from leernetwerk.errors import Problem
from leernetwerk.planning_settings import PlanningSection
from leernetwerk.timeline import MONTHS, format_date
from matching.errors import PlanningConflict
from matching.planning import MeetingToPlan


def week_text(monday: dt.date) -> str:
    """'week 38 (13–17 september 2027)': the ISO week with its working days."""
    friday = monday + dt.timedelta(days=4)
    if monday.month == friday.month:
        span = f"{monday.day}–{format_date(friday)}"
    elif monday.year == friday.year:
        span = f"{monday.day} {MONTHS[monday.month - 1]} – {format_date(friday)}"
    else:
        span = f"{format_date(monday)} – {format_date(friday)}"
    return f"week {monday.isocalendar().week} ({span})"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} en {parts[-1]}"


def conflict_problems(
    conflict: PlanningConflict,
    meetings: Mapping[str, Meeting],
    planned: Mapping[str, MeetingToPlan],
    settings: PlanningSection,
    plan_name: str,
) -> list[Problem]:
    """Dutch lines: the meetings that cannot all get a date, per meeting the members'
    absent weeks that block it, the limits that take part, advice, nothing written."""
    lines = [Problem(message="Niet alle bijeenkomsten zijn in te plannen. Samen botsen:")]
    weeks: dict[str, list[dt.date]] = defaultdict(list)
    for member, monday in conflict.absences:
        weeks[member].append(monday)
    for key in conflict.meetings:
        meeting, item = meetings[key], planned[key]
        window = f"tussen {format_date(item.first)} en {format_date(item.last)}"
        lines.append(
            Problem(
                sheet=plan_name,
                row=meeting.row,
                message=f"{meeting.describe()} moet {window} vallen:",
            )
        )
        blockers = [m for m in meeting.members if weeks.get(m)]
        for member in blockers:
            listed = _join([week_text(w) for w in sorted(weeks[member])])
            lines.append(Problem(message=f"    {member} is afwezig in {listed};"))
        if not blockers:
            lines.append(
                Problem(
                    message="    geen deelnemer is dan afwezig, maar er zijn te weinig dagen vrij "
                    "(weekdagen, feestdagen, kerstvakantie, afwezigheid van de uitvoerder, "
                    "andere bijeenkomsten);"
                )
            )
    low, high = settings.prep_weeks
    texts = {
        "per_dag": f"hoogstens {settings.sessions_per_day} bijeenkomsten per dag "
        "([planning] sessions_per_day);",
        "voorbereiding": f"het voorbereidingsgesprek valt {low}–{high} weken vóór de "
        "leerbijeenkomst ([planning] prep_weeks);",
    }
    for limit in conflict.limits:
        kind, *keys = limit.split(":")
        if kind in texts:
            lines.append(Problem(message=f"  - {texts[kind]}"))
        elif kind == "vast" and keys[0] in meetings:
            lines.append(
                Problem(
                    message=f"  - de datum die al in {plan_name} staat voor "
                    f"{meetings[keys[0]].describe()};"
                )
            )
        elif kind == "volgorde" and len(keys) == 2:
            first, then = (meetings[k].describe() for k in keys)
            lines.append(Problem(message=f"  - {first} komt vóór {then};"))
    if not conflict.meetings:
        lines.append(Problem(message="  (binnen de rekentijd is niet gevonden welke precies.)"))
    days = ", ".join(settings.weekdays)
    lines += [
        Problem(message="Wat u kunt doen:"),
        Problem(
            message="  - vraag de genoemde deelnemers of een van die weken toch kan (afwezig.xlsx);"
        ),
        Problem(
            message=f"  - sta meer weekdagen toe (nu {days}) of meer bijeenkomsten per dag "
            "in [planning] van cycle.toml;"
        ),
        Problem(message=f"  - haal een vastgezette datum uit {plan_name}."),
        Problem(message="Er is niets weggeschreven."),
    ]
    return lines
