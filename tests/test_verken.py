"""``leernetwerk verken`` on the pilot with two clubs of four (fast: < 1 s a variant).

The pilot's own cycle.toml has one club of eight, where nobody can move; here
its eight participants form two clubs, so weights do move people.
"""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

from leernetwerk.cli import main
from leernetwerk.config import load_cycle_config
from leernetwerk.explore.cache import VariantCache
from leernetwerk.explore.runner import RunStats, compute_variants
from leernetwerk.explore.variants import Variant, build_variants, checked_values, parse_vary
from leernetwerk.pipeline import RunInputs
from leernetwerk.proposal import load_proposal

PILOT = Path(__file__).resolve().parent.parent / "examples" / "pilot-2025"
TWO_CLUBS = """
[cycle]
name = "pilot-2025-2026"
budget_year = 2024
places = 8

[clubs]
min_size = 4
max_size = 4
target_size = 4
balance_tolerance = 4

[solver]
club_deterministic_time = 0.5
session_deterministic_time = 0.5
"""
VARY = ["--vary", "weights.clubs.region=-5,5", "--vary", "weights.clubs.shared_themes=0,3"]


def pilot_two_clubs(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    workbook = folder / "aanmeldingen.xlsx"
    shutil.copy(PILOT / "aanmeldingen.xlsx", workbook)
    cycle = folder / "cycle.toml"
    cycle.write_text(TWO_CLUBS, encoding="utf-8")
    return workbook, cycle


def verken(workbook: Path, cycle: Path, out: Path, cache: Path, *extra: str) -> int:
    args = ["verken", str(workbook), "--cycle", str(cycle), "--out", str(out)]
    return main([*args, "--cache", str(cache), "--quiet", *extra])


@pytest.fixture(scope="module")
def explored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("verken")
    workbook, cycle = pilot_two_clubs(folder)
    out, cache = folder / "verkenning", folder / "cache"
    assert verken(workbook, cycle, out, cache, *VARY, "--jobs", "1") == 0
    return {"folder": folder, "workbook": workbook, "cycle": cycle, "out": out, "cache": cache}


def document(out: Path) -> dict:
    return json.loads((out / "verkenning.json").read_text(encoding="utf-8"))


def test_writes_the_three_files(explored):
    names = sorted(p.name for p in explored["out"].iterdir())
    assert names == ["verkenning.html", "verkenning.json", "verkenning.xlsx"]


def test_variants_one_at_a_time_with_the_base_first(explored):
    doc = document(explored["out"])
    labels = [v["label"] for v in doc["variants"]]
    # shared_themes=3 is the base value: no extra variant.
    assert labels == [
        "basis",
        "weights.clubs.region=-5",
        "weights.clubs.region=5",
        "weights.clubs.shared_themes=0",
    ]
    assert doc["variants"][0]["overrides"] == {}
    assert doc["variants"][2]["overrides"] == {"weights.clubs.region": 5.0}
    assert doc["variants"][2]["criteria"]["clubs.region"] == pytest.approx(
        doc["variants"][2]["contributions"]["clubs.region"] / 5.0
    )
    assert any(v["moved"] for v in doc["variants"][1:]), "no weight moved anyone"


def test_base_variant_is_the_layout_of_a_plain_run(explored, tmp_path):
    out = tmp_path / "run"
    assert main(["run", str(explored["workbook"]), "--cycle", str(explored["cycle"]),
                 "--out", str(out), "--quiet"]) == 0  # fmt: skip
    ran = load_proposal(out)
    base = document(explored["out"])["variants"][0]
    assert base["clubs"] == [list(c.members) for c in ran.clubs]
    assert base["selected"] == list(ran.selected)
    # The cached base proposal is run's proposal (wall times aside): sessions too.
    cached = [load_proposal(p) for p in (explored["cache"] / "verken").rglob("*.json")]
    same = [p for p in cached if p.config_sha256 == ran.config_sha256]
    assert len(same) == 1
    assert same[0].layout == ran.layout
    assert same[0].breakdown == ran.breakdown


def test_pair_stability_recomputes_from_the_club_lists(explored):
    doc = document(explored["out"])
    clubs = [v["clubs"] for v in doc["variants"]]
    names = list(dict.fromkeys(n for layout in clubs for club in layout for n in club))
    listed = {(p["a"], p["b"]): p["share"] for p in doc["pair_stability"]}
    assert len(listed) == len(names) * (len(names) - 1) // 2
    for a, b in itertools.combinations(names, 2):
        together = sum(any(a in c and b in c for c in layout) for layout in clubs)
        share = listed.get((a, b), listed.get((b, a)))
        assert share == together / len(clubs), (a, b)
    assert any(0 < s < 1 for s in listed.values())


def test_participant_stability_and_stable_clubs_follow_from_the_variants(explored):
    doc = document(explored["out"])
    base_of = {n: i for i, club in enumerate(doc["variants"][0]["clubs"]) for n in club}
    for person in doc["participant_stability"]:
        kept = [person["name"] not in v["moved"] for v in doc["variants"]]
        assert person["share"] == sum(kept) / len(kept)
        assert person["base_club"] == base_of[person["name"]] + 1
    sets = [{frozenset(c) for c in v["clubs"]} for v in doc["variants"]]
    expected = [c for c in doc["variants"][0]["clubs"] if all(frozenset(c) in s for s in sets)]
    assert doc["stable_clubs"] == expected


def test_reading_guide_names_who_moves_and_when(explored):
    doc = document(explored["out"])
    moved_by_region = doc["variants"][2]["moved"]
    guide = "\n".join(doc["reading_guide"])
    if moved_by_region:
        assert "weights.clubs.region ≥ 5" in guide
        assert all(name in guide for name in moved_by_region)
    assert "Niet gedomineerd" in guide


def test_second_run_computes_nothing_and_writes_the_same_json(explored, capsys):
    files = sorted((explored["cache"] / "verken").rglob("*.json"))
    stamps = [p.stat().st_mtime_ns for p in files]
    out = explored["folder"] / "again"
    args = ["verken", str(explored["workbook"]), "--cycle", str(explored["cycle"])]
    args += ["--out", str(out), "--cache", str(explored["cache"]), *VARY]
    capsys.readouterr()
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "4 uit de cache, 0 berekend (0 selecties)" in captured.out
    assert "uit de cache" in captured.err
    assert sorted((explored["cache"] / "verken").rglob("*.json")) == files
    assert [p.stat().st_mtime_ns for p in files] == stamps
    assert (out / "verkenning.json").read_bytes() == (
        explored["out"] / "verkenning.json"
    ).read_bytes()


def test_matching_weights_share_one_selection(explored, tmp_path):
    inputs = RunInputs(explored["workbook"], explored["cycle"])
    config = load_cycle_config(explored["cycle"])
    lines: list[str] = []
    only_matching = [Variant(), Variant((("weights.sessions.first_choice", 9.0),))]
    stats = RunStats()
    compute_variants(inputs, only_matching, jobs=1, cache=None, report=lines.append, stats=stats)
    assert (stats.selections, stats.computed) == (1, 2)
    assert config.weights.selection.province_spread != 1.0
    with_selection = [*only_matching, Variant((("weights.selection.province_spread", 1.0),))]
    stats = RunStats()
    compute_variants(
        inputs, with_selection, jobs=1, cache=VariantCache(tmp_path), report=lines.append,
        stats=stats,
    )  # fmt: skip
    assert (stats.selections, stats.computed) == (2, 3)


def test_grid_is_the_full_product_with_the_base_once():
    config = load_cycle_config(None)
    specs = [parse_vary("weights.clubs.region=-1,0,1"), parse_vary("weights.clubs.stability=50,0")]
    values = checked_values(config, specs)
    grid = build_variants(config, values, grid=True)
    assert len(grid) == 3 * 2
    assert grid[0] == Variant()
    assert len(set(grid)) == len(grid)
    one_at_a_time = build_variants(config, values, grid=False)
    assert [v.label for v in one_at_a_time] == [
        "basis",
        "weights.clubs.region=-1",
        "weights.clubs.region=1",
        "weights.clubs.stability=0",
    ]


def test_grid_run_counts_every_combination(explored, tmp_path, capsys):
    out = tmp_path / "grid"
    args = ["--vary", "weights.clubs.region=-5,0,5", "--vary", "weights.sessions.first_choice=4,5"]
    args += ["--grid", "--jobs", "1"]
    capsys.readouterr()
    assert verken(explored["workbook"], explored["cycle"], out, explored["cache"], *args) == 0
    doc = document(out)
    assert len(doc["variants"]) == 3 * 2
    assert doc["grid"] is True
    combos = {tuple(sorted(v["values"].items())) for v in doc["variants"]}
    assert len(combos) == 6


def test_jobs_one_and_two_give_identical_files(explored, tmp_path):
    out = tmp_path / "twee"
    code = verken(explored["workbook"], explored["cycle"], out, tmp_path / "cache", *VARY,
                  "--jobs", "2")  # fmt: skip
    assert code == 0
    for name in ("verkenning.json", "verkenning.html"):
        assert (out / name).read_bytes() == (explored["out"] / name).read_bytes(), name


def test_unknown_key_suggests_and_exits_2_writing_nothing(explored, tmp_path, capsys):
    out, cache = tmp_path / "uit", tmp_path / "cache"
    code = verken(explored["workbook"], explored["cycle"], out, cache,
                  "--vary", "weights.clubs.shared_theme=1,2")  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert "Bedoelde u 'weights.clubs.shared_themes'?" in err
    assert not out.exists() and not cache.exists()


def test_wrong_value_is_located_and_exits_1_writing_nothing(explored, tmp_path, capsys):
    out, cache = tmp_path / "uit", tmp_path / "cache"
    code = verken(explored["workbook"], explored["cycle"], out, cache,
                  "--vary", "weights.clubs.region=1,abc",
                  "--vary", "weights.sessions.first_choice=-1")  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "--vary weights.clubs.region=abc" in err and "geen getal" in err
    assert "--vary weights.sessions.first_choice=-1" in err and "minstens 0" in err
    assert not out.exists() and not cache.exists()


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--vary", "weights.clubs.region"],
        ["--vary", "pins.select=Zwolle"],
        ["--vary", "weights.clubs.region=1", "--drempels", "weights.clubs.region=0:1"],
        ["--drempels", "weights.clubs.region"],
        ["--drempels", "cycle.name"],
    ],
)
def test_usage_errors_exit_2(explored, tmp_path, args, capsys):
    out = tmp_path / "uit"
    assert verken(explored["workbook"], explored["cycle"], out, tmp_path / "c", *args) == 2
    assert capsys.readouterr().err.strip()
    assert not out.exists()


