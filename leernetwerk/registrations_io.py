"""Writing registrations workbooks: the contract (docs/domain.md §4) and its template.

This module owns the *names* of the contract: sheet names and column headers
of the registrations workbook. :mod:`leernetwerk.intake` reads exactly what
:func:`write_registrations` writes (round trip), and :func:`write_template`
gives users an empty workbook in the same format with dropdowns.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from leernetwerk.config import CycleConfig
from leernetwerk.domain import (
    MOTIVATION_COLUMNS,
    PROVINCES,
    SCORE_LABELS,
    SCORE_MAX,
    SCORE_MIN,
    Balance,
    RegistrantKind,
    Registration,
    Registrations,
    SafetyNet,
    ThemeCatalogue,
)
from leernetwerk.excel import (
    HEADER_FONT,
    format_table,
    new_workbook,
    save_workbook,
    set_text,
    write_row,
)

# --- the contract: sheet names and column headers (Dutch, user-facing) ------

SHEET_REGISTRATIONS = "Aanmeldingen"
SHEET_SELF_EVALUATION = "Zelfevaluatie"
SHEET_THEMES = "Leerthemas"
SHEET_INSTRUCTIONS = "Instructies"
SHEET_LISTS = "Lijsten"

COL_NAME = "Naam"
COL_KIND = "Type"
COL_MEMBERS = "Gemeenten"
COL_PROVINCE = "Provincie"
COL_INHABITANTS = "Inwoners"
COL_BALANCE = "Saldo"
COL_SAFETY_NET = "Vangnet"
COL_VARIANT = "Uitvoeringsvariant"
COL_DATE = "Aanmelddatum"
COL_PREVIOUS = "Eerder deelgenomen"
COL_HOST = "Host mogelijk"
COL_CONTACT = "Contactpersoon"
COL_EMAIL = "E-mail"
COL_RANK = "Rang"
COL_THEME = "Thema"

REGISTRATION_COLUMNS: tuple[str, ...] = (
    COL_NAME,
    COL_KIND,
    COL_MEMBERS,
    COL_PROVINCE,
    COL_INHABITANTS,
    COL_BALANCE,
    COL_SAFETY_NET,
    COL_VARIANT,
    COL_DATE,
    COL_PREVIOUS,
    COL_HOST,
    COL_CONTACT,
    COL_EMAIL,
)
REQUIRED_REGISTRATION_COLUMNS: tuple[str, ...] = (
    COL_NAME,
    COL_KIND,
    COL_PROVINCE,
    COL_INHABITANTS,
    COL_BALANCE,
    COL_SAFETY_NET,
    COL_VARIANT,
)
THEME_COLUMNS: tuple[str, ...] = (COL_NAME, COL_RANK, COL_THEME, *MOTIVATION_COLUMNS.values())
REQUIRED_THEME_COLUMNS: tuple[str, ...] = (COL_NAME, COL_RANK, COL_THEME)
SUBTHEME_SEPARATOR = ": "
YES, NO = "ja", "nee"
LIST_SEPARATOR = "; "
TEMPLATE_ROWS = 1000
"""Data validations cover rows 2 up to this row."""


def subtheme_column(theme: str, subtheme: str) -> str:
    """Header of a subtheme score column in sheet Zelfevaluatie."""
    return f"{theme}{SUBTHEME_SEPARATOR}{subtheme}"


def self_evaluation_columns(catalogue: ThemeCatalogue) -> list[str]:
    """Naam, every main theme, then every ``Hoofdthema: Subthema`` column."""
    columns = [COL_NAME, *catalogue.names]
    for theme in catalogue.themes:
        columns.extend(subtheme_column(theme.name, sub) for sub in theme.subthemes)
    return columns


# --- writing registrations -----------------------------------------------


def _registration_row(registration: Registration) -> list[Any]:
    return [
        registration.name,
        registration.kind.value,
        LIST_SEPARATOR.join(registration.members),
        registration.province,
        registration.inhabitants,
        registration.balance.value,
        registration.safety_net.value,
        registration.execution_variant,
        registration.registered_on,
        LIST_SEPARATOR.join(registration.previous_cycles),
        YES if registration.can_host else NO,
        registration.contact,
        registration.email,
    ]


def _main_score_cell(registration: Registration, theme: str) -> float | int | None:
    """The value for a main-theme score cell, or None to leave it empty.

    The contract only holds whole scores; a fractional main score is valid
    only as the mean of subtheme scores, which the reader recomputes, so the
    cell is left empty then.
    """
    evaluation = registration.self_evaluation
    assert evaluation is not None
    if theme not in evaluation.scores:
        return None
    score = evaluation.scores[theme]
    if float(score).is_integer():
        return int(score)
    subscores = evaluation.subscores.get(theme, {})
    if subscores and math.isclose(main_score_from_subscores(subscores), score):
        return None
    raise ValueError(
        f"registration {registration.name!r}: main score {score} for {theme!r} is not a whole "
        "number and not the mean of its subtheme scores; the workbook cannot hold it"
    )


def main_score_from_subscores(subscores: dict[str, int]) -> float:
    """A main theme's score from its subthemes: mean of the non-zero ones (docs/domain.md §4)."""
    nonzero = [score for score in subscores.values() if score != 0]
    return sum(nonzero) / len(nonzero) if nonzero else 0.0


