"""Typed exceptions of the solver layer.

:mod:`matching` never decides how a problem is shown or what exit code it
gets: it raises these, with the facts (rule keys, located problems), and the
pipeline and commands in :mod:`leernetwerk` turn them into Dutch advice and
exit codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from leernetwerk.errors import Problem


class MatchingError(Exception):
    """Base class of every error the solver layer raises on purpose."""


@dataclass(frozen=True)
class ConflictingRule:
    """One named rule in a conflict: its key in the rule table and a Dutch description."""

    key: str
    description: str


class RuleConflict(MatchingError):
    """The hard rules and pins cannot all hold.

    ``rules`` are the rules that together make it impossible (a conflict core);
    ``context`` are Dutch facts that frame them (e.g. "3 clubs van 10–11
    deelnemers"). Advice is looked up by rule key (:mod:`matching.rules`).
    """

    def __init__(
        self, rules: Sequence[ConflictingRule], context: Sequence[str] = (), stage: str = ""
    ) -> None:
        self.rules = tuple(rules)
        self.context = tuple(context)
        self.stage = stage
        """The stage whose model conflicts (a :class:`matching.rules.Stage` value)."""
        super().__init__("; ".join([*self.context, *(r.description for r in self.rules)]))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.key for r in self.rules))

    @property
    def reasons(self) -> list[str]:
        """The context, then every named rule: Dutch lines for the user."""
        return [*self.context, *(r.description for r in self.rules)]


class NoSolutionInTime(MatchingError):
    """A stage found no solution within its deterministic time limit."""

    def __init__(self, stage: str, setting: str) -> None:
        self.stage = stage
        """Dutch name of the stage, e.g. 'de clubindeling'."""
        self.setting = setting
        """The ``[solver]`` key in cycle.toml that gives this stage more time."""
        super().__init__(f"{stage} vond binnen de rekentijd geen oplossing")


class InvalidInput(MatchingError):
    """Input the solver layer cannot work with (e.g. a pin naming nobody), located."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.message for p in self.problems))


class SelectionInfeasible(MatchingError):
    """No selection keeps the hard selection rules with these pins and places."""

    def __init__(self, stage: str) -> None:
        self.stage = stage
        """Dutch name of the selection stage that found it infeasible, e.g. 'vullen'."""
        super().__init__(f"de selectie is onmogelijk met deze pins en plaatsen (fase '{stage}')")


class SelectionOutOfTime(NoSolutionInTime):
    """A selection stage found no solution within its deterministic time limit.

    Also raised inside forcing-cost runs when their shared budget runs out
    (the explanation catches it there); ``deterministic_time`` is what the
    stages had used up to that point.
    """

    def __init__(self, phase: str, deterministic_time: float) -> None:
        self.phase = phase
        """Dutch name of the selection stage, e.g. 'vullen'."""
        self.deterministic_time = deterministic_time
        super().__init__(f"de selectie (fase '{phase}')", "max_deterministic_time")


class PlanningConflict(MatchingError):
    """No dates keep the planner's hard rules (:mod:`matching.planning`).

    A conflict core: the ``meetings`` (keys) that cannot all get a date, the
    members' absent weeks (member, Monday of the week) and the other limits
    (``per_dag``, ``voorbereiding``, ``vast:<key>``, ``volgorde:<key>:<key>``)
    that together make it impossible. All empty when no core was found in time.
    """

    def __init__(
        self,
        meetings: Sequence[str],
        absences: Sequence[tuple[str, dt.date]],
        limits: Sequence[str],
    ) -> None:
        self.meetings = tuple(meetings)
        self.absences = tuple(absences)
        self.limits = tuple(limits)
        super().__init__(
            f"geen planning mogelijk: {len(self.meetings)} bijeenkomsten, "
            f"{len(self.absences)} afwezige weken, {', '.join(self.limits) or 'geen limieten'}"
        )
