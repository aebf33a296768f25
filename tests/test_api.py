"""The notebook API (leernetwerk.api) on the pilot example: it runs exactly what
``leernetwerk run`` computes, its tables add up to the proposal's breakdown,
wrong overrides fail before solving with the CLI's Dutch messages, and its
docstring examples work."""

from __future__ import annotations

import doctest
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import leernetwerk.api as ln
from leernetwerk.config import setting_keys
from leernetwerk.errors import UserError
from leernetwerk.pipeline import RunInputs, run_pipeline
from leernetwerk.proposal import Proposal
from matching.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
PILOT = ROOT / "examples" / "pilot-2025"
WORKBOOK, CYCLE = PILOT / "aanmeldingen.xlsx", PILOT / "cycle.toml"
VARIANT = {"weights.sessions.first_choice": 0}
"""On the pilot this changes who meets whom (one club of eight: nobody changes club)."""


@pytest.fixture(scope="module")
def study() -> ln.Study:
    return ln.load(WORKBOOK, CYCLE)


@pytest.fixture(scope="module")
def base(study: ln.Study) -> ln.Result:
    return study.run()


@pytest.fixture(scope="module")
def variant(study: ln.Study) -> ln.Result:
    return study.run(VARIANT)


def without_clock(proposal: Proposal) -> dict[str, Any]:
    data = proposal.model_dump(mode="json")
    for quality in ("quality", "selection_quality"):
        data[quality].pop("wall_time")
    return data


def test_a_run_is_exactly_what_run_pipeline_computes(base: ln.Result) -> None:
    plain = run_pipeline(RunInputs(WORKBOOK, CYCLE)).proposal
    assert without_clock(base.proposal) == without_clock(plain)
    assert base.label == "base" and base.overrides == {}


def test_a_variant_records_its_overrides_and_effective_config(variant: ln.Result) -> None:
    assert variant.config.weights.sessions.first_choice == 0
    assert variant.label == "weights.sessions.first_choice=0"
    assert variant.output.config_text.startswith("# ")
    assert "first_choice = 0" in variant.output.config_text


def test_the_breakdown_adds_up_to_the_objective(base: ln.Result) -> None:
    table = base.breakdown()
    assert list(table.columns) == ["key", "label", "weight", "raw", "contribution"]
    assert list(table["key"]) == [c.key for c in base.proposal.breakdown.criteria]
    assert table["contribution"].sum() == pytest.approx(base.objective, abs=1e-6)
    assert (table["contribution"] - table["weight"] * table["raw"]).abs().max() < 1e-3


def test_club_and_session_rows_add_up_per_criterion(base: ln.Result) -> None:
    per_group = pd.concat([base.breakdown(by="club"), base.breakdown(by="session")])
    summed = per_group.groupby("key")["contribution"].sum()
    expected = base.breakdown().set_index("key")["contribution"]
    pd.testing.assert_series_equal(
        summed.sort_index(), expected.sort_index(), check_names=False, atol=1e-6
    )
    sessions = base.breakdown(by="session")
    assert set(sessions["session"]) <= set(base.sessions()["session"])


def test_breakdown_of_rescores_a_layout_under_this_runs_weights(
    base: ln.Result, variant: ln.Result
) -> None:
    pd.testing.assert_frame_equal(base.breakdown_of(base), base.breakdown())
    rescored = variant.breakdown_of(base).set_index("key")
    own = base.breakdown().set_index("key")
    assert (rescored["raw"] == own["raw"]).all()  # the same layout
    assert rescored.loc["sessions.first_choice", "contribution"] == 0  # the variant's weight
    assert rescored["contribution"].sum() == pytest.approx(
        base.objective - own.loc["sessions.first_choice", "contribution"]
    )


def test_clubs_and_sessions_are_the_layout(base: ln.Result) -> None:
    clubs = base.clubs()
    assert dict(zip(clubs["participant"], clubs["club"], strict=True)) == (
        base.proposal.layout.club_of()
    )
    assert sorted(clubs["participant"]) == sorted(base.proposal.selected)

    sessions = base.sessions()
    layout = base.proposal.layout.sessions()
    assert len(sessions) == len(layout)
    assert not sessions.duplicated(["round", "club", "session"]).any()
    assert [tuple(m) for m in sessions["members"]] == [s.members for _, s in layout]
    assert all(m[0] == h for m, h in zip(sessions["members"], sessions["host"], strict=True))
    # every participant once per round
    per_round = sessions.explode("members").groupby("round")["members"]
    assert all(sorted(names) == sorted(base.proposal.selected) for _, names in per_round)


