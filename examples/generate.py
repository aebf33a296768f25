"""Generate the bundled example registration workbooks, reproducibly.

Run ``python examples/generate.py`` (or ``--out DIR`` to write elsewhere) to
rebuild:

* ``examples/pilot-2025/aanmeldingen.xlsx`` — the eight municipalities of the
  2025–2026 pilot (docs/domain.md §11). Their real self-evaluations are not
  published, so the scores and motivations here are *illustrative*; the
  workbook says so in an ``Instructies`` sheet.
* ``examples/national-2026/aanmeldingen.xlsx`` — about sixty registrants from
  all twelve provinces for the first structural cycle (2026–2027), including
  the awkward cases a real intake meets: late and incomplete registrations,
  regional organisations and one municipality registered twice (on its own
  and inside an organisation).

The data is built as :class:`leernetwerk.domain.Registrations` and written
with :func:`leernetwerk.registrations_io.write_registrations`, so the examples
always follow the workbook contract. Every random choice comes from a
``random.Random`` seeded per example, and the ``.xlsx`` files are normalised
afterwards (fixed document properties and fixed zip entry times), so running
the script twice gives byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from leernetwerk.config import CycleConfig, load_cycle_config
from leernetwerk.domain import (
    Balance,
    RegistrantKind,
    Registration,
    Registrations,
    SafetyNet,
    SelfEvaluation,
    ThemeCatalogue,
    ThemeChoice,
)

EXAMPLES_DIR = Path(__file__).resolve().parent
REPO_DIR = EXAMPLES_DIR.parent

PILOT_DIR = "pilot-2025"
NATIONAL_DIR = "national-2026"
WORKBOOK_NAME = "aanmeldingen.xlsx"
NATIONAL_CYCLE = REPO_DIR / "cycles" / "2026-2027" / "cycle.toml"

PILOT_SEED = 2025
NATIONAL_SEED = 2026

PILOT_CYCLE_NAME = "pilot-2025-2026"
FIXED_DOCUMENT_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)
"""Written as the workbooks' created/modified document properties."""
FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
"""Written as the modification time of every entry inside the .xlsx zip."""

ILLUSTRATIVE_NOTE = (
    "Illustratieve scores: de echte zelfevaluaties van de pilot zijn niet gepubliceerd."
)
INSTRUCTIONS_SHEET = "Instructies"

# --------------------------------------------------------------------------- texts

