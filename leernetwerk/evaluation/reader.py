"""Reading a filled evaluation workbook back, every problem located, all in one pass.

The same machinery as the registrations intake: the bounded, guarded sheet
reader (:mod:`leernetwerk.workbook_reader`), tolerant sheet and column names
(:mod:`leernetwerk.intake_sheets`) and the cell parsers of
:mod:`leernetwerk.intake_cells`. Each problem names sheet, row, column and
value and, where one helps, a suggestion. Nothing here raises on bad input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leernetwerk.documents.cycle_data import CycleData
from leernetwerk.errors import Problem, Severity, did_you_mean
from leernetwerk.evaluation import model as m
from leernetwerk.evaluation.workbook import session_rows
from leernetwerk.intake_cells import (
    Invalid,
    RowReader,
    choice_parser,
    parse_bool,
    parse_date,
    parse_list,
    parse_name,
    parse_score,
    parse_whole,
)
from leernetwerk.intake_sheets import map_columns, pick_sheet
from leernetwerk.names import name_key
from leernetwerk.timeline import Phase, format_date, phase_windows, round_window
from leernetwerk.workbook_reader import Table, Unreadable, open_workbook, parse_text

NO_NAMES: tuple[str, ...] = ()


@dataclass
class SessionReport:
    """What ``Bijeenkomsten`` says about one planned session."""

    planned: m.PlannedSession
    row: int
    held: str | None = None
    date: dt.date | None = None
    present: dict[str, int] = field(default_factory=dict)
    """Member → number of people present (only where filled in)."""
    functions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    note: str = ""

    @property
    def took_place(self) -> bool:
        return self.held in m.TOOK_PLACE


@dataclass(frozen=True)
class Rating:
    planned: m.PlannedSession
    participant: str
    row: int
    useful: int | None
    block_1: int | None
    block_2: int | None
    note: str = ""


@dataclass(frozen=True)
class Reflection:
    participant: str
    row: int
    report: dt.date | None
    cards: bool | None
    lessons: str


@dataclass
class EvaluationInput:
    """The evaluation workbook as read: every part keyed as the figures need it."""

    sessions: dict[tuple[int, int, int], SessionReport] = field(default_factory=dict)
    ratings: list[Rating] = field(default_factory=list)
    reflections: dict[str, Reflection] = field(default_factory=dict)
    end_scores: dict[str, dict[str, int]] = field(default_factory=dict)
    illustrative: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def evaluation_window(data: CycleData) -> tuple[dt.date, dt.date]:
    """From the start of the execution phase to the end of the closing phase."""
    windows = {w.phase: w for w in phase_windows(data.config.cycle.budget_year)}
    return windows[Phase.EXECUTION].start, windows[Phase.CLOSING].end


parse_held = choice_parser(
    {w: w for w in m.HELD_WORDS} | {"j": m.HELD_YES, "n": m.HELD_NO},
    m.HELD_WORDS,
    "kies 'ja', 'nee' of 'verplaatst'",
)


def parse_rating(value: Any) -> int:
    try:
        score = parse_whole(value)
    except Invalid:
        score = -1
    if not m.RATING_MIN <= score <= m.RATING_MAX:
        raise Invalid(
            f"een cijfer moet een heel getal van {m.RATING_MIN} tot en met {m.RATING_MAX} zijn "
            "(1 = helemaal niet, 5 = zeer)."
        )
    return score


def parse_present(value: Any) -> int:
    try:
        number = parse_whole(value)
    except Invalid:
        number = -1
    if not 0 <= number <= m.MAX_PRESENT:
        raise Invalid(f"het aantal aanwezigen moet een heel getal van 0 tot {m.MAX_PRESENT} zijn.")
    return number


class _Context:
    """The decided matching as the reader needs it: sessions and participants by key."""

    def __init__(self, data: CycleData, result: EvaluationInput):
        self.data = data
        self.result = result
        self.planned = {p.key: p for p in session_rows(data)}
        self.club_of = data.proposal.layout.club_of()
        self.names = {name_key(n): n for n in self.club_of}
        self.window = evaluation_window(data)

    def participant(self, reader: RowReader, column: str) -> str | None:
        """The participant named in ``column`` (required), or None with a problem."""
        name = reader.read(column, parse_name, "", required=True)
        if not name:
            return None
        found = self.names.get(name_key(name))
        if found is None:
            reader.problem(
                reader.table.header(column),
                reader.raw(column),
                "onbekende deelnemer: deze naam staat niet in het matchingbesluit "
                f"'{self.data.decision.id}'." + did_you_mean(name, list(self.club_of)),
            )
        return found

    def session(self, reader: RowReader) -> m.PlannedSession | None:
        """The planned session of the row's Club, Ronde and Sessie, or None with a problem."""
        club = reader.read(m.COL_CLUB, parse_whole, 0, required=True)
        round_ = reader.read(m.COL_ROUND, parse_whole, 0, required=True)
        number = reader.read(m.COL_SESSION, parse_whole, 0, required=True)
        if not (club and round_ and number):
            return None
        planned = self.planned.get((club, round_, number))
        if planned is None:
            options = sorted(k[2] for k in self.planned if k[:2] == (club, round_))
            hint = (
                f" Sessies van club {club} in ronde {round_}: "
                + ", ".join(str(o) for o in options)
                + "."
                if options
                else f" Club {club} heeft geen leerbijeenkomsten in ronde {round_}."
            )
            reader.problem(
                reader.table.header(m.COL_SESSION),
                reader.raw(m.COL_SESSION),
                f"club {club} ronde {round_} sessie {number} staat niet in de planning van het "
                f"matchingbesluit '{self.data.decision.id}'." + hint,
            )
        return planned

    def date(self, reader: RowReader, column: str, what: str) -> dt.date | None:
        date = reader.read(column, parse_date, None)
        start, end = self.window
        if date is not None and not start <= date <= end:
            reader.problem(
                reader.table.header(column),
                reader.raw(column),
                f"deze datum valt buiten de cyclus: {what} liggen tussen {format_date(start)} "
                f"en {format_date(end)}. Controleer het jaar.",
            )
            return None
        return date


