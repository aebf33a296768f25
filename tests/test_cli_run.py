"""``leernetwerk run`` and ``leernetwerk match`` through ``leernetwerk.cli.main``:
all outputs at once or nothing, never overwriting, conflicts in plain Dutch,
reproducible proposals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from leernetwerk.cli import main

PILOT = Path(__file__).resolve().parent.parent / "examples" / "pilot-2025"
OUTPUTS = ["cycle.toml", "proposal.json", "proposal.xlsx", "report.html", "run.json"]
FAST_SOLVER = """
[solver]
club_deterministic_time = 0.5
session_deterministic_time = 1.0
"""


def pilot_inputs(folder: Path, extra: str = "") -> tuple[Path, Path]:
    """The pilot workbook and its cycle.toml (short solver limits + ``extra``) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    workbook = folder / "aanmeldingen.xlsx"
    shutil.copy(PILOT / "aanmeldingen.xlsx", workbook)
    cycle = folder / "cycle.toml"
    cycle.write_text(
        (PILOT / "cycle.toml").read_text(encoding="utf-8") + FAST_SOLVER + extra, encoding="utf-8"
    )
    return workbook, cycle


def run(workbook: Path, cycle: Path, out: Path, *extra: str) -> int:
    return main(["run", str(workbook), "--cycle", str(cycle), "--out", str(out), "--quiet", *extra])


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """One run of the pilot: (workbook, cycle.toml, output folder)."""
    folder = tmp_path_factory.mktemp("pilot")
    workbook, cycle = pilot_inputs(folder)
    out = folder / "voorstel"
    assert run(workbook, cycle, out) == 0
    return workbook, cycle, out


def test_run_writes_all_outputs_into_a_new_folder(first_run):
    _, _, out = first_run
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS


def test_proposal_json_has_the_documented_keys(first_run):
    proposal = json.loads((first_run[2] / "proposal.json").read_text(encoding="utf-8"))
    for key in ("selection", "clubs", "rounds", "quality", "breakdown", "seed", "input_sha256"):
        assert key in proposal, key
    for key in ("objective", "bound", "gap", "baseline_objective", "stages"):
        assert key in proposal["quality"], key
    for stage in ("clubs", "sessions"):
        assert set(proposal["quality"]["stages"][stage]) >= {"objective", "bound", "gap"}
    assert proposal["quality"]["objective"] > proposal["quality"]["baseline_objective"]
    assert len(proposal["clubs"]) == 1 and len(proposal["clubs"][0]["members"]) == 8


def test_run_prints_a_dutch_summary(tmp_path, capsys):
    workbook, cycle = pilot_inputs(tmp_path)
    assert run(workbook, cycle, tmp_path / "uit") == 0
    out = capsys.readouterr().out
    assert "8 van 8 aanmeldingen geselecteerd" in out
    assert "Score " in out and "Uitvoer geschreven naar" in out


def test_second_run_into_the_same_folder_without_force_refuses_and_writes_nothing(
    first_run, capsys
):
    workbook, cycle, out = first_run
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert run(workbook, cycle, out) == 1
    assert capsys.readouterr().err.strip()
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before


def test_second_run_with_force_replaces_the_outputs(tmp_path):
    workbook, cycle = pilot_inputs(tmp_path)
    out = tmp_path / "uit"
    assert run(workbook, cycle, out) == 0
    assert run(workbook, cycle, out, "--force") == 0
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS


def test_invalid_workbook_exits_one_and_creates_nothing(tmp_path, capsys):
    _, cycle = pilot_inputs(tmp_path)
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"dit is geen Excel-bestand")
    out = tmp_path / "uit"
    assert run(broken, cycle, out) == 1
    assert "kapot.xlsx" in capsys.readouterr().err
    assert not out.exists()


def test_missing_workbook_exits_one_and_creates_nothing(tmp_path, capsys):
    _, cycle = pilot_inputs(tmp_path)
    out = tmp_path / "uit"
    assert run(tmp_path / "bestaat-niet.xlsx", cycle, out) == 1
    assert "bestaat niet" in capsys.readouterr().err
    assert not out.exists()


def test_conflicting_pins_exit_one_with_a_plain_dutch_conflict_report(tmp_path, capsys):
    # The pilot is one club of eight, so two participants can never be kept apart.
    workbook, cycle = pilot_inputs(tmp_path, '\n[pins]\napart = [["Amstelveen", "Wageningen"]]\n')
    out = tmp_path / "uit"
    assert run(workbook, cycle, out) == 1
    err = capsys.readouterr().err
    assert "botsen" in err
    assert "pin: Amstelveen en Wageningen nooit samen" in err
    assert "Er is niets weggeschreven." in err
    assert "Traceback" not in err
    assert not out.exists()


def test_pin_naming_an_unknown_participant_exits_one_with_a_suggestion(tmp_path, capsys):
    workbook, cycle = pilot_inputs(
        tmp_path, '\n[pins]\nclub = [{name = "Amstelveeen", club = 1}]\n'
    )
    assert run(workbook, cycle, tmp_path / "uit") == 1
    err = capsys.readouterr().err
    assert "'Amstelveeen' staat niet in de aanmeldingen" in err and "Amstelveen" in err
    assert not (tmp_path / "uit").exists()


