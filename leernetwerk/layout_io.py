"""Read a layout back from a proposal workbook the executor edited.

The sheets ``Clubs``, ``Ronde 1`` and ``Ronde 2`` of ``proposal.xlsx`` (see
``docs/report.md``) are the editing surface: the executor moves a member by
changing its ``Sessie`` or ``Club`` cell, picks another host with ``Host``,
and changes themes or format. :func:`read_layout` turns those sheets back
into a :class:`~leernetwerk.proposal.Layout` plus every located Dutch problem
in one pass; it never raises on a bad file, so ``leernetwerk check`` can say
exactly which cell to fix. Whether the layout keeps the rules is not decided
here but by :func:`matching.rules.check_layout`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leernetwerk.domain import ThemeCatalogue
from leernetwerk.errors import Problem, Severity, did_you_mean
from leernetwerk.intake import (
    Table,
    is_blank,
    load_tables,
    normalize_header,
    parse_bool,
    shown_value,
)
from leernetwerk.intake_cells import Invalid
from leernetwerk.proposal import Club, Layout, Round, Session, SessionFormat

CLUBS_SHEET = "Clubs"
OVERVIEW_SHEET = "Overzicht"
SELECTION_SHEET = "Selectie"
SELECTION_COLUMNS = ("Naam", "Geselecteerd")
ROUND_SHEET = "Ronde {}"
CLUB_COLUMNS = ("Club", "Deelnemer")
ROUND_COLUMNS = ("Club", "Sessie", "Deelnemer", "Host", "Thema blok 1", "Thema blok 2", "Werkvorm")
"""The columns of the round sheets that are read; the others are for reading only."""
REASON_COLUMN = "Toelichting"
"""Optional: the engine's reason, kept so an unedited workbook reads back losslessly."""


@dataclass(frozen=True)
class HostConflict:
    """A session whose rows do not name exactly one host (``Host = ja``)."""

    round: int
    number: int
    members: tuple[str, ...]
    hosts: tuple[str, ...]
    """The members marked ``ja``: none, or two or more."""


