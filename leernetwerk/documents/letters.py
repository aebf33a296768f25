"""``leernetwerk brieven``: a letter to every registrant after the selection decision.

Four kinds, one template each: admitted (what happens next, the dates known
so far), not admitted (the deciding reason: the same sentences as in the
selection proposal, and how to register next cycle), incomplete (what was missing) and late.
Plus ``verzendlijst.xlsx`` for a mail merge. Written all or nothing into a
new folder ``brieven/<YYYY-MM-DD>`` (``…-2`` on a second run that day).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

from leernetwerk.cycle.decisions import DecisionKind
from leernetwerk.cycle.folder import LETTERS_DIR
from leernetwerk.documents.cycle_data import CycleData, load_cycle_data, when
from leernetwerk.documents.render import (
    check_template,
    dated_folder,
    ensure_templates,
    render_to,
    safe_file_name,
    templates_dir,
)
from leernetwerk.documents.templates import (
    LETTER_ADMITTED,
    LETTER_INCOMPLETE,
    LETTER_LATE,
    LETTER_REJECTED,
)
from leernetwerk.domain import Balance, Registration
from leernetwerk.excel import new_workbook, save_workbook, write_table
from leernetwerk.fsutil import write_outputs
from leernetwerk.proposal import SelectionEntry
from leernetwerk.reasons import Code, render_selection
from leernetwerk.timeline import Phase, format_date, milestone_windows, phase_windows

MAILING_LIST = "verzendlijst.xlsx"
MAILING_COLUMNS = ("Naam", "Contactpersoon", "E-mail", "Besluit", "Reden", "Bestand")
SENDER = "De uitvoerder van het leernetwerk Participatiewet"


class Outcome(StrEnum):
    ADMITTED = "toegelaten"
    REJECTED = "niet toegelaten"
    INCOMPLETE = "onvolledig"
    LATE = "te laat"

    @property
    def template(self) -> str:
        return {
            Outcome.ADMITTED: LETTER_ADMITTED,
            Outcome.REJECTED: LETTER_REJECTED,
            Outcome.INCOMPLETE: LETTER_INCOMPLETE,
            Outcome.LATE: LETTER_LATE,
        }[self]


MORE_THAN_PLACES = "Er waren meer aanmeldingen dan plaatsen."


def _balance_words(registration: Registration | None) -> str:
    if registration is None:
        return "uw begrotingssaldo"
    if registration.balance is Balance.DEFICIT:
        return "een tekort op het BUIG-budget"
    return "een overschot of een neutraal saldo op het BUIG-budget"


def _spread_words(reason: str) -> list[str]:
    words = {
        "spreiding provincies": "provincies",
        "spreiding grootteklassen": "gemeentegrootte",
        "spreiding uitvoeringsvarianten": "uitvoeringsvarianten",
    }
    return [word for label, word in words.items() if label in reason]


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def plain_reason(name: str, reasons: tuple[str, ...], registration: Registration | None) -> str:
    """The deciding reason of a rejection in one or two plain Dutch sentences, for
    proposals written before reason codes existed (their texts were solver-like).

    The selection lists its reasons with the deciding rule first among those
    starting 'niet geselecteerd'; solver terms (points, weights) are left out.
    """
    for reason in reasons:
        found = re.search(r"al vertegenwoordigd via (.+?) \(", reason)
        if found:
            return (
                f"{name} staat voor een gemeente die in deze cyclus al meedoet via "
                f"{found.group(1)}. Een gemeente neemt per cyclus maar één keer deel."
            )
        if "uitgesloten door de stuurgroep" in reason:
            return "De stuurgroep heeft besloten uw aanmelding in deze cyclus niet op te nemen."
        if "te laat aangemeld; alle plaatsen" in reason:
            return (
                "Tijdige aanmeldingen gingen voor, en er waren meer tijdige aanmeldingen dan "
                "plaatsen: alle plaatsen waren al vergeven."
            )
    deciding = next((r for r in reasons if r.startswith("niet geselecteerd")), "")
    earlier = next((r for r in reasons if r.startswith("eerder deelgenomen")), "")
    if "eerdere deelname" in deciding and earlier:
        cycles = earlier[earlier.find("(") + 1 : earlier.find(")")]
        return (
            f"{MORE_THAN_PLACES} Gemeenten die nog niet eerder deelnamen, gingen voor; "
            f"{name} deed al mee in {cycles}."
        )
    if "lagere prioriteit" in deciding or "lagere voorrang" in deciding:
        return (
            f"{MORE_THAN_PLACES} Gemeenten met een vangnetuitkering krijgen voorrang, en alle "
            "plaatsen zijn vergeven aan gemeenten met meer voorrang."
        )
    if "balans" in deciding and "gelijke stand" not in deciding:
        return (
            f"{MORE_THAN_PLACES} Het leernetwerk zoekt een evenwicht tussen gemeenten met een "
            "tekort en met een overschot op het BUIG-budget; de plaatsen voor gemeenten met "
            f"{_balance_words(registration)} waren vol."
        )
    if "gelijke stand" in deciding:
        return (
            f"{MORE_THAN_PLACES} Uw aanmelding paste even goed als die van een geselecteerde "
            "gemeente; dan gaat de eerdere aanmelding voor (en bij dezelfde datum de "
            "alfabetische volgorde)."
        )
    spread = _spread_words(deciding)
    if spread:
        return (
            f"{MORE_THAN_PLACES} Bij de keuze is gelet op een goede spreiding over "
            f"{_and(spread)}; met {name} erbij was die spreiding minder goed."
        )
    return (
        f"{MORE_THAN_PLACES} De stuurgroep heeft de deelnemers gekozen volgens het "
        "afwegingskader van het leernetwerk (voorrang vangnet, evenwicht tekort en overschot, "
        "spreiding over het land)."
    )


COMPETITION = frozenset(
    {
        Code.LOWER_PRIORITY,
        Code.TIE,
        Code.BALANCE_FULL,
        Code.WORSE,
        Code.PLACES_TAKEN,
        Code.NOT_PROVEN,
    }
)
"""Deciding codes that mean: others went first for the places there were."""


def letter_reason(entry: SelectionEntry, registration: Registration | None) -> str:
    """The reason in a letter: the selection's own sentences (the same the stuurgroep
    read in the proposal), after 'more registrations than places' when others went
    first. Proposals without reason codes fall back to :func:`plain_reason`."""
    if not entry.codes:
        return plain_reason(entry.name, entry.reasons, registration)
    text = render_selection(entry.name, entry.selected, entry.codes)
    if entry.codes[0].code in COMPETITION:
        return f"{MORE_THAN_PLACES} {text}"
    return text


def outcome_of(
    entry: SelectionEntry, registration: Registration | None, deadline: dt.date
) -> Outcome:
    if entry.selected:
        return Outcome.ADMITTED
    if (
        (registration is not None and registration.missing)
        or any(c.code == Code.INCOMPLETE for c in entry.codes)
        or any(r.startswith("niet selecteerbaar: onvolledig") for r in entry.reasons)
    ):
        return Outcome.INCOMPLETE
    if registration is not None and registration.is_late(deadline):
        return Outcome.LATE
    return Outcome.REJECTED


@dataclass(frozen=True)
class Letter:
    name: str
    outcome: Outcome
    reason: str
    file: str
    context: dict[str, Any]
    contact: str
    email: str


def _next_cycle_text(data: CycleData) -> str:
    year = data.config.cycle.budget_year + 1
    (recruitment,) = [w for w in phase_windows(year) if w.phase == Phase.RECRUITMENT]
    return (
        f"De werving voor de volgende cyclus ({year + 1}-{year + 2}) loopt van "
        f"{format_date(recruitment.start)} tot en met {format_date(recruitment.end)}. U kunt zich "
        "dan opnieuw aanmelden met het aanmeldformulier: de zelfevaluatie en drie leerthema's "
        "met een toelichting. Wij sturen het formulier tijdig rond; wij zien uw aanmelding "
        "graag tegemoet."
    )


def known_dates(data: CycleData) -> list[str]:
    """The cycle's dates from the matching on, from the cycle table (and the decisions)."""
    cycle = data.config.cycle
    lines = []
    for window in milestone_windows(cycle.budget_year, cycle.deadline):
        if window.spec.key in ("registrations", "selection"):
            continue  # done: the letters follow the selection decision
        label = window.spec.label[0].upper() + window.spec.label[1:]
        if window.spec.key in ("matching", "plan"):
            lines.append(f"{label}: uiterlijk {format_date(window.due)}")
        else:
            lines.append(f"{label}: {format_date(window.start)} – {format_date(window.due)}")
    return lines


