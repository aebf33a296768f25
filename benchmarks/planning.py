"""Benchmark of the date planner (matching/planning.py) on a national-size cycle (not a test).

100 participants in 10 clubs of 10; per club and round four sessions (3 + 3 + 2 + 2
members): 10 start meetings and 80 sessions, each session with a preparation
call. Windows, weekdays (Tuesday–Thursday), holidays and the Christmas break are
the defaults of the cycle table and ``[planning]`` for budget year 2026.

Absences (``--mode``):

- ``days`` (default): each working day (Monday–Friday) from August to March is
  blocked with probability ``--blocked`` (0.3: 30 % of the working days), each
  blocked day for 1–3 random participants;
- ``members``: each participant is away on each working day with probability
  ``--blocked`` (a much harsher load: a club of 10 rarely has a free day).

Prints wall time, deterministic time, status and objective of the solve with the
given workers (default 2, as ``[solver] num_workers``), or the time to explain
when no plan exists.

    .venv/bin/python benchmarks/planning.py [--seed 0] [--blocked 0.3] [--mode days]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import time

from leernetwerk.planning import allowed_days
from leernetwerk.planning_settings import PlanningSection
from leernetwerk.timeline import milestone_windows, round_window
from matching.errors import PlanningConflict
from matching.planning import MeetingToPlan, PlanningRules, plan_dates
from matching.solver import SolverSettings

BUDGET_YEAR = 2026
CLUBS = 10
CLUB_SIZE = 10
GROUPS = (3, 3, 2, 2)


def meetings(rng: random.Random) -> tuple[list[MeetingToPlan], list[str]]:
    start = next(w for w in milestone_windows(BUDGET_YEAR) if w.spec.key == "start")
    names = [f"Gemeente {n:03d}" for n in range(CLUBS * CLUB_SIZE)]
    planned = []
    for club in range(CLUBS):
        members = names[club * CLUB_SIZE : (club + 1) * CLUB_SIZE]
        key = f"start {club + 1}"
        planned.append(MeetingToPlan(key, tuple(members), start.start, start.due))
        for round_ in (1, 2):
            first, last = round_window(BUDGET_YEAR, round_)
            order = members[:]
            rng.shuffle(order)
            at = 0
            for number, size in enumerate(GROUPS, start=1):
                group = tuple(order[at : at + size])
                at += size
                planned.append(
                    MeetingToPlan(
                        f"club {club + 1} ronde {round_} sessie {number}",
                        group,
                        first,
                        last,
                        round=round_,
                        preparation=True,
                        after=(key,),
                    )
                )
    return planned, names


def absences(
    rng: random.Random, names: list[str], first: dt.date, last: dt.date, blocked: float, mode: str
) -> dict[str, frozenset[dt.date]]:
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    working = [d for d in days if d.weekday() < 5]
    away: dict[str, set[dt.date]] = {name: set() for name in names}
    for day in working:
        if mode == "days":
            if rng.random() < blocked:
                for name in rng.sample(names, rng.randint(1, 3)):
                    away[name].add(day)
        else:
            for name in names:
                if rng.random() < blocked:
                    away[name].add(day)
    return {name: frozenset(d) for name, d in away.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--blocked", type=float, default=0.3)
    parser.add_argument("--mode", choices=("days", "members"), default="days")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time", type=float, default=10.0, help="deterministic time limit")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    planned, names = meetings(rng)
    section = PlanningSection()
    first = min(m.first for m in planned) - dt.timedelta(weeks=section.prep_weeks[1] + 1)
    last = max(m.last for m in planned)
    away = absences(rng, names, first, last, args.blocked, args.mode)
    blocked_pairs = sum(len(d) for d in away.values())
    rules = PlanningRules(
        days=allowed_days(first, last, section),
        blocked=away,
        per_day=section.sessions_per_day,
        prep_weeks=section.prep_weeks,
        spread=round(section.spread * 10),
        round_gap=round(section.round_gap * 10),
        round_gap_days=7 * section.round_gap_weeks,
        settings=SolverSettings(
            seed=args.seed, num_workers=args.workers, max_deterministic_time=args.time
        ),
    )
    print(
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} cores; {len(names)} participants, {len(planned)} meetings, "
        f"{len(rules.days)} allowed days, mode {args.mode}, blocked {args.blocked:.0%}: "
        f"{blocked_pairs} (participant, day) absences"
    )
    started = time.perf_counter()
    try:
        plan = plan_dates(planned, rules)
    except PlanningConflict as conflict:
        wall = time.perf_counter() - started
        print(
            f"no plan: {len(conflict.meetings)} meetings, {len(conflict.absences)} absent weeks, "
            f"limits {conflict.limits}; explained in {wall:.1f} s"
        )
        return
    wall = time.perf_counter() - started
    per_week: dict[dt.date, int] = {}
    for key, day in plan.dates.items():
        if "sessie" in key:
            monday = day - dt.timedelta(days=day.weekday())
            per_week[monday] = per_week.get(monday, 0) + 1
    print(
        f"status {plan.status.value}, objective {plan.objective}, wall {wall:.1f} s, "
        f"deterministic {plan.deterministic_time:.1f}, sessions per week max "
        f"{max(per_week.values())} over {len(per_week)} weeks"
    )


if __name__ == "__main__":
    main()
