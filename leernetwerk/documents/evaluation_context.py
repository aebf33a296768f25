"""What the three closing documents say: template values built from ``evaluatie.json``.

- the tussenevaluatie memo (report §3.4.1): sessions held so far, first
  figures, open points, points about the registration procedure for the next
  cycle;
- the overview of the reflectieverslagen per club (§3.4.2), for the club's
  evaluation meeting: received and missing, the key lessons;
- the cycle report / kennisdocument draft (§3.4.3–3.4.4): main themes and
  lessons, the figures with table-charts, the network summary.

Every figure comes from the cycle's latest ``evaluatie.json``
(:mod:`leernetwerk.cycle.evaluation_data`); nothing is recomputed here. Charts
are tables with a text bar (``█``), so the executor can edit them in Word.
Numbers are Dutch (decimal comma); a missing figure is "–".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from leernetwerk.config import CycleConfig
from leernetwerk.cycle.decisions import (
    AdjustmentMoment,
    DecisionKind,
    adjustments,
    decided_proposal,
    latest_decision,
)
from leernetwerk.cycle.evaluation_data import Distribution, EvaluationData
from leernetwerk.cycle.folder import REGISTRATIONS_FILE
from leernetwerk.intake import read_registrations
from leernetwerk.proposal import SessionFormat
from leernetwerk.timeline import Phase, default_deadline, format_date, phase_windows

NONE = "–"
BAR = "█"
BAR_WIDTH = 20
SENDER = "De uitvoerder van het leernetwerk Participatiewet"

HELD = {"ja": "ja", "nee": "nee (geannuleerd)", "verplaatst": "verplaatst"}
NOT_REPORTED = "nog niet gemeld"

CLUB_AGENDA = (
    "Terugblik op de leercyclus: wat hebben de bijeenkomsten opgeleverd?",
    "Het net ophalen: de belangrijkste geleerde lessen, op inhoud en op proces",
    "Wat is er in de eigen organisatie mee gedaan (acties, borging)?",
    "Feedback voor de volgende leercyclus",
    "Afsluiting van de leercyclus",
)
"""The club evaluation meeting of report §3.4.2."""

CLUB_QUESTIONS = (
    "Welke les uit de verslagen herkennen de anderen, en wat deden zij ermee?",
    "Welke leervraag is nog niet beantwoord, en bij wie in het netwerk kan dat wel?",
    "Wat moet anders in de opzet van de bijeenkomsten (werkvorm, voorbereiding, grootte)?",
)

FORMAT_NAMES = {f.value: f"{f.value}. {f.label}" for f in SessionFormat} | {
    f.label: f"{f.value}. {f.label}" for f in SessionFormat
}
"""A werkvorm key of evaluatie.json (``i`` or its label) → its name in the documents."""


def number(value: float | None, digits: int = 1) -> str:
    """Dutch decimal: 3,8; None → '–'."""
    if value is None:
        return NONE
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".replace(".", ",")


def signed(value: float | None, digits: int = 1) -> str:
    """Growth with its sign: +0,8, −0,3, 0,0; None → '–'."""
    if value is None:
        return NONE
    text = number(abs(value), digits)
    if text.strip("0,") == "":
        return text
    return ("+" if value > 0 else "−") + text


def percent(share: float | None) -> str:
    return NONE if share is None else f"{number(share * 100, 0)}%"


def bar(value: float | None, maximum: float) -> str:
    """A text bar of up to 20 blocks, ``value`` relative to ``maximum``."""
    if value is None or maximum <= 0 or value <= 0:
        return ""
    return BAR * max(1, round(BAR_WIDTH * min(value, maximum) / maximum))


def _rows(groups: Iterable[Distribution], names: dict[str, str] | None = None) -> list[dict]:
    """Table-chart rows for usefulness per group: mean out of 5 as a bar."""
    return [
        {
            "naam": (names or {}).get(g.key, g.key) or NONE,
            "n": g.n,
            "gemiddeld": number(g.mean),
            "balk": bar(g.mean, 5),
        }
        for g in groups
    ]


def _usefulness(data: EvaluationData) -> dict[str, Any]:
    return {"gemiddeld": number(data.usefulness.mean), "n": data.usefulness.n}


def _sessions(data: EvaluationData) -> dict[str, int]:
    s = data.sessions
    return {
        "gepland": s.planned,
        "gehouden": s.held,
        "verplaatst": s.moved,
        "geannuleerd": s.cancelled,
        "niet_gemeld": s.not_reported,
    }


def _attendance_rows(data: EvaluationData, club: int | None = None) -> list[dict[str, Any]]:
    rows = []
    for a in sorted(data.sessions.attendance, key=lambda a: (a.club, a.round, a.session)):
        if club is not None and a.club != club:
            continue
        held = HELD.get(a.held or "", NOT_REPORTED)
        rows.append(
            {
                "club": a.club,
                "ronde": a.round,
                "sessie": a.session,
                "deelnemers": ", ".join(a.members),
                "gehouden": held,
                "datum": a.date or NONE,
                "aanwezig": str(a.present) if a.held in ("ja", "verplaatst") else NONE,
            }
        )
    return rows


def _reflections_total(data: EvaluationData) -> dict[str, int]:
    return {
        "ontvangen": sum(r.received for r in data.reflections),
        "verwacht": sum(r.expected for r in data.reflections),
    }


# --------------------------------------------------------------------------- memo


def registration_points(cycle_dir: Path, config: CycleConfig) -> list[str]:
    """Points about the registration procedure for the next cycle (report §3.4.1):
    what this cycle's registrations show, and the next recruitment window."""
    points = []
    path = cycle_dir / REGISTRATIONS_FILE
    if path.is_file():
        result = read_registrations(path, config)
        registrations = list(result.registrations)
        incomplete = [r for r in registrations if r.missing]
        late = [r for r in registrations if r.registered_on and r.registered_on > result.deadline]
        points.append(
            f"Deze cyclus kwamen {len(registrations)} aanmeldingen binnen; {len(incomplete)} "
            f"waren onvolledig en {len(late)} kwamen na de sluitingsdatum van "
            f"{format_date(result.deadline)}."
        )
        causes = Counter(
            "te weinig leerthema's" if "van 3" in m else m for r in incomplete for m in r.missing
        )
        if causes:
            listed = ", ".join(f"{cause} ({n}×)" for cause, n in sorted(causes.items()))
            points.append(
                f"Wat het vaakst ontbrak: {listed}. Kan het formulier dit beter uitleggen?"
            )
        if result.errors:
            points.append(
                f"Bij het inlezen gaf het aanmeldformulier {len(result.errors)} fout(en); "
                "kijk welke kolommen deelnemers verkeerd invulden."
            )
    selection = latest_decision(cycle_dir, DecisionKind.SELECTION)
    if selection is not None:
        proposal = decided_proposal(cycle_dir, selection)
        rejected = [e for e in proposal.selection if not e.selected]
        points.append(
            f"{len(proposal.selected)} aanmelders zijn toegelaten en {len(rejected)} niet; "
            "is het aantal plaatsen voor de volgende cyclus passend?"
        )
    year = config.cycle.budget_year + 1
    recruitment = next(w for w in phase_windows(year, None) if w.phase == Phase.RECRUITMENT)
    points.append(
        f"De werving voor de volgende cyclus loopt van {format_date(recruitment.start)} tot en "
        f"met {format_date(recruitment.end)}; de standaard sluitingsdatum is "
        f"{format_date(default_deadline(year))}."
    )
    points.append(
        "Zijn het zelfevaluatieformulier en de thema's nog actueel, of moeten (sub)thema's "
        "worden aangepast vóór de werving?"
    )
    return points


