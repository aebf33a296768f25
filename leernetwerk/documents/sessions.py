"""``leernetwerk startbijeenkomst`` and ``leernetwerk draaiboek`` (after the matching decision).

A start pack per club (agenda a–f of the report's §3.3.1, members with contact
details, their themes and learning questions, the proposed sessions) and a
draaiboek per session (date, place, host, members, the two blocks with each
member's learning question, the werkvorm, the timetable of appendix D, the
preparation-call checklist, data sources, a leerkaart per block). Dates come
from the session plan ``sessies.csv``; an undated meeting says "datum volgt".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from leernetwerk.cycle.decisions import DecisionKind
from leernetwerk.cycle.folder import SCRIPTS_DIR, SCRIPTS_MANIFEST, START_DIR
from leernetwerk.documents.cycle_data import CycleData, hours, load_cycle_data, when
from leernetwerk.documents.letters import DocumentsResult
from leernetwerk.documents.render import (
    check_template,
    dated_folder,
    ensure_templates,
    render_to,
    safe_file_name,
    templates_dir,
)
from leernetwerk.documents.session_texts import (
    DATA_SOURCES,
    LEARNING_CARD,
    NO_DATA_SOURCE,
    format_texts,
    preparation_checklist,
    start_agenda,
    timetable,
)
from leernetwerk.documents.templates import SCRIPT, START_PACK
from leernetwerk.domain import BRINGER_SCORES, LEARNER_SCORES, Registration, ThemeChoice
from leernetwerk.fsutil import write_outputs
from leernetwerk.proposal import Session
from leernetwerk.timeline import format_date


def _choice(registration: Registration | None, theme: str) -> ThemeChoice | None:
    if registration is None:
        return None
    return next((c for c in registration.themes if c.theme == theme), None)


def learning_question(choice: ThemeChoice | None) -> str:
    """The member's own words on a theme (sheet Leerthemas), or a plain fallback."""
    if choice is None:
        return "koos dit thema niet als leerthema"
    parts = [
        f"{label}: {_sentence(text)}"
        for label, text in (
            ("Wil leren", choice.want_to_learn),
            ("Loopt aan tegen", choice.obstacles),
            ("Kan brengen", choice.can_teach),
        )
        if text.strip()
    ]
    return " ".join(parts) or "geen toelichting ingevuld"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."


def role(registration: Registration | None, theme: str) -> str:
    level = (
        registration.self_evaluation.level(theme)
        if registration and registration.self_evaluation
        else 0
    )
    if level in LEARNER_SCORES:
        return "haler"
    if level in BRINGER_SCORES:
        return "brenger"
    return "geen score"


def _member(data: CycleData, name: str) -> dict[str, Any]:
    registration = data.registration(name)
    members = ""
    if registration is not None and registration.is_organisation:
        members = ", ".join(registration.members)
    themes = []
    for choice in sorted(registration.themes if registration else (), key=lambda c: c.rank):
        themes.append(
            {"rang": choice.rank, "thema": choice.theme, "leervraag": learning_question(choice)}
        )
    return {
        "naam": name,
        "leden": members,
        "contact": (registration.contact if registration else "") or "onbekend",
        "email": (registration.email if registration else "") or "onbekend",
        "themas": themes,
    }


def _sessions_of_club(data: CycleData, club: int) -> list[tuple[int, int, Session]]:
    """(round, index within its round, session) of one club, in plan order."""
    found = []
    for round_ in data.proposal.rounds:
        for index, session in enumerate(round_.sessions, start=1):
            if session.club == club:
                found.append((round_.round, index, session))
    return found


def start_pack_context(data: CycleData, club: int, members: tuple[str, ...]) -> dict[str, Any]:
    start = data.start_meeting(club)
    sessions = []
    for round_, _, session in _sessions_of_club(data, club):
        meeting = data.session_meeting(club, round_, session.members)
        sessions.append(
            {
                "ronde": round_,
                "datum": when(meeting),
                "host": session.host or "nog te kiezen",
                "deelnemers": ", ".join(session.members),
                "themas": " en ".join(session.themes),
            }
        )
    return {
        "club": club,
        "cyclus": data.config.cycle.name,
        "datum": when(start),
        "tijd": hours(start, "nog af te spreken"),
        "locatie": (start.location if start else "") or "nog af te spreken",
        "agenda": start_agenda(data.config.cycle.budget_year),
        "deelnemers": [_member(data, name) for name in members],
        "sessies": sessions,
    }