THEME_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "Organisatie en interne samenwerking": {
        "obstacles": (
            "Werk, inkomen en zorg werken nog langs elkaar heen.",
            "Na de reorganisatie zijn rollen en overdrachtsmomenten onduidelijk.",
        ),
        "want_to_learn": (
            "Hoe andere gemeenten één integraal team voor werk en inkomen hebben ingericht.",
            "Hoe je sturing en verantwoording in een netwerkorganisatie organiseert.",
        ),
        "can_teach": ("Onze werkwijze met vaste casusoverleggen tussen teams.",),
    },
    "Instroom(beperking)": {
        "obstacles": (
            "De instroom stijgt en de screening aan de poort is te summier.",
            "We zien te laat wie met een beetje hulp niet in de uitkering hoeft.",
        ),
        "want_to_learn": (
            "Hoe een goede poortwachtersfunctie en vroegsignalering eruitzien.",
            "Welke preventieve aanpak bij jongeren en zzp'ers echt werkt.",
        ),
        "can_teach": ("Ons werkgesprek direct bij de aanvraag, met snelle doorverwijzing.",),
    },
    "Bemiddeling naar werk": {
        "obstacles": (
            "Werkgevers weten ons niet goed te vinden en vacatures blijven liggen.",
            "Matching gebeurt nog vooral op gevoel, niet op vaardigheden.",
        ),
        "want_to_learn": (
            "Hoe je matching op vaardigheden organiseert samen met het werkgeversservicepunt.",
            "Hoe je duurzame plaatsingen bereikt, ook voor mensen ver van de arbeidsmarkt.",
        ),
        "can_teach": ("Onze jobcoaching na plaatsing en de vaste contacten met werkgevers.",),
    },
    "Activering op maat": {
        "obstacles": (
            "Ons instrumentarium is breed maar versnipperd; consulenten kiezen op gewoonte.",
            "Bij lange uitkeringsduur lukt het ons nauwelijks om in beweging te komen.",
        ),
        "want_to_learn": (
            "Hoe je lichte en intensieve dienstverlening goed op elkaar afstemt.",
            "Hoe casusregie over domeinen heen werkt zonder extra overleg.",
        ),
        "can_teach": ("Onze aanpak met participatieplaatsen dicht bij huis.",),
    },
    "Handhaving": {
        "obstacles": (
            "Handhaving voelt voor klanten wantrouwend; de menselijke maat schiet tekort.",
            "De nieuwe ruimte in de wet vraagt andere afwegingen van handhavers.",
        ),
        "want_to_learn": (
            "Hoe je handhaving en dienstverlening combineert met vertrouwen als basis.",
            "Hoe anderen de ruimte voor maatwerk bij terugvordering benutten.",
        ),
        "can_teach": ("Onze werkwijze met een vast aanspreekpunt bij fraudesignalen.",),
    },
    "Uitvoerende professionals": {
        "obstacles": (
            "Hoog verloop onder consulenten en een grote caseload.",
            "Nieuwe collega's zijn lang bezig voordat ze zelfstandig werken.",
        ),
        "want_to_learn": (
            "Hoe je professionals ruimte geeft voor eigen afwegingen.",
            "Hoe je intervisie en vakmanschap structureel organiseert.",
        ),
        "can_teach": ("Ons inwerkprogramma en de leerlijn voor consulenten.",),
    },
    "Relatiemanagement en externe samenwerking": {
        "obstacles": (
            "Veel partners in de regio, maar geen gezamenlijke agenda.",
            "De samenwerking met het UWV hangt af van personen.",
        ),
        "want_to_learn": (
            "Hoe je regionale afspraken met partners duurzaam borgt.",
            "Hoe anderen samenwerken met zorg, schuldhulp en onderwijs.",
        ),
        "can_teach": ("Ons regionale convenant met vaste overlegmomenten.",),
    },
    "Data- en informatiegedreven werken": {
        "obstacles": (
            "De data is er wel, maar we gebruiken haar nauwelijks voor sturing.",
            "Onze systemen sluiten slecht op elkaar aan en de datakwaliteit is wisselend.",
        ),
        "want_to_learn": (
            "Hoe je van data naar concrete interventies komt.",
            "Welke stuurinformatie andere gemeenten maandelijks gebruiken.",
        ),
        "can_teach": ("Ons dashboard met instroom, uitstroom en doorlooptijden.",),
    },
    "Financieel": {
        "obstacles": (
            "Het BUIG-tekort drukt zwaar op de begroting.",
            "We hebben weinig zicht op wat onze re-integratie-euro oplevert.",
        ),
        "want_to_learn": (
            "Hoe anderen hun BUIG-budget en re-integratiemiddelen sturen.",
            "Hoe je de businesscase van een interventie onderbouwt.",
        ),
        "can_teach": ("Onze kwartaalrapportage over uitkeringslasten en prognoses.",),
    },
    "Beleid": {
        "obstacles": (
            "Beleid en uitvoering staan ver van elkaar.",
            "De wetswijzigingen van Participatiewet in balans vragen veel tegelijk.",
        ),
        "want_to_learn": (
            "Hoe anderen Participatiewet in balans vertalen naar hun beleid.",
            "Hoe je werkgevers betrekt bij beschut werk en de banenafspraak.",
        ),
        "can_teach": ("Ons integrale beleidskader voor het sociaal domein.",),
    },
}
"""Short Dutch motivation texts per main theme (two variants where it helps)."""

