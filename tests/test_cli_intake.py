"""The `template` and `validate` commands, run through `leernetwerk.cli.main`."""

from __future__ import annotations

import json

from leernetwerk.cli import main
from leernetwerk.config import CycleConfig
from leernetwerk.registrations_io import write_template
from tests.test_intake import evaluation, reg, themes, workbook


def test_template_writes_and_refuses_to_overwrite(tmp_path, capsys):
    path = tmp_path / "sjabloon.xlsx"
    assert main(["template", str(path)]) == 0
    assert "Aanmeldsjabloon geschreven" in capsys.readouterr().out
    before = path.read_bytes()
    assert main(["template", str(path)]) == 1
    assert "wordt niet overschreven" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_validate_ok_workbook_exits_zero_with_summary(tmp_path, capsys):
    path = workbook(tmp_path / "a.xlsx", [reg("Zwolle"), reg("Ede", Aanmelddatum="3-5-2026")],
                    [evaluation("Zwolle")], themes("Zwolle"))  # fmt: skip
    assert main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Aanmeldingen gelezen: 2" in out and "tekort 2" in out
    assert "Ede: zelfevaluatie ontbreekt" in out and "Ede: aangemeld op 03-05-2026" in out
    assert "waarschuwing" in out and "bruikbaar" in out


def test_validate_broken_workbook_exits_one_with_located_message(tmp_path, capsys):
    path = workbook(tmp_path / "a.xlsx", [reg("Zwolle", Provincie="Utrech")])
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "blad 'Aanmeldingen', rij 2, kolom 'Provincie' (waarde: 'Utrech')" in out
    assert "Bedoelde u 'Utrecht'?" in out


def test_validate_json_is_machine_readable(tmp_path, capsys):
    path = workbook(tmp_path / "a.xlsx", [reg("Zwolle", Saldo="plus"), reg("Ede")],
                    [evaluation("Ede")], themes("Ede"))  # fmt: skip
    assert main(["validate", str(path), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    assert data["problems"] == [{"severity": "error", "sheet": "Aanmeldingen", "row": 2,
                                 "column": "Saldo", "value": "plus",
                                 "message": data["problems"][0]["message"]}]  # fmt: skip
    assert data["summary"]["total"] == 1 and data["incomplete"] == [] and data["late"] == []


def test_validate_template_with_cycle_config(tmp_path, capsys):
    cycle = tmp_path / "cycle.toml"
    cycle.write_text('[cycle]\nname = "2027-2028"\nbudget_year = 2026\n')
    path = tmp_path / "sjabloon.xlsx"
    write_template(path, CycleConfig())
    assert main(["validate", str(path), "--cycle", str(cycle)]) == 0
    assert "01-05-2027" in capsys.readouterr().out


def test_garbage_and_missing_files_never_show_a_traceback(tmp_path, capsys):
    garbage = tmp_path / "kapot.xlsx"
    garbage.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    for target in (garbage, tmp_path / "bestaat-niet.xlsx", tmp_path):
        code = main(["validate", str(target)])
        captured = capsys.readouterr()
        assert code == 1
        assert "Traceback" not in captured.out + captured.err
        assert "Fout:" in captured.out


def test_missing_argument_is_a_usage_error(capsys):
    assert main(["validate"]) == 2
    assert "Traceback" not in capsys.readouterr().err
