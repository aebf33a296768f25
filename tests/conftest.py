"""Shared test fixtures (kept small; module-specific builders live in their tests)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from openpyxl import Workbook

from leernetwerk.config import CycleConfig

# CI (CI=true) runs the property tests on a fixed sequence of examples, so a red CI
# is reproducible; locally hypothesis explores new examples on every run.
settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

SheetRows = dict[str, Sequence[Sequence[Any]]]
"""Sheet title → rows (the first row is the header), as typed in Excel."""


def build_xlsx(path: Path, sheets: SheetRows) -> Path:
    """Write a plain workbook with exactly these sheets and cell values."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for values in rows:
            ws.append(list(values))
    wb.save(path)
    return path


@pytest.fixture(scope="session")
def national_cycle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A cycle folder with the national registrations and one ``run`` (about 10 s),
    built once for the whole session: (folder, run name). Copy it before changing it
    (``tests.documents_helpers.copy_cycle``)."""
    from tests.documents_helpers import build_run

    folder = tmp_path_factory.mktemp("national-cycle") / "2026-2027"
    return folder, build_run(folder)


@pytest.fixture
def default_config() -> CycleConfig:
    """The default cycle config: deadline 1 May 2026, the ten default themes."""
    return CycleConfig()


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """Build a hand-made workbook in ``tmp_path``: ``make_xlsx(sheets, name=...)``."""

    def make(sheets: SheetRows, name: str = "aanmeldingen.xlsx") -> Path:
        return build_xlsx(tmp_path / name, sheets)

    return make


def pytest_configure(config: pytest.Config) -> None:
    """Mutation testing: ``LEERNETWERK_MUTANT=model:KEY`` or ``check:KEY`` loosens one
    rule of the rule table for the whole session (``benchmarks/mutants.py`` sets it).
    Does nothing when the variable is unset."""
    mutant = os.environ.get("LEERNETWERK_MUTANT")
    if mutant:
        from benchmarks.mutants import apply

        apply(mutant)
