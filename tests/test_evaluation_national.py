"""The illustrative evaluation of the national example, recomputed independently.

``examples/evaluatie.py`` builds the decided national cycle (about 10 s) and
fills its evaluation workbook; the decided pilot sits before it as an earlier
cycle (folder ``2025-2026``), so the network counts include history. The
figures of ``evaluatie.json`` are recomputed here straight from the workbook
cells (openpyxl), ``proposal.json`` and the registrations, without the
evaluation package, and the page is rendered in headless Chromium.
"""

from __future__ import annotations

import json
from collections import defaultdict
from itertools import combinations
from statistics import fmean
from typing import Any

import pytest
from openpyxl import load_workbook

from leernetwerk.cli import main
from leernetwerk.config import load_cycle_config
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import load_proposal
from tests.evaluation_helpers import decided_pilot, load_example
from tests.test_report_browser import console_lines, dom_text, run_chromium

TODAY = "2027-04-30"


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("national")
    pilot = decided_pilot(root, "2025-2026")
    example = load_example()
    cycle = example.build_cycle(root)
    assert main(["evaluatie", str(cycle), "--template"]) == 0
    example.fill_workbook(cycle)
    assert main(["evaluatie", str(cycle), "--today", TODAY]) == 0
    folder = cycle / "evaluatie" / TODAY
    config = load_cycle_config(cycle / "cycle.toml")
    return {
        "cycle": cycle,
        "folder": folder,
        "figures": json.loads((folder / "evaluatie.json").read_text(encoding="utf-8")),
        "proposal": load_proposal(next((cycle / "runs").iterdir())),
        "pilot": load_proposal(next((pilot / "runs").iterdir())),
        "config": config,
        "registrations": load_registrations(cycle / "aanmeldingen.xlsx", config).by_name(),
        "workbook": load_workbook(cycle / "evaluatie.xlsx", data_only=True),
    }


def rows(workbook: Any, sheet: str) -> list[dict[str, Any]]:
    ws = workbook[sheet]
    headers = [c.value for c in ws[1]]
    return [dict(zip(headers, r, strict=False)) for r in ws.iter_rows(min_row=2, values_only=True)]


def sessions_by_key(proposal: Any) -> dict[tuple[int, int, int], Any]:
    return {
        (s.club, r.round, number): s
        for r in proposal.rounds
        for number, s in enumerate(r.sessions, start=1)
    }


def r2(values: list[float]) -> float | None:
    return round(fmean(values), 2) if values else None


def test_session_counts(national):
    reported = {
        (r["Club"], r["Ronde"], r["Sessie"]): r["Gehouden"]
        for r in rows(national["workbook"], "Bijeenkomsten")
    }
    sessions = national["figures"]["sessions"]
    assert sessions["planned"] == len(reported) == len(sessions_by_key(national["proposal"]))
    assert sessions["held"] == sum(v in ("ja", "verplaatst") for v in reported.values())
    assert sessions["moved"] == sum(v == "verplaatst" for v in reported.values())
    assert sessions["cancelled"] == sum(v == "nee" for v in reported.values())
    assert sessions["not_reported"] == sum(v is None for v in reported.values())
    assert sessions["held"] > 15  # the example is not trivially empty


def test_usefulness_per_werkvorm(national):
    by_key = sessions_by_key(national["proposal"])
    values: dict[str, list[int]] = defaultdict(list)
    for row in rows(national["workbook"], "Beoordelingen"):
        if row["Nuttig"] is not None:
            session = by_key[(row["Club"], row["Ronde"], row["Sessie"])]
            values[session.format.label].append(row["Nuttig"])
    usefulness = national["figures"]["usefulness"]
    got = {e["key"]: (e["n"], e["mean"]) for e in usefulness["by_format"] if e["n"]}
    assert got == {k: (len(v), r2(v)) for k, v in values.items()}
    everything = [v for vs in values.values() for v in vs]
    assert (usefulness["n"], usefulness["mean"]) == (len(everything), r2(everything))
    assert sum(usefulness["distribution"].values()) == len(everything)


def test_growth_per_theme(national):
    registrations = national["registrations"]
    diffs: dict[str, list[float]] = defaultdict(list)
    for row in rows(national["workbook"], "Zelfevaluatie eind"):
        registration = registrations[row["Deelnemer"]]
        for theme in national["config"].catalogue.names:
            end, start = row.get(theme), registration.score(theme)
            if end is not None and 1 <= end <= 4 and start >= 1:
                diffs[theme].append(end - start)
    themes = {t["theme"]: t for t in national["figures"]["themes"]}
    assert list(themes) == list(national["config"].catalogue.names)
    for theme, entry in themes.items():
        assert (entry["n"], entry["growth"]) == (len(diffs[theme]), r2(diffs[theme])), theme
        assert entry["deficit"]["n"] + entry["other"]["n"] == entry["n"]
    assert sum(t["n"] for t in themes.values()) > 100


def test_network_counts(national):
    present: dict[tuple[int, int, int], dict[str, Any]] = {}
    for row in rows(national["workbook"], "Bijeenkomsten"):
        key = (row["Club"], row["Ronde"], row["Sessie"])
        if row["Gehouden"] in ("ja", "verplaatst"):
            present[key] = {
                row[f"Gemeente {i}"]: row[f"Aanwezigen {i}"]
                for i in range(1, 4)
                if row.get(f"Gemeente {i}")
            }
    now: set[frozenset[str]] = set()
    reached: set[str] = set()
    for members in present.values():
        there = [name for name, count in members.items() if count != 0]
        reached.update(there)
        now |= {frozenset(p) for p in combinations(there, 2)}
    pilot = national["pilot"]
    before = {
        frozenset(p) for r in pilot.rounds for s in r.sessions for p in combinations(s.members, 2)
    }
    network = national["figures"]["network"]
    assert network["ties_this_cycle"] == len(now)
    assert network["new_ties"] == len(now - before)
    assert network["cumulative_ties"] == len(now | before) > len(now)
    registrations = national["registrations"]
    municipalities = {mu for r in registrations.values() for mu in r.municipalities()}
    reached_mu = {mu for name in reached for mu in registrations[name].municipalities()}
    assert network["municipalities_reached"] == len(reached_mu)
    assert network["municipalities_registered"] == len(municipalities)
    assert sum(p["reached"] for p in network["by_province"]) == len(reached_mu)
    assert national["figures"]["earlier_cycles"] == ["2025-2026"]


def test_reflections_and_open_items(national):
    received = defaultdict(list)
    for row in rows(national["workbook"], "Reflectie"):
        if row["Reflectieverslag ontvangen"] is None:
            received[row["Club"]].append(row["Deelnemer"])
    for club in national["figures"]["reflections"]:
        assert club["missing"] == received[club["club"]]
        if club["missing"]:
            assert any(
                ", ".join(club["missing"]) in item for item in national["figures"]["open_items"]
            )


def test_the_page_renders_with_every_club_and_theme(national, tmp_path):
    page = national["folder"] / "evaluatie.html"
    result = run_chromium(page, tmp_path, "--dump-dom", "--enable-logging=stderr", "--v=0")
    assert console_lines(result.stderr) == []
    text = dom_text(result.stdout)
    assert "Illustratief" in text
    for club in national["proposal"].clubs:
        assert f"Club {club.id}" in text
    missing = [t for t in national["config"].catalogue.names if t not in text]
    assert missing == []
