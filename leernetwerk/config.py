"""The cycle configuration, loaded from ``cycle.toml``.

Every field has a default and is validated; unknown keys are an error with a
"bedoelde u …?" suggestion, so a typo in a weight name never silently does
nothing. Weights are non-negative except ``clubs.region`` (signed: positive
clusters clubs by province for short travel, negative spreads them).

Every field carries a Dutch ``description``: it is the comment of that key in
the ``cycle.toml`` that ``leernetwerk init`` writes (:mod:`leernetwerk.cycle.init`),
so the text a user reads lives in one place. Dates come from the cycle table
(:mod:`leernetwerk.timeline`).
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from leernetwerk.capacity import CapacityNorms
from leernetwerk.domain import DEFAULT_EXECUTION_VARIANTS, DEFAULT_THEMES, Theme, ThemeCatalogue
from leernetwerk.errors import Problem, UserError, did_you_mean
from leernetwerk.fsutil import sha256_bytes, sha256_file
from leernetwerk.names import normalise_name
from leernetwerk.planning_settings import PlanningSection
from leernetwerk.timeline import (
    MONTHS,
    REFERENCE_YEAR,
    default_deadline,
    round_numbers,
    rounds_text,
)


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _default_deadline_text() -> str:
    """'1 mei van budget_year + 1', from the cycle table."""
    day = default_deadline(REFERENCE_YEAR)
    return f"{day.day} {MONTHS[day.month - 1]} van budget_year + {day.year - REFERENCE_YEAR}"


ROUNDS = len(round_numbers())
"""Rounds of learning sessions in the cycle table (round 1 Sep–Dec, round 2 Jan–Mar)."""


class CycleSection(Section):
    name: str = Field(
        "2026-2027",
        description="Naam van de cyclus (mei van budget_year + 1 tot en met april van "
        "budget_year + 2); staat in de uitvoer en in 'Eerder deelgenomen'.",
    )
    budget_year: int = Field(
        2025,
        ge=2020,
        le=2100,
        description="Begrotingsjaar T waar de cyclus bij hoort; alle data van de cyclus "
        "volgen hieruit.",
    )
    places: int = Field(
        30, ge=1, description="Aantal plaatsen: hoogstens zoveel aanmelders worden geselecteerd."
    )
    registration_deadline: dt.date | None = Field(
        None,
        description="Laatste dag waarop aanmeldingen meetellen (inclusief); zonder deze "
        f"instelling {_default_deadline_text()}.",
    )
    execution_variants: tuple[str, ...] = Field(
        DEFAULT_EXECUTION_VARIANTS,
        description="Toegestane waarden in de kolom 'Uitvoeringsvariant' van het aanmeldformulier.",
    )
    allow_incomplete: bool = Field(
        False,
        description="Of onvolledige aanmeldingen (zonder zelfevaluatie of thema's) geselecteerd "
        "mogen worden; bij false worden ze vermeld met wat ontbreekt en nooit geselecteerd.",
    )
    organisation_places: int = Field(
        1,
        ge=1,
        description="Aantal plaatsen dat een uitvoeringsorganisatie in de selectie inneemt.",
    )

    @property
    def deadline(self) -> dt.date:
        """The configured deadline, else the one of the cycle table (1 May T+1)."""
        return self.registration_deadline or default_deadline(self.budget_year)


class ThemesSection(Section):
    catalogue: tuple[Theme, ...] = Field(
        DEFAULT_THEMES,
        description="Eén [[themes.catalogue]]-tabel per hoofdthema, in weergavevolgorde. De "
        "tabbladen Zelfevaluatie en Leerthemas van het aanmeldformulier gebruiken deze namen.",
    )

    def as_catalogue(self) -> ThemeCatalogue:
        return ThemeCatalogue(themes=self.catalogue)


class SelectionSection(Section):
    balance_tolerance: int = Field(
        2,
        ge=0,
        description="Harde regel: |tekort − (overschot + neutraal)| onder de geselecteerden is "
        "hoogstens dit, zolang de aanmeldingen dat toelaten.",
    )


class ClubsSection(Section):
    min_size: int = Field(8, ge=2, description="Kleinste club (aantal deelnemers).")
    max_size: int = Field(12, ge=2, description="Grootste club.")
    target_size: int = Field(
        10, ge=2, description="Gewenste clubgrootte (min_size ≤ target_size ≤ max_size)."
    )
    balance_tolerance: int = Field(
        2,
        ge=0,
        description="Harde regel: |2 × tekort − clubgrootte| is in elke club hoogstens dit, "
        "zolang dat kan.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> ClubsSection:
        if not self.min_size <= self.target_size <= self.max_size:
            raise ValueError("vereist: min_size ≤ target_size ≤ max_size")
        return self


class SessionsSection(Section):
    min_size: int = Field(2, ge=2, description="Kleinste leerbijeenkomst (aantal deelnemers).")
    max_size: int = Field(
        3,
        ge=2,
        le=3,
        description="Grootste leerbijeenkomst; 4 of meer is nooit toegestaan (de pilot zag de "
        "diepgang dan afnemen).",
    )
    rounds: int = Field(
        ROUNDS,
        ge=1,
        le=ROUNDS,
        description=f"Aantal rondes leerbijeenkomsten ({rounds_text()}): 1 tot en met {ROUNDS}.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> SessionsSection:
        if self.min_size > self.max_size:
            raise ValueError("vereist: min_size ≤ max_size")
        return self


class SelectionWeights(Section):
    safety_net: float = Field(
        100.0,
        ge=0,
        description="Per geselecteerde: gewicht × prioriteit van het vangnet (aanvullend 2, "
        "regulier 1, geen 0).",
    )
    balance: float = Field(
        20.0,
        ge=0,
        description="Straf per eenheid |tekort − (overschot + neutraal)| onder de geselecteerden.",
    )
    province_spread: float = Field(
        6.0,
        ge=0,
        description="Per vertegenwoordigde provincie (leden van organisaties tellen mee).",
    )
    size_spread: float = Field(
        4.0,
        ge=0,
        description="Per vertegenwoordigde grootteklasse (klein, middel, groot, zeer groot).",
    )
    variant_spread: float = Field(
        4.0, ge=0, description="Per vertegenwoordigde uitvoeringsvariant."
    )
    earlier_participation: float = Field(
        30.0, ge=0, description="Straf per geselecteerde die al aan een eerdere cyclus deelnam."
    )


class ClubWeights(Section):
    shared_themes: float = Field(
        3.0,
        ge=0,
        description="Per paar in een club, per gedeeld gekozen thema, gewogen naar rangorde.",
    )
    similar_profile: float = Field(
        1.0, ge=0, description="Per paar in een club: hoe gelijk hun zelfevaluaties zijn."
    )
    similar_size: float = Field(
        1.0, ge=0, description="Per paar in een club uit dezelfde grootteklasse."
    )
    same_variant: float = Field(
        1.0, ge=0, description="Per paar in een club met dezelfde uitvoeringsvariant."
    )
    region: float = Field(
        0.0,
        description="Met teken, per paar in een club uit dezelfde provincie: > 0 clustert clubs "
        "per regio (korte reistijd naar de fysieke bijeenkomsten), < 0 spreidt ze, 0 negeert "
        "de regio.",
    )
    stability: float = Field(
        50.0, ge=0, description="Met --keep: per deelnemer die in zijn eerdere club blijft."
    )
    host_shortfall: float = Field(
        100.0,
        ge=0,
        description="Straf per ontbrekende host in een club (zodat niemand twee keer hoeft te "
        "hosten).",
    )
    """Per host a club lacks to give every session over the cycle its own host."""


class SessionWeights(Section):
    shared_themes: float = Field(
        4.0,
        ge=0,
        description="Per paar in een leerbijeenkomst, per gedeeld gekozen thema, gewogen naar "
        "rangorde.",
    )
    learner_bringer: float = Field(
        3.0,
        ge=0,
        description="Per paar (haler, brenger) op een thema dat de haler koos (haler scoort "
        "1–2, brenger 3–4).",
    )
    similar_level: float = Field(
        1.0,
        ge=0,
        description="Per paar met hetzelfde niveau op een thema dat beiden kozen (verdieping).",
    )
    balance_mix: float = Field(
        3.0,
        ge=0,
        description="Per leerbijeenkomst met zowel een deelnemer met een tekort als een met "
        "een overschot of neutraal saldo.",
    )
    size_gap: float = Field(
        1.0,
        ge=0,
        description="Straf per paar in een leerbijeenkomst dat twee of meer grootteklassen uit "
        "elkaar ligt.",
    )
    first_choice: float = Field(
        5.0,
        ge=0,
        description="Per deelnemer van wie het eerstgekozen thema een thema van een van zijn "
        "leerbijeenkomsten is.",
    )
    stability: float = Field(
        20.0,
        ge=0,
        description="Met --keep: per deelnemer die zijn eerdere leerbijeenkomst houdt.",
    )
    met_before: float = Field(
        1000.0,
        ge=0,
        description="Straf per leerbijeenkomst met een paar dat elkaar in een eerdere cyclus al "
        "trof (hard, tenzij het niet anders kan).",
    )
    """Per session in which a pair meets that already met in an earlier cycle."""
    host_twice: float = Field(
        1000.0,
        ge=0,
        description="Straf per extra leerbijeenkomst waarin een deelnemer de enige is die mag "
        "hosten (het hosten moet rouleren).",
    )
    """Per extra session in which a member is the only one who may host."""


class Weights(Section):
    selection: SelectionWeights = Field(
        SelectionWeights(), description="Gewichten van de selectie."
    )
    clubs: ClubWeights = Field(ClubWeights(), description="Gewichten van de clubindeling.")
    sessions: SessionWeights = Field(
        SessionWeights(), description="Gewichten van de leerbijeenkomsten."
    )


PinName = Annotated[str, AfterValidator(normalise_name)]
"""A registrant named in a pin, normalised as the intake normalises names (NFC, no
invisible characters, single spaces), so it matches the workbook's spelling."""