def test_a_non_empty_out_folder_is_refused_before_solving(explored, tmp_path, capsys):
    out = tmp_path / "vol"
    out.mkdir()
    (out / "iets.txt").write_text("x", encoding="utf-8")
    cache = tmp_path / "cache"
    assert verken(explored["workbook"], explored["cycle"], out, cache, *VARY) == 1
    assert "niet leeg" in capsys.readouterr().err
    assert not cache.exists()


def test_the_base_layout_is_rescored_under_every_variants_settings(explored):
    """The same ruler as each variant's own score: under the base settings the base
    layout scores exactly the base objective; the flag says whether it beats the
    variant's own layout (the search stopped short, not the weight)."""
    variants = document(explored["out"])["variants"]
    base = variants[0]
    assert base["base_layout_objective"] == pytest.approx(base["objective"])
    assert base["search_stopped_short"] is False
    for v in variants[1:]:
        rescored = v["base_layout_objective"]
        if rescored is None:  # another selection: the base layout does not apply
            continue
        assert v["search_stopped_short"] is (rescored > v["objective"] + 1e-6)


def test_the_reading_guide_warns_when_the_base_layout_beats_a_variant(
    explored, tmp_path, monkeypatch
):
    """When the base layout scores higher under a variant's settings than the layout
    that variant found, the guide says the change is (partly) the search's."""
    import leernetwerk.commands.explore as command

    real = command.base_layout_scores

    def inflated(*args):  # type: ignore[no-untyped-def]
        scores = list(real(*args))
        scores[1] = (scores[1] or 0.0) + 1000.0
        return tuple(scores)

    monkeypatch.setattr(command, "base_layout_scores", inflated)
    out = tmp_path / "verkenning"
    assert verken(explored["workbook"], explored["cycle"], out, explored["cache"], *VARY) == 0
    data = document(out)
    assert data["variants"][1]["search_stopped_short"] is True
    guide = " ".join(data["reading_guide"])
    assert "Let op: bij " + data["variants"][1]["label"] in guide
    assert "zoektocht binnen de rekentijd stopte" in guide