WENT_WELL: tuple[str, ...] = (
    "De lijnen binnen het team zijn kort.",
    "We hebben de afgelopen jaren een stevige basis gelegd.",
    "Er is bestuurlijke aandacht en ruimte om te experimenteren.",
    "Onze consulenten kennen hun klanten goed.",
)
MISSING: tuple[str, ...] = (
    "Tijd om stil te staan bij wat werkt.",
    "Voorbeelden van gemeenten van vergelijkbare omvang.",
    "Een gedeeld beeld van wat goed werk is.",
    "Capaciteit om nieuwe werkwijzen uit te proberen.",
)

CONTACT_ROLES: tuple[str, ...] = (
    "Beleidsadviseur werk en inkomen",
    "Teamleider participatie",
    "Programmamanager werk",
    "Kwaliteitsmedewerker inkomen",
)
"""Contacts are roles, not people: the examples hold no personal data."""

# ---------------------------------------------------------------------- the pilot


@dataclass(frozen=True)
class PilotMunicipality:
    """One pilot municipality with the themes its layout in docs/domain.md §11 suggests."""

    name: str
    province: str
    inhabitants: int
    balance: Balance
    safety_net: SafetyNet
    execution_variant: str
    themes: tuple[str, str, str]


DATA = "Data- en informatiegedreven werken"
INFLOW = "Instroom(beperking)"
PLACEMENT = "Bemiddeling naar werk"
ACTIVATION = "Activering op maat"
ORGANISATION = "Organisatie en interne samenwerking"

PILOT: tuple[PilotMunicipality, ...] = (
    PilotMunicipality(
        "Amstelveen", "Noord-Holland", 95_000, Balance.SURPLUS, SafetyNet.NONE,
        "gemeentelijk", (DATA, "Beleid", "Financieel"),
    ),
    PilotMunicipality(
        "Wageningen", "Gelderland", 40_000, Balance.SURPLUS, SafetyNet.NONE,
        "gemeentelijk", (DATA, PLACEMENT, ACTIVATION),
    ),
    PilotMunicipality(
        "Zwolle", "Overijssel", 132_000, Balance.DEFICIT, SafetyNet.NONE,
        "gemeentelijk", (ACTIVATION, PLACEMENT, INFLOW),
    ),
    PilotMunicipality(
        "Leeuwarden", "Friesland", 126_000, Balance.DEFICIT, SafetyNet.ADDITIONAL,
        "gemeentelijk", (DATA, INFLOW, PLACEMENT),
    ),
    PilotMunicipality(
        "Oude IJsselstreek", "Gelderland", 40_000, Balance.DEFICIT, SafetyNet.REGULAR,
        "regionaal", (INFLOW, DATA, "Beleid"),
    ),
    PilotMunicipality(
        "Barendrecht", "Zuid-Holland", 50_000, Balance.DEFICIT, SafetyNet.NONE,
        "regionaal", (DATA, PLACEMENT, INFLOW),
    ),
    PilotMunicipality(
        "'s-Hertogenbosch", "Noord-Brabant", 160_000, Balance.SURPLUS, SafetyNet.NONE,
        "gemeentelijk", (ORGANISATION, ACTIVATION, PLACEMENT),
    ),
    PilotMunicipality(
        "Schagen", "Noord-Holland", 47_000, Balance.SURPLUS, SafetyNet.NONE,
        "gemeentelijk", (DATA, PLACEMENT, INFLOW),
    ),
)  # fmt: skip
"""The eight pilot municipalities of docs/domain.md §11; scores are illustrative."""

# ------------------------------------------------------------- the national example


@dataclass(frozen=True)
class Place:
    """A municipality registering on its own: real name, approximate population."""

    name: str
    province: str
    inhabitants: int
    balance: Balance


