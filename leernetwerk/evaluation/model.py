"""The evaluation workbook's contract (sheets, columns, words) and the planned sessions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leernetwerk.proposal import Proposal, Session

SHEET_INSTRUCTIONS = "Instructies"
SHEET_SESSIONS = "Bijeenkomsten"
SHEET_RATINGS = "Beoordelingen"
SHEET_REFLECTION = "Reflectie"
SHEET_END_SCORES = "Zelfevaluatie eind"

COL_CLUB = "Club"
COL_ROUND = "Ronde"
COL_SESSION = "Sessie"
COL_MEMBERS = "Deelnemers"
COL_HOST = "Host"
COL_THEME_1 = "Thema blok 1"
COL_THEME_2 = "Thema blok 2"
COL_FORMAT = "Werkvorm"
COL_HELD = "Gehouden"
COL_DATE = "Datum"
COL_NOTE = "Opmerking"
COL_PARTICIPANT = "Deelnemer"
COL_USEFUL = "Nuttig"
COL_BLOCK_1 = "Blok 1 naar wens"
COL_BLOCK_2 = "Blok 2 naar wens"
COL_REPORT = "Reflectieverslag ontvangen"
COL_CARDS = "Leerkaarten ontvangen"
COL_LESSONS = "Belangrijkste lessen"


def slot_columns(slot: int) -> tuple[str, str, str]:
    """The attendance columns of the ``slot``-th member (1-based) of a session."""
    return f"Gemeente {slot}", f"Aanwezigen {slot}", f"Functies {slot}"


SESSION_INFO_COLUMNS = (COL_MEMBERS, COL_HOST, COL_THEME_1, COL_THEME_2, COL_FORMAT)
"""Pre-filled for reference; read back only to check the participants."""
RATING_INFO_COLUMNS = (COL_THEME_1, COL_THEME_2)

HELD_YES = "ja"
HELD_NO = "nee"
HELD_MOVED = "verplaatst"
HELD_WORDS = (HELD_YES, HELD_NO, HELD_MOVED)
TOOK_PLACE = frozenset({HELD_YES, HELD_MOVED})
"""'verplaatst' means held on another date than planned: it took place."""

RATING_MIN, RATING_MAX = 1, 5
MAX_PRESENT = 20
"""The most people one municipality can send to a session (a sanity bound)."""

ILLUSTRATIVE_MARK = "ILLUSTRATIEF"
ILLUSTRATIVE_TEXT = (
    f"{ILLUSTRATIVE_MARK}: dit werkboek is gevuld met verzonnen gegevens (een voorbeeld, "
    "gemaakt door examples/evaluatie.py); de cijfers zeggen niets over een echte cyclus."
)
"""Written into the Instructies sheet of a workbook filled with made-up data."""


@dataclass(frozen=True)
class PlannedSession:
    """A learning session of the decided matching, numbered as in the draaiboeken."""

    club: int
    round: int
    number: int
    """Position within its round (1-based), as in ``club-1-ronde-1-sessie-3-…docx``."""
    session: Session
    planned_date: dt.date | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        return self.club, self.round, self.number

    @property
    def members(self) -> tuple[str, ...]:
        return self.session.members

    @property
    def size(self) -> int:
        return len(self.session.members)

    def label(self) -> str:
        return f"club {self.club} ronde {self.round} sessie {self.number}"


def planned_sessions(proposal: Proposal) -> list[PlannedSession]:
    """Every learning session of the decided matching, in round order."""
    return [
        PlannedSession(session.club, round_.round, number, session)
        for round_ in proposal.rounds
        for number, session in enumerate(round_.sessions, start=1)
    ]
