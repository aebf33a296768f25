"""The solver layer's typed exceptions as Dutch, located user errors.

:mod:`matching` raises :class:`~matching.errors.MatchingError` subclasses with
the facts; the pipeline and the commands call :func:`user_error` to turn one
into the :class:`~leernetwerk.errors.UserError` the CLI prints (exit code 1,
never a traceback). The wording and the ``cycle.toml`` advice live here, not in
:mod:`matching`.
"""

from __future__ import annotations

from leernetwerk.errors import Problem, UserError
from matching.errors import (
    InvalidInput,
    MatchingError,
    NoSolutionInTime,
    RuleConflict,
    SelectionInfeasible,
    SelectionOutOfTime,
)
from matching.rules import advice_for

__all__ = ["conflict_problems", "user_error"]


def user_error(exc: MatchingError) -> UserError:
    """The Dutch user error for a solver-layer exception (all its problems at once)."""
    if isinstance(exc, InvalidInput):
        return UserError(list(exc.problems))
    if isinstance(exc, SelectionInfeasible):
        return UserError(
            "De selectie is onmogelijk met deze pins en dit aantal plaatsen "
            f"(fase '{exc.stage}'). Controleer pins.select en pins.exclude."
        )
    if isinstance(exc, SelectionOutOfTime):
        return UserError(
            f"Geen selectie gevonden binnen de tijdslimiet (fase '{exc.phase}'). Verhoog "
            f"solver.{exc.setting} in cycle.toml."
        )
    if isinstance(exc, NoSolutionInTime):
        stage = exc.stage[:1].upper() + exc.stage[1:]
        return UserError(
            f"{stage} vond binnen de rekentijd geen oplossing. "
            f"Verhoog [solver] {exc.setting} in cycle.toml."
        )
    if isinstance(exc, RuleConflict):
        return UserError(conflict_problems(exc))
    return UserError(str(exc))  # pragma: no cover - every subclass is handled above


def conflict_problems(conflict: RuleConflict) -> list[Problem]:
    """A conflict as Dutch lines: the rules that clash, then advice looked up by rule key."""
    lines = [Problem(message="De harde regels zijn samen niet te halen. Samen botsen:")]
    lines += [Problem(message=f"  - {reason}") for reason in conflict.reasons]
    advice = advice_for(conflict)
    if advice:
        lines.append(Problem(message="Wat u kunt doen:"))
        lines += [Problem(message=f"  - {line}") for line in advice]
    lines.append(Problem(message="Er is niets weggeschreven."))
    return lines