@dataclass(frozen=True)
class Organisation:
    """A regional executing organisation and its member municipalities."""

    name: str
    province: str
    members: tuple[tuple[str, int], ...]
    balance: Balance


@dataclass(frozen=True)
class BaseFacts:
    """The facts of one national registrant before the seeded details are added."""

    name: str
    kind: RegistrantKind
    members: tuple[str, ...]
    province: str
    inhabitants: int
    balance: Balance


D, S, N = Balance.DEFICIT, Balance.SURPLUS, Balance.NEUTRAL

NATIONAL_MUNICIPALITIES: tuple[Place, ...] = (
    Place("Groningen", "Groningen", 238_000, D),
    Place("Midden-Groningen", "Groningen", 61_000, D),
    Place("Het Hogeland", "Groningen", 48_000, D),
    Place("Westerkwartier", "Groningen", 66_000, S),
    Place("Leeuwarden", "Friesland", 128_000, D),
    Place("Súdwest-Fryslân", "Friesland", 92_000, S),
    Place("Smallingerland", "Friesland", 57_000, D),
    Place("Heerenveen", "Friesland", 52_000, N),
    Place("Emmen", "Drenthe", 108_000, D),
    Place("Assen", "Drenthe", 69_000, D),
    Place("Hoogeveen", "Drenthe", 56_000, S),
    Place("Zwolle", "Overijssel", 132_000, D),
    Place("Enschede", "Overijssel", 161_000, D),
    Place("Almelo", "Overijssel", 74_000, D),
    Place("Deventer", "Overijssel", 102_000, S),
    Place("Kampen", "Overijssel", 55_000, N),
    Place("Almere", "Flevoland", 226_000, D),
    Place("Lelystad", "Flevoland", 82_000, D),
    Place("Dronten", "Flevoland", 43_000, S),
    Place("Arnhem", "Gelderland", 166_000, D),
    Place("Apeldoorn", "Gelderland", 168_000, S),
    Place("Ede", "Gelderland", 122_000, S),
    Place("Oude IJsselstreek", "Gelderland", 40_000, D),
    Place("Doetinchem", "Gelderland", 59_000, D),
    Place("Tiel", "Gelderland", 43_000, D),
    Place("Wijchen", "Gelderland", 41_000, S),
    Place("Utrecht", "Utrecht", 370_000, D),
    Place("Amersfoort", "Utrecht", 160_000, S),
    Place("Nieuwegein", "Utrecht", 64_000, D),
    Place("Veenendaal", "Utrecht", 68_000, N),
    Place("Haarlem", "Noord-Holland", 165_000, D),
    Place("Zaanstad", "Noord-Holland", 158_000, D),
    Place("Amstelveen", "Noord-Holland", 95_000, S),
    Place("Den Helder", "Noord-Holland", 57_000, D),
    Place("Hoorn", "Noord-Holland", 74_000, D),
    Place("Alkmaar", "Noord-Holland", 111_000, S),
    Place("Rotterdam", "Zuid-Holland", 670_000, D),
    Place("Leiden", "Zuid-Holland", 127_000, S),
    Place("Dordrecht", "Zuid-Holland", 121_000, D),
    Place("Barendrecht", "Zuid-Holland", 50_000, D),
    Place("Gouda", "Zuid-Holland", 75_000, D),
    Place("Schiedam", "Zuid-Holland", 80_000, D),
    Place("Terneuzen", "Zeeland", 55_000, D),
    Place("Goes", "Zeeland", 39_000, S),
    Place("Schouwen-Duiveland", "Zeeland", 34_000, N),
    Place("'s-Hertogenbosch", "Noord-Brabant", 160_000, S),
    Place("Eindhoven", "Noord-Brabant", 246_000, S),
    Place("Tilburg", "Noord-Brabant", 227_000, D),
    Place("Helmond", "Noord-Brabant", 95_000, D),
    Place("Roosendaal", "Noord-Brabant", 78_000, D),
    Place("Maastricht", "Limburg", 122_000, D),
    Place("Heerlen", "Limburg", 87_000, D),
    Place("Venlo", "Limburg", 102_000, D),
    Place("Sittard-Geleen", "Limburg", 91_000, S),
    Place("Kerkrade", "Limburg", 45_000, D),
    Place("Weert", "Limburg", 51_000, N),
)
"""Municipalities registering on their own, approximate 2025 populations."""

