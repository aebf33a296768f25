"""The main job inside a cycle folder: run records, decisions, --keep besluit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from leernetwerk.cli import main

PILOT = Path(__file__).resolve().parents[1] / "examples" / "pilot-2025"
FAST = "\n[solver]\nclub_deterministic_time = 1.0\nsession_deterministic_time = 2.0\n"


def make_cycle(tmp_path: Path, extra: str = "") -> Path:
    cycle = tmp_path / "cycles" / "2025-2026"
    cycle.mkdir(parents=True)
    shutil.copy(PILOT / "aanmeldingen.xlsx", cycle / "aanmeldingen.xlsx")
    text = (PILOT / "cycle.toml").read_text(encoding="utf-8")
    (cycle / "cycle.toml").write_text(text + extra, encoding="utf-8")
    return cycle


def only_run(cycle: Path, exclude: set[str] = frozenset()) -> Path:
    runs = [p for p in (cycle / "runs").iterdir() if p.name not in exclude]
    assert len(runs) == 1
    return runs[0]


def run_in(cycle: Path) -> None:
    """`leernetwerk run` inside a cycle folder (output in its runs/)."""
    args = ["run", str(cycle / "aanmeldingen.xlsx"), "--cycle", str(cycle / "cycle.toml")]
    assert main([*args, "--quiet"]) == 0


def decide_all(cycle: Path, run: Path) -> None:
    """The stuurgroep decides selection and matching on this run."""
    for kind in ("selection", "matching"):
        assert main(["decide", str(cycle), kind, "--run", run.name, "--by", "test"]) == 0


def two_cycles(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """A decided first cycle and a run of the second one with the same eight
    municipalities: (first cycle, its decided run, second cycle, its run)."""
    first = make_cycle(tmp_path, FAST)
    run_in(first)
    run = only_run(first)
    decide_all(first, run)
    second = tmp_path / "cycles" / "2026-2027"
    second.mkdir()
    shutil.copy(PILOT / "aanmeldingen.xlsx", second / "aanmeldingen.xlsx")
    text = (first / "cycle.toml").read_text(encoding="utf-8")
    (second / "cycle.toml").write_text(text.replace("pilot-2025-2026", "2026-2027"), "utf-8")
    run_in(second)
    return first, run, second, only_run(second)


def test_run_without_out_writes_a_new_run_folder_in_the_cycle(tmp_path, capsys):
    cycle = make_cycle(tmp_path)
    args = [
        "run",
        str(cycle / "aanmeldingen.xlsx"),
        "--cycle",
        str(cycle / "cycle.toml"),
        "--quiet",
    ]
    assert main(args) == 0
    first = only_run(cycle)
    assert {p.name for p in first.iterdir()} >= {"proposal.json", "proposal.xlsx", "report.html"}
    record = json.loads((first / "run.json").read_text(encoding="utf-8"))
    assert record["seed"] == 0 and len(record["input_sha256"]) == 64
    assert main(args) == 0  # a second run never overwrites the first
    assert len(list((cycle / "runs").iterdir())) == 2
    assert (first / "proposal.json").read_text(encoding="utf-8")


def test_keep_decided_matching_moves_only_what_a_new_pin_requires(tmp_path, capsys):
    cycle = make_cycle(tmp_path, FAST)
    workbook, config = str(cycle / "aanmeldingen.xlsx"), str(cycle / "cycle.toml")
    run_in(cycle)
    run = only_run(cycle)
    decide_all(cycle, run)
    decided = json.loads((run / "proposal.json").read_text(encoding="utf-8"))
    partners = {
        name: set(s["members"]) - {name}
        for s in decided["rounds"][0]["sessions"]
        for name in s["members"]
    }
    a = "Zwolle"
    b = next(n for n in partners if n != a and n not in partners[a])
    pin = f'\n[pins]\ntogether = [{{ members = ["{a}", "{b}"], round = 1 }}]\n'
    (cycle / "cycle.toml").write_text(
        (cycle / "cycle.toml").read_text(encoding="utf-8") + pin, encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["run", workbook, "--cycle", config, "--keep", "besluit", "--quiet"]) == 0
    out = capsys.readouterr().out
    rerun = only_run(cycle, exclude={run.name})
    proposal = json.loads((rerun / "proposal.json").read_text(encoding="utf-8"))
    round1 = proposal["rounds"][0]["sessions"]
    assert any({a, b} <= set(s["members"]) for s in round1)
    assert proposal["moved"], "the output says who moved"
    assert any(f"samen met {b} in ronde 1" in line for line in proposal["moved"])
    assert "Verschoven:" in out
    # members that the pin does not concern mostly keep their round-1 partners
    unchanged = [
        n
        for n in partners
        if any(set(s["members"]) - {n} == partners[n] for s in round1 if n in s["members"])
    ]
    assert len(unchanged) >= 2


def test_keep_besluit_without_a_decision_is_a_clear_error(tmp_path, capsys):
    cycle = make_cycle(tmp_path)
    code = main(
        [
            "run",
            str(cycle / "aanmeldingen.xlsx"),
            "--cycle",
            str(cycle / "cycle.toml"),
            "--keep",
            "besluit",
            "--quiet",
        ]
    )
    assert code == 1
    assert "nog geen matchingsbesluit" in capsys.readouterr().err
    assert not (cycle / "runs").exists()


def test_second_cycle_avoids_the_pairs_of_the_first(tmp_path, capsys):
    """Two consecutive cycles with the same eight municipalities: the second
    cycle's matching reads the first one's decided matching and lets no pair
    meet again (8 members have 28 pairs; each cycle uses at most 14)."""
    _, run, _, second_run = two_cycles(tmp_path)

    def pairs(proposal: dict) -> set[frozenset[str]]:
        return {
            frozenset((a, b))
            for r in proposal["rounds"]
            for s in r["sessions"]
            for a in s["members"]
            for b in s["members"]
            if a < b
        }

    before = json.loads((run / "proposal.json").read_text(encoding="utf-8"))
    after = json.loads((second_run / "proposal.json").read_text(encoding="utf-8"))
    assert pairs(before) and pairs(after)
    assert not pairs(before) & pairs(after)
    record = json.loads((second_run / "run.json").read_text(encoding="utf-8"))
    assert record["history_cycles"] == ["2025-2026"]
    reasons = {e["name"]: " ".join(e["reasons"]) for e in after["selection"]}
    assert all("2025-2026" in reasons[n] for n in reasons), reasons


def test_check_warns_when_an_edit_reunites_a_pair_of_an_earlier_cycle(tmp_path, capsys):
    """A run record inside a cycle folder knows the earlier cycles: moving a member
    into a session with someone it met last cycle is reported by 'check'."""
    import openpyxl

    _, run, _, rerun = two_cycles(tmp_path)
    earlier = json.loads((run / "proposal.json").read_text(encoding="utf-8"))
    x, y = earlier["rounds"][0]["sessions"][0]["members"][:2]  # met in the first cycle

    workbook = openpyxl.load_workbook(rerun / "proposal.xlsx")
    sheet = workbook["Ronde 1"]
    header = [c.value for c in sheet[1]]
    col_session, col_name = header.index("Sessie"), header.index("Deelnemer")
    rows = {r[col_name].value: r for r in sheet.iter_rows(min_row=2) if r[col_name].value}
    x_session, y_session = rows[x][col_session].value, rows[y][col_session].value
    assert x_session != y_session  # the engine kept them apart
    z = next(n for n, r in rows.items() if r[col_session].value == y_session and n != y)
    rows[x][col_session].value, rows[z][col_session].value = y_session, x_session
    edited = rerun / "bewerkt.xlsx"
    workbook.save(edited)
    capsys.readouterr()
    main(["check", str(edited)])
    out = capsys.readouterr()
    assert "eerdere cyclus" in out.out + out.err
