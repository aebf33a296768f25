"""``leernetwerk plan``: dates for the start meetings and sessions of a decided matching.

- :mod:`~leernetwerk.planning.absences`: ``afwezig.xlsx`` (template and reader);
- :mod:`~leernetwerk.planning.days`: allowed weekdays, Dutch holidays, the Christmas break;
- :mod:`~leernetwerk.planning.run`: reading the cycle, the solve
  (:mod:`matching.planning`), writing a new ``sessies.csv``;
- :mod:`~leernetwerk.planning.explain`: an impossible plan in Dutch.

See docs/planning.md.
"""

from leernetwerk.planning.absences import (
    ABSENCE_FILE,
    EXECUTOR,
    Absence,
    read_absences,
    write_absence_template,
)
from leernetwerk.planning.days import allowed_days, closed_days
from leernetwerk.planning.run import (
    PlanResult,
    format_result,
    load_plan,
    participants_of,
    plan_cycle,
)

__all__ = [
    "ABSENCE_FILE",
    "EXECUTOR",
    "Absence",
    "PlanResult",
    "allowed_days",
    "closed_days",
    "format_result",
    "load_plan",
    "participants_of",
    "plan_cycle",
    "read_absences",
    "write_absence_template",
]