def _rows(table: Table, problems: list[Problem]) -> list[RowReader]:
    return [RowReader(table, number, values, problems) for number, values in table.rows]


def _duplicate(reader: RowReader, column: str, seen: dict[Any, int], key: Any, what: str) -> bool:
    if key in seen:
        reader.problem(
            reader.table.header(column),
            reader.raw(column),
            f"deze {what} staat al in rij {seen[key]}; elke {what} hoort één keer in dit blad. "
            "Verwijder een van de twee rijen.",
        )
        return True
    seen[key] = reader.number
    return False


def _read_sessions(table: Table, ctx: _Context) -> None:
    result = ctx.result
    slots = [m.slot_columns(s) for s in range(1, 10)]
    known = [
        m.COL_CLUB,
        m.COL_ROUND,
        m.COL_SESSION,
        *m.SESSION_INFO_COLUMNS,
        m.COL_HELD,
        m.COL_DATE,
    ]
    known += [c for slot in slots for c in slot] + [m.COL_NOTE]
    required = [m.COL_CLUB, m.COL_ROUND, m.COL_SESSION, m.COL_HELD, m.COL_DATE]
    map_columns(table, known, required, result.problems)
    seen: dict[Any, int] = {}
    for reader in _rows(table, result.problems):
        planned = ctx.session(reader)
        if planned is None or _duplicate(reader, m.COL_SESSION, seen, planned.key, "sessie"):
            continue
        report = SessionReport(planned, reader.number)
        listed = reader.read(m.COL_MEMBERS, parse_list, NO_NAMES)
        if listed and {name_key(n) for n in listed} != {name_key(n) for n in planned.members}:
            reader.problem(
                reader.table.header(m.COL_MEMBERS),
                reader.raw(m.COL_MEMBERS),
                "de deelnemers wijken af van het matchingbesluit; volgens de planning zijn het "
                f"{'; '.join(planned.members)}. Zet de oorspronkelijke namen terug.",
            )
        report.held = reader.read(m.COL_HELD, parse_held, None)
        report.date = ctx.date(reader, m.COL_DATE, "de leerbijeenkomsten")
        report.note = reader.read(m.COL_NOTE, parse_text, "")
        _read_attendance(reader, slots, planned, report)
        _check_session(reader, report, ctx.data.config.cycle.budget_year)
        result.sessions[planned.key] = report


