"""The CLI shell: Dutch usage errors, exit codes, and no traceback ever."""

from __future__ import annotations

import click

from leernetwerk import cli as cli_module
from leernetwerk.cli import main


def test_usage_errors_are_dutch_with_exit_code_2(capsys):
    assert main(["validate"]) == 2
    err = capsys.readouterr().err
    assert "Ontbrekend argument 'WORKBOOK'" in err
    assert "Gebruik:" in err and "Usage" not in err


def test_unknown_command_suggests_the_right_one(capsys):
    assert main(["valideer"]) == 2 or main(["validte"]) == 2
    assert "Bedoelde u" in capsys.readouterr().err


def test_help_is_dutch(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "Toon deze hulp en stop." in out
    assert "Commando's" in out


def test_a_crash_is_a_short_dutch_message_not_a_traceback(capsys, monkeypatch):
    @click.command("ontplof")
    def boom() -> None:
        raise ZeroDivisionError("deling door nul")

    monkeypatch.setattr(cli_module, "_register_commands", lambda: cli_module.cli.add_command(boom))
    try:
        assert main(["ontplof"]) == 3
        err = capsys.readouterr().err
        assert "Onverwachte fout" in err and "Er is niets weggeschreven" in err
        assert "Traceback" not in err
        assert main(["--debug", "ontplof"]) == 3
        assert "Traceback" in capsys.readouterr().err
    finally:
        cli_module.cli.commands.pop("ontplof", None)
