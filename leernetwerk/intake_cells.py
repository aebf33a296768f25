"""Cell parsers and the row reader of the registrations intake.

Each parser turns one cell value into a domain value or raises
:class:`Invalid` with the Dutch reason; :class:`RowReader` applies them to a
data row and records every failure as a located problem. The reader is
tolerant where real Excel files differ harmlessly (``Ja``/``NEE``/``j``/TRUE,
numbers stored as text, Dutch dates, ``Fryslân``) and strict where a mistake
would change the outcome.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from openpyxl.utils.datetime import from_excel

from leernetwerk.domain import (
    PROVINCE_ALIASES,
    PROVINCES,
    SCORE_MAX,
    SCORE_MIN,
    Balance,
    RegistrantKind,
    SafetyNet,
)
from leernetwerk.errors import Problem, Severity, did_you_mean
from leernetwerk.names import name_key, normalise_name
from leernetwerk.workbook_reader import (
    UNCACHED_FORMULA_MESSAGE,
    Table,
    UncachedFormula,
    is_blank,
    parse_text,
    shown_value,
)

T = TypeVar("T")

KIND_WORDS: dict[str, RegistrantKind] = {
    "gemeente": RegistrantKind.MUNICIPALITY,
    "uitvoeringsorganisatie": RegistrantKind.ORGANISATION,
    "organisatie": RegistrantKind.ORGANISATION,
}
YES_WORDS = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x"})
NO_WORDS = frozenset({"nee", "n", "no", "false", "onwaar", "0"})
DUTCH_MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip


# --- cell parsers: each returns a value or raises Invalid with a Dutch reason


class Invalid(Exception):
    """A cell value that cannot be read; ``message`` is the Dutch reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_name(value: Any) -> str:
    """A registrant name: :func:`~leernetwerk.names.normalise_name` of the cell text."""
    return normalise_name(parse_text(value))


def parse_list(value: Any) -> tuple[str, ...]:
    """A ``;``-separated list of names (``,`` or line breaks tolerated), no empties."""
    text = parse_text(value).replace("\n", ";")
    separator = ";" if ";" in text else ","
    parts = (normalise_name(part) for part in text.split(separator))
    return tuple(part for part in parts if part)


def parse_number(value: Any) -> float:
    """A number from a number cell or text such as ``45.000``, ``45000``, ``2,0``."""
    if isinstance(value, bool | dt.datetime | dt.date):
        raise Invalid("dit is geen getal.")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?", text):
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?", text):
            text = text.replace(",", "")
        elif "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise Invalid("dit is geen getal.") from None
    if not math.isfinite(number):
        raise Invalid("dit is geen getal.")
    return number


def parse_whole(value: Any) -> int:
    number = parse_number(value)
    if not number.is_integer():
        raise Invalid("dit is geen heel getal.")
    return int(number)


def parse_inhabitants(value: Any) -> int:
    try:
        number = parse_whole(value)
    except Invalid:
        number = 0
    if number <= 0:
        raise Invalid("het aantal inwoners moet een heel getal groter dan 0 zijn.")
    return number


def parse_score(value: Any) -> int:
    try:
        score = parse_whole(value)
    except Invalid:
        score = -1
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise Invalid(
            f"een score moet een heel getal van {SCORE_MIN} tot en met {SCORE_MAX} zijn "
            "(0 niet relevant, 1 oriënterend, 2 in ontwikkeling, 3 ervaren, 4 expert)."
        )
    return score


def parse_rank(value: Any) -> int:
    try:
        rank = parse_whole(value)
    except Invalid:
        rank = 0
    if not 1 <= rank <= 3:
        raise Invalid("de rang moet 1, 2 of 3 zijn (1 = belangrijkste thema).")
    return rank


def parse_bool(value: Any) -> bool:
    """``ja``/``nee`` and the usual variants (``j``, ``n``, TRUE, 1, 0)."""
    if isinstance(value, bool):
        return value
    key = parse_text(value).casefold()
    if key in YES_WORDS:
        return True
    if key in NO_WORDS:
        return False
    raise Invalid("vul 'ja' of 'nee' in.")


