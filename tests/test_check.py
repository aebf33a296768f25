"""``leernetwerk check EDITED.xlsx``: every broken hard rule named, score change shown."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from leernetwerk.cli import main
from leernetwerk.domain import Registrations, SelfEvaluation
from leernetwerk.registrations_io import write_registrations
from leernetwerk.reports import write_proposal_workbook
from tests.fixtures_proposal import build_config, build_proposal, build_registrations

CYCLE_TOML = "[cycle]\nplaces = 20\n"


def storable(registrations: Registrations) -> Registrations:
    """The fixture registrations with whole self-evaluation scores (the workbook holds those)."""
    return registrations.model_copy(
        update={
            "registrations": tuple(
                r.model_copy(
                    update={
                        "self_evaluation": SelfEvaluation(
                            scores={t: float(int(v)) for t, v in r.self_evaluation.scores.items()}
                        )
                    }
                )
                if r.self_evaluation
                else r
                for r in registrations
            )
        }
    )


def make_run(folder: Path, cycle_toml: str = CYCLE_TOML) -> Path:
    """A run folder as ``leernetwerk run`` leaves it: proposal.json/.xlsx, cycle.toml, input."""
    folder.mkdir(parents=True, exist_ok=True)
    registrations = storable(build_registrations())
    proposal = build_proposal(registrations)
    write_registrations(registrations, folder / "aanmeldingen.xlsx", build_config())
    (folder / "proposal.json").write_text(proposal.to_json(), encoding="utf-8")
    (folder / "cycle.toml").write_text(cycle_toml, encoding="utf-8")
    write_proposal_workbook(proposal, registrations, build_config(), folder / "proposal.xlsx")
    return folder


@pytest.fixture()
def run(tmp_path: Path) -> Path:
    return make_run(tmp_path / "run")


def edit(path: Path, change: Callable[[Any], None]) -> Path:
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def set_cell(wb: Any, sheet: str, name: str, header: str, value: Any) -> None:
    """Set ``header`` in the row of ``sheet`` whose Deelnemer is ``name``."""
    ws = wb[sheet]
    headers = [c.value for c in ws[1]]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, headers.index("Deelnemer") + 1).value == name:
            ws.cell(row, headers.index(header) + 1).value = value
            return
    raise AssertionError(f"{name} not in {sheet}")


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any]]:
    code, out, err = check(capsys, *args, "--json")
    assert err == ""
    return code, json.loads(out)


def test_unedited_workbook_checks_clean_with_zero_score_change(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 0
    assert data["ok"] is True
    assert data["hard"] == []
    assert data["problems"] == []
    assert all(c["difference"] == 0 for c in data["scores"]["criteria"])
    assert data["scores"]["total"]["difference"] == 0
    assert data["scores"]["total"]["proposal"] > 0


def test_unedited_text_output_says_all_rules_hold(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = check(capsys, str(run / "proposal.xlsx"))
    assert code == 0
    assert "Harde regels: alle OK." in out
    assert "Criterium" in out and "Voorstel" in out and "Bewerkt" in out and "Verschil" in out


def test_session_of_four_is_broken_and_names_all_four(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Barendrecht joins Amstelveen, Zwolle and Leeuwarden in round-1 session 1.
    edit(run / "proposal.xlsx", lambda wb: set_cell(wb, "Ronde 1", "Barendrecht", "Sessie", 1))
    code, out, err = check(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    assert "Traceback" not in out + err
    line = next(x for x in out.splitlines() if "[Grootte van een bijeenkomst]" in x)
    for name in ("Amstelveen", "Zwolle", "Leeuwarden", "Barendrecht"):
        assert name in line
    assert "4 deelnemers" in line


def test_score_change_is_reported_per_criterion_and_adds_up(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(run / "proposal.xlsx", lambda wb: set_cell(wb, "Ronde 1", "Barendrecht", "Sessie", 3))
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 0  # a session of three is allowed; only the score changes
    criteria = data["scores"]["criteria"]
    total = data["scores"]["total"]
    # Session 2 loses its deficit member Barendrecht, session 3 gains one: session
    # criteria move (with the default weights the balance mix gains what learner–bringer
    # loses, so the total may even stay equal), the club criteria cannot.
    changed = {c["key"] for c in criteria if c["difference"] != 0}
    assert "sessions.balance_mix" in changed
    assert all(key.startswith("sessions.") for key in changed)
    assert sum(c["difference"] for c in criteria) == pytest.approx(total["difference"], abs=1e-3)
    assert total["edited"] - total["proposal"] == pytest.approx(total["difference"], abs=1e-3)


def test_host_that_may_not_host_is_named(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def swap_host(wb: Any) -> None:
        set_cell(wb, "Ronde 1", "Barendrecht", "Host", "ja")  # Host mogelijk = nee
        set_cell(wb, "Ronde 1", "Wageningen", "Host", "nee")

    edit(run / "proposal.xlsx", swap_host)
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    (broken,) = data["hard"]
    assert broken["rule"] == "session_host"
    assert broken["names"] == ["Barendrecht"]
    assert "mag niet hosten" in broken["message"]


def test_two_hosts_in_one_session_are_both_named(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(run / "proposal.xlsx", lambda wb: set_cell(wb, "Ronde 2", "Leeuwarden", "Host", "nee"))
    edit(run / "proposal.xlsx", lambda wb: set_cell(wb, "Ronde 1", "Zwolle", "Host", "ja"))
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    messages = {b["message"]: b["names"] for b in data["hard"]}
    two = next(m for m in messages if "2 hosts" in m)
    assert messages[two] == ["Amstelveen", "Zwolle"]
    none = next(m for m in messages if "geen host" in m)
    assert "Ronde 2" in none and "Leeuwarden" in none


def test_moving_a_member_to_another_club_breaks_its_sessions(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(run / "proposal.xlsx", lambda wb: set_cell(wb, "Clubs", "Zwolle", "Club", 2))
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    mixing = [b for b in data["hard"] if b["rule"] == "session_in_club"]
    assert len(mixing) == 2  # both rounds' sessions are club-1 sessions
    assert all(b["names"] == ["Zwolle"] for b in mixing)
    # The club criteria change with the membership.
    assert any(
        c["difference"] != 0 for c in data["scores"]["criteria"] if c["key"].startswith("clubs.")
    )


def test_repeated_pair_is_named(run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Round 2: Zwolle joins Leeuwarden (met in round 1); Oude IJsselstreek takes over hosting.
    def move(wb: Any) -> None:
        set_cell(wb, "Ronde 2", "Zwolle", "Sessie", 3)
        set_cell(wb, "Ronde 2", "Zwolle", "Host", "nee")
        set_cell(wb, "Ronde 2", "Oude IJsselstreek", "Host", "ja")

    edit(run / "proposal.xlsx", move)
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    (pair,) = [b for b in data["hard"] if b["rule"] == "no_repeated_pair"]
    assert sorted(pair["names"]) == ["Leeuwarden", "Zwolle"]


def test_member_in_no_session_and_in_two_sessions(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def damage(wb: Any) -> None:
        ws = wb["Ronde 1"]
        for row in range(2, ws.max_row + 1):
            if ws.cell(row, 3).value == "Venlo":
                ws.delete_rows(row)
                break
        ws2 = wb["Ronde 2"]
        copy = next(r for r in ws2.iter_rows(min_row=2) if r[2].value == "Delft")
        ws2.append([c.value for c in copy])
        ws2.cell(ws2.max_row, 2).value = 1  # Delft also in session 1 of round 2
        ws2.cell(ws2.max_row, 4).value = "nee"

    edit(run / "proposal.xlsx", damage)
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    one_session = {
        b["message"]: b["names"] for b in data["hard"] if b["rule"] == "one_session_per_round"
    }
    assert ["Venlo"] in one_session.values()
    assert ["Delft"] in one_session.values()
    assert any("Ronde 1" in m and "Venlo" in m for m in one_session)
    assert any("Ronde 2" in m and "Delft" in m and "2 bijeenkomsten" in m for m in one_session)


def test_pins_from_the_cycle_config_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pin = '\n[[pins.host]]\nname = "Wageningen"\nround = 1\n'
    run = make_run(tmp_path / "run", CYCLE_TOML + pin)
    code, _ = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 0  # the proposal honours the pin

    def unhost(wb: Any) -> None:
        set_cell(wb, "Ronde 1", "Wageningen", "Host", "nee")
        set_cell(wb, "Ronde 1", "Oude IJsselstreek", "Host", "ja")

    edit(run / "proposal.xlsx", unhost)
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    (pin_break,) = [b for b in data["hard"] if b["rule"].startswith("pin")]
    assert pin_break["names"] == ["Wageningen"]


def test_unknown_name_in_a_session_is_broken_with_a_suggestion(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(run / "proposal.xlsx", lambda wb: set_cell(wb, "Ronde 1", "Zwolle", "Deelnemer", "Zwole"))
    code, out, _ = check(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    assert "'Zwole' staat in een bijeenkomst maar is geen geselecteerde deelnemer" in out
    assert "Bedoelde u 'Zwolle'?" in out
    assert "Ronde 1: Zwolle zit in geen enkele bijeenkomst" in out


def test_unreadable_cells_stop_the_check_with_located_dutch_errors(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def damage(wb: Any) -> None:
        set_cell(wb, "Ronde 1", "Zwolle", "Sessie", "drie")
        set_cell(wb, "Ronde 2", "Emmen", "Thema blok 2", "Astrologie")

    edit(run / "proposal.xlsx", damage)
    code, out, err = check(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    assert "Traceback" not in out + err
    assert "blad 'Ronde 1', rij" in out and "kolom 'Sessie'" in out and "'drie'" in out
    assert "kolom 'Thema blok 2'" in out and "onbekend thema" in out
    assert "kan niet worden gecontroleerd" in out


@pytest.mark.parametrize(
    "content", [b"dit is geen werkboek", b"", b"PK\x03\x04kapot", b"\xd0\xcf\x11\xe0oud xls"]
)
def test_garbage_workbook_gives_a_dutch_message_never_a_traceback(
    run: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    garbage = run / "bewerkt.xlsx"
    garbage.write_bytes(content)
    code, out, err = check(capsys, str(garbage))
    assert code == 1
    assert "Traceback" not in out + err
    assert "Onverwachte fout" not in err
    assert "bestand 'bewerkt.xlsx'" in out


def test_garbage_proposal_gives_a_dutch_message(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (run / "proposal.json").write_text("{ niet af", encoding="utf-8")
    code, out, err = check(capsys, str(run / "proposal.xlsx"))
    assert code == 1
    assert "Traceback" not in out + err
    assert "geen geldig voorstel" in err


def test_missing_proposal_and_registrations_are_clear_errors(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    moved = elsewhere / "bewerkt.xlsx"
    moved.write_bytes((run / "proposal.xlsx").read_bytes())
    code, _, err = check(capsys, str(moved))
    assert code == 1
    assert "Geen voorstel gevonden" in err and "--proposal" in err

    code, out, err = check(capsys, str(moved), "--proposal", str(run))
    assert code == 0, err

    (run / "aanmeldingen.xlsx").rename(run / "weg.xlsx")
    code, _, err = check(capsys, str(moved), "--proposal", str(run / "proposal.json"))
    assert code == 1
    assert "aanmeldingen.xlsx" in err and "--registrations" in err

    code, _, err = check(
        capsys, str(moved), "--proposal", str(run), "--registrations", str(run / "weg.xlsx")
    )
    assert code == 0, err

    code, _, err = check(capsys, str(tmp_path / "bestaat-niet.xlsx"))
    assert code == 1 and "bestaat niet" in err


def test_registrations_are_found_relative_to_the_proposal_folder(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # proposal.json records "aanmeldingen.xlsx"; from another working directory it is
    # not found as given, so the proposal's folder is tried next.
    monkeypatch.chdir(tmp_path)
    assert not (Path(os.getcwd()) / "aanmeldingen.xlsx").exists()
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert code == 0
    assert data["registrations"] == str(run / "aanmeldingen.xlsx")


def test_without_cycle_toml_the_defaults_are_used_and_said(
    run: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (run / "cycle.toml").unlink()
    code, data = check_json(capsys, str(run / "proposal.xlsx"))
    assert data["cycle"] is None
    assert any("standaardinstellingen" in n for n in data["notes"])
    assert code == 0


def test_a_changed_weight_in_cycle_option_shows_in_the_weight_column(
    run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "ander.toml"
    other.write_text(CYCLE_TOML + "[weights.sessions]\nfirst_choice = 7.0\n", encoding="utf-8")
    code, data = check_json(capsys, str(run / "proposal.xlsx"), "--cycle", str(other))
    assert code == 0
    first = next(c for c in data["scores"]["criteria"] if c["key"] == "sessions.first_choice")
    assert first["weight"] == 7.0
    assert data["cycle"] == str(other)