class ClubPin(Section):
    name: PinName = Field(description="Naam van de deelnemer, zoals in het aanmeldformulier.")
    club: int = Field(ge=1, description="Nummer van de club (vanaf 1).")


class TogetherPin(Section):
    members: tuple[PinName, PinName] = Field(description="De twee deelnemers.")
    round: int = Field(ge=1, le=ROUNDS, description="De ronde (1 of 2).")


class HostPin(Section):
    name: PinName = Field(description="Naam van de deelnemer die host.")
    round: int = Field(ge=1, le=ROUNDS, description="De ronde (1 of 2).")


class Pins(Section):
    """Stuurgroep decisions the engines must honour on every rerun."""

    select: tuple[PinName, ...] = Field(
        (), description='Selecteer deze aanmelders altijd, bijvoorbeeld ["Zwolle"].'
    )
    exclude: tuple[PinName, ...] = Field(
        (), description='Selecteer deze aanmelders nooit, bijvoorbeeld ["Rotterdam"].'
    )
    club: tuple[ClubPin, ...] = Field(
        (),
        description="Zet een deelnemer in club k (vanaf 1), bijvoorbeeld "
        '[{ name = "Zwolle", club = 1 }].',
    )
    apart: tuple[tuple[PinName, PinName], ...] = Field(
        (),
        description="Deze twee nooit in dezelfde club of leerbijeenkomst, bijvoorbeeld "
        '[["Zwolle", "Leeuwarden"]].',
    )
    together: tuple[TogetherPin, ...] = Field(
        (),
        description="Deze twee samen in een leerbijeenkomst in de gegeven ronde, bijvoorbeeld "
        '[{ members = ["Assen", "Emmen"], round = 1 }].',
    )
    host: tuple[HostPin, ...] = Field(
        (),
        description="Deze deelnemer host een leerbijeenkomst in de gegeven ronde, bijvoorbeeld "
        '[{ name = "Tilburg", round = 2 }].',
    )