def memo_context(
    data: EvaluationData, cycle_dir: Path, config: CycleConfig, today_text: str
) -> dict[str, Any]:
    open_points = list(data.open_items)
    if not any(a.moment is AdjustmentMoment.MIDTERM for a in adjustments(cycle_dir)):
        open_points.append(
            "Nog geen bijsturingsbesluit na de tussenevaluatie: leg belangrijke aanpassingen "
            "voor aan de stuurgroep."
        )
    missing = [r for r in data.reflections if r.missing]
    if missing:
        listed = "; ".join(f"club {r.club}: {', '.join(r.missing)}" for r in missing)
        open_points.append(f"Reflectieverslagen ontbreken nog ({listed}).")
    return {
        "cyclus": data.cycle,
        "datum": today_text,
        "evaluatie_datum": format_date(data.generated_on),
        "afzender": SENDER,
        "sessies": _sessions(data),
        "bijeenkomsten": _attendance_rows(data),
        "nut": _usefulness(data),
        "nut_per_werkvorm": _rows(data.usefulness.by_format, FORMAT_NAMES),
        "reflectie": _reflections_total(data),
        "open_punten": open_points or ["Geen open punten."],
        "aanmeldprocedure": registration_points(cycle_dir, config),
    }


# --------------------------------------------------------------------------- per club


def clubs_of(data: EvaluationData) -> list[int]:
    """Every club that has sessions or reflections in the evaluation."""
    return sorted({a.club for a in data.sessions.attendance} | {r.club for r in data.reflections})


def overview_context(data: EvaluationData, club: int, today_text: str) -> dict[str, Any]:
    reflection = next((r for r in data.reflections if r.club == club), None)
    by_club = next((g for g in data.usefulness.by_club if g.key == str(club)), None)
    lessons = [
        {"deelnemer": lesson.participant, "tekst": lesson.text}
        for lesson in data.lessons
        if lesson.club == club and lesson.text.strip()
    ]
    return {
        "club": club,
        "cyclus": data.cycle,
        "datum": today_text,
        "agenda": list(CLUB_AGENDA),
        "ontvangen": reflection.received if reflection else 0,
        "verwacht": reflection.expected if reflection else 0,
        "ontbreekt": ", ".join(reflection.missing) if reflection else "",
        "bijeenkomsten": _attendance_rows(data, club),
        "nut": {
            "gemiddeld": number(by_club.mean if by_club else None),
            "n": by_club.n if by_club else 0,
        },
        "lessen": lessons,
        "vragen": list(CLUB_QUESTIONS),
    }


