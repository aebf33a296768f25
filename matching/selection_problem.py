"""Selection, step 1: the problem the model solves, built from registrations and config.

``Registrations`` + ``CycleConfig`` → :class:`SelectionProblem`: index-based
:class:`Candidate` records (places taken, balance side, safety net, spread
attributes, lateness, earlier participation, tie-break rank, pinned) and the
scaled weights, after the pins are validated. Nothing here knows CP-SAT.

Import direction of the selection modules: ``selection_problem`` ←
``selection_criteria`` ← ``selection_model`` ← ``selection_explain`` ←
``selection`` (the public API).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from leernetwerk.config import CycleConfig, SolverSection
from leernetwerk.domain import Registration, Registrations, SafetyNet
from leernetwerk.errors import Problem, did_you_mean
from matching.errors import InvalidInput

SCALE = 1000
"""Weights are floats in cycle.toml; CP-SAT needs integers: weight × 1000, rounded."""

DEFICIT_LABEL = "tekort"
OTHER_LABEL = "overschot/neutraal"

Progress = Callable[[str, float, float | None], None]


def normalise(name: str) -> str:
    """Case-, accent-width- and whitespace-insensitive key for matching names."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


# --------------------------------------------------------------------------- problem data


@dataclass(frozen=True)
class Candidate:
    """A selectable registrant, as the model sees it (index-based)."""

    index: int
    name: str
    places: int
    """Places it takes: 1 for a municipality, ``organisation_places`` for an organisation."""
    deficit: bool
    safety_net: SafetyNet
    province: str
    size_class: str
    variant: str
    late: bool
    earlier: tuple[str, ...]
    """Cycles it (or one of its members) took part in before."""
    represents: tuple[str, ...]
    """Normalised municipality names it stands for (itself, or an organisation's members)."""
    tie_rank: int
    """0 = wins a tie first (earliest registration date, then name)."""
    pinned: bool = False

    @property
    def priority(self) -> int:
        return self.safety_net.priority

    @property
    def group(self) -> str:
        return DEFICIT_LABEL if self.deficit else OTHER_LABEL


@dataclass(frozen=True)
class SelectionProblem:
    """Everything the model needs, validated; no pydantic, no solver."""

    candidates: tuple[Candidate, ...]
    places: int
    tolerance: int
    weights: Mapping[str, int]
    """Scaled integer weights (× :data:`SCALE`) by weight key."""
    settings: SolverSection

    def by_index(self, indices: Iterable[int]) -> list[Candidate]:
        return [self.candidates[i] for i in sorted(indices)]


@dataclass(frozen=True)
class NotCandidate:
    """A registrant the model never sees, and why (Dutch)."""

    reason: str
    incomplete: bool
    """Not selectable because the registration is incomplete (else: excluded by a pin)."""


def tie_break_order(registrations: Iterable[Registration]) -> list[str]:
    """Names in tie-break order: earlier registration date first (no date last), then
    name (case-insensitive, then exact), so ties never depend on workbook order."""
    return [
        r.name
        for r in sorted(
            registrations,
            key=lambda r: (r.registered_on or dt.date.max, normalise(r.name), r.name),
        )
    ]


def earlier_participation_of(
    registration: Registration, participation: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...]:
    """Earlier cycles of a registrant: its own column plus the history mapping
    (looked up by name, and for an organisation also by each member's name)."""
    history = {normalise(k): v for k, v in participation.items()}
    cycles = list(registration.previous_cycles)
    keys = [registration.name]
    if registration.is_organisation:
        keys += list(registration.members)
    for key in keys:
        cycles += history.get(normalise(key), ())
    return tuple(dict.fromkeys(c for c in cycles if c.strip()))


def is_selectable(registration: Registration, config: CycleConfig) -> bool:
    return registration.is_complete or config.cycle.allow_incomplete


def scaled_weights(config: CycleConfig) -> dict[str, int]:
    weights = config.weights.selection.model_dump()
    return {key: int(round(float(value) * SCALE)) for key, value in weights.items()}


# --------------------------------------------------------------------------- pins


def resolve_pin_names(
    names: Iterable[str], registrations: Registrations, key: str
) -> tuple[list[str], list[Problem]]:
    """Map pin names to registrant names (case/whitespace-insensitive); unknown → problems."""
    known = {normalise(r.name): r.name for r in registrations}
    resolved, problems = [], []
    for name in names:
        match = known.get(normalise(name))
        if match is None:
            problems.append(
                Problem(
                    sheet="cycle.toml",
                    column=key,
                    value=name,
                    message="deze naam staat niet bij de aanmeldingen."
                    + did_you_mean(name, [r.name for r in registrations]),
                )
            )
        else:
            resolved.append(match)
    return resolved, problems