def _read_attendance(
    reader: RowReader,
    slots: list[tuple[str, str, str]],
    planned: m.PlannedSession,
    report: SessionReport,
) -> None:
    members = {name_key(n): n for n in planned.members}
    for who, count, functions in slots:
        name = reader.read(who, parse_name, "")
        present = reader.read(count, parse_present, None)
        roles = reader.read(functions, parse_list, NO_NAMES)
        if not name:
            if present is not None or roles:
                reader.problem(
                    reader.table.header(who),
                    None,
                    f"er staan aanwezigen bij maar geen gemeente; vul in wie in '{who}'.",
                )
            continue
        member = members.get(name_key(name))
        if member is None:
            reader.problem(
                reader.table.header(who),
                reader.raw(who),
                "deze gemeente of organisatie zit niet in deze leerbijeenkomst."
                + did_you_mean(name, planned.members),
            )
            continue
        if present is not None:
            report.present[member] = present
        if roles:
            report.functions[member] = roles


def _check_session(reader: RowReader, report: SessionReport, budget_year: int) -> None:
    header = reader.table.header
    if report.took_place and report.date is None and reader.ok:
        reader.problem(
            header(m.COL_DATE),
            None,
            f"de bijeenkomst is '{report.held}' maar de datum ontbreekt.",
            Severity.WARNING,
        )
    planned = report.planned.planned_date
    if report.held == m.HELD_MOVED and report.date is not None and report.date == planned:
        reader.problem(
            header(m.COL_DATE),
            reader.raw(m.COL_DATE),
            "'verplaatst' maar de datum is de geplande datum; vul de nieuwe datum in, of "
            "kies 'ja'.",
            Severity.WARNING,
        )
    if report.held == m.HELD_NO and any(report.present.values()):
        reader.problem(
            header(m.COL_HELD),
            reader.raw(m.COL_HELD),
            "de bijeenkomst is niet gehouden, maar er staan aanwezigen bij.",
            Severity.WARNING,
        )
    if report.date is not None:
        start, end = round_window(budget_year, report.planned.round)
        if not start <= report.date <= end:
            reader.problem(
                header(m.COL_DATE),
                reader.raw(m.COL_DATE),
                f"ronde {report.planned.round} loopt van {format_date(start)} tot en met "
                f"{format_date(end)}; deze datum valt daarbuiten.",
                Severity.WARNING,
            )


def _read_ratings(table: Table, ctx: _Context) -> None:
    result = ctx.result
    known = [m.COL_CLUB, m.COL_ROUND, m.COL_SESSION, m.COL_PARTICIPANT, *m.RATING_INFO_COLUMNS]
    known += [m.COL_USEFUL, m.COL_BLOCK_1, m.COL_BLOCK_2, m.COL_NOTE]
    required = [m.COL_CLUB, m.COL_ROUND, m.COL_SESSION, m.COL_PARTICIPANT, m.COL_USEFUL]
    map_columns(table, known, required, result.problems)
    seen: dict[Any, int] = {}
    for reader in _rows(table, result.problems):
        planned = ctx.session(reader)
        participant = ctx.participant(reader, m.COL_PARTICIPANT)
        useful = reader.read(m.COL_USEFUL, parse_rating, None)
        block_1 = reader.read(m.COL_BLOCK_1, parse_rating, None)
        block_2 = reader.read(m.COL_BLOCK_2, parse_rating, None)
        note = reader.read(m.COL_NOTE, parse_text, "")
        if planned is None or participant is None:
            continue
        if participant not in planned.members:
            reader.problem(
                table.header(m.COL_PARTICIPANT),
                reader.raw(m.COL_PARTICIPANT),
                f"deze deelnemer zit niet in {planned.label()} ({'; '.join(planned.members)}).",
            )
            continue
        if _duplicate(reader, m.COL_PARTICIPANT, seen, (planned.key, participant), "beoordeling"):
            continue
        if block_2 is not None and len(planned.session.themes) < 2:
            reader.problem(
                table.header(m.COL_BLOCK_2),
                reader.raw(m.COL_BLOCK_2),
                f"{planned.label()} heeft maar één themablok; laat deze cel leeg.",
            )
        report = result.sessions.get(planned.key)
        scored = any(v is not None for v in (useful, block_1, block_2))
        if scored and report is not None and report.held == m.HELD_NO:
            reader.problem(
                table.header(m.COL_USEFUL),
                reader.raw(m.COL_USEFUL),
                f"volgens blad {m.SHEET_SESSIONS} (rij {report.row}) is {planned.label()} niet "
                "gehouden; een beoordeling kan dan niet. Verbeter 'Gehouden' of wis de cijfers.",
            )
            continue
        if reader.ok:
            result.ratings.append(
                Rating(planned, participant, reader.number, useful, block_1, block_2, note)
            )