# --------------------------------------------------------------------------- report


def _theme_rows(data: EvaluationData) -> list[dict[str, Any]]:
    themes = sorted(data.themes, key=lambda t: (-(t.growth or -99), t.theme))
    top = max((abs(t.growth) for t in themes if t.growth is not None), default=0.0)
    return [
        {
            "thema": t.theme,
            "n": t.n,
            "start": number(t.mean_start),
            "eind": number(t.mean_end),
            "groei": signed(t.growth),
            "balk": bar(t.growth, top),
            "tekort": f"{signed(t.deficit.growth)} (n={t.deficit.n})",
            "overig": f"{signed(t.other.growth)} (n={t.other.n})",
        }
        for t in themes
    ]


def _distribution_rows(distribution: dict[str, int]) -> list[dict[str, Any]]:
    counts = {str(score): distribution.get(str(score), 0) for score in range(1, 6)}
    top = max(counts.values(), default=0)
    return [{"naam": k, "n": n, "balk": bar(n, top)} for k, n in counts.items()]


def _network_rows(data: EvaluationData) -> list[dict[str, str]]:
    n = data.network
    return [
        {"naam": "Nieuwe banden deze cyclus", "waarde": str(n.new_ties)},
        {"naam": "Banden over alle cycli", "waarde": str(n.cumulative_ties)},
        {"naam": "Gemeenten bereikt", "waarde": str(n.municipalities_reached)},
        {"naam": "Aandeel van de aanmeldingen", "waarde": percent(n.share_of_registrations)},
        {"naam": "Samenhangende delen van het netwerk", "waarde": str(n.components)},
    ]


def _province_rows(data: EvaluationData) -> list[dict[str, Any]]:
    top = max((p.registered for p in data.network.by_province), default=0)
    return [
        {
            "naam": p.province,
            "bereikt": p.reached,
            "aangemeld": p.registered,
            "balk": bar(p.reached, top),
        }
        for p in sorted(data.network.by_province, key=lambda p: p.province)
    ]


def key_points(data: EvaluationData) -> list[str]:
    """The summary bullets of the report."""
    s = data.sessions
    points = [
        f"{s.held} van de {s.planned} leerbijeenkomsten zijn gehouden "
        f"({s.moved} verplaatst, {s.cancelled} geannuleerd).",
        f"Deelnemers vonden de bijeenkomsten gemiddeld {number(data.usefulness.mean)} nuttig "
        f"op een schaal van 1 tot 5 ({data.usefulness.n} beoordelingen).",
    ]
    grown = [t for t in data.themes if t.growth is not None and t.n > 0]
    if grown:
        best = max(grown, key=lambda t: (t.growth or 0.0, t.n))
        points.append(
            f"De grootste groei in de zelfevaluatie: {best.theme} ({signed(best.growth)}, "
            f"n={best.n})."
        )
    n = data.network
    points.append(
        f"{n.municipalities_reached} gemeenten bereikt ({percent(n.share_of_registrations)} van "
        f"de aanmeldingen); {n.new_ties} nieuwe banden, {n.cumulative_ties} over alle cycli."
    )
    total = _reflections_total(data)
    points.append(f"Reflectieverslagen: {total['ontvangen']} van {total['verwacht']} ontvangen.")
    return points


def report_context(data: EvaluationData, cycle_dir: Path, today_text: str) -> dict[str, Any]:
    lessons = [
        {"deelnemer": lesson.participant, "club": lesson.club or NONE, "tekst": lesson.text}
        for lesson in data.lessons
        if lesson.text.strip()
    ]
    steering = [
        f"{'Na de tussenevaluatie' if a.moment is AdjustmentMoment.MIDTERM else 'Aan het eind'} "
        f"({a.decided_on.isoformat()}): {a.note}"
        for a in adjustments(cycle_dir)
    ]
    chosen = data.chosen_themes
    return {
        "cyclus": data.cycle,
        "datum": today_text,
        "evaluatie_datum": format_date(data.generated_on),
        "kern": key_points(data),
        "themas": _theme_rows(data),
        "gekozen": {
            "gekozen": f"{signed(chosen.chosen.growth)} (n={chosen.chosen.n})",
            "overig": f"{signed(chosen.other.growth)} (n={chosen.other.n})",
        },
        "lessen": lessons,
        "nut": _usefulness(data),
        "nut_verdeling": _distribution_rows(data.usefulness.distribution),
        "nut_per_werkvorm": _rows(data.usefulness.by_format, FORMAT_NAMES),
        "nut_per_grootte": _rows(data.usefulness.by_size),
        "nut_per_mix": _rows(data.usefulness.by_mix),
        "nut_per_club": _rows(data.usefulness.by_club),
        "belofte": [
            {"naam": p.match, "n": p.n, "gemiddeld": number(p.mean), "balk": bar(p.mean, 5)}
            for p in data.promised
        ],
        "netwerk": _network_rows(data),
        "provincies": _province_rows(data),
        "bruggen": ", ".join(data.network.bridges),
        "sessies": _sessions(data),
        "open_punten": list(data.open_items) or ["Geen open punten."],
        "bijsturing": steering,
    }
