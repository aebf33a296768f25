"""What ``leernetwerk status`` says about the execution phase.

Letters generated (``brieven/<date>/``), preparation calls due this week (the
plan's ``Voorbereiding`` column, filled in by ``leernetwerk plan``) and
draaiboeken missing or out of date for the sessions of the coming weeks
(``draaiboeken/<date>/draaiboeken.json`` says which session each draaiboek is
for and which date it shows). Sessions without a date are reported by
:mod:`leernetwerk.cycle.status` itself.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from leernetwerk.cycle.decisions import Decision
from leernetwerk.cycle.folder import (
    AGENDA_DIR,
    LETTERS_DIR,
    SCRIPTS_DIR,
    SCRIPTS_MANIFEST,
    START_DIR,
)
from leernetwerk.cycle.plan import Meeting
from leernetwerk.timeline import MeetingKind, format_date

SCRIPT_LOOKAHEAD = dt.timedelta(weeks=4)
"""Sessions this close need their draaiboek."""


@dataclass
class Execution:
    done: list[str] = field(default_factory=list)
    """Dutch lines: what has been generated, what is due this week."""
    missing: list[str] = field(default_factory=list)


def latest_dated_folder(parent: Path) -> Path | None:
    """The newest ``<YYYY-MM-DD>[-n]`` folder under ``parent`` (None when there is none)."""
    if not parent.is_dir():
        return None
    folders = [p for p in parent.iterdir() if p.is_dir() and p.name[:10].count("-") == 2]

    def key(path: Path) -> tuple[str, int]:
        suffix = path.name[11:]  # "2" in "2027-09-01-2"
        return (path.name[:10], int(suffix) if suffix.isdigit() else 1)

    return max(folders, key=key, default=None)


def letters(cycle_dir: Path, selection: Decision | None) -> Execution:
    found = Execution()
    if selection is None:
        return found
    folder = latest_dated_folder(cycle_dir / LETTERS_DIR)
    if folder is None:
        found.missing.append(
            "de brieven aan de aanmelders zijn nog niet gemaakt (leernetwerk brieven)"
        )
        return found
    count = sum(1 for p in folder.glob("*.docx"))
    found.done.append(f"brieven gemaakt in {LETTERS_DIR}/{folder.name} ({count} brieven)")
    if folder.name[:10] < selection.decided_on.isoformat():
        found.missing.append(
            f"de brieven in {LETTERS_DIR}/{folder.name} zijn van vóór het selectiebesluit van "
            f"{format_date(selection.decided_on)}; maak ze opnieuw (leernetwerk brieven)"
        )
    return found


def preparation_calls(meetings: list[Meeting], today: dt.date) -> Execution:
    """Preparation calls in the week of ``today`` (Monday–Sunday)."""
    found = Execution()
    monday = today - dt.timedelta(days=today.weekday())
    sunday = monday + dt.timedelta(days=6)
    for m in meetings:
        if m.preparation is not None and monday <= m.preparation <= sunday:
            when = "was" if m.preparation < today else "is"
            found.done.append(
                f"voorbereidend gesprek deze week: {m.describe()} {when} op "
                f"{format_date(m.preparation)}"
            )
    return found


def _script_entries(
    cycle_dir: Path,
) -> tuple[str | None, set[tuple[int, int, tuple[str, ...], str]]]:
    folder = latest_dated_folder(cycle_dir / SCRIPTS_DIR)
    if folder is None or not (folder / SCRIPTS_MANIFEST).is_file():
        return None, set()
    data = json.loads((folder / SCRIPTS_MANIFEST).read_text(encoding="utf-8"))
    entries = {
        (e["club"], e["round"], tuple(sorted(e["members"])), e["date"] or "")
        for e in data.get("draaiboeken", [])
    }
    return folder.name, entries


def scripts(cycle_dir: Path, meetings: list[Meeting], today: dt.date) -> Execution:
    """Sessions in the next four weeks without a draaiboek that shows their date."""
    found = Execution()
    soon = [
        m
        for m in meetings
        if m.kind is MeetingKind.SESSION
        and m.date is not None
        and today <= m.date <= today + SCRIPT_LOOKAHEAD
    ]
    if not soon:
        return found
    folder, entries = _script_entries(cycle_dir)
    for m in soon:
        assert m.date is not None
        key = (m.club or 0, m.round or 0, tuple(sorted(m.members)), m.date.isoformat())
        if key not in entries:
            where = f" (laatste: {SCRIPTS_DIR}/{folder})" if folder else ""
            found.missing.append(
                f"draaiboek ontbreekt of toont een oude datum voor {m.describe()} op "
                f"{format_date(m.date)}{where} (leernetwerk draaiboek)"
            )
    return found


def latest_documents(cycle_dir: Path) -> Execution:
    """The newest generated start packs, draaiboeken and calendars, by folder."""
    found = Execution()
    for folder_name, what in (
        (START_DIR, "startbijeenkomsten"),
        (SCRIPTS_DIR, "draaiboeken"),
        (AGENDA_DIR, "agenda's per deelnemer"),
    ):
        folder = latest_dated_folder(cycle_dir / folder_name)
        if folder is not None:
            count = sum(1 for p in folder.iterdir() if p.suffix in (".docx", ".ics"))
            found.done.append(f"{what}: {folder_name}/{folder.name} ({count} bestanden)")
    return found


def execution(
    cycle_dir: Path, meetings: list[Meeting], selection: Decision | None, today: dt.date
) -> Execution:
    """Everything status says about letters, documents, preparation calls and draaiboeken."""
    total = Execution()
    for part in (
        letters(cycle_dir, selection),
        latest_documents(cycle_dir),
        preparation_calls(meetings, today),
        scripts(cycle_dir, meetings, today),
    ):
        total.done += part.done
        total.missing += part.missing
    return total