class SolverSection(Section):
    """CP-SAT settings. Only a deterministic time limit is used, so results
    do not depend on machine speed; see docs for the measured effect."""

    seed: int = Field(0, description="Startwaarde (seed) van de solver.")
    num_workers: int = Field(
        2,
        ge=1,
        le=16,
        description="Aantal zoekprocessen; bij meer dan één wisselt CP-SAT ze af, zodat runs "
        "reproduceerbaar blijven.",
    )
    """More than one worker always runs with ``interleave_search``, CP-SAT's
    reproducible parallel mode (OR-Tools issue 2793); see docs/determinism.md."""
    selection_num_workers: int = Field(
        1,
        ge=1,
        le=16,
        description="Zoekprocessen voor de selectie: kleine modellen die per afgewezen aanmelder "
        "opnieuw worden opgelost, waarvoor één proces verreweg het snelst is.",
    )
    """National example: 1 s with 1 worker, 91 s with 2 interleaved."""
    max_deterministic_time: float = Field(
        20.0,
        gt=0,
        description="Per selectieberekening, in deterministische tijdseenheden van CP-SAT "
        "(ongeveer seconden).",
    )
    club_deterministic_time: float = Field(
        1.0,
        gt=0,
        description="Voor het clubmodel, in deterministische tijdseenheden (de startoplossing "
        "ligt dicht bij de beste; meer tijd levert meetbaar niets op).",
    )
    """docs/benchmark-matching.md."""
    session_deterministic_time: float = Field(
        1.0,
        gt=0,
        description="Per club, voor het model van de leerbijeenkomsten, in deterministische "
        "tijdseenheden (goede oplossingen komen vroeg).",
    )
    """More time mostly tightens the bound (docs/benchmark-matching.md)."""
    forcing_cost_budget: float = Field(
        60.0,
        ge=0,
        description="Deterministische tijd voor alle herberekeningen 'wat kost het om X toch "
        "te selecteren' samen.",
    )


