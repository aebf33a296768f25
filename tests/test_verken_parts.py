"""The parts of ``verken``: fingerprints, cache, thresholds and the workbook."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook

from leernetwerk.cli import main
from leernetwerk.config import CycleConfig, setting_keys, with_overrides
from leernetwerk.explore.cache import VariantCache, default_cache_dir
from leernetwerk.explore.fingerprint import MATCHING_ONLY, config_fingerprint, selection_fingerprint
from leernetwerk.explore.thresholds import DEPTH, MAX_RUNS
from leernetwerk.proposal import Proposal
from tests.test_verken import pilot_two_clubs


def test_matching_only_settings_name_real_settings():
    keys = setting_keys()
    for dotted in MATCHING_ONLY:
        assert any(k == dotted or k.startswith(dotted + ".") for k in keys), dotted


def value_of(config: CycleConfig, key: str) -> object:
    value: object = config
    for part in key.split("."):
        value = getattr(value, part)
    return value


SCALAR_KEYS = [
    k for k in setting_keys() if not isinstance(value_of(CycleConfig(), k), tuple | list | dict)
]


@pytest.mark.parametrize("key", SCALAR_KEYS)
def test_selection_fingerprint_follows_the_rule(key):
    """Changing a setting changes the selection fingerprint exactly when it is not
    matching-only (the rule in leernetwerk/explore/fingerprint.py)."""
    base = CycleConfig()
    value = value_of(base, key)
    if isinstance(value, bool):
        new: object = not value
    elif isinstance(value, int | float):
        new = value + 1
    elif isinstance(value, str):
        new = value + "x"
    else:  # a date (cycle.registration_deadline is None by default)
        new = "2025-05-02"
    try:
        changed = with_overrides(base, {key: new})
    except Exception:  # noqa: BLE001 - some +1 values break a constraint; try −1
        changed = with_overrides(base, {key: value - 1})  # type: ignore[operator]
    matching_only = any(key == d or key.startswith(d + ".") for d in MATCHING_ONLY)
    same = selection_fingerprint(changed) == selection_fingerprint(base)
    assert same is matching_only, key
    assert config_fingerprint(changed) != config_fingerprint(base)


def test_cache_dir_honours_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_dir() == tmp_path / "leernetwerk"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == Path.home() / ".cache" / "leernetwerk"


def test_cache_round_trip_damage_and_concurrent_writers(tmp_path):
    cache = VariantCache(tmp_path)
    proposal = Proposal(cycle="c", input_file="a.xlsx", input_sha256="0" * 64,
                        config_sha256="1" * 64, seed=0)  # fmt: skip
    key = "ab" * 32
    assert cache.load(key) is None
    threads = [threading.Thread(target=cache.store, args=(key, proposal)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.load(key) == proposal
    assert [p.name for p in cache.path(key).parent.iterdir()] == [f"{key}.json"]
    cache.path(key).write_text("{kapot", encoding="utf-8")
    assert cache.load(key) is None


def test_thresholds_find_where_the_layout_changes(tmp_path, capsys):
    workbook, cycle = pilot_two_clubs(tmp_path / "in")
    out = tmp_path / "drempels"
    args = ["verken", str(workbook), "--cycle", str(cycle), "--out", str(out), "--quiet"]
    args += ["--cache", str(tmp_path / "cache"), "--jobs", "1"]
    assert main([*args, "--drempels", "weights.clubs.region=-8:8"]) == 0
    doc = json.loads((out / "verkenning.json").read_text(encoding="utf-8"))
    t = doc["thresholds"]
    assert t["key"] == "weights.clubs.region" and t["runs"] <= MAX_RUNS
    assert doc["variants"][0]["label"] == "basis"
    assert len(doc["variants"]) == t["runs"] == len(t["points"])
    assert t["changes"], "region moves people in this example"
    clubs_at = {v["values"]["weights.clubs.region"]: v["clubs"] for v in doc["variants"]}
    for change in t["changes"]:
        assert change["to"] - change["from"] <= 16 / 2**DEPTH
        low = {frozenset(c) for c in clubs_at[change["from"]]}
        high = {frozenset(c) for c in clubs_at[change["to"]]}
        assert low != high or change["sessions_changed"] or change["moved"]
    # Neighbouring computed values without a listed change have the same clubs.
    points = t["points"]
    listed = {(c["from"], c["to"]) for c in t["changes"]}
    for a, b in zip(points, points[1:], strict=False):
        if (a, b) not in listed:
            assert {frozenset(c) for c in clubs_at[a]} == {frozenset(c) for c in clubs_at[b]}
    assert any("Tussen weights.clubs.region" in line for line in doc["reading_guide"])


def test_workbook_sheets_heat_map_and_text_safety(tmp_path):
    workbook, cycle = pilot_two_clubs(tmp_path / "in")
    out = tmp_path / "uit"
    args = ["verken", str(workbook), "--cycle", str(cycle), "--out", str(out), "--quiet"]
    args += ["--cache", str(tmp_path / "cache"), "--jobs", "1"]
    args += ["--vary", "weights.clubs.region=5", "--vary", "cycle.name==SOM(A1)"]
    assert main(args) == 0
    wb = load_workbook(out / "verkenning.xlsx")
    assert wb.sheetnames[:7] == [
        "Leeswijzer", "Varianten", "Bijdragen", "Verschuivingen", "Paarstabiliteit",
        "Deelnemers", "Vaste clubs",
    ]  # fmt: skip
    assert wb.sheetnames[7:] == ["clubs.region", "cycle.name"]
    pairs = wb["Paarstabiliteit"]
    rules = list(pairs.conditional_formatting)
    assert rules and rules[0].rules[0].type == "colorScale"
    assert pairs.cell(1, 1).value == "Deelnemer"
    names = [pairs.cell(1, c).value for c in range(3, pairs.max_column + 1)]
    assert names == [pairs.cell(r, 1).value for r in range(2, pairs.max_row + 1)]
    # a formula-looking value stays text
    column = [c for (c,) in wb["cycle.name"].iter_rows(min_row=2, max_col=1)]
    cell = next(c for c in column if c.value == "=SOM(A1)")
    assert cell.data_type == "s"