def comparable(proposal: dict) -> dict:
    """Everything that must be reproducible (wall times may differ)."""
    return {
        "selection": proposal["selection"],
        "clubs": proposal["clubs"],
        "rounds": proposal["rounds"],
        "breakdown": proposal["breakdown"],
        "objective": proposal["quality"]["objective"],
        "seed": proposal["seed"],
        "input_sha256": proposal["input_sha256"],
    }


def test_two_runs_of_the_same_input_give_the_same_proposal(first_run, tmp_path):
    workbook, cycle, out = first_run
    again = tmp_path / "opnieuw"
    assert run(workbook, cycle, again) == 0
    first = json.loads((out / "proposal.json").read_text(encoding="utf-8"))
    second = json.loads((again / "proposal.json").read_text(encoding="utf-8"))
    assert comparable(first) == comparable(second)


def test_match_with_a_selection_from_select(tmp_path, capsys):
    workbook, cycle = pilot_inputs(tmp_path)
    selected = tmp_path / "selectie"
    assert main(["select", str(workbook), "--cycle", str(cycle), "--out", str(selected)]) == 0
    selection = json.loads((selected / "selection.json").read_text(encoding="utf-8"))
    names = sorted(e["name"] for e in selection["selection"] if e["selected"])
    out = tmp_path / "indeling"
    code = main(
        [
            "match",
            str(workbook),
            "--cycle",
            str(cycle),
            "--selection",
            str(selected / "selection.json"),
            "--out",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == OUTPUTS
    proposal = json.loads((out / "proposal.json").read_text(encoding="utf-8"))
    assert sorted(e["name"] for e in proposal["selection"] if e["selected"]) == names
    assert sorted(n for c in proposal["clubs"] for n in c["members"]) == names
    assert all(
        "overgenomen uit de vastgestelde selectie" in e["reasons"][0]
        and e["codes"][0]["code"] == "selection_decision"
        for e in proposal["selection"]
    )


def test_too_few_places_for_a_club_exits_one_and_writes_nothing(tmp_path, capsys):
    workbook, cycle = pilot_inputs(tmp_path)
    out = tmp_path / "uit"
    assert run(workbook, cycle, out, "--places", "7") == 1
    err = capsys.readouterr().err
    assert "7 deelnemers passen niet in clubs van 8–12" in err and "botsen" in err
    assert not out.exists()


def test_keep_rerun_with_a_new_pin_reports_who_moved_and_why(first_run, tmp_path, capsys):
    workbook, _, out = first_run
    proposal = json.loads((out / "proposal.json").read_text(encoding="utf-8"))
    round_1 = proposal["rounds"][0]["sessions"]
    round_2 = proposal["rounds"][1]["sessions"]
    a = round_1[0]["members"][0]
    partners_2 = next(set(s["members"]) for s in round_2 if a in s["members"])
    # b: in another session than a in round 1, and not with a in round 2 either
    # (otherwise the new round-1 meeting would force round 2 to change too).
    b = next(m for s in round_1[1:] for m in s["members"] if m not in partners_2)
    _, cycle = pilot_inputs(
        tmp_path / "invoer", f'\n[[pins.together]]\nmembers = ["{a}", "{b}"]\nround = 1\n'
    )
    again = tmp_path / "herzien"
    assert run(workbook, cycle, again, "--keep", str(out)) == 0
    stdout = capsys.readouterr().out
    moved = json.loads((again / "proposal.json").read_text(encoding="utf-8"))["moved"]
    assert any(line.startswith(f"{a}, ronde 1: nu met") for line in moved), moved
    assert any(f"pin: samen met {b} in ronde 1" in line for line in moved), moved
    assert "Verschoven:" in stdout
    # Stability keeps round 2 as it was (its sessions stay compatible with the new round 1).
    assert not any("ronde 2" in line for line in moved), moved


def test_handmatig_compares_with_the_pilots_manual_layout(tmp_path, capsys):
    workbook, cycle = pilot_inputs(tmp_path)
    manual = PILOT / "manual_layout.json"
    assert run(workbook, cycle, tmp_path / "uit", "--handmatig", str(manual)) == 0
    html = (tmp_path / "uit" / "report.html").read_text(encoding="utf-8")
    assert "handmatige indeling" in html and "breekt 2 harde regels" in html
    # Without the option there is no manual comparison.
    assert run(workbook, cycle, tmp_path / "zonder") == 0
    assert "handmatige indeling" not in (tmp_path / "zonder" / "report.html").read_text(
        encoding="utf-8"
    )


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("# geen json", "geen geldige JSON"),
        ('{"clubs": [{"id": 0, "members": []}]}', "moet minstens 1 zijn bij 'clubs.0.id'"),
    ],
)
def test_a_broken_manual_layout_is_refused_before_solving(tmp_path, capsys, content, fragment):
    workbook, cycle = pilot_inputs(tmp_path)
    bad = tmp_path / "handmatig.json"
    bad.write_text(content, encoding="utf-8")
    assert run(workbook, cycle, tmp_path / "uit", "--handmatig", str(bad)) == 1
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    assert not (tmp_path / "uit").exists()