def _self_evaluation_row(
    registration: Registration, catalogue: ThemeCatalogue, columns: Sequence[str]
) -> list[Any]:
    evaluation = registration.self_evaluation
    assert evaluation is not None
    values: list[Any] = [registration.name]
    values.extend(_main_score_cell(registration, name) for name in catalogue.names)
    for theme in catalogue.themes:
        subscores = evaluation.subscores.get(theme.name, {})
        values.extend(subscores.get(sub) for sub in theme.subthemes)
    unknown = set(evaluation.scores) - set(catalogue.names)
    if unknown:
        raise ValueError(
            f"registration {registration.name!r} scores themes outside the catalogue: "
            f"{sorted(unknown)}"
        )
    assert len(values) == len(columns)
    return values


def _theme_rows(registration: Registration) -> list[list[Any]]:
    return [
        [
            registration.name,
            choice.rank,
            choice.theme,
            *(getattr(choice, field) for field in MOTIVATION_COLUMNS),
        ]
        for choice in registration.themes
    ]


def _fill_registrations(wb: Workbook, registrations: Registrations) -> None:
    catalogue = registrations.catalogue
    ws_reg = wb[SHEET_REGISTRATIONS]
    ws_eval = wb[SHEET_SELF_EVALUATION]
    ws_themes = wb[SHEET_THEMES]
    eval_columns = self_evaluation_columns(catalogue)
    eval_row = theme_row = 2
    for index, registration in enumerate(registrations, start=2):
        write_row(ws_reg, index, _registration_row(registration))
        if registration.self_evaluation is not None:
            write_row(
                ws_eval, eval_row, _self_evaluation_row(registration, catalogue, eval_columns)
            )
            eval_row += 1
        for values in _theme_rows(registration):
            write_row(ws_themes, theme_row, values)
            theme_row += 1


def write_registrations(
    registrations: Registrations, path: Path, config: CycleConfig | None = None
) -> None:
    """Write ``registrations`` as a contract workbook that intake reads back unchanged.

    Writes the sheets Aanmeldingen, Zelfevaluatie (main and subtheme scores)
    and Leerthemas (with motivation texts), plus Instructies and the hidden
    Lijsten sheet with the dropdown data validations of the template. Dates
    are real Excel dates; text that looks like a formula stays text. The
    theme catalogue is the one carried by ``registrations``.
    """
    config = config or CycleConfig()
    wb = _contract_workbook(config, registrations.catalogue)
    _fill_registrations(wb, registrations)
    _finish(wb, config, registrations.catalogue)
    save_workbook(wb, path)


