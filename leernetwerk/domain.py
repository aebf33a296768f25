"""The domain model: registrations, self-evaluations, themes, the catalogue.

Everything here is an immutable pydantic model. The workbook reader
(:mod:`leernetwerk.intake`) produces these objects; the matching engines in
:mod:`matching` consume them. Enumerations carry the Dutch words used in the
workbook as their values, so the contract with the user lives in one place.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCORE_MIN = 0
SCORE_MAX = 4
SCORE_LABELS: dict[int, str] = {
    0: "niet relevant / geen leervraag",
    1: "oriënterend",
    2: "in ontwikkeling",
    3: "ervaren",
    4: "expert",
}
LEARNER_SCORES = frozenset({1, 2})
"""A chosen theme scored 1–2: the registrant comes to learn (haler)."""
BRINGER_SCORES = frozenset({3, 4})
"""A theme scored 3–4: the registrant can bring experience (brenger)."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RegistrantKind(StrEnum):
    MUNICIPALITY = "gemeente"
    ORGANISATION = "uitvoeringsorganisatie"


class Balance(StrEnum):
    """BUIG balance: deficit, surplus or neutral."""

    DEFICIT = "tekort"
    SURPLUS = "overschot"
    NEUTRAL = "neutraal"

    @property
    def is_deficit(self) -> bool:
        return self is Balance.DEFICIT


class SafetyNet(StrEnum):
    """Safety-net status; ``priority`` orders them for selection."""

    ADDITIONAL = "aanvullend"
    REGULAR = "regulier"
    NONE = "geen"

    @property
    def priority(self) -> int:
        return {SafetyNet.ADDITIONAL: 2, SafetyNet.REGULAR: 1, SafetyNet.NONE: 0}[self]


PROVINCES: tuple[str, ...] = (
    "Groningen",
    "Friesland",
    "Drenthe",
    "Overijssel",
    "Flevoland",
    "Gelderland",
    "Utrecht",
    "Noord-Holland",
    "Zuid-Holland",
    "Zeeland",
    "Noord-Brabant",
    "Limburg",
)
PROVINCE_ALIASES: dict[str, str] = {"fryslân": "Friesland", "fryslan": "Friesland"}

DEFAULT_EXECUTION_VARIANTS: tuple[str, ...] = ("gemeentelijk", "regionaal")

SIZE_CLASSES: tuple[tuple[str, int, int | None], ...] = (
    ("klein (< 20.000)", 0, 20_000),
    ("middel (20.000–50.000)", 20_000, 50_000),
    ("groot (50.000–100.000)", 50_000, 100_000),
    ("zeer groot (≥ 100.000)", 100_000, None),
)
"""Size classes by inhabitants (lower bound inclusive), used for spread."""


def size_class(inhabitants: int) -> str:
    for label, low, high in SIZE_CLASSES:
        if inhabitants >= low and (high is None or inhabitants < high):
            return label
    raise ValueError(inhabitants)  # pragma: no cover - classes cover all ints >= 0


class Theme(Frozen):
    """A main theme of the catalogue with its subthemes."""

    name: str = Field(description="Naam van het hoofdthema.")
    subthemes: tuple[str, ...] = Field((), description="De subthema's (mag leeg zijn).")


DEFAULT_THEMES: tuple[Theme, ...] = (
    Theme(name="Organisatie en interne samenwerking"),
    Theme(
        name="Instroom(beperking)",
        subthemes=(
            "Screening en diagnose",
            "Procesinrichting",
            "Preventie",
            "Samenwerking bij de poort",
        ),
    ),
    Theme(
        name="Bemiddeling naar werk",
        subthemes=("Matching", "Vinden van geschikte arbeidsplaatsen", "Ketensamenwerking"),
    ),
    Theme(
        name="Activering op maat",
        subthemes=(
            "Breed palet aan instrumenten",
            "Lichte versus intensieve dienstverlening",
            "Casusregie",
        ),
    ),
    Theme(name="Handhaving"),
    Theme(name="Uitvoerende professionals"),
    Theme(name="Relatiemanagement en externe samenwerking"),
    Theme(
        name="Data- en informatiegedreven werken",
        subthemes=(
            "Datakwaliteit",
            "Benutten van beschikbare data",
            "Systemen",
            "Van data naar interventies",
        ),
    ),
    Theme(name="Financieel"),
    Theme(
        name="Beleid",
        subthemes=(
            "Samenwerking met werkgevers",
            "Integraliteit sociaal domein",
            "Beschut werk en banenafspraak",
            "Participatiewet in balans",
        ),
    ),
)