def _date_or_invalid(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Invalid("dit is geen bestaande datum.") from None


def parse_date(value: Any) -> dt.date:
    """An Excel date, a date serial number, or Dutch text (``1-5-2026``, ``1 mei 2026``)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # Excel's serial range (1900-01-01 – 9999-12-31)
            return from_excel(value).date()
        raise Invalid("dit is geen datum.")
    text = parse_text(value).casefold()
    if match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        day, month, year = (int(g) for g in match.groups())
        return _date_or_invalid(year, month, day)
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t][\d:.]+)?", text):
        year, month, day = (int(g) for g in match.groups())
        return _date_or_invalid(year, month, day)
    if match := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", text):
        day_text, month_name, year_text = match.groups()
        if month_name in DUTCH_MONTHS:
            return _date_or_invalid(int(year_text), DUTCH_MONTHS[month_name], int(day_text))
    raise Invalid("dit is geen datum; gebruik bijvoorbeeld 01-05-2026 of 1 mei 2026.")


def choice_parser(options: Mapping[str, T], shown: Sequence[str], what: str) -> Callable[[Any], T]:
    """A parser accepting ``options`` (normalised keys) with a "bedoelde u" hint;
    ``what`` is the Dutch complaint, e.g. 'onbekend saldo'."""

    def parse(value: Any) -> T:
        text = parse_text(value)
        key = name_key(text)
        if key in options:
            return options[key]
        raise Invalid(f"{what}.{did_you_mean(text, shown)}")

    return parse


def _province_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "-", name_key(text))


def parse_province(value: Any) -> str:
    """One of the twelve provinces; case, spacing and ``Fryslân`` tolerated."""
    text = parse_text(value)
    options = {_province_key(p): p for p in PROVINCES}
    options.update({_province_key(alias): p for alias, p in PROVINCE_ALIASES.items()})
    if (key := _province_key(text)) in options:
        return options[key]
    raise Invalid(f"onbekende provincie.{did_you_mean(text, PROVINCES)}")


parse_kind = choice_parser(KIND_WORDS, [k.value for k in RegistrantKind], "onbekend type")
parse_balance = choice_parser(
    {b.value: b for b in Balance}, [b.value for b in Balance], "onbekend saldo"
)
parse_safety_net = choice_parser(
    {s.value: s for s in SafetyNet}, [s.value for s in SafetyNet], "onbekende vangnetstatus"
)


# --- one data row -------------------------------------------------------------


class RowReader:
    """One data row: reads cells by contract column and records located problems."""

    def __init__(self, table: Table, number: int, values: tuple[Any, ...], problems: list[Problem]):
        self.table = table
        self.number = number
        self.values = values
        self.problems = problems
        self.ok = True

    def raw(self, column: str) -> Any:
        index = self.table.columns.get(column)
        return self.raw_at(index) if index is not None else None

    def raw_at(self, index: int) -> Any:
        return self.values[index] if index < len(self.values) else None

    def problem(
        self, column: str, value: Any, message: str, severity: Severity = Severity.ERROR
    ) -> None:
        if severity is Severity.ERROR:
            self.ok = False
        self.problems.append(
            Problem(
                severity=severity,
                sheet=self.table.title,
                row=self.number,
                column=column,
                value=shown_value(value),
                message=message,
            )
        )

    def read(self, column: str, parse: Callable[[Any], T], default: T, required: bool = False) -> T:
        """The parsed cell, or ``default`` when blank or invalid (then a problem is recorded)."""
        if column not in self.table.columns:
            if required:
                self.ok = False  # the missing column is reported once, at the header
            return default
        index, header = self.table.columns[column], self.table.header(column)
        return self.read_at(index, header, parse, default, required)

    def read_at(
        self, index: int, header: str, parse: Callable[[Any], T], default: T, required: bool = False
    ) -> T:
        value = self.raw_at(index)
        if isinstance(value, UncachedFormula):
            self.problem(header, value, UNCACHED_FORMULA_MESSAGE)
            return default
        if is_blank(value):
            if required:
                self.problem(header, value, "dit verplichte veld is leeg.")
            return default
        try:
            return parse(value)
        except Invalid as invalid:
            self.problem(header, value, invalid.message)
            return default
