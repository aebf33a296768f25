"""Reading a registrations workbook (docs/domain.md §4) into the domain model.

The reader is tolerant where real Excel files differ harmlessly (header case
and spacing, ``Ja``/``NEE``/``j``/TRUE, numbers stored as text, Dutch dates,
empty rows, ``Fryslân``) and strict where a mistake would change the outcome
(unknown province or theme, scores outside 0–4, duplicate names). Every
problem is collected, located by sheet, Excel row, column and value, and
explained in Dutch, so the user sees them all in one pass. A file that is
not a readable ``.xlsx`` gives one such problem, never an exception.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel
from pydantic import ValidationError

from leernetwerk.config import CycleConfig
from leernetwerk.domain import (
    MOTIVATION_COLUMNS,
    PROVINCE_ALIASES,
    PROVINCES,
    SCORE_MAX,
    SCORE_MIN,
    Balance,
    RegistrantKind,
    Registration,
    Registrations,
    SafetyNet,
    SelfEvaluation,
    ThemeCatalogue,
    ThemeChoice,
)
from leernetwerk.errors import Problem, Severity, UserError, did_you_mean, suggest
from leernetwerk.registrations_io import (
    COL_BALANCE,
    COL_CONTACT,
    COL_DATE,
    COL_EMAIL,
    COL_HOST,
    COL_INHABITANTS,
    COL_KIND,
    COL_MEMBERS,
    COL_NAME,
    COL_PREVIOUS,
    COL_PROVINCE,
    COL_RANK,
    COL_SAFETY_NET,
    COL_THEME,
    COL_VARIANT,
    REGISTRATION_COLUMNS,
    REQUIRED_REGISTRATION_COLUMNS,
    REQUIRED_THEME_COLUMNS,
    SHEET_REGISTRATIONS,
    SHEET_SELF_EVALUATION,
    SHEET_THEMES,
    THEME_COLUMNS,
    main_score_from_subscores,
    subtheme_column,
)

T = TypeVar("T")

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound-file header: old .xls, or an .xlsx encrypted with a password."""

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
MAX_SHOWN_VALUE = 100


# --- normalisation --------------------------------------------------------


def normalize_header(text: Any) -> str:
    """Key for matching sheet and column names: case, spacing, apostrophes, ``*``."""
    value = str(text) if text is not None else ""
    value = value.replace("’", "'").replace("‘", "'").replace("`", "'").replace("'", "")
    value = value.replace("*", "")
    value = re.sub(r"\s*:\s*", ": ", value)
    return " ".join(value.split()).casefold()


def name_key(name: str) -> str:
    """Key for matching registrant names across sheets (case and spacing)."""
    return " ".join(name.split()).casefold()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def shown_value(value: Any) -> str | None:
    """A cell value as shown to the user in a problem."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d-%m-%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


# --- cell parsers: each returns a value or raises _Invalid with a Dutch reason


class _Invalid(Exception):
    """A cell value that cannot be read; ``message`` is the Dutch reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_text(value: Any) -> str:
    """Any cell as trimmed text; whole numbers without ``.0``."""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d-%m-%Y")
    return str(value).strip()


def parse_list(value: Any) -> tuple[str, ...]:
    """A ``;``-separated list (``,`` or line breaks tolerated), trimmed, no empties."""
    text = parse_text(value).replace("\n", ";")
    separator = ";" if ";" in text else ","
    return tuple(part.strip() for part in text.split(separator) if part.strip())


def parse_number(value: Any) -> float:
    """A number from a number cell or text such as ``45.000``, ``45000``, ``2,0``."""
    if isinstance(value, bool) or isinstance(value, dt.datetime | dt.date):
        raise _Invalid("dit is geen getal.")
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
            raise _Invalid("dit is geen getal.") from None
    if not math.isfinite(number):
        raise _Invalid("dit is geen getal.")
    return number


def parse_whole(value: Any) -> int:
    number = parse_number(value)
    if not number.is_integer():
        raise _Invalid("dit is geen heel getal.")
    return int(number)