def _read_reflection(table: Table, ctx: _Context) -> None:
    result = ctx.result
    known = [m.COL_CLUB, m.COL_PARTICIPANT, m.COL_REPORT, m.COL_CARDS, m.COL_LESSONS]
    map_columns(table, known, [m.COL_PARTICIPANT, m.COL_REPORT], result.problems)
    seen: dict[Any, int] = {}
    for reader in _rows(table, result.problems):
        participant = ctx.participant(reader, m.COL_PARTICIPANT)
        club = reader.read(m.COL_CLUB, parse_whole, None)
        report = ctx.date(reader, m.COL_REPORT, "de reflectieverslagen van deze cyclus")
        cards = reader.read(m.COL_CARDS, parse_bool, None)
        lessons = reader.read(m.COL_LESSONS, parse_text, "")
        if participant is None:
            continue
        if club is not None and club != ctx.club_of[participant]:
            reader.problem(
                table.header(m.COL_CLUB),
                reader.raw(m.COL_CLUB),
                f"{participant} zit in club {ctx.club_of[participant]}, niet in club {club}.",
            )
        if _duplicate(reader, m.COL_PARTICIPANT, seen, participant, "deelnemer"):
            continue
        if reader.ok:
            result.reflections[participant] = Reflection(
                participant, reader.number, report, cards, lessons
            )


def _read_end_scores(table: Table, ctx: _Context) -> None:
    result = ctx.result
    themes = list(ctx.data.config.catalogue.names)
    unknown = map_columns(
        table,
        [m.COL_CLUB, m.COL_PARTICIPANT, *themes],
        [m.COL_PARTICIPANT],
        result.problems,
        warn_unknown=False,
    )
    for index in unknown:
        header = table.headers[index]
        result.problems.append(
            Problem(
                severity=Severity.WARNING,
                sheet=table.title,
                row=table.header_row,
                column=header,
                message="geen hoofdthema van deze cyclus; deze kolom wordt niet gelezen."
                + did_you_mean(header, themes),
            )
        )
    for theme in themes:
        if theme not in table.columns:
            result.problems.append(
                Problem(
                    sheet=table.title,
                    row=table.header_row,
                    column=theme,
                    message=f"de kolom voor hoofdthema '{theme}' ontbreekt.",
                )
            )
    seen: dict[Any, int] = {}
    for reader in _rows(table, result.problems):
        participant = ctx.participant(reader, m.COL_PARTICIPANT)
        scores = {t: reader.read(t, parse_score, -1) for t in themes}
        if participant is None or _duplicate(
            reader, m.COL_PARTICIPANT, seen, participant, "deelnemer"
        ):
            continue
        filled = {t: s for t, s in scores.items() if s >= 0}
        if reader.ok and filled:
            result.end_scores[participant] = filled


SHEETS = (
    (m.SHEET_SESSIONS, _read_sessions),
    (m.SHEET_RATINGS, _read_ratings),
    (m.SHEET_REFLECTION, _read_reflection),
    (m.SHEET_END_SCORES, _read_end_scores),
)


def read_evaluation(path: Path, data: CycleData) -> EvaluationInput:
    """Read ``path`` against the decided matching of ``data``; problems, never exceptions."""
    result = EvaluationInput()
    ctx = _Context(data, result)
    try:
        with open_workbook(Path(path)) as workbook:
            tables = {}
            for name, _ in SHEETS:
                sheet = pick_sheet(workbook.sheets, name, result.problems)
                if sheet is not None:
                    tables[name] = workbook.read(sheet.title, mark_uncached=True)
            info = pick_sheet(workbook.sheets, m.SHEET_INSTRUCTIONS, [])
            if info is not None:
                text = workbook.read(info.title)
                cells = [str(v) for _, row in text.rows for v in row if v is not None]
                cells += text.headers
                result.illustrative = any(c.startswith(m.ILLUSTRATIVE_MARK) for c in cells)
    except Unreadable as unreadable:
        result.problems.append(unreadable.problem)
        return result
    for name, read in SHEETS:
        table = tables.get(name)
        if table is None:
            continue
        result.problems += table.problems
        read(table, ctx)
    return result
