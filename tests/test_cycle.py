"""The cycle: init, phases and status, decisions and their gates, the session plan."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from leernetwerk.cli import main
from leernetwerk.config import CycleConfig, load_cycle_config
from leernetwerk.cycle import (
    COMMENTS,
    MISSING_COMMENT,
    PLAN_FILE,
    DecisionKind,
    MeetingKind,
    MilestoneState,
    Phase,
    cycle_status,
    cycle_toml,
    init_cycle,
    latest_decision,
    list_decisions,
    phase_windows,
    read_plan,
    record_decision,
)
from leernetwerk.cycle.init import comment
from leernetwerk.errors import UserError
from leernetwerk.proposal import Club, Proposal, Round, SelectionEntry, Session, SessionFormat

SHA = "c0ffee00" * 8
PEOPLE = ("Amstelveen", "Wageningen", "Zwolle", "Leeuwarden")


def make_proposal(
    cycle: str,
    selected: tuple[str, ...] = PEOPLE,
    rejected: tuple[str, ...] = (),
    sessions: tuple[tuple[tuple[str, ...], ...], ...] | None = None,
) -> Proposal:
    """A proposal; with ``sessions`` (per round, the member tuples) also a matching
    with one club holding everyone."""
    selection = tuple(SelectionEntry(name=n, selected=True) for n in selected) + tuple(
        SelectionEntry(name=n, selected=False) for n in rejected
    )
    clubs, rounds = (), ()
    if sessions is not None:
        clubs = (Club(id=1, members=selected),)
        rounds = tuple(
            Round(
                round=number,
                sessions=tuple(
                    Session(
                        club=1,
                        members=members,
                        host=members[0],
                        themes=("Handhaving",),
                        format=SessionFormat.LEARNER_BRINGER,
                    )
                    for members in groups
                ),
            )
            for number, groups in enumerate(sessions, start=1)
        )
    return Proposal(
        cycle=cycle,
        input_file="aanmeldingen.xlsx",
        input_sha256=SHA,
        config_sha256=SHA,
        seed=0,
        selection=selection,
        clubs=clubs,
        rounds=rounds,
    )


def make_run(cycle_dir: Path, name: str, proposal: Proposal) -> str:
    """Write a run folder with proposal.json, as ``leernetwerk run`` would."""
    folder = cycle_dir / "runs" / name
    folder.mkdir(parents=True)
    (folder / "proposal.json").write_text(proposal.to_json(), encoding="utf-8")
    return name


def make_cycle(root: Path, name: str, budget_year: int) -> Path:
    """A cycle folder with only a cycle.toml."""
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "cycle.toml").write_text(
        f'[cycle]\nname = "{name}"\nbudget_year = {budget_year}\n', encoding="utf-8"
    )
    return folder


TWO_ROUNDS = (
    (("Amstelveen", "Wageningen"), ("Zwolle", "Leeuwarden")),
    (("Amstelveen", "Zwolle"), ("Wageningen", "Leeuwarden")),
)


# --------------------------------------------------------------------------- init


def test_init_writes_a_documented_cycle_toml_that_loads(tmp_path):
    folder = tmp_path / "cycles" / "2027-2028"
    result = init_cycle(folder, budget_year=2026)
    config = load_cycle_config(folder / "cycle.toml")
    assert config.cycle.name == "2027-2028"
    assert config.cycle.budget_year == 2026
    assert config.cycle.places == 30
    assert config.cycle.deadline == dt.date(2027, 5, 1)
    # apart from the cycle section, everything is the default
    assert config.model_copy(update={"cycle": CycleConfig().cycle}) == CycleConfig()
    assert (folder / "cycle.toml") in result.written


def test_init_writes_the_registrations_template(tmp_path):
    folder = tmp_path / "2027-2028"
    init_cycle(folder, budget_year=2026)
    assert (folder / "aanmeldingen-template.xlsx").stat().st_size > 0


def _all_keys(model, prefix=""):
    for name, value in ((n, getattr(model, n)) for n in type(model).model_fields):
        key = f"{prefix}{name}"
        yield key
        if hasattr(type(value), "model_fields"):
            yield from _all_keys(value, key + ".")


def test_every_config_key_appears_with_its_dutch_comment():
    text = cycle_toml("2027-2028", 2026)
    assert MISSING_COMMENT not in text
    for key in _all_keys(CycleConfig()):
        assert COMMENTS[key], key
        assert "\n".join(comment(COMMENTS[key])) in text, key
    assert tomllib.loads(text)["pins"]["select"] == []


def test_init_refuses_a_folder_that_is_not_empty(tmp_path):
    folder = tmp_path / "2027-2028"
    folder.mkdir()
    (folder / "notities.txt").write_text("van mij", encoding="utf-8")
    with pytest.raises(UserError, match="niet leeg"):
        init_cycle(folder, budget_year=2026)
    assert sorted(p.name for p in folder.iterdir()) == ["notities.txt"]


def test_init_accepts_an_empty_folder_and_warns_about_an_odd_name(tmp_path):
    folder = tmp_path / "volgende"
    folder.mkdir()
    result = init_cycle(folder, budget_year=2026, places=20)
    assert load_cycle_config(folder / "cycle.toml").cycle.places == 20
    assert any("2027-2028" in note for note in result.notes)


def test_init_cli(tmp_path, capsys):
    folder = tmp_path / "2027-2028"
    assert main(["init", str(folder), "--budget-year", "2026"]) == 0
    assert "cycle.toml" in capsys.readouterr().out
    assert main(["init", str(folder), "--budget-year", "2026"]) == 1
    assert "niet leeg" in capsys.readouterr().err


# --------------------------------------------------------------------------- phases and status


def test_phase_windows_follow_the_budget_year():
    windows = {w.phase: (w.start, w.end) for w in phase_windows(2025)}
    d = dt.date
    assert windows[Phase.RECRUITMENT] == (d(2026, 1, 1), d(2026, 5, 1))
    assert windows[Phase.SELECTION] == (d(2026, 5, 2), d(2026, 7, 15))
    assert windows[Phase.MATCHING] == (d(2026, 5, 2), d(2026, 7, 15))
    assert windows[Phase.EXECUTION] == (d(2026, 9, 1), d(2027, 3, 31))
    assert windows[Phase.CLOSING] == (d(2027, 3, 1), d(2027, 4, 30))


@pytest.mark.parametrize(
    "today, phases",
    [
        ("2026-12-01", ()),
        ("2027-02-10", ("werving",)),
        ("2027-05-01", ("werving",)),
        ("2027-06-15", ("selectie", "matching")),
        ("2027-08-01", ()),
        ("2027-10-01", ("uitvoering",)),
        ("2028-03-15", ("uitvoering", "afronding")),
        ("2028-04-20", ("afronding",)),
        ("2028-06-01", ()),
    ],
)
def test_status_names_the_current_phase(tmp_path, today, phases, capsys):
    folder = tmp_path / "2027-2028"
    init_cycle(folder, budget_year=2026)
    status = cycle_status(folder, dt.date.fromisoformat(today))
    assert tuple(w.phase.value for w in status.phases) == phases
    assert main(["status", str(folder), "--today", today]) == 0
    out = capsys.readouterr().out
    assert "Huidige fase:" in out
    for phase in phases:
        assert phase in out


def test_status_between_phases_says_what_comes_next(tmp_path, capsys):
    folder = tmp_path / "2027-2028"
    init_cycle(folder, budget_year=2026)
    main(["status", str(folder), "--today", "2027-08-01"])
    assert "uitvoering begint op 1 september 2027" in capsys.readouterr().out


def _states(status):
    return {m.key: state for m, state in status.milestones}


def test_status_marks_missing_registrations_overdue_after_the_deadline(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    assert _states(cycle_status(folder, dt.date(2027, 4, 1)))["registrations"] is (
        MilestoneState.OPEN
    )
    late = cycle_status(folder, dt.date(2027, 5, 2))
    assert _states(late)["registrations"] is MilestoneState.OVERDUE
    assert "de selectie is nog niet besloten (leernetwerk decide … selection)" in late.missing


def test_status_reports_undecided_selection_as_overdue_after_15_july(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    states = _states(cycle_status(folder, dt.date(2027, 7, 16)))
    assert states["selection"] is MilestoneState.OVERDUE
    assert states["matching"] is MilestoneState.OVERDUE


def test_status_in_execution_lists_sessions_without_a_date(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    _decide_both(folder)
    status = cycle_status(folder, dt.date(2027, 9, 10))
    assert _states(status)["selection"] is MilestoneState.DONE
    assert _states(status)["plan"] is MilestoneState.OVERDUE
    assert any("leerbijeenkomst club 1 ronde 1" in m and "geen datum" in m for m in status.missing)


def test_status_reads_incomplete_registrations(tmp_path):
    from leernetwerk import intake
    from leernetwerk import registrations_io as io
    from leernetwerk.domain import Balance, Registration, Registrations, SafetyNet

    folder = make_cycle(tmp_path, "2027-2028", 2026)
    registration = Registration(
        name="Zwolle",
        kind="gemeente",
        province="Overijssel",
        inhabitants=130000,
        balance=Balance.DEFICIT,
        safety_net=SafetyNet.NONE,
        execution_variant="gemeentelijk",
    )
    workbook = folder / "aanmeldingen.xlsx"
    io.write_registrations(Registrations(registrations=(registration,)), workbook)
    assert intake.read_registrations(workbook, CycleConfig()).incomplete
    status = cycle_status(folder, dt.date(2027, 5, 10))
    assert any("'Zwolle' is onvolledig" in m for m in status.missing)


def test_status_without_cycle_toml_is_a_dutch_error(tmp_path, capsys):
    assert main(["status", str(tmp_path)]) == 1
    assert "cycle.toml ontbreekt" in capsys.readouterr().err


def test_status_with_a_bad_date_is_a_dutch_error(tmp_path, capsys):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    assert main(["status", str(folder), "--today", "gisteren"]) == 1
    assert "geen geldige datum" in capsys.readouterr().err


# --------------------------------------------------------------------------- decisions


def _decide_both(folder: Path) -> None:
    make_run(folder, "20270601-100000-c0ffee00", make_proposal("2027-2028", rejected=("Ede",)))
    make_run(folder, "20270620-100000-c0ffee00", make_proposal("2027-2028", sessions=TWO_ROUNDS))
    record_decision(folder, "selection", "20270601-100000-c0ffee00", today=dt.date(2027, 6, 5))
    record_decision(folder, "matching", "20270620-100000-c0ffee00", today=dt.date(2027, 7, 1))


def test_a_decision_records_who_when_which_run_and_hashes(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    run = make_run(folder, "20270601-100000-c0ffee00", make_proposal("2027-2028"))
    result = record_decision(
        folder, "selection", run, by="Stuurgroep SZW", note="akkoord", today=dt.date(2027, 6, 5)
    )
    stored = json.loads(result.path.read_text(encoding="utf-8"))
    assert result.path.parent == folder / "decisions"
    assert result.path.name.endswith("-selection.json")
    assert stored["decided_by"] == "Stuurgroep SZW"
    assert stored["decided_on"] == "2027-06-05"
    assert stored["run"] == run
    assert stored["input_sha256"] == SHA
    assert len(stored["proposal_sha256"]) == 64
    assert stored["selected"] == sorted(PEOPLE)


def test_matching_cannot_be_decided_before_the_selection(tmp_path, capsys):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    proposal = make_proposal("2027-2028", sessions=TWO_ROUNDS)
    run = make_run(folder, "20270620-100000-c0ffee00", proposal)
    assert main(["decide", str(folder), "matching", "--run", run]) == 1
    assert "pas worden vastgelegd als de selectie is besloten" in capsys.readouterr().err
    assert list_decisions(folder) == []


def test_matching_must_use_the_decided_selection(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    selection = make_run(folder, "20270601-100000-c0ffee00", make_proposal("2027-2028"))
    record_decision(folder, "selection", selection)
    other = ("Amstelveen", "Wageningen", "Zwolle", "Ede")
    sessions = ((("Amstelveen", "Wageningen"), ("Zwolle", "Ede")),)
    proposal = make_proposal("2027-2028", other, (), sessions)
    run = make_run(folder, "20270620-100000-c0ffee00", proposal)
    with pytest.raises(UserError) as info:
        record_decision(folder, "matching", run)
    text = str(info.value)
    assert "'Leeuwarden' is geselecteerd maar zit niet in deze matching" in text
    assert "'Ede' zit in deze matching maar is niet geselecteerd" in text


def test_a_matching_decision_needs_a_run_with_a_matching(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    run = make_run(folder, "20270601-100000-c0ffee00", make_proposal("2027-2028"))
    record_decision(folder, "selection", run)
    with pytest.raises(UserError, match="geen matching"):
        record_decision(folder, "matching", run)


def test_a_new_decision_supersedes_and_both_remain(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    first = make_run(folder, "20270601-100000-c0ffee00", make_proposal("2027-2028"))
    second = make_run(folder, "20270602-100000-c0ffee00", make_proposal("2027-2028", PEOPLE[:3]))
    now = dt.datetime(2027, 6, 5, 12, 0, 0)
    a = record_decision(folder, "selection", first, now=now)
    b = record_decision(folder, "selection", second, now=now)  # same second: still a new file
    assert a.path != b.path and a.path.exists() and b.path.exists()
    assert a.path.read_text(encoding="utf-8") == a.path.read_text(encoding="utf-8")
    latest = latest_decision(folder, DecisionKind.SELECTION)
    assert latest == b.decision and latest.supersedes == a.decision.id
    assert [d.run for d in list_decisions(folder, "selection")] == [first, second]


def test_a_decision_file_is_never_overwritten(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    run = make_run(folder, "20270601-100000-c0ffee00", make_proposal("2027-2028"))
    first = record_decision(folder, "selection", run, now=dt.datetime(2027, 6, 5, 12))
    before = first.path.read_bytes()
    record_decision(folder, "selection", run, now=dt.datetime(2027, 6, 5, 12))
    assert first.path.read_bytes() == before
    assert len(list((folder / "decisions").iterdir())) == 2


def test_status_ignores_decisions_after_the_given_day(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    _decide_both(folder)
    assert latest_decision(folder, "selection", as_of=dt.date(2027, 6, 4)) is None
    assert _states(cycle_status(folder, dt.date(2027, 6, 10)))["selection"] is MilestoneState.DONE


def test_a_new_selection_makes_the_matching_stale(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    _decide_both(folder)
    record_decision(folder, "selection", "20270601-100000-c0ffee00", today=dt.date(2027, 7, 2))
    status = cycle_status(folder, dt.date(2027, 7, 3))
    assert any("eerder selectiebesluit" in m for m in status.missing)


def test_decide_unknown_run_is_a_dutch_error(tmp_path, capsys):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    make_run(folder, "20270601-100000-c0ffee00", make_proposal("2027-2028"))
    assert main(["decide", str(folder), "selection", "--run", "20270601-100000-c0ffee01"]) == 1
    err = capsys.readouterr().err
    assert "Onbekende run" in err and "Bedoelde u" in err and "Traceback" not in err


def test_decide_cli_records_and_reports(tmp_path, capsys):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    run = make_run(folder, "20270601-100000-c0ffee00", make_proposal("2027-2028"))
    args = ["decide", str(folder), "selection", "--run", run, "--by", "Stuurgroep"]
    assert main([*args, "--today", "2027-06-05"]) == 0
    out = capsys.readouterr().out
    assert "Besluit selectie vastgelegd" in out and "5 juni 2027" in out


# --------------------------------------------------------------------------- session plan


def test_a_matching_decision_writes_the_session_plan_once(tmp_path):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    _decide_both(folder)
    meetings, problems = read_plan(folder / PLAN_FILE)
    assert problems == []
    sessions = [m for m in meetings if m.kind is MeetingKind.SESSION]
    assert len(sessions) == 4 and all(m.date is None for m in sessions)
    assert [m.kind for m in meetings].count(MeetingKind.START) == 1
    before = (folder / PLAN_FILE).read_bytes()
    again = record_decision(folder, "matching", "20270620-100000-c0ffee00")
    assert (folder / PLAN_FILE).read_bytes() == before
    assert any("niet aangepast" in note for note in again.notes)


def test_session_plan_problems_are_located(tmp_path):
    plan = tmp_path / PLAN_FILE
    plan.write_text(
        "Soort;Club;Ronde;Deelnemers;Host;Datum\n"
        'leerbijenkomst;1;1;"A; B";;2027-09-15\n'
        'leerbijeenkomst;x;3;"A; B";C;31-02-2027\n',
        encoding="utf-8",
    )
    _, problems = read_plan(plan)
    located = {(p.row, p.column) for p in problems}
    assert (2, "Soort") in located
    assert {(3, "Club"), (3, "Ronde"), (3, "Host"), (3, "Datum")} <= located
    assert "Bedoelde u 'leerbijeenkomst'?" in next(p.message for p in problems if p.row == 2)


def test_a_session_dated_outside_its_round_is_a_warning(tmp_path, capsys):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    (folder / PLAN_FILE).write_text(
        "Soort;Club;Ronde;Deelnemers;Datum\n"
        'leerbijeenkomst;1;1;"A; B";2028-01-10\n'
        'leerbijeenkomst;1;2;"A; B";2028-01-11\n',
        encoding="utf-8",
    )
    status = cycle_status(folder, dt.date(2027, 10, 1))
    (warning,) = status.problems
    assert (warning.row, warning.column, warning.value) == (2, "Datum", "2028-01-10")
    assert not status.has_errors
    assert main(["status", str(folder), "--today", "2027-10-01"]) == 0
    assert "ronde 1 loopt van 1 september 2027" in capsys.readouterr().out


def test_a_broken_session_plan_makes_status_fail(tmp_path, capsys):
    folder = make_cycle(tmp_path, "2027-2028", 2026)
    (folder / PLAN_FILE).write_text("Soort;Datum\nleerbijeenkomst;morgen\n", encoding="utf-8")
    assert main(["status", str(folder), "--today", "2027-10-01"]) == 1
    out = capsys.readouterr().out
    assert "Problemen:" in out and "kolom 'Datum'" in out
