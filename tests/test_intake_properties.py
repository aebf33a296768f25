"""Property tests: lossless round trip, and damaged workbooks never crash intake."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.styles import PatternFill

from leernetwerk.config import CycleConfig
from leernetwerk.domain import (
    PROVINCES,
    Balance,
    RegistrantKind,
    Registration,
    Registrations,
    SafetyNet,
    SelfEvaluation,
    ThemeChoice,
)
from leernetwerk.intake import name_key, read_registrations
from leernetwerk.names import normalise_name, normalise_text
from leernetwerk.registrations_io import main_score_from_subscores, write_registrations

CONFIG = CycleConfig()
CATALOGUE = CONFIG.catalogue
FORMULA_LOOKING = ["=SUM(A1)", "+31", "-x", "@home", "=1/0", "-", '=HYPERLINK("x")']
PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

odd_text = st.text(
    st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=16
).map(normalise_text)
"""Printable unicode of every script, in NFC and trimmed as intake normalises cell text."""
cell_text = st.one_of(odd_text.filter(bool), st.sampled_from(FORMULA_LOOKING))
name_text = cell_text.map(normalise_name).filter(bool)
"""Names as intake stores them: also inner whitespace runs as one space."""
list_item = name_text.filter(lambda t: ";" not in t and "," not in t)
optional_text = st.one_of(st.just(""), cell_text)


@st.composite
def self_evaluations(draw: st.DrawFn) -> SelfEvaluation:
    """Whole main scores, or subtheme scores with the main score derived or given."""
    scores: dict[str, float] = {}
    subscores: dict[str, dict[str, int]] = {}
    for theme in CATALOGUE.themes:
        mode = draw(st.sampled_from(["none", "main", "subs", "both"] if theme.subthemes
                                    else ["none", "main"]))  # fmt: skip
        if mode in ("subs", "both"):
            chosen = draw(st.lists(st.sampled_from(theme.subthemes), min_size=1, unique=True))
            subscores[theme.name] = {s: draw(st.integers(0, 4)) for s in chosen}
            scores[theme.name] = main_score_from_subscores(subscores[theme.name])
        if mode in ("main", "both"):
            scores[theme.name] = float(draw(st.integers(0, 4)))
    ordered = {name: scores[name] for name in CATALOGUE.names if name in scores}
    return SelfEvaluation(scores=ordered, subscores=subscores)


@st.composite
def theme_choices(draw: st.DrawFn) -> tuple[ThemeChoice, ...]:
    count = draw(st.integers(0, 3))
    chosen = draw(st.lists(st.sampled_from(CATALOGUE.names), min_size=count, max_size=count,
                           unique=True))  # fmt: skip
    ranks = sorted(draw(st.lists(st.integers(1, 3), min_size=count, max_size=count, unique=True)))
    return tuple(
        ThemeChoice(rank=rank, theme=theme, went_well=draw(optional_text),
                    want_to_learn=draw(optional_text), can_teach=draw(optional_text))
        for rank, theme in zip(ranks, chosen, strict=True)
    )  # fmt: skip


@st.composite
def registration_sets(draw: st.DrawFn) -> Registrations:
    names = draw(st.lists(name_text, min_size=1, max_size=6, unique_by=name_key))
    registrations = []
    for name in names:
        kind = draw(st.sampled_from(RegistrantKind))
        registrations.append(
            Registration(
                name=name,
                kind=kind,
                members=tuple(draw(st.lists(list_item, max_size=3)))
                if kind is RegistrantKind.ORGANISATION else (),
                province=draw(st.sampled_from(PROVINCES)),
                inhabitants=draw(st.integers(1, 10_000_000)),
                balance=draw(st.sampled_from(Balance)),
                safety_net=draw(st.sampled_from(SafetyNet)),
                execution_variant=draw(st.sampled_from(CONFIG.cycle.execution_variants)),
                registered_on=draw(st.one_of(st.none(), st.dates(dt.date(2025, 1, 1),
                                                                 dt.date(2026, 12, 31)))),
                previous_cycles=tuple(draw(st.lists(list_item, max_size=2))),
                can_host=draw(st.booleans()),
                contact=draw(optional_text),
                email=draw(optional_text),
                self_evaluation=draw(st.one_of(st.none(), self_evaluations())),
                themes=draw(theme_choices()),
            )
        )  # fmt: skip
    return Registrations(registrations=tuple(registrations), catalogue=CATALOGUE)


@PROPERTY_SETTINGS
@given(registration_sets())
def test_written_registrations_read_back_as_the_same_model(registrations):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "aanmeldingen.xlsx"
        write_registrations(registrations, path, CONFIG)
        result = read_registrations(path, CONFIG)
    assert result.ok, [str(p) for p in result.errors]
    read_back = tuple(r.model_copy(update={"row": None}) for r in result.registrations)
    assert read_back == registrations.registrations
    assert [r.row for r in result.registrations] == list(range(2, len(registrations) + 2))


# --- damaged workbooks --------------------------------------------------------

SHEETS = ["Aanmeldingen", "Zelfevaluatie", "Leerthemas", "Instructies"]
wrong_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    odd_text,
    st.sampled_from(FORMULA_LOOKING),
    st.sampled_from(["", "  ", "ja", "5", "2.5", "Fryslân", "tekot", "Zwole", "31-02-2026"]),
)
damage = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(SHEETS), st.integers(1, 6), st.integers(1, 32),
              wrong_values),
    st.tuples(st.just("delete_column"), st.sampled_from(SHEETS), st.integers(1, 30)),
    st.tuples(st.just("delete_row"), st.sampled_from(SHEETS), st.integers(1, 5)),
    st.tuples(st.just("delete_sheet"), st.sampled_from(SHEETS)),
    st.tuples(st.just("rename_sheet"), st.sampled_from(SHEETS), odd_text.filter(bool)),
    # issue 10: what hung or silently misled the intake
    st.tuples(st.just("style_far"), st.sampled_from(SHEETS),
              st.sampled_from([1, 2, 500, 1_048_576]), st.sampled_from([1, 13, 300, 16_384])),
    st.tuples(st.just("duplicate_sheet"), st.sampled_from(SHEETS), st.booleans(),
              st.sampled_from([" ", "'", "  "])),
    st.tuples(st.just("merge"), st.sampled_from(SHEETS), st.integers(1, 4), st.integers(1, 14),
              st.integers(0, 2), st.integers(1, 3)),
    st.tuples(st.just("nfd"), st.sampled_from(SHEETS)),
    st.tuples(st.just("formula"), st.sampled_from(SHEETS), st.integers(1, 6), st.integers(1, 14),
              st.sampled_from(["=1+1", "=A2", '="Zwolle"', "=DATE(2026,6,1)"])),
)  # fmt: skip
FILL = PatternFill(fill_type="solid", start_color="FFFFFF00", end_color="FFFFFF00")


def apply_damage(wb: Any, operation: tuple[Any, ...]) -> None:
    kind, title, *args = operation
    if title not in wb.sheetnames:
        return
    ws = wb[title]
    if kind == "set":
        row, column, value = args
        ws.cell(row=row, column=column).value = value  # formula-looking text becomes a formula
    elif kind in ("delete_column", "delete_row") and ws.max_row * ws.max_column > 100_000:
        # After a far-away styled cell, openpyxl itself would move every cell of the
        # used range (up to 1,048,576 × 16,384) in memory: not the intake's doing.
        return
    elif kind == "delete_column":
        ws.delete_cols(args[0])
    elif kind == "delete_row":
        ws.delete_rows(args[0])
    elif kind == "delete_sheet" and len(wb.sheetnames) > 1:
        wb.remove(ws)
    elif kind == "rename_sheet":
        new = "".join(c for c in args[0] if c not in "[]:*?/\\")[:31]
        if new and new not in wb.sheetnames:
            ws.title = new
    else:
        apply_issue_10_damage(wb, ws, kind, args)


def apply_issue_10_damage(wb: Any, ws: Any, kind: str, args: list[Any]) -> None:
    """Far-away styled cells, duplicate matching sheets, merged cells, NFD text, formulas
    without a cached value (openpyxl never computes them)."""
    if kind == "style_far":
        ws.cell(row=args[0], column=args[1]).fill = FILL
    elif kind == "duplicate_sheet":
        hidden, suffix = args
        copy = wb.copy_worksheet(ws)
        if ws.title + suffix not in wb.sheetnames:
            copy.title = ws.title + suffix
        copy.sheet_state = "hidden" if hidden else "visible"
    elif kind == "merge":
        row, column, height, width = args
        ws.merge_cells(start_row=row, start_column=column, end_row=row + height,
                       end_column=column + width)  # fmt: skip
    elif kind == "nfd":
        # Bounded: after a far-away styled cell the used range is the whole sheet.
        for cells in ws.iter_rows(max_row=min(ws.max_row, 200), max_col=min(ws.max_column, 60)):
            for cell in cells:
                if isinstance(cell.value, str) and cell.data_type == "s":
                    cell.value = unicodedata.normalize("NFD", cell.value)
    elif kind == "formula":
        row, column, formula = args
        ws.cell(row=row, column=column).value = formula


@PROPERTY_SETTINGS
@given(registration_sets(), st.lists(damage, min_size=1, max_size=8))
def test_damaged_workbooks_are_accepted_or_reported_never_raised(registrations, operations):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "aanmeldingen.xlsx"
        write_registrations(registrations, path, CONFIG)
        wb = load_workbook(path)
        for operation in operations:
            apply_damage(wb, operation)
        wb.save(path)
        started = time.perf_counter()
        result = read_registrations(path, CONFIG)
        assert time.perf_counter() - started < 5
    for problem in result.problems:
        assert problem.sheet, problem
        assert problem.message
        if problem.row is not None and problem.row > 1:
            assert problem.column, problem
    if result.ok:
        assert all(r.name for r in result.registrations)
        assert all(r.name == normalise_name(r.name) for r in result.registrations)
