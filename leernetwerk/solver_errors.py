"""The solver layer's typed exceptions as Dutch, located user errors.

:mod:`matching` raises :class:`~matching.errors.MatchingError` subclasses with
the facts; the pipeline and the commands call :func:`user_error` to turn one
into the :class:`~leernetwerk.errors.UserError` the CLI prints (exit code 1,
never a traceback). The wording and the ``cycle.toml`` advice live here, not in
:mod:`matching`.
"""

from __future__ import annotations

from leernetwerk.errors import UserError
from matching.errors import (
    InvalidInput,
    MatchingError,
    NoSolutionInTime,
    SelectionInfeasible,
    SelectionOutOfTime,
)

__all__ = ["user_error"]


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
    # RuleConflict (clubs and sessions) gets its advice by rule key where the
    # layout rules are converted; here only its facts, as a last resort.
    return UserError(str(exc))
