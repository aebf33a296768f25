"""The fixed Dutch texts of start meetings and session days (report §3.3.1–3.3.2, appendix D).

Kept apart from the templates so that the template carries the layout and
the executor's own wording, and these lists carry the report's content with
the cycle's names and dates filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

from leernetwerk.proposal import Session, SessionFormat
from leernetwerk.timeline import format_date, round_numbers, round_window


def start_agenda(budget_year: int) -> list[str]:
    """Agenda items a–f of the start meeting (§3.3.1), with the round windows."""
    rounds = "; ".join(
        f"ronde {r}: {format_date(start)} – {format_date(end)}"
        for r in round_numbers()
        for start, end in [round_window(budget_year, r)]
    )
    return [
        "a. Kennismaking: deelnemers delen hun achtergrond, rol en verwachtingen van de "
        "leercyclus.",
        "b. Doel en opzet van de leercyclus: ruimte voor vragen en het verhelderen van "
        "verwachtingen, zodat iedereen met hetzelfde uitgangspunt start.",
        "c. Thema's en leervragen: de deelnemers wisselen hun leervragen uit (zie hieronder).",
        "d. Het voorstel voor de leerbijeenkomsten: welke thema's en leervragen per "
        "bijeenkomst worden opgepakt (zie 'Voorgestelde leerbijeenkomsten').",
        "e. Uitwisselen van contactgegevens, zodat de deelnemers elkaar ook buiten de "
        "bijeenkomsten kunnen bereiken (zie 'Deelnemers en contactgegevens').",
        "f. Inplannen van de leerbijeenkomsten voor zover nog niet gedaan vóór de zomer: data, "
        f"tijden en locaties ({rounds}), met genoeg doorlooptijd voor de voorbereiding.",
    ]


def format_texts(session_format: SessionFormat) -> dict[str, str]:
    """Name, what the werkvorm means for the day, and the other possible forms."""
    meaning = {
        SessionFormat.PLENARY_THEN_PARALLEL: (
            "Geschikt als de gemeenten samen één hoofdthema willen verkennen en verschillende "
            "typen professionals vanuit hun eigen rol verdieping zoeken. Blok 1 start plenair "
            "met een gezamenlijke introductie van het hoofdthema; in blok 2 wordt gewerkt in "
            "parallelsessies per type professional: uitvoeringsprofessionals op werkwijzen, "
            "protocollen en dagelijkse uitvoering, strategische en beleidsmatige professionals "
            "op kaders en beleidskeuzes. Aan het eind komen alle deelnemers plenair samen en "
            "delen de belangrijkste inzichten."
        ),
        SessionFormat.SMALL_GROUPS: (
            "Geschikt als de thema's vaststaan maar de leervragen nog in ontwikkeling zijn. "
            "Blok 1 start met parallelsessies per thema, waarin deelnemers samen de leervraag "
            "concreet maken, ideeën uitwisselen en oplossingen verkennen; zorg dat steeds de "
            "juiste professionals aan tafel zitten. In blok 2 volgt een plenaire uitwisseling "
            "over de uitgewerkte leervragen."
        ),
        SessionFormat.LEARNER_BRINGER: (
            "Geschikt als de gemeenten duidelijk geformuleerde leervragen hebben. Iedere "
            "gemeente brengt een eigen leervraag in en is bij het ene thema (blok 1) 'haler' "
            "en bij het andere (blok 2) 'brenger', zodat iedereen zowel leert als kennis en "
            "ervaring deelt."
        ),
    }[session_format]
    return {
        "naam": f"{session_format.value}. {session_format.label}",
        "uitleg": meaning,
        "alternatief": "Andere vormen kunnen ook: een casus of dilemma centraal zetten en "
        "samen bespreken, of samen een concreet product uitwerken, zoals een format of "
        "stappenplan.",
    }


def _block(session: Session, number: int) -> str:
    themes = session.themes or ("thema volgt",)
    theme = themes[min(number, len(themes)) - 1]
    if session.format is SessionFormat.PLENARY_THEN_PARALLEL:
        how = (
            "plenaire introductie van het hoofdthema"
            if number == 1
            else "parallelsessies per type professional (uitvoering en beleid/strategie)"
        )
    elif session.format is SessionFormat.SMALL_GROUPS:
        how = (
            "parallelsessies per thema: leervragen concreet maken"
            if number == 1
            else "plenaire uitwisseling over de uitgewerkte leervragen"
        )
    else:
        how = "haler en brenger wisselen per blok van rol"
    return f"Blok {number}: {theme} – {how}"


def timetable(session: Session, werkvorm: str) -> list[dict[str, str]]:
    """The eight slots of appendix D, each filled in for this session."""
    members = ", ".join(session.members)
    host = session.host or "de host"
    themes = session.themes or ("thema volgt",)
    last = themes[-1]
    return [
        {
            "tijd": "10:00–10:30",
            "onderdeel": f"Introductie en kennismaking; welkom door {host}, uitleg van de "
            f"werkvorm ({werkvorm})",
        },
        {
            "tijd": "10:30–11:00",
            "onderdeel": f"Presentatie van elke gemeente ({members}): context en inrichting van "
            "de eigen organisatie, toelichting op de leervragen",
        },
        {"tijd": "11:00–12:15", "onderdeel": _block(session, 1)},
        {
            "tijd": "12:15–12:30",
            "onderdeel": f"Afronding blok 1 ({themes[0]}): inzichten en acties op de leerkaart, "
            "korte plenaire terugkoppeling",
        },
        {"tijd": "12:30–13:00", "onderdeel": "Lunch/pauze"},
        {"tijd": "13:00–14:00", "onderdeel": _block(session, 2)},
        {
            "tijd": "14:00–14:30",
            "onderdeel": f"Afronding blok 2 ({last}): inzichten en acties op de leerkaart, "
            "korte plenaire terugkoppeling",
        },
        {
            "tijd": "14:30–15:00",
            "onderdeel": "Afsluiting: rondvraag over de ervaringen van de bijeenkomst en de "
            "borging van de geleerde lessen (reflectieverslag per gemeente)",
        },
    ]


def preparation_checklist(session: Session, location: str, times: str) -> list[str]:
    """The points of the digital preparation call a–f (§3.3.1), for this session."""
    themes = " en ".join(session.themes) or "nog te kiezen"
    return [
        f"a. Bespreken van de thema's voor de bijeenkomst: {themes}.",
        "b. Formuleren van concrete leervragen: wat kom je halen?",
        "c. Reflecteren op de leervragen van de andere gemeenten: wat kun je brengen?",
        "d. Welke voorbereiding is van iedere gemeente nodig? Welke data kunnen worden "
        "gebruikt (zie Databronnen)?",
        "e. Wie zijn er aanwezig (welke functies)? Kom bij voorkeur met een vergelijkbare "
        "afvaardiging.",
        f"f. Praktische zaken: locatie ({location}), tijd ({times}) en duur; host is "
        f"{session.host or 'nog te kiezen'} (de rol van host wisselt per bijeenkomst).",
    ]


@dataclass(frozen=True)
class DataSource:
    name: str
    what: str
    themes: frozenset[str]
    """Catalogue themes the source has comparable figures for (leernetwerk's own judgement)."""


_NUMBERS = frozenset(
    {
        "Instroom(beperking)",
        "Bemiddeling naar werk",
        "Activering op maat",
        "Data- en informatiegedreven werken",
        "Beleid",
    }
)
_MONEY = frozenset({"Financieel", "Beleid", "Data- en informatiegedreven werken"})

DATA_SOURCES: tuple[DataSource, ...] = (
    DataSource(
        "CBS-Statline",
        "bijstandsuitkeringen, in- en uitstroom en re-integratie per gemeente",
        _NUMBERS | {"Handhaving"},
    ),
    DataSource(
        "Divosa Benchmark",
        "prestaties en werkwijzen van sociale diensten onderling vergelijken",
        _NUMBERS
        | {"Organisatie en interne samenwerking", "Handhaving", "Uitvoerende professionals"},
    ),
    DataSource("Lias BUIG (ilionx)", "het BUIG-budget en de uitgaven van de gemeente", _MONEY),
    DataSource(
        "Budgettool Participatie (Cedris en Divosa)",
        "het participatiebudget: re-integratie en beschut werk",
        _MONEY | {"Activering op maat"},
    ),
    DataSource(
        "BUIG-budgettool (SEO en Atlas Research)",
        "hoe het BUIG-budget van de gemeente tot stand komt",
        _MONEY,
    ),
)
"""The data sources of report §3.3.2; which themes each suits is leernetwerk's own choice."""

NO_DATA_SOURCE = (
    "Deze thema's zijn vooral kwalitatief; vergelijkbare cijfers zijn er nauwelijks. Spreek "
    "in het voorbereidend gesprek af of en welke eigen gegevens de gemeenten meebrengen."
)

LEARNING_CARD = (
    "Reflectie: wat heb ik gehoord en gezien?",
    "Bewonderpunten: wat doet een andere gemeente goed?",
    "Verwonderpunten: wat verbaast mij, waar wil ik meer over weten?",
    "Inzichten: wat neem ik mee naar de eigen organisatie?",
    "Acties: wat ga ik de komende periode doen, en met wie?",
)
"""The leerkaart (report §3.3.2): what participants write down after each block."""