def write_template(path: Path, config: CycleConfig) -> None:
    """Write an empty registrations workbook with instructions and dropdowns."""
    wb = _contract_workbook(config, config.catalogue)
    _finish(wb, config, config.catalogue)
    save_workbook(wb, path)


# --- layout, lists and validations ---------------------------------------


def _contract_workbook(config: CycleConfig, catalogue: ThemeCatalogue) -> Workbook:
    """A workbook with the instruction sheet, the three contract sheets and headers."""
    wb = new_workbook()
    _write_instructions(wb.create_sheet(SHEET_INSTRUCTIONS), config, catalogue)
    write_row(wb.create_sheet(SHEET_REGISTRATIONS), 1, REGISTRATION_COLUMNS)
    write_row(wb.create_sheet(SHEET_SELF_EVALUATION), 1, self_evaluation_columns(catalogue))
    write_row(wb.create_sheet(SHEET_THEMES), 1, THEME_COLUMNS)
    return wb


def _finish(wb: Workbook, config: CycleConfig, catalogue: ThemeCatalogue) -> None:
    """Lists sheet, data validations and table formatting."""
    lists = _write_lists(wb.create_sheet(SHEET_LISTS), config, catalogue)
    _add_validations(wb, catalogue, lists)
    for name in (SHEET_REGISTRATIONS, SHEET_SELF_EVALUATION, SHEET_THEMES):
        format_table(wb[name])
    wb.active = wb.sheetnames.index(SHEET_REGISTRATIONS)


def _write_lists(ws: Worksheet, config: CycleConfig, catalogue: ThemeCatalogue) -> dict[str, str]:
    """Write the long dropdown lists in columns; return header → absolute range."""
    columns = {
        COL_PROVINCE: list(PROVINCES),
        COL_VARIANT: list(config.cycle.execution_variants),
        COL_THEME: list(catalogue.names),
    }
    ranges = {}
    for index, (header, values) in enumerate(columns.items(), start=1):
        write_row(ws, 1, [header], start_column=index)
        for row, value in enumerate(values, start=2):
            set_text(ws.cell(row=row, column=index), value)
        letter = get_column_letter(index)
        ranges[header] = f"{SHEET_LISTS}!${letter}$2:${letter}${len(values) + 1}"
    ws.sheet_state = "hidden"
    return ranges


def _inline_list(values: Sequence[str]) -> str:
    return '"' + ",".join(values) + '"'


def _list_validation(formula: str, title: str) -> DataValidation:
    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.error = "Kies een waarde uit de lijst."
    dv.errorTitle = f"Ongeldige {title.lower()}"
    dv.showErrorMessage = True
    return dv


