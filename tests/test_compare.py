"""``leernetwerk compare A B``: who moved, and what a changed weight did to the score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from leernetwerk.cli import main
from leernetwerk.compare import (
    compare_proposals,
    criterion_changes,
    render_comparison,
    weight_effect,
)
from leernetwerk.config import CycleConfig
from leernetwerk.proposal import Proposal, Quality, Round, SelectionEntry, Session, SolveStatus
from matching.scoring import score_layout
from tests.fixtures_proposal import build_proposal, build_registrations

REGISTRATIONS = build_registrations()
PARTICIPANTS = REGISTRATIONS.by_name()


def scored(proposal: Proposal, config: CycleConfig, config_sha: str) -> Proposal:
    """``proposal`` with the scorer's breakdown and objective under ``config``."""
    breakdown = score_layout(proposal.layout, PARTICIPANTS, config)
    quality = proposal.quality.model_copy(update={"objective": breakdown.total})
    return proposal.model_copy(
        update={"breakdown": breakdown, "quality": quality, "config_sha256": config_sha}
    )


def move(proposal: Proposal, round_number: int, name: str, to_index: int) -> Proposal:
    """Move ``name`` in one round into the session at ``to_index`` (same club)."""
    rounds = []
    for rnd in proposal.rounds:
        if rnd.round != round_number:
            rounds.append(rnd)
            continue
        sessions: list[Session] = []
        for index, s in enumerate(rnd.sessions):
            members = tuple(m for m in s.members if m != name)
            if index == to_index:
                members = (*members, name)
            sessions.append(s.model_copy(update={"members": members}))
        rounds.append(Round(round=rnd.round, sessions=tuple(sessions)))
    return proposal.model_copy(update={"rounds": tuple(rounds)})


DEFAULT = CycleConfig.model_validate({"cycle": {"places": 20}})
HEAVIER_THEMES = CycleConfig.model_validate(
    {"cycle": {"places": 20}, "weights": {"sessions": {"shared_themes": 8.0}}}
)


@pytest.fixture(scope="module")
def pair() -> tuple[Proposal, Proposal]:
    """A: the fixture proposal. B: Barendrecht moved in round 1, shared_themes weight 4 → 8."""
    base = build_proposal(REGISTRATIONS)
    a = scored(base, DEFAULT, "a" * 64)
    # Round-1 session 2 (Wageningen, Oude IJsselstreek, Barendrecht) → session 3
    # ('s-Hertogenbosch, Schagen).
    b = scored(move(base, 1, "Barendrecht", 2), HEAVIER_THEMES, "b" * 64)
    return a, b


def test_one_moved_member_changes_exactly_the_partners_of_the_two_sessions(
    pair: tuple[Proposal, Proposal],
) -> None:
    c = compare_proposals(*pair)
    changed = {(p.round, p.name): p for p in c.partner_changes}
    assert set(changed) == {
        (1, "Barendrecht"),
        (1, "Wageningen"),
        (1, "Oude IJsselstreek"),
        (1, "'s-Hertogenbosch"),
        (1, "Schagen"),
    }
    barendrecht = changed[(1, "Barendrecht")]
    assert barendrecht.before == ("Oude IJsselstreek", "Wageningen")
    assert barendrecht.after == ("'s-Hertogenbosch", "Schagen")
    assert changed[(1, "Schagen")].after == ("'s-Hertogenbosch", "Barendrecht")
    assert c.club_moves == () and c.selected_in == () and c.selected_out == ()


def test_changed_weight_shows_its_effect_on_that_criterion(
    pair: tuple[Proposal, Proposal],
) -> None:
    a, b = pair
    c = compare_proposals(a, b)
    themes = next(x for x in c.scores.criteria if x.key == "sessions.shared_themes")
    assert (themes.weight_before, themes.weight_after) == (4.0, 8.0)
    assert themes.after == pytest.approx(8.0 * themes.raw_after)
    assert themes.before == pytest.approx(4.0 * themes.raw_before)
    assert [x.key for x in c.scores.criteria if x.weight_changed] == ["sessions.shared_themes"]
    assert sum(x.difference for x in c.scores.criteria) == pytest.approx(
        c.scores.total_difference, abs=1e-3
    )
    text = render_comparison(c)
    assert "Gewicht" in text and "sessions.shared_themes" in text and "van 4 naar 8" in text
    by_weight, by_layout = weight_effect(themes)  # type: ignore[misc]
    assert by_weight == pytest.approx(4.0 * themes.raw_after)
    assert by_weight + by_layout == pytest.approx(themes.difference)


def test_inputs_that_differ_are_named_and_equal_ones_are_not(
    pair: tuple[Proposal, Proposal],
) -> None:
    c = compare_proposals(*pair)
    assert [f.label for f in c.inputs] == ["SHA-256 configuratie"]
    same = compare_proposals(pair[0], pair[0])
    assert same.same_inputs
    assert "zelfde aanmeldingen" in render_comparison(same)