NATIONAL_ORGANISATIONS: tuple[Organisation, ...] = (
    Organisation(
        "Werkbedrijf Rijk van Nijmegen",
        "Gelderland",
        (
            ("Nijmegen", 182_000),
            ("Berg en Dal", 36_000),
            ("Beuningen", 26_000),
            ("Druten", 19_000),
            ("Heumen", 17_000),
            ("Mook en Middelaar", 8_000),
            ("Wijchen", 41_000),
        ),
        D,
    ),
    Organisation(
        "Ferm Werk",
        "Utrecht",
        (
            ("Woerden", 53_000),
            ("Montfoort", 14_000),
            ("Oudewater", 10_000),
            ("Bodegraven-Reeuwijk", 36_000),
        ),
        S,
    ),
    Organisation(
        "ISD Bollenstreek",
        "Zuid-Holland",
        (("Hillegom", 23_000), ("Lisse", 23_000), ("Noordwijk", 44_000), ("Teylingen", 38_000)),
        N,
    ),
    Organisation(
        "Orionis Walcheren",
        "Zeeland",
        (("Middelburg", 50_000), ("Vlissingen", 45_000), ("Veere", 22_000)),
        D,
    ),
    Organisation(
        "Werkplein Hart van West-Brabant",
        "Noord-Brabant",
        (
            ("Drimmelen", 27_000),
            ("Etten-Leur", 45_000),
            ("Halderberge", 30_000),
            ("Moerdijk", 38_000),
            ("Rucphen", 22_000),
            ("Zundert", 22_000),
        ),
        N,
    ),
)
"""Regional organisations; Wijchen is also registered on its own (on purpose)."""

REGIONALLY_EXECUTED: frozenset[str] = frozenset(
    {"Oude IJsselstreek", "Barendrecht", "Tiel", "Heerlen", "Kerkrade", "Den Helder", "Hoogeveen"}
)
"""Municipalities that execute through a regional partnership."""

PILOT_NAMES: frozenset[str] = frozenset(p.name for p in PILOT)

THEME_POPULARITY: dict[str, int] = {
    "Organisatie en interne samenwerking": 2,
    "Instroom(beperking)": 4,
    "Bemiddeling naar werk": 5,
    "Activering op maat": 4,
    "Handhaving": 2,
    "Uitvoerende professionals": 2,
    "Relatiemanagement en externe samenwerking": 2,
    "Data- en informatiegedreven werken": 5,
    "Financieel": 2,
    "Beleid": 3,
}
"""Relative chance that a registrant chooses a theme (national example)."""

SAFETY_NET_COUNTS: tuple[tuple[SafetyNet, int], ...] = (
    (SafetyNet.ADDITIONAL, 15),
    (SafetyNet.REGULAR, 10),
)
"""How many deficit registrants get each safety-net status; the rest get none."""

LATE_COUNT = 3
MISSING_SELF_EVALUATION_COUNT = 2
MISSING_THEMES_COUNT = 2
SUBTHEME_SHARE = 0.35
"""Share of complete registrants that also scores subthemes."""
NO_HOST_SHARE = 0.1

# ------------------------------------------------------------------- generation


def choose_themes(rng: random.Random, popularity: dict[str, int]) -> tuple[str, str, str]:
    """Three distinct themes, drawn by popularity without replacement, in rank order."""
    pool = dict(popularity)
    chosen: list[str] = []
    while len(chosen) < 3:
        names = sorted(pool)
        pick = rng.choices(names, weights=[pool[n] for n in names])[0]
        chosen.append(pick)
        del pool[pick]
    return (chosen[0], chosen[1], chosen[2])