def parse_inhabitants(value: Any) -> int:
    try:
        number = parse_whole(value)
    except _Invalid:
        number = 0
    if number <= 0:
        raise _Invalid("het aantal inwoners moet een heel getal groter dan 0 zijn.")
    return number


def parse_score(value: Any) -> int:
    try:
        score = parse_whole(value)
    except _Invalid:
        score = -1
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise _Invalid(
            f"een score moet een heel getal van {SCORE_MIN} tot en met {SCORE_MAX} zijn "
            "(0 niet relevant, 1 oriënterend, 2 in ontwikkeling, 3 ervaren, 4 expert)."
        )
    return score


def parse_rank(value: Any) -> int:
    try:
        rank = parse_whole(value)
    except _Invalid:
        rank = 0
    if not 1 <= rank <= 3:
        raise _Invalid("de rang moet 1, 2 of 3 zijn (1 = belangrijkste thema).")
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
    raise _Invalid("vul 'ja' of 'nee' in.")


def _date_or_invalid(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise _Invalid("dit is geen bestaande datum.") from None


def parse_date(value: Any) -> dt.date:
    """An Excel date, a date serial number, or Dutch text (``1-5-2026``, ``1 mei 2026``)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # Excel's serial range (1900-01-01 – 9999-12-31)
            return from_excel(value).date()
        raise _Invalid("dit is geen datum.")
    text = parse_text(value).casefold()
    if match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text):
        day, month, year = (int(g) for g in match.groups())
        return _date_or_invalid(year, month, day)
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t][\d:.]+)?", text):
        year, month, day = (int(g) for g in match.groups())
        return _date_or_invalid(year, month, day)
    if match := re.fullmatch(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})", text):
        day, month_name, year = match.groups()
        if month_name in DUTCH_MONTHS:
            return _date_or_invalid(int(year), DUTCH_MONTHS[month_name], int(day))
    raise _Invalid("dit is geen datum; gebruik bijvoorbeeld 01-05-2026 of 1 mei 2026.")


def choice_parser(options: Mapping[str, T], shown: Sequence[str], what: str) -> Callable[[Any], T]:
    """A parser accepting ``options`` (normalised keys) with a "bedoelde u" hint;
    ``what`` is the Dutch complaint, e.g. 'onbekend saldo'."""

    def parse(value: Any) -> T:
        text = parse_text(value)
        key = name_key(text)
        if key in options:
            return options[key]
        raise _Invalid(f"{what}.{did_you_mean(text, shown)}")

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
    raise _Invalid(f"onbekende provincie.{did_you_mean(text, PROVINCES)}")


parse_kind = choice_parser(KIND_WORDS, [k.value for k in RegistrantKind], "onbekend type")
parse_balance = choice_parser(
    {b.value: b for b in Balance}, [b.value for b in Balance], "onbekend saldo"
)
parse_safety_net = choice_parser(
    {s.value: s for s in SafetyNet}, [s.value for s in SafetyNet], "onbekende vangnetstatus"
)


# --- reading raw sheets -----------------------------------------------------


@dataclass
class Table:
    """One sheet: its header (as in the file) and non-empty data rows by Excel row."""

    title: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, tuple[Any, ...]]]
    columns: dict[str, int] = field(default_factory=dict)
    """Contract column name → index, filled by :func:`_map_columns`."""

    def header(self, column: str) -> str:
        """The header as written in the file (or the contract name when absent)."""
        index = self.columns.get(column)
        return self.headers[index] if index is not None else column


def load_tables(path: Path) -> tuple[list[Table], Problem | None]:
    """All worksheets of ``path`` as tables, or one problem if it is not a readable xlsx."""
    where = path.name or str(path)

    def problem(message: str) -> tuple[list[Table], Problem]:
        return [], Problem(sheet=where, message=message)

    if not path.exists():
        return problem(f"het bestand '{path}' bestaat niet.")
    if path.is_dir():
        return problem(f"'{path}' is een map, geen Excel-bestand.")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return problem(f"het bestand kan niet worden geopend ({exc.strerror or exc}).")
    if not head:
        return problem("het bestand is leeg; verwacht een Excel-bestand (.xlsx).")
    if head.startswith(OLE_MAGIC):
        return problem(
            "dit is een met een wachtwoord beveiligd of oud Excel-bestand (.xls). "
            "Sla het op als .xlsx zonder wachtwoord."
        )
    if not head.startswith(b"PK"):
        return problem(
            "dit is geen Excel-bestand (.xlsx); is het misschien een CSV- of tekstbestand "
            "met een andere extensie? Sla het in Excel op als .xlsx."
        )
    try:
        with open(path, "rb") as handle:
            wb = load_workbook(handle, read_only=True, data_only=True)
            try:
                tables = [
                    _read_table(ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets
                ]
            finally:
                wb.close()
    except zipfile.BadZipFile:
        return problem("het bestand is beschadigd (geen geldig .xlsx-archief).")
    except Exception as exc:  # noqa: BLE001 - any failure to parse untrusted input
        return problem(
            f"het bestand kan niet als Excel-werkmap worden gelezen ({type(exc).__name__}). "
            "Open het in Excel en sla het opnieuw op als .xlsx."
        )
    return tables, None


def _read_table(title: str, rows: Iterable[tuple[Any, ...]]) -> Table:
    """The first non-empty row is the header; fully empty rows are skipped."""
    header_row = 0
    headers: list[str] = []
    data: list[tuple[int, tuple[Any, ...]]] = []
    for number, values in enumerate(rows, start=1):
        if all(is_blank(v) for v in values):
            continue
        if not header_row:
            header_row = number
            headers = [parse_text(v) if v is not None else "" for v in values]
        else:
            data.append((number, tuple(values)))
    return Table(title=title, header_row=header_row or 1, headers=headers, rows=data)


def _hint(expected: str, present: Sequence[str]) -> str:
    """A 'Bedoelde u …?' hint for the closest present name, or nothing."""
    best = suggest(expected, present)
    return f" Bedoelde u '{best}'?" if best is not None else ""


def _find_table(tables: list[Table], name: str, problems: list[Problem]) -> Table | None:
    key = normalize_header(name)
    for table in tables:
        if normalize_header(table.title) == key:
            return table
    problems.append(
        Problem(
            sheet=name,
            message=f"het verplichte blad '{name}' ontbreekt."
            + _hint(name, [t.title for t in tables]),
        )
    )
    return None


def _map_columns(
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
                    + _hint(column, [h for h in table.headers if h]),
                )
            )
    if warn_unknown:
        for index in unknown:
            header = table.headers[index]
            hint = suggest(header, known)
            problems.append(
                Problem(
                    severity=Severity.WARNING,
                    sheet=table.title,
                    row=table.header_row,
                    column=header,
                    message="onbekende kolom, wordt niet gelezen."
                    + (f" Bedoelde u '{hint}'?" if hint else ""),
                )
            )
    return unknown


class _Row:
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
        if is_blank(value):
            if required:
                self.problem(header, value, "dit verplichte veld is leeg.")
            return default
        try:
            return parse(value)
        except _Invalid as invalid:
            self.problem(header, value, invalid.message)
            return default


# --- the three sheets -----------------------------------------------------


@dataclass
class _Registered:
    """What sheet Aanmeldingen yields: readable registrations and every name seen."""

    registrations: list[Registration] = field(default_factory=list)
    names: dict[str, tuple[str, int]] = field(default_factory=dict)
    """name key → (name as written, row) for every named row, readable or not."""
    readable: bool = False
    """Whether names could be read at all (sheet and its Naam column present)."""


def _read_registrations_sheet(
    table: Table, config: CycleConfig, problems: list[Problem]
) -> _Registered:
    _map_columns(table, REGISTRATION_COLUMNS, REQUIRED_REGISTRATION_COLUMNS, problems)
    variants = list(config.cycle.execution_variants)
    parse_variant = choice_parser(
        {name_key(v): v for v in variants}, variants, "onbekende uitvoeringsvariant"
    )
    result = _Registered(readable=COL_NAME in table.columns)
    for number, values in table.rows:
        row = _Row(table, number, values, problems)
        name = row.read(COL_NAME, parse_text, "", required=True)
        fields: dict[str, Any] = {
            "kind": row.read(COL_KIND, parse_kind, RegistrantKind.MUNICIPALITY, required=True),
            "members": row.read(COL_MEMBERS, parse_list, ()),
            "province": row.read(COL_PROVINCE, parse_province, "", required=True),
            "inhabitants": row.read(COL_INHABITANTS, parse_inhabitants, 0, required=True),
            "balance": row.read(COL_BALANCE, parse_balance, Balance.NEUTRAL, required=True),
            "safety_net": row.read(COL_SAFETY_NET, parse_safety_net, SafetyNet.NONE, required=True),
            "execution_variant": row.read(COL_VARIANT, parse_variant, "", required=True),
            "registered_on": row.read(COL_DATE, parse_date, None),
            "previous_cycles": row.read(COL_PREVIOUS, parse_list, ()),
            "can_host": row.read(COL_HOST, parse_bool, True),
            "contact": row.read(COL_CONTACT, parse_text, ""),
            "email": row.read(COL_EMAIL, parse_text, ""),
        }
        if name:
            key = name_key(name)
            if key in result.names:
                first = result.names[key][1]
                row.problem(
                    table.header(COL_NAME),
                    name,
                    f"'{name}' staat twee keer in dit blad: rij {first} en rij {number}. "
                    "Elke gemeente of organisatie mag maar één keer worden aangemeld.",
                )
            else:
                result.names[key] = (name, number)
        if not row.ok:
            continue
        try:
            result.registrations.append(Registration(name=name, row=number, **fields))
        except ValidationError as exc:  # defensive: parsers already enforce the model
            reason = exc.errors()[0]["msg"]
            row.problem(table.header(COL_NAME), name, f"ongeldige aanmelding: {reason}.")
    return result


def _check_registrations(
    table: Table, registered: _Registered, config: CycleConfig, problems: list[Problem]
) -> None:
    """Warnings that do not block: late, organisation without members, double registration."""
    deadline = config.cycle.deadline
    own = {name_key(r.name): r for r in registered.registrations if not r.is_organisation}

    def warn(registration: Registration, column: str, value: Any, message: str) -> None:
        problems.append(
            Problem(
                severity=Severity.WARNING,
                sheet=table.title,
                row=registration.row,
                column=table.header(column),
                value=shown_value(value),
                message=message,
            )
        )

    for registration in registered.registrations:
        if registration.is_late(deadline):
            warn(
                registration,
                COL_DATE,
                registration.registered_on,
                f"te laat aangemeld (uiterste datum {deadline:%d-%m-%Y}); komt alleen in "
                "aanmerking als er plekken over zijn.",
            )
        if registration.is_organisation and not registration.members:
            warn(
                registration,
                COL_MEMBERS,
                None,
                f"uitvoeringsorganisatie '{registration.name}' noemt geen gemeenten; "
                "vul de gemeenten in, gescheiden door ';'.",
            )
        if registration.is_organisation:
            for member in registration.members:
                alone = own.get(name_key(member))
                if alone is not None:
                    warn(
                        registration,
                        COL_MEMBERS,
                        member,
                        f"'{alone.name}' is zelf aangemeld (rij {alone.row}) én als gemeente van "
                        f"'{registration.name}' (rij {registration.row}); kies één van beide.",
                    )


def _registrant_key(
    row: _Row, table: Table, registered: _Registered, seen: dict[str, int] | None, what: str
) -> str | None:
    """The registrant a Zelfevaluatie/Leerthemas row belongs to, or None (with a problem)."""
    name = row.read(COL_NAME, parse_text, "", required=True)
    if not name:
        return None
    key = name_key(name)
    if not registered.readable:
        return None  # the missing sheet or column is reported already
    if key not in registered.names:
        known = [written for written, _ in registered.names.values()]
        hint = did_you_mean(name, known) if known else ""
        row.problem(
            table.header(COL_NAME),
            name,
            f"'{name}' staat niet in het blad '{SHEET_REGISTRATIONS}'." + hint,
        )
        return None
    if seen is not None:
        if key in seen:
            row.problem(
                table.header(COL_NAME),
                name,
                f"'{name}' heeft twee rijen met een {what}: rij {seen[key]} en rij {row.number}.",
            )
            return None
        seen[key] = row.number
    return key


@dataclass(frozen=True)
class _ScoreColumn:
    index: int
    header: str
    theme: str
    subtheme: str | None = None


def _score_columns(
    table: Table, catalogue: ThemeCatalogue, problems: list[Problem]
) -> list[_ScoreColumn]:
    """Classify the Zelfevaluatie headers into main-theme and subtheme columns."""
    unknown = _map_columns(table, [COL_NAME], [COL_NAME], problems, warn_unknown=False)
    options: dict[str, tuple[str, str | None]] = {}
    for theme in catalogue.themes:
        options[normalize_header(theme.name)] = (theme.name, None)
        for sub in theme.subthemes:
            options[normalize_header(subtheme_column(theme.name, sub))] = (theme.name, sub)
    shown = [subtheme_column(t.name, s) for t in catalogue.themes for s in t.subthemes]
    shown = [*catalogue.names, *shown]
    columns = []
    for index in unknown:
        header = table.headers[index]
        target = options.get(normalize_header(header))
        if target is not None:
            columns.append(_ScoreColumn(index, header, *target))
            continue
        hint = suggest(header, shown)
        problems.append(
            Problem(
                severity=Severity.ERROR if hint or ":" in header else Severity.WARNING,
                sheet=table.title,
                row=table.header_row,
                column=header,
                message=(
                    f"onbekend thema in de kolomnaam. Bedoelde u '{hint}'?"
                    if hint
                    else "onbekende kolom, wordt niet gelezen. Gebruik de thema's uit de "
                    "catalogus (zie blad Instructies)."
                ),
            )
        )
    return columns


def _read_self_evaluations(
    table: Table, registered: _Registered, catalogue: ThemeCatalogue, problems: list[Problem]
) -> dict[str, SelfEvaluation]:
    columns = _score_columns(table, catalogue, problems)
    evaluations: dict[str, SelfEvaluation] = {}
    seen: dict[str, int] = {}
    for number, values in table.rows:
        row = _Row(table, number, values, problems)
        key = _registrant_key(row, table, registered, seen, "zelfevaluatie")
        scores: dict[str, float] = {}
        subscores: dict[str, dict[str, int]] = {}
        for column in columns:
            score = row.read_at(column.index, column.header, parse_score, None)
            if score is None:
                continue
            if column.subtheme is None:
                scores[column.theme] = float(score)
            else:
                subscores.setdefault(column.theme, {})[column.subtheme] = score
        for theme, subs in subscores.items():
            scores.setdefault(theme, main_score_from_subscores(subs))
        if key is not None and row.ok:
            ordered = {name: scores[name] for name in catalogue.names if name in scores}
            evaluations[key] = SelfEvaluation(scores=ordered, subscores=subscores)
    return evaluations


def _read_theme_choices(
    table: Table, registered: _Registered, catalogue: ThemeCatalogue, problems: list[Problem]
) -> dict[str, tuple[ThemeChoice, ...]]:
    _map_columns(table, THEME_COLUMNS, REQUIRED_THEME_COLUMNS, problems)
    parse_theme = choice_parser(
        {name_key(n): n for n in catalogue.names}, catalogue.names, "onbekend thema"
    )
    choices: dict[str, list[ThemeChoice]] = {}
    ranks: dict[tuple[str, int], int] = {}
    themes: dict[tuple[str, str], int] = {}
    for number, values in table.rows:
        row = _Row(table, number, values, problems)
        key = _registrant_key(row, table, registered, None, "leerthema")
        rank = row.read(COL_RANK, parse_rank, 0, required=True)
        theme = row.read(COL_THEME, parse_theme, "", required=True)
        texts = {f: row.read(column, parse_text, "") for f, column in MOTIVATION_COLUMNS.items()}
        if key is None:
            continue
        if rank and (key, rank) in ranks:
            row.problem(
                table.header(COL_RANK),
                rank,
                f"rang {rank} is voor deze aanmelder al gebruikt in rij {ranks[key, rank]}; "
                "geef elk thema een eigen rang 1, 2 of 3.",
            )
        elif rank:
            ranks[key, rank] = number
        if theme and (key, theme) in themes:
            row.problem(
                table.header(COL_THEME),
                theme,
                f"dit thema is voor deze aanmelder al gekozen in rij {themes[key, theme]}; "
                "kies drie verschillende thema's.",
            )
        elif theme:
            themes[key, theme] = number
        if row.ok:
            choices.setdefault(key, []).append(ThemeChoice(rank=rank, theme=theme, **texts))
    return {key: tuple(sorted(found, key=lambda c: c.rank)) for key, found in choices.items()}


# --- the result -------------------------------------------------------------


@dataclass(frozen=True)
class IntakeResult:
    """What a registrations workbook holds: the readable registrations and all problems."""

    registrations: Registrations
    problems: list[Problem]
    deadline: dt.date
    readable: bool = True
    """False when the file itself could not be opened as a workbook."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def ok(self) -> bool:
        """True when there are no errors (warnings allowed)."""
        return not self.errors

    @property
    def complete(self) -> list[Registration]:
        return [r for r in self.registrations if r.is_complete]

    @property
    def incomplete(self) -> list[Registration]:
        """Registrations lacking a self-evaluation or themes; see ``Registration.missing``."""
        return [r for r in self.registrations if not r.is_complete]

    @property
    def late(self) -> list[Registration]:
        """Registered after the (inclusive) deadline."""
        return [r for r in self.registrations if r.is_late(self.deadline)]

    def summary(self) -> dict[str, Any]:
        """Counts by balance, safety net, province, variant, kind, and completeness."""

        def count(values: Iterable[str]) -> dict[str, int]:
            return dict(sorted(Counter(values).items()))

        regs = list(self.registrations)
        return {
            "total": len(regs),
            "by_balance": count(r.balance.value for r in regs),
            "by_safety_net": count(r.safety_net.value for r in regs),
            "by_province": count(r.province for r in regs),
            "by_execution_variant": count(r.execution_variant for r in regs),
            "by_kind": count(r.kind.value for r in regs),
            "complete": len(self.complete),
            "incomplete": len(self.incomplete),
            "late": len(self.late),
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }


def read_registrations(path: Path | str, config: CycleConfig) -> IntakeResult:
    """Read a registrations workbook; never raises on bad input, reports problems instead."""
    path = Path(path)
    problems: list[Problem] = []
    catalogue = config.catalogue
    tables, unreadable = load_tables(path)
    if unreadable is not None:
        empty = Registrations(registrations=(), catalogue=catalogue)
        return IntakeResult(empty, [unreadable], config.cycle.deadline, readable=False)

    sheet_reg = _find_table(tables, SHEET_REGISTRATIONS, problems)
    sheet_eval = _find_table(tables, SHEET_SELF_EVALUATION, problems)
    sheet_themes = _find_table(tables, SHEET_THEMES, problems)

    registered = _Registered()
    if sheet_reg is not None:
        registered = _read_registrations_sheet(sheet_reg, config, problems)
        _check_registrations(sheet_reg, registered, config, problems)
    evaluations = (
        _read_self_evaluations(sheet_eval, registered, catalogue, problems) if sheet_eval else {}
    )
    choices = (
        _read_theme_choices(sheet_themes, registered, catalogue, problems) if sheet_themes else {}
    )

    complete = tuple(
        r.model_copy(
            update={
                "self_evaluation": evaluations.get(name_key(r.name)),
                "themes": choices.get(name_key(r.name), ()),
            }
        )
        for r in registered.registrations
    )
    return IntakeResult(
        Registrations(registrations=complete, catalogue=catalogue), problems, config.cycle.deadline
    )


def load_registrations(path: Path | str, config: CycleConfig) -> Registrations:
    """The registrations of a workbook; raises :class:`UserError` listing all problems on errors."""
    result = read_registrations(path, config)
    if not result.ok:
        raise UserError(result.errors + result.warnings)
    return result.registrations