class CycleConfig(Section):
    cycle: CycleSection = Field(
        CycleSection(),
        description="De cyclus zelf: naam, begrotingsjaar, plaatsen en regels voor de "
        "aanmeldingen.",
    )
    themes: ThemesSection = Field(
        ThemesSection(), description="De themacatalogus van deze cyclus (per cyclus aan te passen)."
    )
    selection: SelectionSection = Field(
        SelectionSection(), description="Harde regels van de selectie."
    )
    clubs: ClubsSection = Field(ClubsSection(), description="Grootte en balans van de clubs.")
    sessions: SessionsSection = Field(
        SessionsSection(), description="Grootte en aantal rondes van de leerbijeenkomsten."
    )
    weights: Weights = Field(
        Weights(), description="Gewichten van de zachte criteria; 0 zet een criterium uit."
    )
    pins: Pins = Field(
        Pins(),
        description="Besluiten van de stuurgroep die elke nieuwe run respecteert; namen zoals "
        "in het aanmeldformulier. Standaard leeg.",
    )
    solver: SolverSection = Field(
        SolverSection(),
        description="Instellingen van CP-SAT. Alleen een deterministische tijdslimiet, zodat "
        "dezelfde invoer op elke computer hetzelfde voorstel geeft.",
    )
    capacity: CapacityNorms = Field(
        CapacityNorms(),
        description="De urennormen van de uitvoerder per activiteitengroep (standaard die uit "
        "bijlage E van het rapport); gebruikt door 'leernetwerk capacity'.",
    )
    planning: PlanningSection = Field(
        PlanningSection(),
        description="Regels en gewichten voor het inplannen van de bijeenkomsten "
        "('leernetwerk plan').",
    )

    @property
    def catalogue(self) -> ThemeCatalogue:
        return self.themes.as_catalogue()


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names allowed at ``loc`` (a pydantic error location) in ``model``."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(str(part))
        if field is None:
            return list(current.model_fields)
        current = field.annotation
        # unwrap tuple[X, ...] to X for lists of tables
        args = getattr(current, "__args__", None)
        if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            current = args[0]
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def problems_from_validation(error: ValidationError, source: str) -> list[Problem]:
    """Turn a pydantic error into located Dutch problems for a config file."""
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        key = ".".join(str(p) for p in loc)
        value = item.get("input")
        shown = None if isinstance(value, dict) else str(value)
        if item["type"] == "extra_forbidden":
            allowed = _fields_at(CycleConfig, loc[:-1])
            message = f"onbekende instelling '{loc[-1]}'." + did_you_mean(str(loc[-1]), allowed)
        elif item["type"] == "missing":
            message = "verplichte instelling ontbreekt."
        else:
            message = f"ongeldige waarde: {dutch_reason(item)}."
        problems.append(Problem(sheet=source, column=key, value=shown, message=message))
    return problems