class ThemeCatalogue(Frozen):
    """The cycle's main themes (default: docs/domain.md §4), in display order."""

    themes: tuple[Theme, ...] = DEFAULT_THEMES

    @model_validator(mode="after")
    def _unique_names(self) -> ThemeCatalogue:
        names = [t.name.casefold() for t in self.themes]
        if len(set(names)) != len(names):
            raise ValueError("themanamen in de catalogus moeten uniek zijn")
        if not self.themes:
            raise ValueError("de themacatalogus is leeg")
        return self

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.themes)

    def find(self, name: str) -> Theme | None:
        key = " ".join(name.split()).casefold()
        for theme in self.themes:
            if theme.name.casefold() == key:
                return theme
        return None

    def index(self, name: str) -> int:
        return self.names.index(name)


class ThemeChoice(Frozen):
    """One of the three chosen main themes, with rank (1 = first choice)."""

    rank: int = Field(ge=1, le=3)
    theme: str
    went_well: str = ""
    obstacles: str = ""
    missing: str = ""
    want_to_learn: str = ""
    can_teach: str = ""


MOTIVATION_COLUMNS: dict[str, str] = {
    "went_well": "Wat gaat goed",
    "obstacles": "Waar lopen jullie tegenaan",
    "missing": "Wat missen jullie",
    "want_to_learn": "Wat willen jullie leren",
    "can_teach": "Wat kunnen jullie anderen leren",
}
"""ThemeChoice text field → workbook column header (sheet Leerthemas)."""


class SelfEvaluation(Frozen):
    """Scores 0–4 per main theme, optionally per subtheme.

    ``scores`` holds a score for every main theme that was given or could be
    derived: when only subthemes are scored, the main score is the mean of
    the non-zero subtheme scores (docs/domain.md §4), computed at intake.
    """

    scores: dict[str, float] = Field(default_factory=dict)
    subscores: dict[str, dict[str, int]] = Field(default_factory=dict)

    @field_validator("scores")
    @classmethod
    def _in_range(cls, scores: dict[str, float]) -> dict[str, float]:
        for theme, score in scores.items():
            if not SCORE_MIN <= score <= SCORE_MAX:
                raise ValueError(f"score {score} voor '{theme}' ligt niet tussen 0 en 4")
        return scores

    def score(self, theme: str) -> float:
        return self.scores.get(theme, 0.0)

    def level(self, theme: str) -> int:
        """The score rounded half up to a whole level 0–4."""
        return int(self.score(theme) + 0.5)


class Registration(Frozen):
    """One registrant: a municipality or an organisation with its members."""

    name: str = Field(min_length=1)
    kind: RegistrantKind = RegistrantKind.MUNICIPALITY
    members: tuple[str, ...] = ()
    province: str
    inhabitants: int = Field(gt=0)
    balance: Balance
    safety_net: SafetyNet
    execution_variant: str = "gemeentelijk"
    registered_on: dt.date | None = None
    previous_cycles: tuple[str, ...] = ()
    can_host: bool = True
    contact: str = ""
    email: str = ""
    self_evaluation: SelfEvaluation | None = None
    themes: tuple[ThemeChoice, ...] = ()
    row: int | None = None
    """Row in sheet Aanmeldingen, for messages; not part of the identity."""

    @property
    def is_organisation(self) -> bool:
        return self.kind is RegistrantKind.ORGANISATION

    @property
    def size_class(self) -> str:
        return size_class(self.inhabitants)

    @property
    def missing(self) -> tuple[str, ...]:
        """What makes this registration incomplete (Dutch), empty if complete."""
        missing = []
        if self.self_evaluation is None or not self.self_evaluation.scores:
            missing.append("zelfevaluatie ontbreekt")
        if not self.themes:
            missing.append("leerthema's ontbreken")
        elif len(self.themes) < 3:
            missing.append(f"{len(self.themes)} van 3 leerthema's ingevuld")
        return tuple(missing)

    @property
    def is_complete(self) -> bool:
        return not self.missing

    def is_late(self, deadline: dt.date) -> bool:
        return self.registered_on is not None and self.registered_on > deadline

    def theme_rank(self, theme: str) -> int | None:
        for choice in self.themes:
            if choice.theme == theme:
                return choice.rank
        return None

    @property
    def first_choice(self) -> str | None:
        for choice in sorted(self.themes, key=lambda c: c.rank):
            return choice.theme
        return None

    def score(self, theme: str) -> float:
        return self.self_evaluation.score(theme) if self.self_evaluation else 0.0

    def municipalities(self) -> tuple[str, ...]:
        """The municipalities this registrant stands for (itself, or its members)."""
        return self.members if self.is_organisation and self.members else (self.name,)


class Registrations(Frozen):
    """All registrations of a workbook, in workbook order, with the catalogue."""

    registrations: tuple[Registration, ...]
    catalogue: ThemeCatalogue = ThemeCatalogue()

    def __iter__(self):  # type: ignore[override]
        return iter(self.registrations)

    def __len__(self) -> int:
        return len(self.registrations)

    def by_name(self) -> dict[str, Registration]:
        return {r.name: r for r in self.registrations}

    def get(self, name: str) -> Registration:
        for registration in self.registrations:
            if registration.name == name:
                return registration
        raise KeyError(name)
