"""The ``--vary`` specifications, checked, and the variants they describe.

``--vary KEY=v1,v2,…`` names a setting by its dotted key (as in ``cycle.toml``,
e.g. ``weights.clubs.region``) and the values to try (a decimal point, not a
comma: the comma separates values). By default the variants are one at a time
around the base (the config as given): each value of each key, the other keys
at their base value. With ``grid`` they are the full product of all values. The
base comes first and is never repeated; a value equal to the base value gives no
extra variant.

An unknown key or a setting that is not a single value (a list or a table) is a
usage error (exit 2) with a "Bedoelde u …?" suggestion; a wrong value is a
located Dutch problem (exit 1). All problems are reported at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from leernetwerk.config import CycleConfig, setting_keys, with_overrides
from leernetwerk.errors import Problem, UserError, did_you_mean

USAGE_EXIT = 2


@dataclass(frozen=True)
class VarySpec:
    """One ``--vary KEY=v1,v2,…`` as typed: the key and the values as text."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Variant:
    """One set of overrides on top of the base config (empty: the base itself)."""

    overrides: tuple[tuple[str, Any], ...] = ()
    """(dotted key, typed value), only the settings that differ from the base."""

    @property
    def is_base(self) -> bool:
        return not self.overrides

    @property
    def label(self) -> str:
        if not self.overrides:
            return "basis"
        return ", ".join(f"{key}={format_value(value)}" for key, value in self.overrides)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.overrides)


def format_value(value: Any) -> str:
    """A setting's value as an analyst types it (2 rather than 2.0; true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def setting_value(config: CycleConfig, key: str) -> Any:
    """The value of the dotted setting ``key`` in ``config``."""
    value: Any = config
    for part in key.split("."):
        value = getattr(value, part)
    return value


def parse_vary(text: str, option: str = "--vary") -> VarySpec:
    """``KEY=v1,v2`` → :class:`VarySpec`; a malformed text is a usage error."""
    key, sep, values = text.partition("=")
    parts = tuple(v.strip() for v in values.split(",")) if sep else ()
    if not sep or not key.strip() or not parts or any(p == "" for p in parts):
        raise UserError(
            f"{option} '{text}': schrijf INSTELLING=waarde1,waarde2,… "
            "(bijvoorbeeld weights.clubs.region=-2,0,2; een decimaalpunt, geen komma).",
            exit_code=USAGE_EXIT,
        )
    return VarySpec(key.strip(), parts)


def check_keys(keys: Sequence[str], config: CycleConfig, option: str = "--vary") -> None:
    """Every key exists, is a single value and is named once; else a usage error (exit 2)."""
    known = setting_keys()
    problems = []
    for key in keys:
        if key not in known:
            problems.append(
                Problem(
                    message=f"{option} {key}: onbekende instelling '{key}'."
                    + did_you_mean(key, known)
                )
            )
        elif isinstance(setting_value(config, key), tuple | list | dict):
            problems.append(
                Problem(
                    message=f"{option} {key}: dit is een lijst of tabel; verken kan alleen "
                    "enkelvoudige instellingen variëren (getallen, true/false, tekst)."
                )
            )
    problems += [
        Problem(message=f"{option} {key}: deze instelling is meer dan eens opgegeven.")
        for key in sorted({k for k in keys if keys.count(k) > 1})
    ]
    if problems:
        raise UserError(problems, exit_code=USAGE_EXIT)


def typed_values(config: CycleConfig, spec: VarySpec, option: str = "--vary") -> list[Any]:
    """The values of ``spec`` validated like cycle.toml and typed (duplicates dropped).

    Raises one :class:`UserError` (exit 1) with a located problem per wrong value."""
    values: list[Any] = []
    problems: list[Problem] = []
    for text in spec.values:
        try:
            varied = with_overrides(config, {spec.key: text}, source=option)
        except UserError as error:
            problems += error.problems
            continue
        value = setting_value(varied, spec.key)
        if value not in values:
            values.append(value)
    if problems:
        raise UserError(problems)
    return values


def checked_values(
    config: CycleConfig, specs: Sequence[VarySpec], option: str = "--vary"
) -> list[tuple[str, list[Any]]]:
    """Keys checked first (usage errors), then every value (all wrong values at once)."""
    check_keys([s.key for s in specs], config, option)
    result: list[tuple[str, list[Any]]] = []
    problems: list[Problem] = []
    for spec in specs:
        try:
            result.append((spec.key, typed_values(config, spec, option)))
        except UserError as error:
            problems += error.problems
    if problems:
        raise UserError(problems)
    return result


def build_variants(
    config: CycleConfig, values: Sequence[tuple[str, Sequence[Any]]], *, grid: bool
) -> list[Variant]:
    """The base first, then one at a time (key by key, value by value) or the full grid."""
    base = {key: setting_value(config, key) for key, _ in values}
    if grid:
        combinations = [
            tuple(zip([k for k, _ in values], combo, strict=True))
            for combo in itertools.product(*(vs for _, vs in values))
        ]
    else:
        combinations = [((key, v),) for key, vs in values for v in vs]
    variants = [Variant()]
    for combo in combinations:
        variant = Variant(tuple((k, v) for k, v in combo if v != base[k]))
        if variant not in variants:
            variants.append(variant)
    return variants
