"""The cycle configuration, loaded from ``cycle.toml``.

Every field has a default and is validated; unknown keys are an error with a
"bedoelde u …?" suggestion, so a typo in a weight name never silently does
nothing. Weights are non-negative except ``clubs.region`` (signed: positive
clusters clubs by province for short travel, negative spreads them).
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
from leernetwerk.names import normalise_name


class Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CycleSection(Section):
    name: str = "2026-2027"
    budget_year: int = Field(2025, ge=2020, le=2100)
    places: int = Field(30, ge=1)
    registration_deadline: dt.date | None = None
    """Inclusive deadline; default 1 May of budget_year + 1 (DESIGN §3)."""
    execution_variants: tuple[str, ...] = DEFAULT_EXECUTION_VARIANTS
    allow_incomplete: bool = False
    """Whether incomplete registrations may be selected."""
    organisation_places: int = Field(1, ge=1)
    """Places an organisation takes in the selection."""

    @property
    def deadline(self) -> dt.date:
        return self.registration_deadline or dt.date(self.budget_year + 1, 5, 1)


class ThemesSection(Section):
    catalogue: tuple[Theme, ...] = DEFAULT_THEMES

    def as_catalogue(self) -> ThemeCatalogue:
        return ThemeCatalogue(themes=self.catalogue)


class SelectionSection(Section):
    balance_tolerance: int = Field(2, ge=0)
    """Hard: |deficit − (surplus + neutral)| ≤ tolerance among the selected, when feasible."""


class ClubsSection(Section):
    min_size: int = Field(8, ge=2)
    max_size: int = Field(12, ge=2)
    target_size: int = Field(10, ge=2)
    balance_tolerance: int = Field(2, ge=0)
    """Hard: |2·deficit − size| ≤ tolerance in every club, when feasible."""

    @model_validator(mode="after")
    def _ordered(self) -> ClubsSection:
        if not self.min_size <= self.target_size <= self.max_size:
            raise ValueError("vereist: min_size ≤ target_size ≤ max_size")
        return self


class SessionsSection(Section):
    min_size: int = Field(2, ge=2)
    max_size: int = Field(3, ge=2, le=3)
    """Sessions of four or more are never allowed (the pilot saw depth suffer)."""
    rounds: int = Field(2, ge=1, le=2)

    @model_validator(mode="after")
    def _ordered(self) -> SessionsSection:
        if self.min_size > self.max_size:
            raise ValueError("vereist: min_size ≤ max_size")
        return self


class SelectionWeights(Section):
    safety_net: float = Field(100.0, ge=0)
    """Per selected registrant: weight × priority (aanvullend 2, regulier 1, geen 0)."""
    balance: float = Field(20.0, ge=0)
    """Penalty per unit of |deficit − other| among the selected."""
    province_spread: float = Field(6.0, ge=0)
    """Per distinct province represented (members of organisations count)."""
    size_spread: float = Field(4.0, ge=0)
    """Per distinct size class represented."""
    variant_spread: float = Field(4.0, ge=0)
    """Per distinct execution variant represented."""
    earlier_participation: float = Field(30.0, ge=0)
    """Penalty per selected registrant that took part in an earlier cycle."""


class ClubWeights(Section):
    shared_themes: float = Field(3.0, ge=0)
    """Per pair in a club, per shared chosen theme, weighted by rank."""
    similar_profile: float = Field(1.0, ge=0)
    """Per pair in a club: similarity of self-evaluation profiles."""
    similar_size: float = Field(1.0, ge=0)
    """Per pair in a club in the same size class."""
    same_variant: float = Field(1.0, ge=0)
    """Per pair in a club with the same execution variant."""
    region: float = 0.0
    """Signed, per pair in a club in the same province: > 0 clusters, < 0 spreads."""
    stability: float = Field(50.0, ge=0)
    """With ``--keep``: per participant that stays in its earlier club."""


class SessionWeights(Section):
    shared_themes: float = Field(4.0, ge=0)
    """Per pair in a session, per shared chosen theme, weighted by rank."""
    learner_bringer: float = Field(3.0, ge=0)
    """Per (learner, bringer) pair on a theme the learner chose."""
    similar_level: float = Field(1.0, ge=0)
    """Per pair with equal level on a theme both chose (depth)."""
    balance_mix: float = Field(3.0, ge=0)
    """Per session with both a deficit and a surplus/neutral member."""
    size_gap: float = Field(1.0, ge=0)
    """Penalty per pair in a session that is two or more size classes apart."""
    first_choice: float = Field(5.0, ge=0)
    """Per member whose first-choice theme is a theme of one of its sessions."""
    stability: float = Field(20.0, ge=0)
    """With ``--keep``: per member that keeps its earlier session."""


class Weights(Section):
    selection: SelectionWeights = SelectionWeights()
    clubs: ClubWeights = ClubWeights()
    sessions: SessionWeights = SessionWeights()


PinName = Annotated[str, AfterValidator(normalise_name)]
"""A registrant named in a pin, normalised as the intake normalises names (NFC, no
invisible characters, single spaces), so it matches the workbook's spelling."""