def _meeting_lines(data: CycleData, name: str) -> list[str]:
    lines = []
    for meeting in data.meetings_of(name):
        place = f", {meeting.location}" if meeting.location else ""
        lines.append(f"{meeting.describe()}: {when(meeting)}{place}")
    return lines


def plan_letters(data: CycleData, today: dt.date) -> list[Letter]:
    """One letter per registrant of the decided selection, in selection order."""
    deadline = data.config.cycle.deadline
    next_cycle = _next_cycle_text(data)
    dates = known_dates(data)
    used: set[str] = set()
    letters = []
    for entry in data.proposal.selection:
        registration = data.registration(entry.name)
        outcome = outcome_of(entry, registration, deadline)
        if outcome is Outcome.ADMITTED:
            reason = "geselecteerd door de stuurgroep"
        elif outcome is Outcome.INCOMPLETE:
            missing = registration.missing if registration else ()
            reason = "onvolledig: " + "; ".join(missing) if missing else "onvolledig"
        else:
            reason = letter_reason(entry, registration)
        contact = registration.contact if registration else ""
        email = registration.email if registration else ""
        is_org = registration is not None and registration.is_organisation
        members = ", ".join(registration.members) if is_org and registration else ""
        context: dict[str, Any] = {
            "naam": entry.name,
            "contactpersoon": contact or f"contactpersoon van {entry.name}",
            "email": email,
            "datum": format_date(today),
            "cyclus": data.config.cycle.name,
            "leden": members,
            "afzender": SENDER,
            "reden": reason,
            "volgende_cyclus": next_cycle,
            "deadline": format_date(deadline),
            "aangemeld": format_date(registration.registered_on)
            if registration and registration.registered_on
            else "",
            "te_laat": bool(registration and registration.is_late(deadline)),
            "ontbreekt": list(registration.missing) if registration else [],
            "data": dates,
            "bijeenkomsten": _meeting_lines(data, entry.name),
        }
        stem = safe_file_name(entry.name)
        file = f"{stem}.docx"
        number = 1
        while file.casefold() in used:
            number += 1
            file = f"{stem}-{number}.docx"
        used.add(file.casefold())
        letters.append(Letter(entry.name, outcome, reason, file, context, contact, email))
    return letters


