"""``leernetwerk evaluatie CYCLE --template``: the evaluation workbook ``evaluatie.xlsx``.

Pre-filled for the decided matching: a row per learning session
(``Bijeenkomsten``), per member per session (``Beoordelingen``), per
participant (``Reflectie``, ``Zelfevaluatie eind``), with dropdowns for the
words and scores and an ``Instructies`` sheet. Names are written as safe text
(:func:`leernetwerk.excel.set_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from leernetwerk.documents.cycle_data import CycleData
from leernetwerk.evaluation import model as m
from leernetwerk.excel import format_table, new_workbook, save_workbook, write_row
from leernetwerk.timeline import format_date

MAX_ROWS = 2000
"""How far down the dropdowns reach."""


def slots_of(data: CycleData) -> int:
    """Attendance slots per session row: the largest session (at least 3)."""
    sizes = [s.size for s in m.planned_sessions(data.proposal)]
    return max([3, *sizes])


def session_rows(data: CycleData) -> list[m.PlannedSession]:
    """The planned sessions with the date of the session plan, when known."""
    rows = []
    for planned in m.planned_sessions(data.proposal):
        meeting = data.session_meeting(planned.club, planned.round, planned.members)
        date = meeting.date if meeting else None
        rows.append(
            m.PlannedSession(planned.club, planned.round, planned.number, planned.session, date)
        )
    return rows


def participants(data: CycleData) -> list[tuple[int, str]]:
    """(club, name) of every participant of the decided matching, by club."""
    return [(club.id, name) for club in data.proposal.clubs for name in club.members]


def session_headers(slots: int) -> list[str]:
    headers = [
        m.COL_CLUB,
        m.COL_ROUND,
        m.COL_SESSION,
        *m.SESSION_INFO_COLUMNS,
        m.COL_HELD,
        m.COL_DATE,
    ]
    for slot in range(1, slots + 1):
        headers += list(m.slot_columns(slot))
    return [*headers, m.COL_NOTE]


RATING_HEADERS = [
    m.COL_CLUB,
    m.COL_ROUND,
    m.COL_SESSION,
    m.COL_PARTICIPANT,
    m.COL_THEME_1,
    m.COL_THEME_2,
    m.COL_USEFUL,
    m.COL_BLOCK_1,
    m.COL_BLOCK_2,
    m.COL_NOTE,
]
REFLECTION_HEADERS = [m.COL_CLUB, m.COL_PARTICIPANT, m.COL_REPORT, m.COL_CARDS, m.COL_LESSONS]


def instructions(data: CycleData, illustrative: bool = False) -> list[str]:
    themes = data.config.catalogue.names
    lines = [
        f"Evaluatie van de cyclus {data.config.cycle.name}",
        "",
    ]
    if illustrative:
        lines += [m.ILLUSTRATIVE_TEXT, ""]
    lines += [
        "Dit werkboek hoort bij het matchingbesluit "
        f"'{data.decision.id}'. Vul het in tijdens en na de uitvoering en lees het in met: "
        "leernetwerk evaluatie CYCLUS. Rijen, clubs, rondes, sessies en namen zijn al "
        "ingevuld; verander die niet.",
        "",
        f"Blad {m.SHEET_SESSIONS}: per leerbijeenkomst of ze is gehouden: "
        f"'{m.HELD_YES}' (op de geplande datum), '{m.HELD_MOVED}' (gehouden op een andere "
        f"datum: vul die datum in) of '{m.HELD_NO}' (niet doorgegaan). Datum: de dag van "
        "de bijeenkomst. Per deelnemende gemeente of organisatie: het aantal aanwezigen "
        f"(0 tot {m.MAX_PRESENT}) en hun functies (gescheiden door ';').",
        f"Blad {m.SHEET_RATINGS}: per deelnemer per bijeenkomst een cijfer van "
        f"{m.RATING_MIN} tot en met {m.RATING_MAX} (1 = helemaal niet, 5 = zeer): hoe nuttig de "
        "bijeenkomst was en of elk themablok naar wens is behandeld. Leeg = niet "
        "beoordeeld.",
        f"Blad {m.SHEET_REFLECTION}: per deelnemer de datum waarop het reflectieverslag "
        "binnenkwam (leeg = nog niet), of de leerkaarten binnen zijn (ja/nee) en de "
        "belangrijkste lessen in eigen woorden.",
        f"Blad {m.SHEET_END_SCORES}: dezelfde zelfevaluatie als bij de aanmelding, nu aan het "
        "eind van de cyclus: per hoofdthema 0 (niet relevant), 1 (oriënterend), 2 (in "
        "ontwikkeling), 3 (ervaren) of 4 (expert).",
        "",
        "Hoofdthema's: " + "; ".join(themes) + ".",
        "Een fout meldt leernetwerk met blad, rij, kolom en waarde; alle fouten in één keer.",
    ]
    return lines


def _dropdown(
    ws: Worksheet, formula: str, column: int, prompt: str, error: str, strict: bool = True
) -> None:
    """A dropdown on ``column``; ``strict`` refuses other values in Excel."""
    validation = DataValidation(type="list", formula1=formula, allow_blank=True)
    validation.promptTitle = "Invullen"
    validation.prompt = prompt
    validation.errorTitle = "Ongeldige waarde"
    validation.error = error
    validation.showErrorMessage = strict
    validation.showInputMessage = True
    letter = get_column_letter(column)
    validation.add(f"{letter}2:{letter}{MAX_ROWS}")
    ws.add_data_validation(validation)


def _choices(words: Sequence[str]) -> str:
    return '"' + ",".join(words) + '"'


def _scores(low: int, high: int) -> str:
    return _choices([str(v) for v in range(low, high + 1)])


def _write_sessions(data: CycleData, ws: Worksheet) -> None:
    slots = slots_of(data)
    headers = session_headers(slots)
    write_row(ws, 1, headers)
    for row, planned in enumerate(session_rows(data), start=2):
        session = planned.session
        themes = [*session.themes, "", ""][:2]
        values: list[object] = [
            planned.club,
            planned.round,
            planned.number,
            "; ".join(session.members),
            session.host or "",
            *themes,
            session.format.label,
            None,
            planned.planned_date,
        ]
        for slot in range(slots):
            name = session.members[slot] if slot < len(session.members) else ""
            values += [name, None, None]
        write_row(ws, row, values)
    format_table(ws)
    _dropdown(
        ws,
        _choices(m.HELD_WORDS),
        headers.index(m.COL_HELD) + 1,
        "ja, nee of verplaatst (gehouden op een andere datum)",
        "Kies ja, nee of verplaatst.",
    )
    for slot in range(1, slots + 1):
        _dropdown(
            ws,
            _scores(0, 10),
            headers.index(m.slot_columns(slot)[1]) + 1,
            f"aantal aanwezigen van deze gemeente (0 tot {m.MAX_PRESENT})",
            f"Een heel getal van 0 tot {m.MAX_PRESENT}.",
            strict=False,  # 0–10 in the list; larger numbers are allowed
        )


def _write_ratings(data: CycleData, ws: Worksheet) -> None:
    write_row(ws, 1, RATING_HEADERS)
    row = 2
    for planned in m.planned_sessions(data.proposal):
        themes = [*planned.session.themes, "", ""][:2]
        for name in planned.members:
            write_row(ws, row, [planned.club, planned.round, planned.number, name, *themes])
            row += 1
    format_table(ws)
    for column in (m.COL_USEFUL, m.COL_BLOCK_1, m.COL_BLOCK_2):
        _dropdown(
            ws,
            _scores(m.RATING_MIN, m.RATING_MAX),
            RATING_HEADERS.index(column) + 1,
            "1 (helemaal niet) tot en met 5 (zeer)",
            "Kies een cijfer van 1 tot en met 5.",
        )


def _write_reflection(data: CycleData, ws: Worksheet) -> None:
    write_row(ws, 1, REFLECTION_HEADERS)
    for row, (club, name) in enumerate(participants(data), start=2):
        write_row(ws, row, [club, name])
    format_table(ws)
    _dropdown(
        ws,
        _choices(("ja", "nee")),
        REFLECTION_HEADERS.index(m.COL_CARDS) + 1,
        "ja of nee",
        "Kies ja of nee.",
    )
    ws.column_dimensions[get_column_letter(REFLECTION_HEADERS.index(m.COL_LESSONS) + 1)].width = 80


def _write_end_scores(data: CycleData, ws: Worksheet) -> None:
    themes = data.config.catalogue.names
    headers = [m.COL_CLUB, m.COL_PARTICIPANT, *themes]
    write_row(ws, 1, headers)
    for row, (club, name) in enumerate(participants(data), start=2):
        write_row(ws, row, [club, name])
    format_table(ws)
    for index in range(len(themes)):
        _dropdown(
            ws, _scores(0, 4), index + 3, "0 tot en met 4", "Kies een score van 0 tot en met 4."
        )


def write_template(data: CycleData, path: Path, illustrative: bool = False) -> None:
    """Write the pre-filled evaluation workbook to ``path`` (callers make it atomic)."""
    wb = new_workbook()
    info = wb.create_sheet(m.SHEET_INSTRUCTIONS)
    for row, line in enumerate(instructions(data, illustrative), start=1):
        write_row(info, row, [line])
        info.cell(row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    info.cell(1, 1).font = Font(bold=True, size=14)
    info.column_dimensions["A"].width = 120
    _write_sessions(data, wb.create_sheet(m.SHEET_SESSIONS))
    _write_ratings(data, wb.create_sheet(m.SHEET_RATINGS))
    _write_reflection(data, wb.create_sheet(m.SHEET_REFLECTION))
    _write_end_scores(data, wb.create_sheet(m.SHEET_END_SCORES))
    save_workbook(wb, path)


def planned_note(data: CycleData) -> str | None:
    """A Dutch note when the session plan has no dates yet."""
    rows = session_rows(data)
    undated = [r for r in rows if r.planned_date is None]
    if not undated:
        return None
    first = min((r.planned_date for r in rows if r.planned_date), default=None)
    when = f" (eerste datum: {format_date(first)})" if first else ""
    return (
        f"{len(undated)} van de {len(rows)} leerbijeenkomsten hebben nog geen datum in de "
        f"sessieplanning{when}; vul de datum in het werkboek in als ze gehouden zijn."
    )