def test_quality_figures_are_all_compared(pair: tuple[Proposal, Proposal]) -> None:
    a, b = pair
    b = b.model_copy(
        update={"quality": Quality(status=SolveStatus.OPTIMAL, objective=1.0, bound=1.0, gap=0.0)}
    )
    figures = {f.label: f for f in compare_proposals(a, b).quality}
    for label in ("doelfunctie", "beste grens", "gap", "basislijn", "status"):
        assert f"Matching: {label}" in figures
    assert figures["Matching: status"].after == "optimaal"
    assert figures["Matching: basislijn"].after is None
    assert figures["Matching: gap"].before == pytest.approx(0.05)


def test_selection_and_club_moves(pair: tuple[Proposal, Proposal]) -> None:
    a, _ = pair
    selection = tuple(
        SelectionEntry(name=e.name, selected=e.name != "Delft" if e.selected else e.name == "Ede")
        for e in a.selection
    )
    clubs = (
        a.clubs[0].model_copy(update={"members": (*a.clubs[0].members, "Venlo")}),
        a.clubs[1].model_copy(
            update={"members": tuple(m for m in a.clubs[1].members if m not in ("Venlo", "Delft"))}
        ),
    )
    b = a.model_copy(update={"selection": selection, "clubs": clubs})
    c = compare_proposals(a, b)
    assert c.selected_in == ("Ede",)
    assert c.selected_out == ("Delft",)
    assert {(m.name, m.before, m.after) for m in c.club_moves} == {
        ("Venlo", 2, 1),
        ("Delft", 2, None),
    }
    text = render_comparison(c)
    assert "Venlo: club 2 → club 1" in text
    assert "Delft: club 2 → geen club" in text
    assert "erbij in B: Ede" in text


def test_a_missing_breakdown_counts_as_zero() -> None:
    a = build_proposal(REGISTRATIONS)
    changes = criterion_changes(None, a.breakdown)
    assert changes.total_before == 0.0
    assert changes.total_difference == pytest.approx(a.breakdown.total)


def write(folder: Path, proposal: Proposal) -> Path:
    folder.mkdir(parents=True)
    (folder / "proposal.json").write_text(proposal.to_json(), encoding="utf-8")
    return folder


def test_cli_compares_run_folders_and_proposal_files(
    pair: tuple[Proposal, Proposal], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = write(tmp_path / "a", pair[0])
    b = write(tmp_path / "b", pair[1])
    assert main(["compare", str(a), str(b / "proposal.json")]) == 0
    out = capsys.readouterr().out
    assert "Ronde 1, Barendrecht: was met Oude IJsselstreek, Wageningen; nu met " in out
    assert "SHA-256 configuratie" in out

    assert main(["compare", str(a), str(b), "--json"]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert data["same_inputs"] is False
    assert {p["name"] for p in data["partner_changes"]} >= {"Barendrecht", "Schagen"}
    themes = next(x for x in data["scores"]["criteria"] if x["key"] == "sessions.shared_themes")
    assert (themes["weight_before"], themes["weight_after"]) == (4.0, 8.0)
    assert themes["difference"] == pytest.approx(themes["after"] - themes["before"])


@pytest.mark.parametrize("content", ["geen json", '{"cycle": 3}', ""])
def test_garbage_proposal_gives_a_dutch_message_never_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    good = write(tmp_path / "goed", build_proposal(REGISTRATIONS))
    bad = tmp_path / "kapot.json"
    bad.write_text(content, encoding="utf-8")
    assert main(["compare", str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert "geen geldig voorstel" in err

    assert main(["compare", str(good), str(tmp_path / "weg")]) == 1
    assert "bestaat niet" in capsys.readouterr().err


PILOT = Path(__file__).resolve().parent.parent / "examples" / "pilot-2025"


@pytest.mark.skipif(not (PILOT / "aanmeldingen.xlsx").is_file(), reason="pilot example missing")
def test_two_real_runs_with_a_changed_weight(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # End to end: 'run' twice on the pilot example, the second time with the weight of
    # shared session themes doubled; 'check' accepts the untouched workbook and
    # 'compare' shows the weight and its effect.
    base = (PILOT / "cycle.toml").read_text(encoding="utf-8")
    heavier = tmp_path / "zwaarder.toml"
    heavier.write_text(base + "\n[weights.sessions]\nshared_themes = 8.0\n", encoding="utf-8")
    runs = []
    for name, cycle in (("a", PILOT / "cycle.toml"), ("b", heavier)):
        out = tmp_path / name
        args = ["run", str(PILOT / "aanmeldingen.xlsx"), "--cycle", str(cycle), "--out", str(out)]
        assert main([*args, "--quiet"]) == 0, capsys.readouterr().err
        runs.append(out)
    capsys.readouterr()

    assert main(["check", str(runs[0] / "proposal.xlsx"), "--json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["notes"] == [] and checked["hard"] == []
    assert checked["scores"]["total"]["difference"] == 0

    assert main(["compare", str(runs[0]), str(runs[1]), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [f["label"] for f in data["inputs"]] == ["SHA-256 configuratie"]
    themes = next(x for x in data["scores"]["criteria"] if x["key"] == "sessions.shared_themes")
    assert (themes["weight_before"], themes["weight_after"]) == (4.0, 8.0)