def check_pins(
    registrations: Registrations,
    config: CycleConfig,
    places: int,
    select_names: list[str],
    exclude_names: list[str],
) -> list[Problem]:
    """Plain-Dutch problems with the pins that make any selection impossible."""
    problems: list[Problem] = []
    by_name = registrations.by_name()
    for name in sorted(set(select_names) & set(exclude_names), key=normalise):
        problems.append(
            Problem(
                sheet="cycle.toml",
                column="pins.select / pins.exclude",
                value=name,
                message="staat zowel bij 'altijd selecteren' als bij 'nooit selecteren'; "
                "kies één van beide.",
            )
        )
    for name in select_names:
        registration = by_name[name]
        if not is_selectable(registration, config):
            problems.append(
                Problem(
                    sheet="cycle.toml",
                    column="pins.select",
                    value=name,
                    message="is vastgepind maar onvolledig ("
                    + "; ".join(registration.missing)
                    + "). Vul de aanmelding aan, of zet cycle.allow_incomplete = true.",
                )
            )
    taken = sum(_places_of(by_name[n], config) for n in dict.fromkeys(select_names))
    if taken > places:
        problems.append(
            Problem(
                sheet="cycle.toml",
                column="pins.select",
                message=f"de vastgepinde aanmeldingen nemen {taken} plaatsen in, "
                f"maar er zijn er maar {places}. Haal pins weg of verhoog het aantal plaatsen.",
            )
        )
    represented: dict[str, str] = {}
    for name in dict.fromkeys(select_names):
        for municipality in by_name[name].municipalities():
            other = represented.get(normalise(municipality))
            if other is not None and other != name:
                problems.append(
                    Problem(
                        sheet="cycle.toml",
                        column="pins.select",
                        value=name,
                        message=f"{municipality} zou twee keer deelnemen: via '{other}' en via "
                        f"'{name}'. Pin er maar één van beide.",
                    )
                )
            represented[normalise(municipality)] = name
    return problems


def _places_of(registration: Registration, config: CycleConfig) -> int:
    return config.cycle.organisation_places if registration.is_organisation else 1


def build_problem(
    registrations: Registrations,
    config: CycleConfig,
    *,
    places: int | None = None,
    participation: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[SelectionProblem, dict[str, NotCandidate]]:
    """Validate pins and turn the selectable registrations into model candidates.

    Returns the problem and, for every registrant that is *not* a candidate,
    why not (Dutch), keyed by name. Raises :class:`~matching.errors.InvalidInput`
    for fewer than one place, and for pins that name unknown registrants or make
    every selection impossible (all such problems at once).
    """
    places = config.cycle.places if places is None else places
    if places < 1:
        raise InvalidInput(
            [Problem(message=f"Het aantal plaatsen moet minstens 1 zijn (nu {places}).")]
        )
    select_names, problems = resolve_pin_names(config.pins.select, registrations, "pins.select")
    exclude_names, more = resolve_pin_names(config.pins.exclude, registrations, "pins.exclude")
    problems += more
    if not problems:
        problems += check_pins(registrations, config, places, select_names, exclude_names)
    if problems:
        raise InvalidInput(problems)

    participation = participation or {}
    pinned, excluded = set(select_names), set(exclude_names)
    rank = {name: i for i, name in enumerate(tie_break_order(registrations))}
    not_candidates: dict[str, NotCandidate] = {}
    candidates: list[Candidate] = []
    for registration in registrations:
        if registration.name in excluded:
            not_candidates[registration.name] = NotCandidate(
                "uitgesloten door de stuurgroep (pin: nooit selecteren)", incomplete=False
            )
            continue
        if not is_selectable(registration, config):
            reason = (
                "niet selecteerbaar: onvolledig (" + "; ".join(registration.missing) + ")"
            ) + (
                "; bovendien te laat aangemeld"
                if registration.is_late(config.cycle.deadline)
                else ""
            )
            not_candidates[registration.name] = NotCandidate(reason, incomplete=True)
            continue
        candidates.append(
            Candidate(
                index=len(candidates),
                name=registration.name,
                places=_places_of(registration, config),
                deficit=registration.balance.is_deficit,
                safety_net=registration.safety_net,
                province=registration.province,
                size_class=registration.size_class,
                variant=registration.execution_variant,
                late=registration.is_late(config.cycle.deadline),
                earlier=earlier_participation_of(registration, participation),
                represents=tuple(normalise(m) for m in registration.municipalities()),
                tie_rank=rank[registration.name],
                pinned=registration.name in pinned,
            )
        )
    problem = SelectionProblem(
        candidates=tuple(candidates),
        places=places,
        tolerance=config.selection.balance_tolerance,
        weights=scaled_weights(config),
        settings=config.solver,
    )
    return problem, not_candidates


def deficit_places(chosen: Iterable[Candidate]) -> int:
    return sum(c.places for c in chosen if c.deficit)


def other_places(chosen: Iterable[Candidate]) -> int:
    return sum(c.places for c in chosen if not c.deficit)
