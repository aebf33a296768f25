"""Reading a registrations workbook (docs/domain.md §4) into the domain model.

The reader is tolerant where real Excel files differ harmlessly (header case
and spacing, ``Ja``/``NEE``/``j``/TRUE, numbers stored as text, Dutch dates,
empty rows, ``Fryslân``, names in another Unicode form) and strict where a
mistake would change the outcome (unknown province or theme, scores outside
0–4, duplicate names, a hidden copy of a sheet, merged header cells, formulas
without a value). Every problem is collected, located by sheet, Excel row,
column and value, and explained in Dutch, so the user sees them all in one
pass. A file that is not a readable ``.xlsx``, or exceeds the limits of
:mod:`leernetwerk.workbook_guard`, gives one such problem, never an exception.

The cell parsers live in :mod:`leernetwerk.intake_cells`, the bounded sheet
reader in :mod:`leernetwerk.workbook_reader`; both are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from leernetwerk.config import CycleConfig
from leernetwerk.domain import (
    MOTIVATION_COLUMNS,
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
from leernetwerk.intake_cells import (
    DUTCH_MONTHS,
    KIND_WORDS,
    NO_WORDS,
    YES_WORDS,
    Invalid,
    RowReader,
    choice_parser,
    parse_balance,
    parse_bool,
    parse_date,
    parse_inhabitants,
    parse_kind,
    parse_list,
    parse_name,
    parse_number,
    parse_province,
    parse_rank,
    parse_safety_net,
    parse_score,
    parse_whole,
)
from leernetwerk.intake_sheets import HEADER_ALIASES, map_columns, normalize_header, pick_sheet
from leernetwerk.names import name_key, normalise_name
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
from leernetwerk.workbook_guard import MAX_COLUMNS, MAX_ROWS, OLE_MAGIC
from leernetwerk.workbook_reader import (
    Table,
    UncachedFormula,
    Unreadable,
    WorkbookReader,
    is_blank,
    load_tables,
    open_workbook,
    parse_text,
    shown_value,
)

__all__ = [
    "DUTCH_MONTHS", "HEADER_ALIASES", "KIND_WORDS", "MAX_COLUMNS", "MAX_REGISTRANTS", "MAX_ROWS",
    "NO_WORDS", "OLE_MAGIC", "YES_WORDS", "IntakeResult", "Invalid", "Table", "UncachedFormula",
    "choice_parser", "is_blank", "load_registrations", "load_tables", "name_key",
    "normalise_name", "normalize_header", "parse_balance", "parse_bool", "parse_date",
    "parse_inhabitants", "parse_kind", "parse_list", "parse_name", "parse_number",
    "parse_province", "parse_rank", "parse_safety_net", "parse_score", "parse_text",
    "parse_whole", "read_registrations", "shown_value",
]  # fmt: skip

NO_NAMES: tuple[str, ...] = ()
MAX_REGISTRANTS = 500
"""Most rows in sheet Aanmeldingen. The Netherlands has 342 municipalities; selection
time and memory grow quickly with the number of registrants (README, "Grenzen")."""

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
    map_columns(table, REGISTRATION_COLUMNS, REQUIRED_REGISTRATION_COLUMNS, problems)
    variants = list(config.cycle.execution_variants)
    parse_variant = choice_parser(
        {name_key(v): v for v in variants}, variants, "onbekende uitvoeringsvariant"
    )
    result = _Registered(readable=COL_NAME in table.columns)
    for number, values in table.rows:
        row = RowReader(table, number, values, problems)
        name = row.read(COL_NAME, parse_name, "", required=True)
        fields: dict[str, Any] = {
            "kind": row.read(COL_KIND, parse_kind, RegistrantKind.MUNICIPALITY, required=True),
            "members": row.read(COL_MEMBERS, parse_list, NO_NAMES),
            "province": row.read(COL_PROVINCE, parse_province, "", required=True),
            "inhabitants": row.read(COL_INHABITANTS, parse_inhabitants, 0, required=True),
            "balance": row.read(COL_BALANCE, parse_balance, Balance.NEUTRAL, required=True),
            "safety_net": row.read(COL_SAFETY_NET, parse_safety_net, SafetyNet.NONE, required=True),
            "execution_variant": row.read(COL_VARIANT, parse_variant, "", required=True),
            "registered_on": row.read(COL_DATE, parse_date, None),
            "previous_cycles": row.read(COL_PREVIOUS, parse_list, NO_NAMES),
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
                    row.raw(COL_NAME),
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
    row: RowReader, table: Table, registered: _Registered, seen: dict[str, int] | None, what: str
) -> str | None:
    """The registrant a Zelfevaluatie/Leerthemas row belongs to, or None (with a problem)."""
    name = row.read(COL_NAME, parse_name, "", required=True)
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
            row.raw(COL_NAME),
            f"'{name}' staat niet in het blad '{SHEET_REGISTRATIONS}'." + hint,
        )
        return None
    if seen is not None:
        if key in seen:
            row.problem(
                table.header(COL_NAME),
                row.raw(COL_NAME),
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
    unknown = map_columns(table, [COL_NAME], [COL_NAME], problems, warn_unknown=False)
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
        row = RowReader(table, number, values, problems)
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
    map_columns(table, THEME_COLUMNS, REQUIRED_THEME_COLUMNS, problems)
    parse_theme = choice_parser(
        {name_key(n): n for n in catalogue.names}, catalogue.names, "onbekend thema"
    )
    choices: dict[str, list[ThemeChoice]] = {}
    ranks: dict[tuple[str, int], int] = {}
    themes: dict[tuple[str, str], int] = {}
    for number, values in table.rows:
        row = RowReader(table, number, values, problems)
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


_SHEETS = (SHEET_REGISTRATIONS, SHEET_SELF_EVALUATION, SHEET_THEMES)


def _too_many(table: Table) -> Problem:
    last = table.rows[-1][0] if table.rows else table.header_row
    return Problem(
        sheet=table.title,
        row=last + 1,
        message=f"dit blad bevat meer dan {MAX_REGISTRANTS} aanmeldingen; leernetwerk verwerkt "
        f"er hoogstens {MAX_REGISTRANTS} (Nederland telt 342 gemeenten). Het bestand is niet "
        "verder gelezen. Verwijder rijen die geen aanmelding zijn, of verdeel de aanmeldingen "
        "over meer cycli.",
    )


def _read_sheets(reader: WorkbookReader, problems: list[Problem]) -> list[Table | None]:
    """The three contract sheets (None when missing), with what reading them revealed."""
    tables: list[Table | None] = []
    for name in _SHEETS:
        sheet = pick_sheet(reader.sheets, name, problems)
        if sheet is None:
            tables.append(None)
            continue
        limit = MAX_REGISTRANTS if name == SHEET_REGISTRATIONS else MAX_ROWS
        table = reader.read(sheet.title, max_rows=limit, mark_uncached=True)
        if name == SHEET_REGISTRATIONS and table.truncated:
            raise Unreadable(_too_many(table))
        problems.extend(table.problems)
        tables.append(table)
    return tables


def read_registrations(path: Path | str, config: CycleConfig) -> IntakeResult:
    """Read a registrations workbook; never raises on bad input, reports problems instead."""
    path = Path(path)
    problems: list[Problem] = []
    catalogue = config.catalogue
    try:
        with open_workbook(path) as reader:
            sheet_reg, sheet_eval, sheet_themes = _read_sheets(reader, problems)
    except Unreadable as unreadable:
        empty = Registrations(registrations=(), catalogue=catalogue)
        return IntakeResult(empty, [unreadable.problem], config.cycle.deadline, readable=False)

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