@dataclass
class EditedLayout:
    """Everything read from an edited proposal workbook."""

    layout: Layout
    problems: list[Problem] = field(default_factory=list)
    host_conflicts: tuple[HostConflict, ...] = ()
    session_numbers: dict[tuple[int, frozenset[str]], int] = field(default_factory=dict)
    """(round, member set) → the ``Sessie`` number the user sees, for messages."""
    input_sha256: str | None = None
    """``SHA-256 invoer`` from the ``Overzicht`` sheet, to match workbook and proposal."""
    selection: dict[str, bool] | None = None
    """``Geselecteerd`` per ``Naam`` of the ``Selectie`` sheet; None when the sheet is
    absent (the selection is then read from the ``Clubs`` sheet alone)."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]


class _Sheet:
    """One table with its contract columns located case/whitespace-insensitively."""

    def __init__(
        self,
        table: Table,
        wanted: Iterable[str],
        problems: list[Problem],
        optional: Iterable[str] = (),
    ):
        self.table = table
        self.problems = problems
        present = {normalize_header(h): i for i, h in enumerate(table.headers) if h}
        self.index: dict[str, int] = {}
        for column in optional:
            if normalize_header(column) in present:
                self.index[column] = present[normalize_header(column)]
        for column in wanted:
            found = present.get(normalize_header(column))
            if found is None:
                problems.append(
                    Problem(
                        sheet=table.title,
                        row=table.header_row,
                        column=column,
                        message=f"de kolom '{column}' ontbreekt."
                        + did_you_mean(column, [h for h in table.headers if h]),
                    )
                )
            else:
                self.index[column] = found

    def value(self, values: tuple[Any, ...], column: str) -> Any:
        index = self.index.get(column)
        return values[index] if index is not None and index < len(values) else None

    def problem(
        self, row: int, column: str, value: Any, message: str, *, warning: bool = False
    ) -> None:
        index = self.index.get(column)
        header = self.table.headers[index] if index is not None else column
        self.problems.append(
            Problem(
                severity=Severity.WARNING if warning else Severity.ERROR,
                sheet=self.table.title,
                row=row,
                column=header,
                value=shown_value(value),
                message=message,
            )
        )


def _text(value: Any) -> str:
    """A cell as trimmed text ('' when empty); whole floats lose their '.0'."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _whole_number(value: Any) -> int | None:
    """A whole number ≥ 1 from a cell (``3``, ``3.0``, ``' 3 '``), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif (
        isinstance(value, float)
        and value.is_integer()
        or isinstance(value, str)
        and re.fullmatch(r"\s*\d+\s*", value)
    ):
        number = int(value)
    else:
        return None
    return number if number >= 1 else None


def _find_sheet(tables: list[Table], name: str) -> Table | None:
    key = normalize_header(name)
    return next((t for t in tables if normalize_header(t.title) == key), None)


def _missing_sheet(name: str, tables: list[Table]) -> Problem:
    return Problem(
        sheet=name,
        message=f"het blad '{name}' ontbreekt; verwacht een werkboek van 'leernetwerk run'."
        + did_you_mean(name, [t.title for t in tables]),
    )


def read_clubs(table: Table, problems: list[Problem]) -> tuple[Club, ...]:
    """Clubs from the ``Clubs`` sheet: one row per member, ``Club`` and ``Deelnemer``."""
    sheet = _Sheet(table, CLUB_COLUMNS, problems)
    if len(sheet.index) < len(CLUB_COLUMNS):
        return ()
    members: dict[int, list[str]] = defaultdict(list)
    for row, values in table.rows:
        raw_club, raw_name = sheet.value(values, "Club"), sheet.value(values, "Deelnemer")
        name = _text(raw_name)
        if not name:
            if not is_blank(raw_club):
                sheet.problem(row, "Deelnemer", raw_name, "de naam van de deelnemer ontbreekt.")
            continue
        club = _whole_number(raw_club)
        if club is None:
            sheet.problem(
                row, "Club", raw_club, f"clubnummer van {name} moet een heel getal ≥ 1 zijn."
            )
            continue
        if name in members[club]:
            sheet.problem(
                row, "Deelnemer", raw_name, f"{name} staat twee keer in club {club}.", warning=True
            )
            continue
        members[club].append(name)
    return tuple(Club(id=c, members=tuple(m)) for c, m in sorted(members.items()))


@dataclass
class _Row:
    """One readable row of a round sheet."""

    row: int
    club: int
    name: str
    host: bool
    theme1: str
    theme2: str
    format: SessionFormat | None
    reason: str


def _parse_theme(
    sheet: _Sheet, row: int, column: str, value: Any, catalogue: ThemeCatalogue | None
) -> str | None:
    """A theme name in catalogue spelling, '' for empty, None (with a problem) when unknown."""
    text = _text(value)
    if not text or catalogue is None:
        return text
    theme = catalogue.find(text)
    if theme is None:
        sheet.problem(row, column, value, "onbekend thema." + did_you_mean(text, catalogue.names))
        return None
    return theme.name


def _parse_format(sheet: _Sheet, row: int, value: Any) -> SessionFormat | None:
    """``i``/``ii``/``iii`` or the Dutch label; '' gives None without a problem."""
    text = _text(value).casefold()
    if not text:
        return None
    for fmt in SessionFormat:
        if text in (fmt.value, fmt.label.casefold()):
            return fmt
    sheet.problem(row, "Werkvorm", value, "onbekende werkvorm; kies i, ii of iii.")
    return None


def _read_round_rows(
    table: Table, catalogue: ThemeCatalogue | None, problems: list[Problem]
) -> dict[int, list[_Row]]:
    """Readable rows of one round sheet grouped by ``Sessie`` number (unreadable: a problem)."""
    sheet = _Sheet(table, ROUND_COLUMNS, problems, optional=(REASON_COLUMN,))
    if any(c not in sheet.index for c in ("Club", "Sessie", "Deelnemer", "Host")):
        return {}
    sessions: dict[int, list[_Row]] = defaultdict(list)
    for row, values in table.rows:
        raw = {c: sheet.value(values, c) for c in ROUND_COLUMNS}
        name = _text(raw["Deelnemer"])
        if not name:
            sheet.problem(row, "Deelnemer", raw["Deelnemer"], "de naam van de deelnemer ontbreekt.")
            continue
        number = _whole_number(raw["Sessie"])
        club = _whole_number(raw["Club"])
        ok = True
        if number is None:
            sheet.problem(
                row,
                "Sessie",
                raw["Sessie"],
                f"sessienummer van {name} moet een heel getal ≥ 1 zijn.",
            )
            ok = False
        if club is None:
            sheet.problem(
                row, "Club", raw["Club"], f"clubnummer van {name} moet een heel getal ≥ 1 zijn."
            )
            ok = False
        host = False
        if not is_blank(raw["Host"]):
            try:
                host = parse_bool(raw["Host"])
            except Exception:  # noqa: BLE001 - intake's private _Invalid; any parse failure
                sheet.problem(row, "Host", raw["Host"], "vul 'ja' of 'nee' in.")
                ok = False
        theme1 = _parse_theme(sheet, row, "Thema blok 1", raw["Thema blok 1"], catalogue)
        theme2 = _parse_theme(sheet, row, "Thema blok 2", raw["Thema blok 2"], catalogue)
        fmt = _parse_format(sheet, row, raw["Werkvorm"])
        if not is_blank(raw["Werkvorm"]) and fmt is None:
            ok = False
        if theme1 is None or theme2 is None:
            ok = False
        if ok:
            assert number is not None and club is not None and theme1 is not None
            assert theme2 is not None
            reason = _text(sheet.value(values, REASON_COLUMN))
            sessions[number].append(_Row(row, club, name, host, theme1, theme2, fmt, reason))
    return dict(sessions)


def _shown(value: Any) -> str:
    return value.value if isinstance(value, SessionFormat) else str(value)


def _session_value(
    rows: list[_Row],
    column: str,
    get: Callable[[_Row], Any],
    where: str,
    sheet_title: str,
    problems: list[Problem] | None,
) -> Any:
    """A session-level field from its rows: the value most filled rows carry (ties: topmost).

    The fields are repeated on every row of a session. A member moved in by
    changing its ``Sessie`` cell still carries its old session's themes, so
    the majority (not simply the topmost row) decides, and any disagreement
    is reported as a warning naming the value used and the rows that differ.
    """
    filled = [(r, get(r)) for r in rows if get(r) not in ("", None)]
    if not filled:
        return None
    votes = Counter(value for _, value in filled)
    order = {value: i for i, (_, value) in reversed(list(enumerate(filled)))}
    chosen = min(votes, key=lambda v: (-votes[v], order[v]))
    others = [r for r, value in filled if value != chosen]
    if others and problems is not None:
        problems.append(
            Problem(
                severity=Severity.WARNING,
                sheet=sheet_title,
                row=others[0].row,
                column=column,
                value=_shown(get(others[0])),
                message=f"de rijen van {where} verschillen; '{_shown(chosen)}' "
                f"(de meeste rijen) telt, niet de waarde bij {', '.join(r.name for r in others)}.",
            )
        )
    return chosen


def _build_session(
    round_number: int, number: int, rows: list[_Row], sheet_title: str, problems: list[Problem]
) -> tuple[Session, HostConflict | None]:
    """One session from its rows: members in row order with the host first."""
    where = f"sessie {number}"
    names: list[str] = []
    for r in rows:
        if r.name in names:
            problems.append(
                Problem(
                    severity=Severity.WARNING,
                    sheet=sheet_title,
                    row=r.row,
                    column="Deelnemer",
                    value=r.name,
                    message=f"{r.name} staat twee keer in {where}; één keer geteld.",
                )
            )
        else:
            names.append(r.name)
    hosts = tuple(dict.fromkeys(r.name for r in rows if r.host))
    host = hosts[0] if len(hosts) == 1 else None
    members = tuple([host] + [n for n in names if n != host]) if host else tuple(names)
    club_votes = Counter(r.club for r in rows)
    club = min(club_votes, key=lambda c: (-club_votes[c], c))
    theme1 = _session_value(rows, "Thema blok 1", lambda r: r.theme1, where, sheet_title, problems)
    theme2 = _session_value(rows, "Thema blok 2", lambda r: r.theme2, where, sheet_title, problems)
    fmt = _session_value(rows, "Werkvorm", lambda r: r.format, where, sheet_title, problems)
    if theme1 is None:
        problems.append(
            Problem(
                sheet=sheet_title,
                row=rows[0].row,
                column="Thema blok 1",
                message=f"{where} heeft geen thema voor blok 1.",
            )
        )
    if fmt is None:
        problems.append(
            Problem(
                sheet=sheet_title,
                row=rows[0].row,
                column="Werkvorm",
                message=f"{where} heeft geen werkvorm; kies i, ii of iii.",
            )
        )
    themes = tuple(t for t in (theme1, theme2) if t)
    session = Session(
        club=club,
        members=members,
        host=host,
        themes=themes,
        format=fmt or SessionFormat.PLENARY_THEN_PARALLEL,
        reason=_session_value(rows, "Toelichting", lambda r: r.reason, where, sheet_title, None)
        or "",
    )
    conflict = None if host else HostConflict(round_number, number, members, hosts)
    return session, conflict


def _overview_input_hash(table: Table | None) -> str | None:
    """The ``SHA-256 invoer`` value of the ``Overzicht`` sheet, if present."""
    if table is None:
        return None
    for _row, values in table.rows:
        if len(values) >= 2 and normalize_header(values[0]) == normalize_header("SHA-256 invoer"):
            return _text(values[1]) or None
    return None


def read_edited_workbook(
    path: Path | str, *, catalogue: ThemeCatalogue | None = None, rounds: int = 2
) -> EditedLayout:
    """Read clubs and sessions of an edited proposal workbook, with every problem.

    ``catalogue`` (when given) validates the theme cells; ``rounds`` says
    which sheets ``Ronde 1`` … ``Ronde n`` must be present. Never raises on
    a bad file: an unreadable file is one located problem and an empty layout.
    """
    path = Path(path)
    tables, unreadable = load_tables(path)
    if unreadable is not None:
        return EditedLayout(layout=Layout(), problems=[unreadable])
    problems: list[Problem] = []
    clubs_table = _find_sheet(tables, CLUBS_SHEET)
    if clubs_table is None:
        problems.append(_missing_sheet(CLUBS_SHEET, tables))
        clubs: tuple[Club, ...] = ()
    else:
        clubs = read_clubs(clubs_table, problems)

    result_rounds = []
    conflicts: list[HostConflict] = []
    numbers: dict[tuple[int, frozenset[str]], int] = {}
    for round_number in range(1, rounds + 1):
        title = ROUND_SHEET.format(round_number)
        table = _find_sheet(tables, title)
        if table is None:
            problems.append(_missing_sheet(title, tables))
            continue
        grouped = _read_round_rows(table, catalogue, problems)
        sessions = []
        for number in sorted(grouped):
            session, conflict = _build_session(
                round_number, number, grouped[number], table.title, problems
            )
            sessions.append(session)
            numbers[(round_number, frozenset(session.members))] = number
            if conflict is not None:
                conflicts.append(conflict)
        result_rounds.append(Round(round=round_number, sessions=tuple(sessions)))

    club_problems = _round_clubs_disagree(clubs, result_rounds)
    selection_table = _find_sheet(tables, SELECTION_SHEET)
    return EditedLayout(
        layout=Layout(clubs=clubs, rounds=tuple(result_rounds)),
        problems=problems + club_problems,
        host_conflicts=tuple(conflicts),
        session_numbers=numbers,
        input_sha256=_overview_input_hash(_find_sheet(tables, OVERVIEW_SHEET)),
        selection=None if selection_table is None else read_selection(selection_table, problems),
    )


def read_selection(table: Table, problems: list[Problem]) -> dict[str, bool]:
    """``Geselecteerd`` (ja/nee) per ``Naam`` of the ``Selectie`` sheet.

    Only for repairing edits (``run --keep EDITED.xlsx``): the stuurgroep may add
    or remove a registrant there. An unreadable cell is a located problem.
    """
    sheet = _Sheet(table, SELECTION_COLUMNS, problems)
    if len(sheet.index) < len(SELECTION_COLUMNS):
        return {}
    chosen: dict[str, bool] = {}
    for row, values in table.rows:
        name = _text(sheet.value(values, "Naam"))
        raw = sheet.value(values, "Geselecteerd")
        if not name:
            continue
        try:
            chosen[name] = parse_bool(raw)
        except Invalid:
            sheet.problem(row, "Geselecteerd", raw, f"vul bij {name} 'ja' of 'nee' in.")
    return chosen


def _round_clubs_disagree(clubs: tuple[Club, ...], rounds: list[Round]) -> list[Problem]:
    """Warn when a round sheet places a session in another club than ``Clubs`` does.

    Not an error: the ``Clubs`` sheet decides a member's club, and the check
    reports the session that mixes clubs with the names involved.
    """
    club_of = {name: club.id for club in clubs for name in club.members}
    problems = []
    for rnd in rounds:
        for session in rnd.sessions:
            for name in session.members:
                if name in club_of and club_of[name] != session.club:
                    problems.append(
                        Problem(
                            severity=Severity.WARNING,
                            sheet=ROUND_SHEET.format(rnd.round),
                            column="Club",
                            value=name,
                            message=f"{name} staat in blad 'Clubs' bij club {club_of[name]}, "
                            f"maar deze sessie hoort bij club {session.club}.",
                        )
                    )
    return problems


def read_layout(
    path: Path | str, *, catalogue: ThemeCatalogue | None = None, rounds: int = 2
) -> tuple[Layout, list[Problem]]:
    """The layout in an edited proposal workbook and every located problem (see above)."""
    edited = read_edited_workbook(path, catalogue=catalogue, rounds=rounds)
    return edited.layout, edited.problems
