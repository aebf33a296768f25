"""The bundled examples and the first cycle's config: reproducible and as documented.

The workbook facts are read straight from the committed files with openpyxl,
so these tests hold the examples to docs/domain.md §4 and §11 independently of the
intake module; the intake tests at the end check that intake reads them too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.util
import sys
import tomllib
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from openpyxl import load_workbook
from pydantic import BaseModel

from leernetwerk.config import CycleConfig, CycleSection, load_cycle_config
from leernetwerk.domain import PROVINCES, Balance, Registrations, SafetyNet
from leernetwerk.intake import read_registrations

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
PILOT_WORKBOOK = EXAMPLES / "pilot-2025" / "aanmeldingen.xlsx"
PILOT_CYCLE = EXAMPLES / "pilot-2025" / "cycle.toml"
NATIONAL_WORKBOOK = EXAMPLES / "national-2026" / "aanmeldingen.xlsx"
NATIONAL_CYCLE = REPO / "cycles" / "2026-2027" / "cycle.toml"
DEADLINE_2026 = dt.date(2026, 5, 1)

PILOT_BALANCES = {
    "Amstelveen": "overschot",
    "Wageningen": "overschot",
    "'s-Hertogenbosch": "overschot",
    "Schagen": "overschot",
    "Zwolle": "tekort",
    "Leeuwarden": "tekort",
    "Oude IJsselstreek": "tekort",
    "Barendrecht": "tekort",
}
"""docs/domain.md §11: the pilot's eight municipalities and their BUIG balance."""


