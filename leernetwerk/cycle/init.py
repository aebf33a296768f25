"""A new cycle: ``leernetwerk init`` and the documented ``cycle.toml`` it writes.

Every key of :class:`~leernetwerk.config.CycleConfig` is written with its
default value and, as its comment, the ``description`` of its pydantic field:
the field descriptions are the one source of this text. The header lists the
cycle's phases, derived from :data:`leernetwerk.timeline.CYCLE_TABLE`.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
import tomllib
import types
import typing
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from leernetwerk.config import CycleConfig, CycleSection
from leernetwerk.cycle.folder import CONFIG_FILE, TEMPLATE_FILE
from leernetwerk.errors import UserError
from leernetwerk.fsutil import Writer, write_outputs
from leernetwerk.registrations_io import write_template
from leernetwerk.timeline import default_deadline, format_date, phase_windows

MISSING_COMMENT = "(nog geen beschrijving)"
COMMENT_WIDTH = 96
"""Comment lines are wrapped to this width (plus '# ')."""


def _item_model(annotation: Any) -> type[BaseModel] | None:
    """The model of a field that holds a model or a tuple of models, else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (tuple, types.UnionType, typing.Union):
        for arg in typing.get_args(annotation):
            model = _item_model(arg)
            if model is not None:
                return model
    return None


def config_fields(
    model: type[BaseModel] = CycleConfig, prefix: str = ""
) -> Iterator[tuple[str, str]]:
    """(dotted key, description) of every field of the config, depth first,
    including the fields of tables inside lists (``themes.catalogue.name``)."""
    for name, info in model.model_fields.items():
        key = f"{prefix}{name}"
        yield key, info.description or ""
        inner = _item_model(info.annotation)
        if inner is not None:
            yield from config_fields(inner, key + ".")


def _comments() -> dict[str, str]:
    return dict(config_fields())


COMMENTS: dict[str, str] = _comments()
"""The Dutch comment for every key of the generated cycle.toml, taken from the
field descriptions in :mod:`leernetwerk.config` (read-only view)."""


def toml_value(value: Any) -> str:
    """A TOML literal for the plain values a CycleConfig holds."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Decimal):
        return str(value) if value == value.to_integral_value() else str(float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, BaseModel):
        items = ", ".join(f"{k} = {toml_value(v)}" for k, v in value.model_dump().items())
        return "{ " + items + " }"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {type(value).__name__}")


def _keep_together(text: str) -> str:
    """Spaces inside [...] and {...} become NUL, so an example is never split."""
    depth, out = 0, []
    for char in text:
        depth += char in "[{"
        depth -= char in "]}"
        out.append("\0" if char == " " and depth > 0 else char)
    return "".join(out)


def comment(text: str, indent: str = "") -> list[str]:
    """``text`` as TOML comment lines, wrapped between words, never inside an example."""
    width = COMMENT_WIDTH - len(indent)
    lines = textwrap.wrap(_keep_together(text or MISSING_COMMENT), width)
    return [f"# {indent}{line}".replace("\0", " ") for line in lines]


def _description(model: BaseModel, name: str) -> str:
    return type(model).model_fields[name].description or MISSING_COMMENT


def _is_table_list(value: Any) -> bool:
    return isinstance(value, tuple) and bool(value) and all(isinstance(v, BaseModel) for v in value)


def _emit_table(lines: list[str], key: str, model: BaseModel, description: str) -> None:
    """Scalars of a table first, then its sub-tables and arrays of tables (TOML order)."""
    if key:
        lines += ["", *comment(description), f"[{key}]"]
    values = {name: getattr(model, name) for name in type(model).model_fields}
    nested = {n: v for n, v in values.items() if isinstance(v, BaseModel) or _is_table_list(v)}
    for name, value in values.items():
        if name in nested:
            continue
        lines += comment(_description(model, name))
        lines.append(f"{name} = {toml_value(value)}" if value is not None else f"# {name} = …")
    for name, value in nested.items():
        path = f"{key}.{name}" if key else name
        if isinstance(value, BaseModel):
            _emit_table(lines, path, value, _description(model, name))
            continue
        lines += ["", *comment(_description(model, name))]
        for item_key, item_info in type(value[0]).model_fields.items():
            lines += comment(f"{item_key}: {item_info.description or MISSING_COMMENT}", "  ")
        for item in value:
            lines.append(f"[[{path}]]")
            for item_key, item_value in item.model_dump().items():
                lines.append(f"{item_key} = {toml_value(item_value)}")


def config_toml(config: CycleConfig) -> str:
    """A documented cycle.toml for ``config``: every key with its value and, as
    comment, its field description; loading it gives ``config`` back."""
    cycle = config.cycle
    lines = [
        f"# Configuratie van leercyclus {cycle.name} (begrotingsjaar {cycle.budget_year}).",
        *comment(
            "Fasen van de cyclus (een andere registration_deadline verschuift het einde van "
            "de werving en wat daarop volgt):"
        ),
    ]
    lines += [
        f"#   {w.phase}: {format_date(w.start)} – {format_date(w.end)}"
        for w in phase_windows(cycle.budget_year, cycle.deadline)
    ]
    lines += comment(
        "Elke instelling staat hieronder met uitleg (in een nieuwe cyclus met haar "
        "standaardwaarde); zie docs/cycle.md."
    )
    _emit_table(lines, "", config, "")
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"


def cycle_toml(name: str, budget_year: int, places: int = 30) -> str:
    """The cycle.toml of a new cycle: the defaults, with the deadline written out."""
    section = CycleSection(
        name=name,
        budget_year=budget_year,
        places=places,
        registration_deadline=default_deadline(budget_year),
    )
    return config_toml(CycleConfig(cycle=section))


@dataclass
class InitResult:
    folder: Path
    written: list[Path]
    notes: list[str]


def new_cycle_folder(folder: Path, budget_year: int) -> None:
    """A new cycle needs a new or empty folder and a plausible budget year."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UserError(
            f"'{folder}' bestaat al en is niet leeg; een nieuwe cyclus vraagt een lege of "
            "nieuwe map. Er is niets gewijzigd."
        )
    if not 2020 <= budget_year <= 2100:
        raise UserError(f"Begrotingsjaar {budget_year} is ongeldig (verwacht 2020–2100).")


def init_cycle(
    folder: Path,
    budget_year: int,
    places: int = 30,
    extra: Mapping[str, Writer] | None = None,
) -> InitResult:
    """Create a new cycle folder with cycle.toml and the registrations template.

    ``extra`` are more files to write with them (relative name → writer): the
    ``init`` command passes the Word templates of :mod:`leernetwerk.documents`
    (injected, because that package imports this one). Refuses a folder that
    exists and is not empty; writes all files or none.
    """
    folder = Path(folder)
    new_cycle_folder(folder, budget_year)
    if places < 1:
        raise UserError(f"Aantal plaatsen {places} is ongeldig (minstens 1).")
    text = cycle_toml(folder.name, budget_year, places)
    config = CycleConfig.model_validate(tomllib.loads(text))
    notes = []
    expected = f"{budget_year + 1}-{budget_year + 2}"
    if folder.name != expected:
        notes.append(
            f"Let op: de mapnaam '{folder.name}' wijkt af van de gebruikelijke naam "
            f"'{expected}' voor begrotingsjaar {budget_year}."
        )
    writers: dict[str, Writer] = {
        CONFIG_FILE: lambda p: p.write_text(text, encoding="utf-8"),
        TEMPLATE_FILE: lambda p: write_template(p, config),
        **(extra or {}),
    }
    written = write_outputs(folder, writers)
    return InitResult(folder=folder, written=written, notes=notes)