def chosen_theme_score(rng: random.Random) -> int:
    """A chosen theme usually shows a learning need (1–2), sometimes experience (3)."""
    return rng.choices((1, 2, 3), weights=(4, 5, 2))[0]


def other_theme_score(rng: random.Random) -> int:
    """A theme not chosen: anything from not relevant to expert, mostly 2–3."""
    return rng.choices((0, 1, 2, 3, 4), weights=(1, 2, 4, 4, 1))[0]


def subtheme_scores(rng: random.Random, main: int, subthemes: Sequence[str]) -> dict[str, int]:
    """Subtheme scores scattered around the main score (all 0 when it is not relevant)."""
    if main == 0:
        return {name: 0 for name in subthemes}
    return {name: min(4, max(1, main + rng.choice((-1, 0, 0, 1)))) for name in subthemes}


def self_evaluation(
    rng: random.Random,
    catalogue: ThemeCatalogue,
    chosen: Sequence[str],
    with_subthemes: bool,
) -> SelfEvaluation:
    """Scores for all main themes (and optionally their subthemes), plausible for ``chosen``."""
    scores: dict[str, float] = {}
    subscores: dict[str, dict[str, int]] = {}
    for theme in catalogue.themes:
        main = chosen_theme_score(rng) if theme.name in chosen else other_theme_score(rng)
        scores[theme.name] = float(main)
        if with_subthemes and theme.subthemes:
            subscores[theme.name] = subtheme_scores(rng, main, theme.subthemes)
    return SelfEvaluation(scores=scores, subscores=subscores)


def theme_choices(rng: random.Random, chosen: Sequence[str]) -> tuple[ThemeChoice, ...]:
    """The ranked choices with short motivations; lower ranks leave some fields empty."""
    choices = []
    for rank, theme in enumerate(chosen, start=1):
        texts = THEME_TEXTS[theme]
        full = rank == 1 or rng.random() < 0.5
        choices.append(
            ThemeChoice(
                rank=rank,
                theme=theme,
                went_well=rng.choice(WENT_WELL) if full else "",
                obstacles=rng.choice(texts["obstacles"]),
                missing=rng.choice(MISSING) if full else "",
                want_to_learn=rng.choice(texts["want_to_learn"]),
                can_teach=rng.choice(texts["can_teach"]) if rank == 1 or full else "",
            )
        )
    return tuple(choices)


def email_for(name: str) -> str:
    """A role address on the reserved ``.example`` domain: never a real mailbox."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.casefold().replace("'s-", "s-")).strip("-")
    return f"leernetwerk@{slug}.example"


def registration_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A date between ``start`` and ``end`` inclusive."""
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def pilot_registrations(catalogue: ThemeCatalogue | None = None) -> Registrations:
    """The eight pilot municipalities of docs/domain.md §11 with illustrative scores."""
    catalogue = catalogue or ThemeCatalogue()
    rng = random.Random(PILOT_SEED)
    registrations = []
    for pilot in PILOT:
        registrations.append(
            Registration(
                name=pilot.name,
                kind=RegistrantKind.MUNICIPALITY,
                province=pilot.province,
                inhabitants=pilot.inhabitants,
                balance=pilot.balance,
                safety_net=pilot.safety_net,
                execution_variant=pilot.execution_variant,
                registered_on=registration_date(rng, dt.date(2025, 2, 3), dt.date(2025, 4, 30)),
                can_host=True,
                contact=rng.choice(CONTACT_ROLES),
                email=email_for(pilot.name),
                self_evaluation=self_evaluation(
                    rng, catalogue, pilot.themes, with_subthemes=rng.random() < 0.5
                ),
                themes=theme_choices(rng, pilot.themes),
            )
        )
    return Registrations(registrations=tuple(registrations), catalogue=catalogue)


