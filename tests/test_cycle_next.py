"""The next cycle starts from this one: setup and adjustment decisions,
``init NEXT --from CYCLE``, the previous cycle in ``status``, and the history
(earlier participation, who met whom) across three consecutive cycles."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from test_cycle import TWO_ROUNDS, make_cycle, make_proposal, make_run

from leernetwerk.cli import main
from leernetwerk.config import load_cycle_config
from leernetwerk.cycle import (
    DecisionKind,
    all_decisions,
    cycle_status,
    format_status,
    latest_setup,
    list_decisions,
    record_decision,
)
from leernetwerk.cycle.evaluation_data import NOT_EVALUATED
from leernetwerk.cycle.next_cycle import ORIGIN_FILE, init_from, load_origin
from leernetwerk.cycle.steering import record_adjustment, record_setup
from leernetwerk.errors import UserError
from leernetwerk.fsutil import sha256_file
from leernetwerk.history import load_history
from leernetwerk.intake import load_registrations
from leernetwerk.registrations_io import write_registrations

PILOT = Path(__file__).resolve().parents[1] / "examples" / "pilot-2025"
FAST = "\n[solver]\nclub_deterministic_time = 1.0\nsession_deterministic_time = 2.0\n"


def evaluation_json(cycle: str, open_items=(), attendance=()) -> dict:
    return {
        "cycle": cycle,
        "generated_on": "2027-06-01",
        "sessions": {
            "planned": 2,
            "held": 2,
            "moved": 0,
            "cancelled": 0,
            "not_reported": 0,
            "attendance": list(attendance),
        },
        "open_items": list(open_items),
        "extra_key_from_a_newer_writer": {"ignored": True},
    }


def write_evaluation(cycle_dir: Path, data: dict, day: str = "2027-06-01") -> Path:
    folder = cycle_dir / "evaluatie" / day
    folder.mkdir(parents=True)
    path = folder / "evaluatie.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- setup


def test_setup_decision_records_places_budget_rate_and_the_hours(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    result = record_setup(folder, 30, budget=Decimal(120000), hourly_rate=Decimal(150), by="SZW")
    decision = result.decision
    assert decision.kind is DecisionKind.SETUP
    assert decision.hours == 800  # table 3: 30 participants → 800 hours
    assert decision.cost == 120000
    assert decision.affordable_places == 30
    assert decision.config_sha256 == sha256_file(folder / "cycle.toml")
    assert result.path.name == f"{decision.id}.json"
    assert latest_setup(folder) == decision
    # selection and matching listings are untouched by the new kinds
    assert list_decisions(folder) == []


def test_setup_is_immutable_and_a_later_one_supersedes(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    first = record_setup(folder, 30, now=dt.datetime(2027, 5, 1, 10))
    text = first.path.read_bytes()
    second = record_setup(folder, 40, now=dt.datetime(2027, 5, 1, 10))
    assert second.path != first.path and first.path.read_bytes() == text
    assert second.decision.supersedes == first.decision.id
    assert latest_setup(folder).places == 40
    assert [d.id for d in all_decisions(folder)] == [first.decision.id, second.decision.id]
    assert any("cycle.toml noemt 30 plaatsen" in n for n in second.notes)


def test_decide_setup_cli_and_status_show_it(tmp_path, capsys):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    args = ["decide", str(folder), "setup", "--places", "30", "--budget", "100.000"]
    assert main([*args, "--uurtarief", "125", "--today", "2027-05-02"]) == 0
    out = capsys.readouterr().out
    assert "Besluit opzet vastgelegd" in out
    # 100 000 / 125 = 800 hours: exactly 30 places
    assert "betaalt maximaal 30 plaatsen" in out
    status = format_status(cycle_status(folder, dt.date(2027, 6, 1)))
    assert "Besluiten over opzet en bijsturing:" in status
    assert "Opzet: 30 plaatsen, 800 uur uitvoerder, budget € 100.000" in status
    assert "opzet (plaatsen, budget, uurtarief) is nog niet besloten" not in status


def test_status_asks_for_the_setup_once_recruitment_has_started(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    assert "opzet" not in " ".join(cycle_status(folder, dt.date(2026, 12, 1)).missing)
    missing = " ".join(cycle_status(folder, dt.date(2027, 5, 2)).missing)
    assert "de opzet (plaatsen, budget, uurtarief) is nog niet besloten" in missing


@pytest.mark.parametrize(
    "args, message",
    [
        (["setup"], "vraagt --places"),
        (["setup", "--places", "30", "--run", "x"], "--run hoort niet bij"),
        (["selection"], "vraagt --run"),
        (["adjustment", "--note", "x"], "vraagt --moment"),
        (["setup", "--places", "30", "--budget", "1000"], "--budget vraagt ook --uurtarief"),
        (["setup", "--places", "30", "--budget", "veel", "--uurtarief", "1"], "geen bedrag"),
    ],
)
def test_decide_options_per_kind(tmp_path, capsys, args, message):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    code = main(["decide", str(folder), *args])
    assert code in (1, 2)
    assert message in capsys.readouterr().err
    assert not (folder / "decisions").exists()


# --------------------------------------------------------------------------- adjustment


def test_adjustment_records_note_changes_and_the_evaluation_hash(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    evaluation = write_evaluation(folder, evaluation_json("2027-2028"))
    result = record_adjustment(
        folder,
        "tussenevaluatie",
        "Eerdere deelname zwaarder wegen",
        {"weights.selection.earlier_participation": "45", "cycle.places": "36"},
    )
    decision = result.decision
    assert decision.changes == {"weights.selection.earlier_participation": 45.0, "cycle.places": 36}
    assert decision.evaluation_file == "evaluatie/2027-06-01/evaluatie.json"
    assert decision.evaluation_sha256 == sha256_file(evaluation)
    status = format_status(cycle_status(folder, dt.date(2028, 1, 1)))
    assert "Bijsturing na de tussenevaluatie" in status
    assert "weights.selection.earlier_participation → 45.0" in status


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"weights.selection.earlier_partcipation": "4"}, "Bedoelde u"),
        ({"pins.select": "x"}, "vastzettingen (pins)"),
        ({"cycle.budget_year": "2030"}, "volgen uit leernetwerk init"),
        ({"cycle.places": "nul"}, "--set"),
        ({"themes.catalogue": "x"}, "lijst of tabel"),
    ],
)
def test_adjustment_refuses_wrong_changes_and_writes_nothing(tmp_path, changes, message):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    with pytest.raises(UserError) as error:
        record_adjustment(folder, "eind", "iets", changes)
    assert message in str(error.value)
    assert all_decisions(folder) == []


def test_adjustment_needs_a_note(tmp_path, capsys):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    assert main(["decide", str(folder), "adjustment", "--moment", "eind"]) == 1
    assert "vraagt een toelichting" in capsys.readouterr().err


def test_old_decision_files_still_load_next_to_the_new_kinds(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    run = make_run(folder, "r1", make_proposal("2027-2028", sessions=TWO_ROUNDS))
    record_decision(folder, "selection", run, now=dt.datetime(2027, 6, 1, 9))
    record_setup(folder, 4, now=dt.datetime(2027, 6, 1, 9))
    record_decision(folder, "matching", run, now=dt.datetime(2027, 6, 1, 9))
    kinds = [d.kind for d in all_decisions(folder)]
    assert kinds == [DecisionKind.SELECTION, DecisionKind.SETUP, DecisionKind.MATCHING]
    assert [d.kind for d in list_decisions(folder)] == [
        DecisionKind.SELECTION,
        DecisionKind.MATCHING,
    ]


# --------------------------------------------------------------------------- init --from


def _decided(root: Path, name: str, year: int, sessions=TWO_ROUNDS) -> Path:
    folder = make_cycle(root, name, year)
    text = (folder / "cycle.toml").read_text(encoding="utf-8")
    pins = '\n[pins]\nselect = ["Zwolle"]\n[weights.sessions]\nmet_before = 900.0\n'
    (folder / "cycle.toml").write_text(text + pins, encoding="utf-8")
    run = make_run(folder, "r1", make_proposal(name, sessions=sessions))
    record_decision(folder, "selection", run)
    record_decision(folder, "matching", run)
    return folder


def test_init_from_copies_the_config_without_pins_and_applies_adjustments(tmp_path):
    first = _decided(tmp_path, "2026-2027", 2025)
    record_adjustment(first, "eind", "Meer plaatsen", {"cycle.places": "36"})
    record_adjustment(first, "eind", "Toch 34", {"cycle.places": "34"})
    result = init_from(tmp_path / "2027-2028", first, today=dt.date(2027, 5, 3))
    config = load_cycle_config(tmp_path / "2027-2028" / "cycle.toml")
    assert config.cycle.name == "2027-2028" and config.cycle.budget_year == 2026
    assert config.cycle.deadline == dt.date(2027, 5, 1)
    assert config.cycle.places == 34  # the later adjustment wins
    assert config.weights.sessions.met_before == 900.0  # settings carried over
    assert config.pins.select == ()  # pins never
    origin = load_origin(tmp_path / "2027-2028")
    assert origin.from_cycle == "2026-2027" and origin.from_folder == "../2026-2027"
    assert origin.from_config_sha256 == sha256_file(first / "cycle.toml")
    assert [a.changes for a in origin.adjustments] == [{"cycle.places": 36}, {"cycle.places": 34}]
    assert origin.matching_decision is not None
    names = {p.relative_to(result.folder).as_posix() for p in result.written}
    assert {"cycle.toml", ORIGIN_FILE, "aanmeldingen-template.xlsx"} <= names
    text = (tmp_path / "2027-2028" / "cycle.toml").read_text(encoding="utf-8")
    assert text.startswith("# Overgenomen van cyclus 2026-2027")
    tomllib.loads(text)


@pytest.mark.parametrize(
    "target, message",
    [("elders/2027-2028", "moet naast de vorige staan"), ("2025-2026", "moet na '2026-2027'")],
)
def test_init_from_refuses_a_folder_the_history_would_not_see(tmp_path, target, message):
    first = _decided(tmp_path, "2026-2027", 2025)
    with pytest.raises(UserError, match=message):
        init_from(tmp_path / target, first)
    assert not (tmp_path / target).exists() or not any((tmp_path / target).iterdir())


def test_init_from_cli_refuses_places_and_needs_no_budget_year(tmp_path, capsys):
    first = _decided(tmp_path, "2026-2027", 2025)
    target = str(tmp_path / "2027-2028")
    assert main(["init", target, "--from", str(first), "--places", "3"]) == 2
    assert main(["init", target]) == 2
    assert main(["init", target, "--from", str(first)]) == 0
    out = capsys.readouterr().out
    assert "zonder vastzettingen (pins)" in out
    assert f"Cyclus 2026-2027: {NOT_EVALUATED}." in out
    assert (tmp_path / "2027-2028" / "sjablonen").is_dir()


def test_status_of_the_next_cycle_shows_what_the_previous_left_open(tmp_path):
    first = _decided(tmp_path, "2026-2027", 2025)
    second = init_from(tmp_path / "2027-2028", first).folder
    missing = " ".join(cycle_status(second, dt.date(2027, 5, 2)).missing)
    assert f"vorige cyclus 2026-2027: {NOT_EVALUATED}" in missing
    assert "de bijsturing aan het eind is nog niet besloten" in missing

    write_evaluation(
        first, evaluation_json("2026-2027", ["reflectieverslag Zwolle ontbreekt"]), "2027-05-01"
    )
    record_adjustment(first, "eind", "Laat besloten", {"cycle.places": "20"})
    missing = " ".join(cycle_status(second, dt.date(2027, 5, 2)).missing)
    assert "vorige cyclus 2026-2027: reflectieverslag Zwolle ontbreekt" in missing
    assert NOT_EVALUATED not in missing
    assert "na het aanmaken van deze cyclus besloten en niet overgenomen" in missing
    assert "de bijsturing aan het eind is nog niet besloten" not in missing


def test_latest_evaluation_is_the_newest_dated_folder(tmp_path):
    first = _decided(tmp_path, "2026-2027", 2025)
    write_evaluation(first, evaluation_json("2026-2027", ["oud"]), "2027-05-01")
    write_evaluation(first, evaluation_json("2026-2027", ["nieuw"]), "2027-05-01-2")
    write_evaluation(first, evaluation_json("2026-2027", ["nieuwst"]), "2027-05-01-10")
    second = init_from(tmp_path / "2027-2028", first).folder
    missing = cycle_status(second, dt.date(2027, 5, 2)).missing
    assert "vorige cyclus 2026-2027: nieuwst" in missing


def test_history_knows_the_usefulness_of_the_sessions_a_pair_shared(tmp_path):
    first = _decided(tmp_path, "2026-2027", 2025)
    attendance = [
        {"club": 1, "round": 1, "session": 1, "members": ["Amstelveen", "Wageningen"],
         "held": "ja", "date": "2026-10-01", "present": 4, "functions": [], "usefulness": 4.5},
        {"club": 1, "round": 2, "session": 1, "members": ["Amstelveen", "Zwolle"],
         "held": "ja", "date": "2027-02-01", "present": 3, "functions": []},
    ]  # fmt: skip
    write_evaluation(first, evaluation_json("2026-2027", attendance=attendance))
    history = load_history(tmp_path)
    assert history.evaluated == ("2026-2027",)
    assert history.usefulness("Wageningen", "Amstelveen") == (("2026-2027", 4.5),)
    assert history.usefulness("Amstelveen", "Zwolle") == ()  # no rating given
    assert history.met_before("Amstelveen", "Zwolle") == ("2026-2027",)


# --------------------------------------------------------------------------- three cycles

CLONES = {"Amstelveen": "Haarlem", "Zwolle": "Deventer", "Barendrecht": "Ridderkerk",
          "Schagen": "Hoorn"}  # fmt: skip
"""Four newcomers, each with the data of a pilot municipality (same province,
balance and safety net), so only earlier participation tells them apart."""


def _workbook_with_newcomers(cycle: Path) -> None:
    config = load_cycle_config(cycle / "cycle.toml")
    pilots = load_registrations(PILOT / "aanmeldingen.xlsx", config)
    by_name = pilots.by_name()
    clones = tuple(
        by_name[source].model_copy(update={"name": name, "row": None, "contact": name})
        for source, name in CLONES.items()
    )
    everyone = pilots.model_copy(update={"registrations": pilots.registrations + clones})
    write_registrations(everyone, cycle / "aanmeldingen.xlsx", config)


def _run_and_decide(cycle: Path) -> dict:
    args = ["run", str(cycle / "aanmeldingen.xlsx"), "--cycle", str(cycle / "cycle.toml")]
    assert main([*args, "--quiet"]) == 0
    (run,) = (cycle / "runs").iterdir()
    for kind in ("selection", "matching"):
        assert main(["decide", str(cycle), kind, "--run", run.name, "--by", "test"]) == 0
    proposal = json.loads((run / "proposal.json").read_text(encoding="utf-8"))
    proposal["run_record"] = json.loads((run / "run.json").read_text(encoding="utf-8"))
    return proposal


def reasons_of(proposal: dict) -> dict[str, str]:
    return {e["name"]: " ".join(e["reasons"]) for e in proposal["selection"]}


def _pairs(proposal: dict) -> set[frozenset[str]]:
    return {
        frozenset((a, b))
        for r in proposal["rounds"]
        for s in r["sessions"]
        for a in s["members"]
        for b in s["members"]
        if a < b
    }


def test_three_consecutive_cycles_keep_earlier_participation_and_met_before(tmp_path, capsys):
    """Cycle 1: the eight pilots. Cycle 2 (init --from): the pilots and four
    newcomers for eight places; the newcomers go first and no pair of cycle 1
    meets again. Cycle 2's end adjustment opens twelve places; cycle 3 (init
    --from) selects all twelve and lets no pair of cycle 1 or 2 meet again."""
    root = tmp_path / "cycles"
    first = root / "2025-2026"
    first.mkdir(parents=True)
    shutil.copy(PILOT / "aanmeldingen.xlsx", first / "aanmeldingen.xlsx")
    text = (
        (PILOT / "cycle.toml").read_text(encoding="utf-8").replace("pilot-2025-2026", "2025-2026")
    )
    (first / "cycle.toml").write_text(text + FAST, encoding="utf-8")
    one = _run_and_decide(first)

    second = root / "2026-2027"
    assert main(["init", str(second), "--from", str(first)]) == 0
    _workbook_with_newcomers(second)
    two = _run_and_decide(second)
    assert two["run_record"]["history_cycles"] == ["2025-2026"]
    chosen = {e["name"] for e in two["selection"] if e["selected"]}
    assert set(CLONES.values()) <= chosen  # newcomers before earlier participants
    rejected = [e for e in two["selection"] if not e["selected"]]
    assert len(rejected) == 4
    assert all("2025-2026" in " ".join(e["reasons"]) for e in rejected)
    assert _pairs(one) and not _pairs(one) & _pairs(two)

    assert main(["decide", str(second), "adjustment", "--moment", "eind", "--note",
                 "Twaalf plaatsen", "--set", "cycle.places=12"]) == 0  # fmt: skip
    third = root / "2027-2028"
    assert main(["init", str(third), "--from", str(second)]) == 0
    assert load_cycle_config(third / "cycle.toml").cycle.places == 12
    shutil.copy(second / "aanmeldingen.xlsx", third / "aanmeldingen.xlsx")
    three = _run_and_decide(third)
    assert three["run_record"]["history_cycles"] == ["2025-2026", "2026-2027"]
    history = load_history(root, before="2027-2028")
    twice = {n for n in reasons_of(one) if history.cycles_of(n) == ("2025-2026", "2026-2027")}
    assert twice  # some pilots took part in both earlier cycles
    reasons = reasons_of(three)
    for name in twice:
        assert "2025-2026" in reasons[name] and "2026-2027" in reasons[name], reasons[name]
    for name in CLONES.values():
        assert history.cycles_of(name) == ("2026-2027",)
    assert not (_pairs(one) | _pairs(two)) & _pairs(three)
    status = format_status(cycle_status(third, dt.date(2028, 5, 2)))
    assert "vorige cyclus 2026-2027: evaluatie nog niet uitgevoerd" in status
