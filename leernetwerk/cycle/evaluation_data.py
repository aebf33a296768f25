"""The figures of a cycle's evaluation, as ``leernetwerk evaluatie`` writes them.

``leernetwerk evaluatie CYCLE`` writes ``CYCLE/evaluatie/<YYYY-MM-DD>/evaluatie.json``
(a second run that day ``<YYYY-MM-DD>-2``, …). This module is the reading side:
a pydantic model of that file (tolerant of extra keys, so the writer may add
figures without breaking the readers) and :func:`latest_evaluation`. The readers
are the documents of the closing phase (:mod:`leernetwerk.documents.evaluation`),
``leernetwerk status`` of the next cycle (its open items) and the history
(usefulness of the sessions in which a pair met).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from leernetwerk.errors import UserError

EVALUATION_FILE = "evaluatie.xlsx"
"""The evaluation workbook in the cycle folder (``leernetwerk evaluatie --template``)."""
EVALUATION_DIR = "evaluatie"
"""Holds one dated folder per ``leernetwerk evaluatie`` run."""
FIGURES_FILE = "evaluatie.json"
NOT_EVALUATED = "evaluatie nog niet uitgevoerd"
"""What ``status`` of the next cycle says when the previous one has no evaluatie.json."""

_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:-(\d+))?$")


class _Tolerant(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class Attendance(_Tolerant):
    """One planned session and what happened to it."""

    club: int
    round: int
    session: int
    members: tuple[str, ...] = ()
    held: str | None = None
    """``ja``, ``nee``, ``verplaatst`` or None (not reported)."""
    date: str | None = None
    present: int = 0
    functions: tuple[str, ...] = ()
    usefulness: float | None = None
    """Mean usefulness (1–5) of the session's ratings, when the writer gives it."""


class Sessions(_Tolerant):
    planned: int = 0
    held: int = 0
    moved: int = 0
    cancelled: int = 0
    not_reported: int = 0
    attendance: tuple[Attendance, ...] = ()


class Distribution(_Tolerant):
    """Mean, count and distribution of usefulness scores (1–5) in one group."""

    key: str = ""
    n: int = 0
    mean: float | None = None
    distribution: dict[str, int] = Field(default_factory=dict)


class Usefulness(_Tolerant):
    mean: float | None = None
    n: int = 0
    distribution: dict[str, int] = Field(default_factory=dict)
    by_format: tuple[Distribution, ...] = ()
    by_theme: tuple[Distribution, ...] = ()
    by_size: tuple[Distribution, ...] = ()
    by_club: tuple[Distribution, ...] = ()
    by_mix: tuple[Distribution, ...] = ()


class Growth(_Tolerant):
    n: int = 0
    growth: float | None = None


class ThemeGrowth(_Tolerant):
    theme: str
    n: int = 0
    mean_start: float | None = None
    mean_end: float | None = None
    growth: float | None = None
    deficit: Growth = Growth()
    other: Growth = Growth()


class ChosenThemes(_Tolerant):
    chosen: Growth = Growth()
    other: Growth = Growth()


class Reflections(_Tolerant):
    club: int
    expected: int = 0
    received: int = 0
    missing: tuple[str, ...] = ()


class ProvinceReach(_Tolerant):
    province: str
    reached: int = 0
    registered: int = 0


class Network(_Tolerant):
    new_ties: int = 0
    cumulative_ties: int = 0
    municipalities_reached: int = 0
    share_of_registrations: float | None = None
    by_province: tuple[ProvinceReach, ...] = ()
    components: int = 0
    bridges: tuple[str, ...] = ()


class Promised(_Tolerant):
    match: str
    n: int = 0
    mean: float | None = None


class Lesson(_Tolerant):
    participant: str
    club: int | None = None
    text: str


class EvaluationData(_Tolerant):
    """The content of ``evaluatie.json``."""

    cycle: str
    generated_on: dt.date
    sessions: Sessions = Sessions()
    usefulness: Usefulness = Usefulness()
    themes: tuple[ThemeGrowth, ...] = ()
    chosen_themes: ChosenThemes = ChosenThemes()
    reflections: tuple[Reflections, ...] = ()
    network: Network = Network()
    promised: tuple[Promised, ...] = ()
    lessons: tuple[Lesson, ...] = ()
    open_items: tuple[str, ...] = ()

    def session_usefulness(self) -> dict[frozenset[str], list[float]]:
        """Pair of members → the usefulness of every session they shared (when given)."""
        found: dict[frozenset[str], list[float]] = {}
        for session in self.sessions.attendance:
            if session.usefulness is None:
                continue
            members = sorted(set(session.members))
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    found.setdefault(frozenset((a, b)), []).append(session.usefulness)
        return found


def _folder_key(folder: Path) -> tuple[str, int]:
    match = _DATED.match(folder.name)
    assert match is not None
    return match.group(1), int(match.group(2) or 1)


def evaluation_files(cycle_dir: Path) -> list[Path]:
    """Every ``evaluatie/<date>[-n]/evaluatie.json`` of the cycle, oldest first."""
    base = Path(cycle_dir) / EVALUATION_DIR
    if not base.is_dir():
        return []
    folders = [p for p in base.iterdir() if p.is_dir() and _DATED.match(p.name)]
    ordered = sorted(folders, key=_folder_key)
    return [f / FIGURES_FILE for f in ordered if (f / FIGURES_FILE).is_file()]


def load_evaluation(path: Path) -> EvaluationData:
    """Read one evaluatie.json; a damaged file is a Dutch error naming it."""
    try:
        return EvaluationData.model_validate_json(Path(path).read_bytes())
    except (ValidationError, ValueError, OSError) as exc:
        raise UserError(
            f"Evaluatiebestand '{path}' is onleesbaar of beschadigd ({exc}). Draai "
            "leernetwerk evaluatie opnieuw; er is niets weggeschreven."
        ) from None


def latest_evaluation(cycle_dir: Path) -> tuple[Path, EvaluationData] | None:
    """The newest evaluatie.json of the cycle and its content, or None."""
    files = evaluation_files(cycle_dir)
    if not files:
        return None
    return files[-1], load_evaluation(files[-1])