class ClubPin(Section):
    name: PinName
    club: int = Field(ge=1)


class TogetherPin(Section):
    members: tuple[PinName, PinName]
    round: int = Field(ge=1, le=2)


class HostPin(Section):
    name: PinName
    round: int = Field(ge=1, le=2)


class Pins(Section):
    """Stuurgroep decisions the engines must honour on every rerun."""

    select: tuple[PinName, ...] = ()
    """Always select these registrants."""
    exclude: tuple[PinName, ...] = ()
    """Never select these registrants."""
    club: tuple[ClubPin, ...] = ()
    """Put a participant in club k (1-based)."""
    apart: tuple[tuple[PinName, PinName], ...] = ()
    """These two never in the same club or session."""
    together: tuple[TogetherPin, ...] = ()
    """These two in the same session in the given round."""
    host: tuple[HostPin, ...] = ()
    """This participant hosts a session in the given round."""


class SolverSection(Section):
    """CP-SAT settings. Only a deterministic time limit is used, so results
    do not depend on machine speed; see docs for the measured effect."""

    seed: int = 0
    num_workers: int = Field(2, ge=1, le=16)
    """More than one worker always runs with ``interleave_search``, CP-SAT's
    reproducible parallel mode (OR-Tools issue 2793); see docs/determinism.md."""
    selection_num_workers: int = Field(1, ge=1, le=16)
    """Workers for the selection solves: small models, re-solved once per rejected
    registrant for its forcing cost, where one worker is by far the fastest
    (national example: 1 s with 1 worker, 91 s with 2 interleaved)."""
    max_deterministic_time: float = Field(20.0, gt=0)
    """Per selection solve, in CP-SAT's deterministic time units (about seconds)."""
    club_deterministic_time: float = Field(1.0, gt=0)
    """For the club model: its heuristic start is near its best; longer buys nothing
    measurable (docs/benchmark-matching.md)."""
    session_deterministic_time: float = Field(1.0, gt=0)
    """Per club, for the session model: good solutions come early, more time mostly
    tightens the bound (docs/benchmark-matching.md)."""
    forcing_cost_budget: float = Field(60.0, ge=0)
    """Deterministic time for all 'what would forcing X in cost' re-solves together."""


class CycleConfig(Section):
    cycle: CycleSection = CycleSection()
    themes: ThemesSection = ThemesSection()
    selection: SelectionSection = SelectionSection()
    clubs: ClubsSection = ClubsSection()
    sessions: SessionsSection = SessionsSection()
    weights: Weights = Weights()
    pins: Pins = Pins()
    solver: SolverSection = SolverSection()
    capacity: CapacityNorms = CapacityNorms()
    """The executor's hour norms per activity group (default: the report's appendix E)."""

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
            message = f"ongeldige waarde: {item['msg']}."
        problems.append(Problem(sheet=source, column=key, value=shown, message=message))
    return problems


def config_sha256(path: Path | None, config: CycleConfig) -> str:
    """The fingerprint a run records for its config: the SHA-256 of cycle.toml as
    given, or (without one) of the default config as canonical JSON."""
    from leernetwerk.fsutil import sha256_bytes, sha256_file

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