def safety_nets(rng: random.Random, deficit_names: Sequence[str]) -> dict[str, SafetyNet]:
    """Spread the safety-net statuses over deficit registrants only (docs/domain.md §2)."""
    shuffled = sorted(deficit_names)
    rng.shuffle(shuffled)
    statuses: dict[str, SafetyNet] = {}
    position = 0
    for status, count in SAFETY_NET_COUNTS:
        for name in shuffled[position : position + count]:
            statuses[name] = status
        position += count
    return statuses


def registrant_rows(
    municipalities: Sequence[Place], organisations: Sequence[Organisation]
) -> list[BaseFacts]:
    """Base facts per registrant (name, kind, members, province, size, balance)."""
    rows = [
        BaseFacts(
            name=m.name,
            kind=RegistrantKind.MUNICIPALITY,
            members=(),
            province=m.province,
            inhabitants=m.inhabitants,
            balance=m.balance,
        )
        for m in municipalities
    ]
    rows += [
        BaseFacts(
            name=o.name,
            kind=RegistrantKind.ORGANISATION,
            members=tuple(name for name, _ in o.members),
            province=o.province,
            inhabitants=sum(inhabitants for _, inhabitants in o.members),
            balance=o.balance,
        )
        for o in organisations
    ]
    return rows


def national_registrations(catalogue: ThemeCatalogue | None = None) -> Registrations:
    """About sixty registrants for cycle 2026–2027, with the cases intake must handle."""
    catalogue = catalogue or ThemeCatalogue()
    rng = random.Random(NATIONAL_SEED)
    base = registrant_rows(NATIONAL_MUNICIPALITIES, NATIONAL_ORGANISATIONS)
    base.sort(key=lambda r: (r.province, r.name))
    names = [r.name for r in base]
    statuses = safety_nets(rng, [r.name for r in base if r.balance is Balance.DEFICIT])
    special = rng.sample(
        [n for n in names if n not in PILOT_NAMES],
        LATE_COUNT + MISSING_SELF_EVALUATION_COUNT + MISSING_THEMES_COUNT,
    )
    late = set(special[:LATE_COUNT])
    no_self_evaluation = set(special[LATE_COUNT : LATE_COUNT + MISSING_SELF_EVALUATION_COUNT])
    no_themes = set(special[LATE_COUNT + MISSING_SELF_EVALUATION_COUNT :])
    popularity = {name: THEME_POPULARITY.get(name, 1) for name in catalogue.names}

    registrations = []
    for row in base:
        chosen = choose_themes(rng, popularity)
        evaluation = self_evaluation(
            rng, catalogue, chosen, with_subthemes=rng.random() < SUBTHEME_SHARE
        )
        if row.name in late:
            registered_on = registration_date(rng, dt.date(2026, 5, 4), dt.date(2026, 5, 22))
        else:
            registered_on = registration_date(rng, dt.date(2026, 2, 2), dt.date(2026, 4, 30))
        is_organisation = row.kind is RegistrantKind.ORGANISATION
        regional = is_organisation or row.name in REGIONALLY_EXECUTED
        registrations.append(
            Registration(
                name=row.name,
                kind=row.kind,
                members=row.members,
                province=row.province,
                inhabitants=row.inhabitants,
                balance=row.balance,
                safety_net=statuses.get(row.name, SafetyNet.NONE),
                execution_variant="regionaal" if regional else "gemeentelijk",
                registered_on=registered_on,
                previous_cycles=(PILOT_CYCLE_NAME,) if row.name in PILOT_NAMES else (),
                can_host=rng.random() >= NO_HOST_SHARE,
                contact=rng.choice(CONTACT_ROLES),
                email=email_for(row.name),
                self_evaluation=None if row.name in no_self_evaluation else evaluation,
                themes=() if row.name in no_themes else theme_choices(rng, chosen),
            )
        )
    return Registrations(registrations=tuple(registrations), catalogue=catalogue)


