"""The ``[planning]`` section of ``cycle.toml``: the rules and weights of ``leernetwerk plan``.

A bottom-layer module (like :mod:`leernetwerk.capacity`), so that
:mod:`leernetwerk.config` can hold it without importing the planning
application (:mod:`leernetwerk.planning`). Every field's Dutch
``description`` is its comment in the ``cycle.toml`` that ``leernetwerk init``
writes.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Weekday = Literal["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag"]
WEEKDAYS: tuple[str, ...] = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag")
"""Dutch weekday names, Monday first (``date.weekday()`` is the index)."""


class PlanningSection(BaseModel):
    """Hard rules and soft weights of the date planner (docs/planning.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    weekdays: tuple[Weekday, ...] = Field(
        ("dinsdag", "woensdag", "donderdag"),
        min_length=1,
        description="Weekdagen waarop bijeenkomsten en voorbereidingsgesprekken mogen vallen.",
    )
    sessions_per_day: int = Field(
        2,
        ge=1,
        description="Hoogstens zoveel bijeenkomsten (startbijeenkomsten en leerbijeenkomsten) "
        "op één dag: wat de medewerkers van de uitvoerder aankunnen.",
    )
    prep_weeks: tuple[int, int] = Field(
        (2, 4),
        description="Het digitale voorbereidingsgesprek valt minstens zoveel en hoogstens zoveel "
        "weken vóór de leerbijeenkomst.",
    )
    christmas_break_start: int = Field(
        20,
        ge=1,
        le=31,
        description="Kerstvakantie: eerste vrije dag in december (geen bijeenkomsten tot en met "
        "christmas_break_end januari).",
    )
    christmas_break_end: int = Field(
        4,
        ge=1,
        le=31,
        description="Kerstvakantie: laatste vrije dag in januari.",
    )
    round_gap_weeks: int = Field(
        8,
        ge=0,
        description="Gewenste afstand in weken tussen de leerbijeenkomst van een deelnemer in "
        "ronde 1 en die in ronde 2.",
    )
    spread: float = Field(
        10.0,
        ge=0,
        description="Straf per leerbijeenkomst boven het gelijkmatige aantal in een week van de "
        "ronde (spreiding van het werk van de uitvoerder).",
    )
    round_gap: float = Field(
        1.0,
        ge=0,
        description="Straf per dag dat de leerbijeenkomsten van een deelnemer in ronde 1 en "
        "ronde 2 dichter dan round_gap_weeks bij elkaar liggen.",
    )
    max_deterministic_time: float = Field(
        10.0,
        gt=0,
        description="Rekentijd van de planning in deterministische tijdseenheden van CP-SAT "
        "(ongeveer seconden).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> PlanningSection:
        low, high = self.prep_weeks
        if not 0 <= low <= high:
            raise ValueError("vereist: 0 ≤ prep_weeks[0] ≤ prep_weeks[1]")
        return self

    @property
    def weekday_numbers(self) -> frozenset[int]:
        """``date.weekday()`` values of the allowed weekdays."""
        return frozenset(WEEKDAYS.index(day) for day in self.weekdays)