def script_context(data: CycleData, round_: int, session: Session) -> dict[str, Any]:
    meeting = data.session_meeting(session.club, round_, session.members)
    preparation = data.preparation_of(meeting)
    host = session.host or "nog te kiezen"
    location = (meeting.location if meeting else "") or (
        f"bij {session.host}" if session.host else "nog af te spreken"
    )
    blocks = []
    for number, theme in enumerate(session.themes, start=1):
        questions = [
            {
                "naam": name,
                "rol": role(data.registration(name), theme),
                "leervraag": learning_question(_choice(data.registration(name), theme)),
            }
            for name in session.members
        ]
        blocks.append({"nummer": number, "thema": theme, "leervragen": questions})
    sources = [
        f"{source.name}: {source.what}"
        for source in DATA_SOURCES
        if any(theme in source.themes for theme in session.themes)
    ]
    times = hours(meeting)
    return {
        "club": session.club,
        "ronde": round_,
        "cyclus": data.config.cycle.name,
        "datum": when(meeting),
        "tijd": times,
        "locatie": location,
        "host": host,
        "deelnemers": [_member(data, name) for name in session.members],
        "blokken": blocks,
        "werkvorm": format_texts(session.format),
        "programma": timetable(session, format_texts(session.format)["naam"]),
        "voorbereiding": format_date(preparation)
        if preparation
        else "datum volgt (2 tot 4 weken vóór de bijeenkomst)",
        "checklist": preparation_checklist(session, location, times),
        "databronnen": sources or [NO_DATA_SOURCE],
        "leerkaart": list(LEARNING_CARD),
    }


def _write(
    data: CycleData,
    folder_name: str,
    template: str,
    documents: dict[str, dict[str, Any]],
    today: dt.date,
    extra: dict[str, Callable[[Path], object]] | None = None,
) -> DocumentsResult:
    notes = ensure_templates(data.cycle_dir, (template,)) + data.notes
    path = templates_dir(data.cycle_dir) / template
    if documents:
        check_template(path, next(iter(documents.values())))
    writers: dict[str, Callable[[Path], object]] = {
        name: partial(render_to, path, context) for name, context in documents.items()
    }
    writers.update(extra or {})
    out, note = dated_folder(data.cycle_dir / folder_name, today)
    if note:
        notes.append(note)
    written = write_outputs(out, writers)
    return DocumentsResult(out, written, notes, {"documenten": len(written)})


def write_start_packs(cycle: Path, today: dt.date | None = None) -> DocumentsResult:
    """One start pack per club of the decided matching, in a new dated folder."""
    data = load_cycle_data(cycle, DecisionKind.MATCHING, "startbijeenkomst")
    documents = {
        f"club-{club.id}.docx": start_pack_context(data, club.id, club.members)
        for club in data.proposal.clubs
    }
    return _write(data, START_DIR, START_PACK, documents, today or dt.date.today())


def write_scripts(cycle: Path, today: dt.date | None = None) -> DocumentsResult:
    """One draaiboek per learning session of the decided matching, in a new dated folder."""
    data = load_cycle_data(cycle, DecisionKind.MATCHING, "draaiboek")
    documents = {}
    manifest = []
    for round_ in data.proposal.rounds:
        for index, session in enumerate(round_.sessions, start=1):
            host = safe_file_name(session.host or "geen-host")
            name = f"club-{session.club}-ronde-{round_.round}-sessie-{index}-{host}.docx"
            documents[name] = script_context(data, round_.round, session)
            meeting = data.session_meeting(session.club, round_.round, session.members)
            manifest.append(
                {
                    "file": name,
                    "club": session.club,
                    "round": round_.round,
                    "members": sorted(session.members),
                    "date": meeting.date.isoformat() if meeting and meeting.date else None,
                }
            )
    text = json.dumps({"draaiboeken": manifest}, ensure_ascii=False, indent=2) + "\n"
    extra = {SCRIPTS_MANIFEST: lambda path: path.write_text(text, encoding="utf-8")}
    return _write(data, SCRIPTS_DIR, SCRIPT, documents, today or dt.date.today(), extra)