# ---------------------------------------------------------------------- writing


def _fixed_core_times(core_xml: bytes, when: dt.datetime) -> bytes:
    """docProps/core.xml with the created and modified times set to ``when``."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    for tag in (b"dcterms:created", b"dcterms:modified"):
        pattern = re.compile(b"(<" + tag + b"[^>]*>)[^<]*(</" + tag + b">)")
        core_xml = pattern.sub(lambda m: m.group(1) + stamp + m.group(2), core_xml)
    return core_xml


def normalise_xlsx(path: Path, when: dt.datetime = FIXED_DOCUMENT_TIME) -> None:
    """Make a saved .xlsx independent of the clock, in place.

    openpyxl stamps the *modified* document property with the current time
    on every save (whatever ``wb.properties.modified`` says) and gives every
    zip entry the current time, so two saves a second apart differ. This
    rewrites the zip with fixed document times and fixed entry metadata,
    keeping the entry order and contents otherwise unchanged.
    """
    with zipfile.ZipFile(path) as source:
        entries = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = _fixed_core_times(data, when)
            entry = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)


def add_illustrative_note(path: Path) -> None:
    """Put the 'scores are illustrative' note at the top of the Instructies sheet."""
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    wb = load_workbook(path)
    ws = wb[INSTRUCTIONS_SHEET] if INSTRUCTIONS_SHEET in wb.sheetnames else None
    if ws is None:
        ws = wb.create_sheet(INSTRUCTIONS_SHEET, 0)
    ws.insert_rows(1, amount=2)
    ws.cell(row=1, column=1, value=ILLUSTRATIVE_NOTE).font = Font(bold=True, color="FFC00000")
    wb.properties.created = FIXED_DOCUMENT_TIME
    wb.properties.modified = FIXED_DOCUMENT_TIME
    wb.save(path)


def write_example(
    registrations: Registrations,
    path: Path,
    config: CycleConfig,
    *,
    illustrative: bool = False,
) -> Path:
    """Write one example workbook reproducibly at ``path`` (replacing it)."""
    from leernetwerk.registrations_io import write_registrations

    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".tmp-{path.name}")
    try:
        write_registrations(registrations, staging, config)
        if illustrative:
            add_illustrative_note(staging)
        normalise_xlsx(staging)
        staging.replace(path)
    finally:
        staging.unlink(missing_ok=True)
    return path


def pilot_config() -> CycleConfig:
    """The pilot's cycle.toml (committed next to its workbook)."""
    return load_cycle_config(EXAMPLES_DIR / PILOT_DIR / "cycle.toml")


def national_config() -> CycleConfig:
    """The first structural cycle's config (cycles/2026-2027/cycle.toml)."""
    return load_cycle_config(NATIONAL_CYCLE)


def generate_examples(out_root: Path = EXAMPLES_DIR) -> list[Path]:
    """Write both example workbooks under ``out_root``; return their paths."""
    pilot = pilot_config()
    national = national_config()
    return [
        write_example(
            pilot_registrations(pilot.catalogue),
            out_root / PILOT_DIR / WORKBOOK_NAME,
            pilot,
            illustrative=True,
        ),
        write_example(
            national_registrations(national.catalogue),
            out_root / NATIONAL_DIR / WORKBOOK_NAME,
            national,
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: regenerate the examples (default: in place)."""
    parser = argparse.ArgumentParser(description="Genereer de voorbeeldbestanden opnieuw.")
    parser.add_argument(
        "--out",
        type=Path,
        default=EXAMPLES_DIR,
        help="map waarin pilot-2025/ en national-2026/ komen (standaard: examples/)",
    )
    args = parser.parse_args(argv)
    for path in generate_examples(args.out):
        print(f"Geschreven: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
