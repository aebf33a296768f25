"""Located, user-facing problems (in Dutch) and the exceptions that carry them.

Every check in the tool reports a :class:`Problem` instead of raising on the
first issue, so a user sees *all* problems with a file in one pass. A
:class:`UserError` carries such a list to the CLI, which prints it and exits
non-zero; it is never shown as a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

FILE_SUFFIXES = (
    ".xlsx", ".xlsm", ".xls", ".xlsb", ".xltx", ".ods", ".toml", ".json", ".csv", ".txt",
)  # fmt: skip
"""A ``Problem.sheet`` ending in one of these names a file rather than a sheet."""


class Severity(StrEnum):
    ERROR = "fout"
    WARNING = "waarschuwing"


class Problem(BaseModel):
    """One problem in an input, located as precisely as the input allows.

    ``row`` is the 1-based Excel row number as the user sees it; ``sheet`` and
    ``column`` are the names as written in the file (or the expected names
    when missing). For a config file ``sheet`` holds the file name and
    ``column`` the dotted key.
    """

    model_config = ConfigDict(frozen=True)

    severity: Severity = Severity.ERROR
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    whole_file: bool = False
    """True when ``sheet`` names a file whose name need not end in a known suffix."""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        parts = []
        if self.sheet and (self.whole_file or self.sheet.lower().endswith(FILE_SUFFIXES)):
            parts.append(f"bestand '{self.sheet}'")  # a whole file, e.g. cycle.toml
        elif self.sheet:
            parts.append(f"blad '{self.sheet}'")
        if self.row is not None:
            parts.append(f"rij {self.row}")
        if self.column:
            parts.append(f"kolom '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        value = f" (waarde: '{self.value}')" if self.value not in (None, "") else ""
        prefix = f"{where}{value}: " if where or value else ""
        return f"{self.severity.value.capitalize()}: {prefix}{self.message}"


class UserError(Exception):
    """An error the user can fix; carries one or more located problems."""

    def __init__(self, problems: Problem | str | Sequence[Problem], exit_code: int = 1):
        if isinstance(problems, str):
            problems = [Problem(message=problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        self.exit_code = exit_code
        super().__init__("\n".join(str(p) for p in self.problems))


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def suggest(value: str, options: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest option to ``value`` (case-insensitive), or None."""
    options = list(options)
    lowered = {o.lower(): o for o in options}
    match = difflib.get_close_matches(value.strip().lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[match[0]] if match else None


def did_you_mean(value: str, options: Iterable[str]) -> str:
    """Dutch " bedoelde u …?" suffix, or an enumeration of the options."""
    options = list(options)
    best = suggest(value, options)
    if best is not None:
        return f" Bedoelde u '{best}'?"
    if len(options) <= 12:
        return " Toegestaan: " + ", ".join(f"'{o}'" for o in options) + "."
    return ""
