"""The ``leernetwerk`` command line (Dutch user interface).

Each command lives in its own module under :mod:`leernetwerk.commands` and is
registered here. :func:`main` is the console entry point: it turns a
:class:`~leernetwerk.errors.UserError` into a Dutch message and exit code, and
any unexpected crash into a short Dutch message (the traceback only with
``--debug``), so a user never sees a traceback.
"""

from __future__ import annotations

import sys
import traceback

import click

from leernetwerk.errors import UserError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Toon technische details bij een onverwachte fout.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """leernetwerk: selectie, matching en cyclusbeheer voor het leernetwerk Participatiewet."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _register_commands() -> None:
    from leernetwerk import cli_dutch
    from leernetwerk.commands import COMMANDS

    cli_dutch.install()

    for command in COMMANDS:
        cli.add_command(command)


def report_user_error(error: UserError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (0 ok, 1 input problems, 2 usage)."""
    _register_commands()
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        result = cli.main(args=args, prog_name="leernetwerk", standalone_mode=False)
    except UserError as error:
        report_user_error(error)
        return error.exit_code
    except click.exceptions.Abort:
        click.echo("Afgebroken.", err=True)
        return 130
    except click.exceptions.Exit as exit_:
        return exit_.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except KeyboardInterrupt:
        click.echo("Afgebroken.", err=True)
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence
        if debug:
            traceback.print_exc()
        click.echo(
            "Onverwachte fout in leernetwerk: "
            f"{type(error).__name__}: {error}. Er is niets weggeschreven. "
            "Draai opnieuw met --debug voor technische details en meld dit aan de beheerder.",
            err=True,
        )
        return 3
    return result if isinstance(result, int) else 0


def run() -> None:  # pragma: no cover - thin wrapper
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    run()