def load_generator() -> ModuleType:
    """Import examples/generate.py (a script, not a package module)."""
    spec = importlib.util.spec_from_file_location("examples_generate", EXAMPLES / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses look their module up in sys.modules while the class is built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_generator()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sheet_records(path: Path, sheet: str) -> list[dict[str, Any]]:
    """Non-empty rows of ``sheet`` as header → value dicts."""
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    header = [str(h) for h in rows[0]]
    return [
        dict(zip(header, row, strict=False))
        for row in rows[1:]
        if any(v not in (None, "") for v in row)
    ]


def workbook_contents(path: Path) -> dict[str, tuple[str, list[tuple[Any, ...]]]]:
    """Every sheet's visibility and cell values, for a cell-by-cell comparison."""
    wb = load_workbook(path)
    try:
        return {
            ws.title: (ws.sheet_state, [tuple(row) for row in ws.iter_rows(values_only=True)])
            for ws in wb.worksheets
        }
    finally:
        wb.close()


# --- reproducibility --------------------------------------------------------


def test_generating_twice_gives_byte_identical_workbooks(generator, tmp_path):
    first = generator.generate_examples(tmp_path / "a")
    second = generator.generate_examples(tmp_path / "b")
    assert [p.relative_to(tmp_path / "a") for p in first] == [
        p.relative_to(tmp_path / "b") for p in second
    ]
    for a, b in zip(first, second, strict=True):
        assert sha256(a) == sha256(b), a.name


def test_committed_examples_equal_what_the_generator_produces(generator, tmp_path):
    # Compared cell by cell (not by hash), so a different zlib or openpyxl
    # version elsewhere cannot fail this test while the contents are equal.
    for fresh in generator.generate_examples(tmp_path):
        committed = EXAMPLES / fresh.relative_to(tmp_path)
        assert committed.exists(), f"{committed} is not committed; run examples/generate.py"
        assert workbook_contents(committed) == workbook_contents(fresh), (
            f"{committed} is out of date; run examples/generate.py"
        )


def test_workbook_metadata_does_not_depend_on_the_clock(generator, tmp_path):
    (path, _) = generator.generate_examples(tmp_path)
    wb = load_workbook(path)
    assert wb.properties.created == generator.FIXED_DOCUMENT_TIME
    assert wb.properties.modified == generator.FIXED_DOCUMENT_TIME


# --- the cycle configs ------------------------------------------------------


def test_first_cycle_config_loads_and_equals_the_defaults():
    config = load_cycle_config(NATIONAL_CYCLE)
    assert config == CycleConfig(cycle=CycleSection(registration_deadline=DEADLINE_2026))
    assert (config.cycle.name, config.cycle.budget_year, config.cycle.places) == (
        "2026-2027",
        2025,
        30,
    )
    assert config.cycle.deadline == DEADLINE_2026


def missing_keys(model: type[BaseModel], data: dict[str, Any], prefix: str = "") -> list[str]:
    """Fields of ``model`` (recursively into sub-sections) that ``data`` does not spell out."""
    missing = []
    for name, field in model.model_fields.items():
        key = f"{prefix}{name}"
        if name not in data:
            missing.append(key)
            continue
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            missing += missing_keys(annotation, data[name], prefix=f"{key}.")
    return missing


def test_first_cycle_config_spells_out_every_setting():
    data = tomllib.loads(NATIONAL_CYCLE.read_text(encoding="utf-8"))
    assert missing_keys(CycleConfig, data) == []


def test_pilot_cycle_config_has_one_club_of_eight():
    config = load_cycle_config(PILOT_CYCLE)
    assert config.cycle.name == "pilot-2025-2026"
    assert config.cycle.budget_year == 2024
    assert config.cycle.places == 8
    assert (config.clubs.min_size, config.clubs.target_size, config.clubs.max_size) == (8, 8, 12)
    assert (config.sessions.min_size, config.sessions.max_size) == (2, 3)


# --- the pilot example ------------------------------------------------------


def test_pilot_holds_exactly_the_eight_pilots_with_their_balances():
    rows = sheet_records(PILOT_WORKBOOK, "Aanmeldingen")
    assert {row["Naam"]: row["Saldo"] for row in rows} == PILOT_BALANCES
    assert len(rows) == 8


def test_pilot_says_its_scores_are_illustrative(generator):
    instructions = sheet_records(PILOT_WORKBOOK, "Instructies")
    header_and_rows = [*instructions[0].keys(), *(v for r in instructions for v in r.values())]
    assert generator.ILLUSTRATIVE_NOTE in header_and_rows
    readme = (EXAMPLES / "pilot-2025" / "README.md").read_text(encoding="utf-8")
    assert "Illustratieve scores" in readme


def test_pilot_is_complete_and_on_time(generator):
    pilot = generator.pilot_registrations()
    config = load_cycle_config(PILOT_CYCLE)
    assert all(r.is_complete for r in pilot)
    assert not any(r.is_late(config.cycle.deadline) for r in pilot)


# --- the national example ---------------------------------------------------


@pytest.fixture(scope="module")
def national_rows() -> list[dict[str, Any]]:
    return sheet_records(NATIONAL_WORKBOOK, "Aanmeldingen")


def test_national_has_at_least_55_registrants_in_all_twelve_provinces(national_rows):
    assert len(national_rows) >= 55
    assert {row["Provincie"] for row in national_rows} == set(PROVINCES)


def test_national_has_municipalities_and_organisations(national_rows):
    kinds = Counter(row["Type"] for row in national_rows)
    assert kinds["gemeente"] > kinds["uitvoeringsorganisatie"] > 0


def test_national_has_more_deficit_than_other_balances(national_rows):
    balances = Counter(row["Saldo"] for row in national_rows)
    assert balances["tekort"] > balances["overschot"] + balances["neutraal"] > 0


def test_only_deficit_registrants_have_a_safety_net_status(national_rows):
    for row in national_rows:
        if row["Vangnet"] != "geen":
            assert row["Saldo"] == "tekort", row["Naam"]
    statuses = Counter(row["Vangnet"] for row in national_rows)
    assert statuses["aanvullend"] > 0 and statuses["regulier"] > 0


def test_national_has_both_execution_variants(national_rows):
    assert {row["Uitvoeringsvariant"] for row in national_rows} == {"gemeentelijk", "regionaal"}


def test_national_has_some_late_registrations(national_rows):
    dates = [row["Aanmelddatum"].date() for row in national_rows]
    late = [d for d in dates if d > DEADLINE_2026]
    assert 0 < len(late) < len(dates) // 4
    assert all(dt.date(2026, 2, 1) <= d <= dt.date(2026, 5, 31) for d in dates)


def test_national_has_some_incomplete_registrations(national_rows):
    names = {row["Naam"] for row in national_rows}
    evaluated = {row["Naam"] for row in sheet_records(NATIONAL_WORKBOOK, "Zelfevaluatie")}
    with_themes = {row["Naam"] for row in sheet_records(NATIONAL_WORKBOOK, "Leerthemas")}
    assert names - evaluated, "no registrant lacks a Zelfevaluatie row"
    assert names - with_themes, "no registrant lacks Leerthemas rows"


def test_exactly_one_municipality_is_registered_twice(national_rows):
    # On its own and as a member of an organisation: intake must warn.
    own = {row["Naam"] for row in national_rows if row["Type"] == "gemeente"}
    members = [
        member.strip()
        for row in national_rows
        if row["Type"] == "uitvoeringsorganisatie"
        for member in row["Gemeenten"].split(";")
    ]
    assert len([m for m in members if m in own]) == 1


def test_pilot_municipalities_took_part_before(national_rows):
    earlier = {row["Naam"] for row in national_rows if row["Eerder deelgenomen"]}
    assert earlier and earlier <= set(PILOT_BALANCES)
    assert {row["Eerder deelgenomen"] for row in national_rows} - {None} == {"pilot-2025-2026"}


def test_organisation_inhabitants_are_the_sum_of_their_members(generator):
    national = generator.national_registrations().by_name()
    for organisation in generator.NATIONAL_ORGANISATIONS:
        registration = national[organisation.name]
        assert registration.members == tuple(name for name, _ in organisation.members)
        assert registration.inhabitants == sum(n for _, n in organisation.members)


@pytest.mark.parametrize("build", ["pilot_registrations", "national_registrations"])
def test_every_complete_registrant_has_three_themes_and_all_scores(generator, build):
    registrations: Registrations = getattr(generator, build)()
    catalogue = registrations.catalogue
    complete = [r for r in registrations if r.is_complete]
    assert complete
    for registration in complete:
        themes = [c.theme for c in sorted(registration.themes, key=lambda c: c.rank)]
        assert [c.rank for c in sorted(registration.themes, key=lambda c: c.rank)] == [1, 2, 3]
        assert len(set(themes)) == 3 and set(themes) <= set(catalogue.names)
        assert all(c.want_to_learn and c.obstacles for c in registration.themes)
        evaluation = registration.self_evaluation
        assert evaluation is not None
        assert set(evaluation.scores) == set(catalogue.names)
        assert all(0 <= s <= 4 and float(s).is_integer() for s in evaluation.scores.values())


def test_chosen_themes_mostly_show_a_learning_need(generator):
    # Learners (score 1–2) on their chosen themes, with some bringers (3).
    registrations = generator.national_registrations()
    scores = Counter(
        r.self_evaluation.level(c.theme)
        for r in registrations
        if r.is_complete and r.self_evaluation is not None
        for c in r.themes
    )
    assert scores[1] + scores[2] > 2 * scores[3] > 0
    assert scores[0] == scores[4] == 0


def test_some_registrants_score_subthemes(generator):
    registrations = generator.national_registrations()
    with_subthemes = [
        r for r in registrations if r.self_evaluation is not None and r.self_evaluation.subscores
    ]
    assert 0 < len(with_subthemes) < len(registrations)


def test_safety_net_only_for_deficit_in_the_model(generator):
    for registration in generator.national_registrations():
        if registration.safety_net is not SafetyNet.NONE:
            assert registration.balance is Balance.DEFICIT


# --- intake reads the examples ----------------------------------------------


@pytest.mark.parametrize(
    ("workbook", "cycle", "build"),
    [
        (PILOT_WORKBOOK, PILOT_CYCLE, "pilot_registrations"),
        (NATIONAL_WORKBOOK, NATIONAL_CYCLE, "national_registrations"),
    ],
)
def test_intake_reads_back_exactly_what_the_generator_built(generator, workbook, cycle, build):
    config = load_cycle_config(cycle)
    result = read_registrations(workbook, config)
    assert result.errors == []
    expected = getattr(generator, build)(config.catalogue)
    # ``row`` is where intake found a registration, not part of its identity.
    read_back = [r.model_copy(update={"row": None}) for r in result.registrations]
    assert read_back == list(expected.registrations)


def test_intake_warns_about_the_national_late_and_double_registrations(generator):
    result = read_registrations(NATIONAL_WORKBOOK, load_cycle_config(NATIONAL_CYCLE))
    assert len(result.late) == generator.LATE_COUNT
    assert len(result.incomplete) == (
        generator.MISSING_SELF_EVALUATION_COUNT + generator.MISSING_THEMES_COUNT
    )
    double = [str(p) for p in result.warnings if "Werkbedrijf Rijk van Nijmegen" in str(p)]
    assert len(double) == 1 and "Wijchen" in double[0]


def test_pilot_reads_without_any_warning():
    result = read_registrations(PILOT_WORKBOOK, load_cycle_config(PILOT_CYCLE))
    assert result.problems == []
    assert len(result.complete) == 8