def _mailing_list(letters: list[Letter]) -> Callable[[Path], object]:
    def write(path: Path) -> object:
        wb = new_workbook()
        ws = wb.create_sheet("Verzendlijst")
        rows = [
            (
                letter.name,
                letter.contact,
                letter.email,
                letter.outcome.value,
                letter.reason,
                letter.file,
            )
            for letter in letters
        ]
        write_table(ws, MAILING_COLUMNS, rows)
        return save_workbook(wb, path)

    return write


@dataclass
class DocumentsResult:
    folder: Path
    written: list[Path]
    notes: list[str]
    counts: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "map": str(self.folder),
            "bestanden": [str(p) for p in self.written],
            "aantallen": self.counts,
            "opmerkingen": self.notes,
        }


def write_letters(cycle: Path, today: dt.date | None = None) -> DocumentsResult:
    """Write every letter and the mailing list into a new dated folder; all or nothing."""
    today = today or dt.date.today()
    data = load_cycle_data(cycle, DecisionKind.SELECTION, "brieven")
    names = tuple(o.template for o in Outcome)
    notes = ensure_templates(data.cycle_dir, names) + data.notes
    letters = plan_letters(data, today)
    folder = templates_dir(data.cycle_dir)
    first: dict[Outcome, Letter] = {}
    for letter in letters:
        first.setdefault(letter.outcome, letter)
    for outcome, letter in first.items():  # a broken template fails before any writing
        check_template(folder / outcome.template, letter.context)
    writers: dict[str, Callable[[Path], object]] = {
        letter.file: partial(render_to, folder / letter.outcome.template, letter.context)
        for letter in letters
    }
    writers[MAILING_LIST] = _mailing_list(letters)
    out, note = dated_folder(data.cycle_dir / LETTERS_DIR, today)
    if note:
        notes.append(note)
    written = write_outputs(out, writers)
    counts = {o.value: sum(1 for one in letters if one.outcome is o) for o in Outcome}
    return DocumentsResult(out, written, notes, counts)