def test_selection_checks_and_quality(base: ln.Result) -> None:
    selection = base.selection()
    assert list(selection.loc[selection["selected"], "registrant"]) == list(base.proposal.selected)
    assert all(reasons for reasons in selection["reasons"])

    checks = base.checks()
    assert set(checks["key"]) == {rule.key for rule in RULES}
    assert checks.loc[checks["hard"], "ok"].all()
    assert (checks["ok"] == (checks["message"] == "")).all()

    quality = base.quality()
    assert list(quality.index) == ["base"]
    row = quality.iloc[0]
    assert row["objective"] == base.objective and row["status"] == "optimaal"
    assert row["selected"] == 8 and row["clubs"] == 1 and bool(row["hard_rules_ok"])


def test_compare_a_run_with_itself_shows_nothing(base: ln.Result) -> None:
    same = ln.compare(base, base)
    assert same.moves.empty and same.partners.empty and same.selection.empty
    assert (same.scores["difference"] == 0).all()
    assert not same.quality["changed"].any()


def test_compare_shows_the_partner_changes_and_score_changes(
    base: ln.Result, variant: ln.Result
) -> None:
    changes = ln.compare(base, variant)
    assert changes.moves.empty  # one club: nobody can change club
    assert len(changes.partners) == len(changes.comparison.partner_changes) > 0
    for _, row in changes.partners.iterrows():
        assert set(row["partners_a"]) != set(row["partners_b"])
    scores = changes.scores.set_index("key")
    assert scores["difference"].sum() == pytest.approx(variant.objective - base.objective)
    assert (scores["by_weight"] + scores["by_layout"] - scores["difference"]).abs().max() < 1e-3
    first_choice = scores.loc["sessions.first_choice"]
    assert (first_choice["weight_a"], first_choice["weight_b"]) == (5.0, 0.0)
    assert "Gewicht" in changes.text() and "sessions.first_choice" in changes.text()


def test_a_wrong_key_fails_with_a_suggestion_before_solving(study, monkeypatch) -> None:
    monkeypatch.setattr(ln, "run_pipeline", lambda *a, **k: pytest.fail("solved anyway"))
    with pytest.raises(UserError) as raised:
        study.run({"weights.clubs.shared_theme": 2, "weights.clubs.regio": 1})
    messages = [p.message for p in raised.value.problems]
    assert len(messages) == 2
    assert "Bedoelde u 'weights.clubs.shared_themes'?" in messages[0]
    assert "Bedoelde u 'weights.clubs.region'?" in messages[1]


def test_a_wrong_value_fails_with_a_dutch_reason(study, monkeypatch) -> None:
    monkeypatch.setattr(ln, "run_pipeline", lambda *a, **k: pytest.fail("solved anyway"))
    with pytest.raises(UserError) as raised:
        study.run({"weights.clubs.region": "veel"})
    assert "weights.clubs.region=veel" in str(raised.value)
    assert "getal" in str(raised.value)


def test_load_reports_problems_in_dutch(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="bestaat niet"):
        ln.load(tmp_path / "geen.xlsx", CYCLE)
    broken = tmp_path / "cycle.toml"
    broken.write_text("[clubs]\nmin_size = 'acht'\n", encoding="utf-8")
    with pytest.raises(UserError, match="min_size"):
        ln.load(WORKBOOK, broken)


def test_study_shows_its_registrants_and_settings(study: ln.Study) -> None:
    registrants = study.registrants()
    assert list(registrants["registrant"]) == [r.name for r in study.registrations]
    assert registrants["balance"].value_counts().to_dict() == {"overschot": 4, "tekort": 4}
    settings = study.settings()
    assert list(settings["key"]) == setting_keys()
    weights = study.settings("weights.sessions").set_index("key")["value"]
    assert weights["weights.sessions.first_choice"] == study.config.weights.sessions.first_choice


def test_save_writes_what_run_writes_and_never_overwrites(
    variant: ln.Result, tmp_path: Path
) -> None:
    out = tmp_path / "variant"
    written = variant.save(out)
    assert sorted(p.name for p in written) == [
        "cycle.toml",
        "proposal.json",
        "proposal.xlsx",
        "report.html",
        "run.json",
    ]
    assert (out / "proposal.json").read_text(encoding="utf-8") == variant.proposal.to_json()
    assert "first_choice = 0" in (out / "cycle.toml").read_text(encoding="utf-8")
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["config_sha256"] == (
        variant.proposal.config_sha256
    )
    with pytest.raises(UserError, match="niet leeg"):
        variant.save(out)


def test_the_docstring_examples_work(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(ln, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 8 and result.failed == 0