def dutch_reason(item: Any) -> str:
    """pydantic's reason for an invalid value, in Dutch for the common cases."""
    ctx = item.get("ctx") or {}
    reasons = {
        "greater_than_equal": "moet minstens {ge} zijn",
        "greater_than": "moet groter zijn dan {gt}",
        "less_than_equal": "mag hoogstens {le} zijn",
        "less_than": "moet kleiner zijn dan {lt}",
        "float_parsing": "dit is geen getal",
        "float_type": "dit is geen getal",
        "int_parsing": "dit is geen geheel getal",
        "int_type": "dit is geen geheel getal",
        "int_from_float": "dit is geen geheel getal",
        "bool_parsing": "verwacht true of false",
        "bool_type": "verwacht true of false",
        "string_type": "verwacht tekst",
        "date_parsing": "dit is geen datum (verwacht JJJJ-MM-DD)",
        "date_from_datetime_parsing": "dit is geen datum (verwacht JJJJ-MM-DD)",
        "literal_error": "kies uit {expected}",
        "too_short": "geef minstens {min_length} geldige waarde(n)",
        "too_long": "geef hoogstens {max_length} waarde(n)",
    }
    if "expected" in ctx:  # pydantic lists choices as "'a', 'b' or 'c'"
        ctx = {**ctx, "expected": str(ctx["expected"]).replace(" or ", " of ")}
    template = reasons.get(item["type"])
    if template is None:
        return str(item["msg"])
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return str(item["msg"])


def config_sha256(path: Path | None, config: CycleConfig) -> str:
    """The fingerprint a run records for its config: the SHA-256 of cycle.toml as
    given, or (without one) of the default config as canonical JSON."""

    if path is not None:
        return sha256_file(path)
    canonical = json.dumps(config.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return sha256_bytes(canonical.encode("utf-8"))


def load_cycle_config(path: Path | str | None) -> CycleConfig:
    """Read and validate ``cycle.toml``; ``None`` gives the defaults."""
    if path is None:
        return CycleConfig()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"Cycleconfiguratie '{path}' bestaat niet.") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UserError(
            Problem(sheet=path.name, message=f"dit is geen geldig TOML-bestand ({exc}).")
        ) from None
    return config_from_dict(data, source=path.name)


def config_from_dict(data: dict[str, Any], source: str = "cycle.toml") -> CycleConfig:
    try:
        return CycleConfig.model_validate(data)
    except ValidationError as exc:
        raise UserError(problems_from_validation(exc, source)) from None


def setting_keys(model: type[BaseModel] = CycleConfig, prefix: str = "") -> list[str]:
    """Every dotted key of a scalar setting (e.g. ``weights.clubs.shared_themes``)."""
    keys = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += setting_keys(annotation, f"{prefix}{name}.")
        else:
            keys.append(f"{prefix}{name}")
    return keys


def with_overrides(
    config: CycleConfig, overrides: dict[str, Any], source: str = "--vary"
) -> CycleConfig:
    """``config`` with dotted settings replaced, validated like cycle.toml.

    An unknown key gets a "Bedoelde u …?" suggestion; a wrong value a located
    Dutch problem (``source`` names where the override came from); all problems in
    one :class:`UserError`. Overrides are the analyst's "what if" on weights and
    settings (``leernetwerk verken``, :mod:`leernetwerk.api`).
    """
    known = set(setting_keys())
    problems = [
        Problem(
            message=f"{source} {key}={value}: onbekende instelling '{key}'."
            + did_you_mean(key, sorted(known))
        )
        for key, value in overrides.items()
        if key not in known
    ]
    if problems:
        raise UserError(problems)
    data = config.model_dump(mode="python")
    for key, value in overrides.items():
        *path, last = key.split(".")
        section = data
        for part in path:
            section = section[part]
        section[last] = value
    try:
        return CycleConfig.model_validate(data)
    except ValidationError as exc:
        located = problems_from_validation(exc, source)
        raise UserError(
            [Problem(message=f"{source} {p.column}={p.value}: {p.message}") for p in located]
        ) from None
