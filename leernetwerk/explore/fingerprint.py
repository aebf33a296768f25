"""What a variant's result depends on, as SHA-256 fingerprints.

Two fingerprints:

* :func:`variant_key` - the cache key of a whole variant: the package and
  OR-Tools versions, the SHA-256 of the workbook, the effective config (every
  setting, after the overrides, as canonical JSON), ``--places`` and the history
  of earlier decided cycles (which the selection and the matching both read).
  Equal keys give equal proposals, because a run is deterministic.
* :func:`selection_fingerprint` - the part of the config the selection reads.
  Variants with the same fingerprint share one selection. The rule: the whole
  effective config **minus** what only the matching reads, namely

  - ``weights.clubs`` and ``weights.sessions`` (matching weights),
  - the sections ``clubs`` and ``sessions`` (club and session sizes, balance,
    rounds),
  - the matching pins ``pins.club``, ``pins.apart``, ``pins.together`` and
    ``pins.host`` (``pins.select`` and ``pins.exclude`` stay: the selection
    reads them),
  - the matching solver settings ``solver.num_workers``,
    ``solver.club_deterministic_time`` and ``solver.session_deterministic_time``
    (the selection reads ``solver.seed``, ``solver.selection_num_workers``,
    ``solver.max_deterministic_time`` and ``solver.forcing_cost_budget``),
  - ``capacity`` (read by ``leernetwerk capacity`` only).

  Everything else stays in, also settings the selection does not read today
  (``cycle.name``): a setting left in costs at most a recomputed selection, a
  setting wrongly left out would reuse a wrong one. The list was made from what
  ``matching/selection*.py`` and the intake read (``config.cycle``,
  ``config.selection``, ``config.weights.selection``, ``pins.select``,
  ``pins.exclude``, ``config.solver`` via ``problem.settings``, the theme
  catalogue); ``tests/test_verken_fingerprint.py`` checks it against
  :func:`leernetwerk.config.setting_keys`.
"""

from __future__ import annotations

import importlib.metadata
import json
from typing import Any

from leernetwerk import __version__
from leernetwerk.config import CycleConfig
from leernetwerk.fsutil import sha256_bytes
from leernetwerk.history import History

MATCHING_ONLY: tuple[str, ...] = (
    "weights.clubs",
    "weights.sessions",
    "clubs",
    "sessions",
    "pins.club",
    "pins.apart",
    "pins.together",
    "pins.host",
    "solver.num_workers",
    "solver.club_deterministic_time",
    "solver.session_deterministic_time",
    "capacity",
)
"""Dotted settings (or whole sections) the selection does not read."""


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def config_fingerprint(config: CycleConfig) -> str:
    """SHA-256 of the effective config as canonical JSON (every setting)."""
    return sha256_bytes(_canonical(config.model_dump(mode="json")))


def without(data: dict[str, Any], dotted: str) -> None:
    """Remove ``dotted`` (a key or a section) from nested ``data``, in place."""
    *path, last = dotted.split(".")
    for part in path:
        data = data[part]
    del data[last]


def selection_fingerprint(config: CycleConfig) -> str:
    """SHA-256 of the settings the selection reads (the config minus :data:`MATCHING_ONLY`)."""
    data = config.model_dump(mode="json")
    for dotted in MATCHING_ONLY:
        without(data, dotted)
    return sha256_bytes(_canonical(data))


def history_fingerprint(history: History) -> str:
    """SHA-256 of what earlier decided cycles contribute (participation, pairs that met)."""
    data = {
        "participation": sorted(history.participation.items()),
        "met_pairs": sorted((sorted(pair), cycles) for pair, cycles in history.met_pairs.items()),
        "cycles": list(history.cycles),
    }
    return sha256_bytes(_canonical(data))


def variant_key(
    input_sha256: str, config: CycleConfig, places: int | None, history: History
) -> str:
    """The cache key of a variant: equal keys give equal proposals."""
    data = {
        "leernetwerk": __version__,
        "ortools": importlib.metadata.version("ortools"),
        "input_sha256": input_sha256,
        "config": config_fingerprint(config),
        "places": places,
        "history": history_fingerprint(history),
    }
    return sha256_bytes(_canonical(data))