def _column_range(ws: Worksheet, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            letter = get_column_letter(cell.column)
            return f"{letter}2:{letter}{TEMPLATE_ROWS}"
    raise KeyError(header)  # pragma: no cover - headers are written by this module


def _add_validations(wb: Workbook, catalogue: ThemeCatalogue, lists: dict[str, str]) -> None:
    """Dropdowns for every enumeration and whole-number checks for numbers."""
    ws_reg = wb[SHEET_REGISTRATIONS]
    for header, formula in (
        (COL_KIND, _inline_list([k.value for k in RegistrantKind])),
        (COL_PROVINCE, lists[COL_PROVINCE]),
        (COL_BALANCE, _inline_list([b.value for b in Balance])),
        (COL_SAFETY_NET, _inline_list([s.value for s in SafetyNet])),
        (COL_VARIANT, lists[COL_VARIANT]),
        (COL_HOST, _inline_list([YES, NO])),
    ):
        dv = _list_validation(formula, header)
        dv.add(_column_range(ws_reg, header))
        ws_reg.add_data_validation(dv)
    inhabitants = DataValidation(type="whole", operator="greaterThan", formula1="0")
    inhabitants.error = "Vul een heel getal groter dan 0 in."
    inhabitants.showErrorMessage = True
    inhabitants.add(_column_range(ws_reg, COL_INHABITANTS))
    ws_reg.add_data_validation(inhabitants)
    date = DataValidation(type="date", operator="greaterThan", formula1="36526")
    date.error = "Vul een datum in (dd-mm-jjjj)."
    date.showErrorMessage = True
    date.add(_column_range(ws_reg, COL_DATE))
    ws_reg.add_data_validation(date)

    ws_eval = wb[SHEET_SELF_EVALUATION]
    scores = DataValidation(
        type="whole", operator="between", formula1=str(SCORE_MIN), formula2=str(SCORE_MAX)
    )
    scores.error = "Vul een score van 0 tot en met 4 in."
    scores.errorTitle = "Ongeldige score"
    scores.showErrorMessage = True
    last = get_column_letter(len(self_evaluation_columns(catalogue)))
    scores.add(f"B2:{last}{TEMPLATE_ROWS}")
    ws_eval.add_data_validation(scores)

    ws_themes = wb[SHEET_THEMES]
    for header, formula in (
        (COL_RANK, _inline_list(["1", "2", "3"])),
        (COL_THEME, lists[COL_THEME]),
    ):
        dv = _list_validation(formula, header)
        dv.add(_column_range(ws_themes, header))
        ws_themes.add_data_validation(dv)


def _write_instructions(ws: Worksheet, config: CycleConfig, catalogue: ThemeCatalogue) -> None:
    """The Dutch 'how to fill in' sheet: sheets, scores, themes, deadline."""
    deadline = config.cycle.deadline.strftime("%d-%m-%Y")
    lines: list[list[Any]] = [
        [f"Aanmelden voor het leernetwerk Participatiewet, leercyclus {config.cycle.name}"],
        [],
        [f"Uiterste aanmelddatum: {deadline} (deze dag telt nog mee)."],
        ["Later aangemeld? Dan wordt u alleen geplaatst als er plekken over zijn."],
        [],
        ["Zo vult u dit bestand in"],
        [
            f"1. Blad '{SHEET_REGISTRATIONS}': één rij per gemeente of uitvoeringsorganisatie. "
            "Kies Type, Provincie, Saldo, Vangnet, Uitvoeringsvariant en Host mogelijk uit de "
            "keuzelijst. Inwoners is een heel getal."
        ],
        [
            "   Een uitvoeringsorganisatie noemt in de kolom Gemeenten haar gemeenten, "
            "gescheiden door een puntkomma (;), en vult bij Inwoners het totaal in."
        ],
        [
            "   Eerder deelgenomen: de cycli of jaren waarin u al meedeed, gescheiden door ';'. "
            "Contactpersoon en E-mail ziet alleen de uitvoerder."
        ],
        [
            f"2. Blad '{SHEET_SELF_EVALUATION}': één rij per aanmelder, met per thema een score "
            "van 0 tot en met 4. Subthema's (kolommen 'Hoofdthema: Subthema') mag u ook scoren; "
            "zonder score voor het hoofdthema telt het gemiddelde van de subthema's boven 0."
        ],
        [
            f"3. Blad '{SHEET_THEMES}': de drie belangrijkste leerthema's, elk op een eigen rij "
            "met Rang 1, 2 of 3 (1 = belangrijkste) en uw toelichting."
        ],
        [
            "Een aanmelding zonder zelfevaluatie of leerthema's is onvolledig en kan niet "
            "zomaar worden geselecteerd."
        ],
        [],
        ["Betekenis van de scores"],
        *([score, label] for score, label in SCORE_LABELS.items()),
        [],
        ["Thema's en subthema's"],
    ]
    for theme in catalogue.themes:
        lines.append([theme.name, "; ".join(theme.subthemes)])
    for row, values in enumerate(lines, start=1):
        write_row(ws, row, values)
    for row in (1, 6, 14, 15 + len(SCORE_LABELS) + 1):
        ws.cell(row=row, column=1).font = HEADER_FONT
    ws.column_dimensions["A"].width = 45
    ws.column_dimensions["B"].width = 80
