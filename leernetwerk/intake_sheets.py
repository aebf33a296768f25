"""Finding the contract sheets and columns of a registrations workbook.

Sheet and column names match on :func:`normalize_header` (case, spacing,
apostrophes, ``*``, Unicode form), so ``Leerthema's`` is ``Leerthemas``. When
two sheets match one contract sheet, :func:`pick_sheet` never reads a hidden
one without saying so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from leernetwerk.errors import Problem, Severity, suggest
from leernetwerk.names import normalise_text
from leernetwerk.registrations_io import (
    COL_CONTACT,
    COL_EMAIL,
    COL_RANK,
    COL_THEME,
)
from leernetwerk.workbook_reader import SheetInfo, Table

HEADER_ALIASES: dict[str, str] = {
    "email": COL_EMAIL,
    "e-mailadres": COL_EMAIL,
    "emailadres": COL_EMAIL,
    "contact": COL_CONTACT,
    "rangorde": COL_RANK,
    "leerthema": COL_THEME,
    "hoofdthema": COL_THEME,
}
"""Other spellings of column headers seen in practice (normalised) → contract name."""


def normalize_header(text: Any) -> str:
    """Key for matching sheet and column names: case, spacing, apostrophes, ``*``, Unicode form."""
    value = normalise_text(str(text)) if text is not None else ""
    value = value.replace("’", "'").replace("‘", "'").replace("`", "'").replace("'", "")
    value = value.replace("*", "")
    value = re.sub(r"\s*:\s*", ": ", value)
    return " ".join(value.split()).casefold()


def hint(expected: str, present: Sequence[str]) -> str:
    """A 'Bedoelde u …?' hint for the closest present name, or nothing."""
    best = suggest(expected, present)
    return f" Bedoelde u '{best}'?" if best is not None else ""


def _quoted(sheets: Sequence[SheetInfo]) -> str:
    shown = [f"'{s.title}'" + (" (verborgen)" if s.hidden else "") for s in sheets]
    return ", ".join(shown[:-1]) + " en " + shown[-1] if len(shown) > 1 else shown[0]


def pick_sheet(sheets: Sequence[SheetInfo], name: str, problems: list[Problem]) -> SheetInfo | None:
    """The sheet to read as the required sheet ``name``, never a hidden one silently.

    Sheet names match on :func:`normalize_header`. One match is read (with a
    warning when it is hidden). Of several, the one visible sheet is read, or
    the visible sheet named exactly ``name``, with a warning naming the
    others; otherwise the choice is the user's and all are named in an error.
    """
    key = normalize_header(name)
    matches = [s for s in sheets if normalize_header(s.title) == key]
    if not matches:
        problems.append(
            Problem(
                sheet=name,
                message=f"het verplichte blad '{name}' ontbreekt."
                + hint(name, [s.title for s in sheets]),
            )
        )
        return None
    visible = [s for s in matches if not s.hidden]
    exact = [s for s in visible if s.title == name]
    chosen = (
        matches[0]
        if len(matches) == 1
        else visible[0]
        if len(visible) == 1
        else exact[0]
        if len(exact) == 1
        else None
    )
    if chosen is None:
        problems.append(
            Problem(
                sheet=name,
                message=f"de bladen {_quoted(matches)} passen "
                f"{'allebei' if len(matches) == 2 else 'allemaal'} bij '{name}'; het is niet "
                "duidelijk welk blad de geldige gegevens bevat. Verwijder of hernoem de bladen "
                "die niet gelezen moeten worden.",
            )
        )
        return None
    others = [s for s in matches if s is not chosen]
    if others:
        problems.append(
            Problem(
                severity=Severity.WARNING,
                sheet=chosen.title,
                message=f"dit blad wordt gelezen als '{name}'; {_quoted(others)} lijkt er ook op "
                "maar wordt niet gelezen. Verwijder dat blad als het een oude kopie is.",
            )
        )
    elif chosen.hidden:
        problems.append(
            Problem(
                severity=Severity.WARNING,
                sheet=chosen.title,
                message="dit blad is verborgen, maar wordt wel gelezen als "
                f"'{name}'. Maak het zichtbaar om de gegevens te controleren.",
            )
        )
    return chosen


def map_columns(
    table: Table,
    known: Sequence[str],
    required: Sequence[str],
    problems: list[Problem],
    warn_unknown: bool = True,
) -> list[int]:
    """Fill ``table.columns`` for the ``known`` columns; report missing required ones.

    Returns the indexes of the columns that are not known, for the caller to
    interpret (theme columns) or to warn about.
    """
    keys = {normalize_header(c): c for c in known}
    keys.update({alias: c for alias, c in HEADER_ALIASES.items() if c in known})
    unknown = []
    for index, header in enumerate(table.headers):
        if not header:
            continue
        column = keys.get(normalize_header(header))
        if column is None:
            unknown.append(index)
        elif column in table.columns:
            problems.append(
                Problem(
                    severity=Severity.WARNING,
                    sheet=table.title,
                    row=table.header_row,
                    column=header,
                    message=f"de kolom '{column}' staat er twee keer; "
                    "alleen de eerste wordt gelezen.",
                )
            )
        else:
            table.columns[column] = index
    for column in required:
        if column not in table.columns:
            problems.append(
                Problem(
                    sheet=table.title,
                    row=table.header_row,
                    column=column,
                    message=f"de verplichte kolom '{column}' ontbreekt."
                    + hint(column, [h for h in table.headers if h]),
                )
            )
    if warn_unknown:
        for index in unknown:
            header = table.headers[index]
            best = suggest(header, known)
            problems.append(
                Problem(
                    severity=Severity.WARNING,
                    sheet=table.title,
                    row=table.header_row,
                    column=header,
                    message="onbekende kolom, wordt niet gelezen."
                    + (f" Bedoelde u '{best}'?" if best else ""),
                )
            )
    return unknown
