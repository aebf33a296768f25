"""The ``leernetwerk`` command line (Dutch user interface).

Each command lives in its own module under :mod:`leernetwerk.commands` and is
registered here. :func:`main` is the console entry point: it turns a
:class:`~leernetwerk.errors.UserError` into a Dutch message and exit code, and
any unexpected crash into a short Dutch message (the traceback only with
``--debug``), so a user never sees a traceback. Ctrl-C and a stop signal
(SIGTERM) both end a command as :class:`KeyboardInterrupt`, so every
``finally`` runs (staging folders are removed) and the exit code is 130.
"""

from __future__ import annotations

import signal
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

import click

from leernetwerk import interrupt
from leernetwerk.errors import UserError
from leernetwerk.interrupt import Interrupted

if TYPE_CHECKING:
    from sys import UnraisableHookArgs


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
    cli_dutch.translate_parameters(cli)


def report_user_error(error: UserError) -> None:
    for problem in error.problems:
        click.echo(str(problem), err=True)


INTERRUPTED_EXIT = 130
INTERRUPTED = {
    signal.SIGINT: "leernetwerk: onderbroken (Ctrl-C); er is niets weggeschreven.",
    signal.SIGTERM: "leernetwerk: gestopt (stopsignaal); er is niets weggeschreven.",
}


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    interrupt.record(signum)


@contextmanager
def interrupt_handlers() -> Iterator[None]:
    """SIGINT and SIGTERM raise :class:`Interrupted` while the CLI runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signals = (signal.SIGINT, signal.SIGTERM)
    interrupt.clear()
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in signals}
    previous_hook = sys.unraisablehook
    sys.unraisablehook = _quiet_interrupt_in_finaliser(previous_hook)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sys.unraisablehook = previous_hook
        interrupt.clear()


def _quiet_interrupt_in_finaliser(
    default: Callable[[UnraisableHookArgs], object],
) -> Callable[[UnraisableHookArgs], object]:
    """Python drops an exception raised in a finaliser and prints its traceback
    ("Exception ignored in ..."). For Ctrl-C that traceback is noise for the user:
    the signal is recorded (:mod:`leernetwerk.interrupt`) and acted on shortly."""

    def hook(unraisable: UnraisableHookArgs) -> object:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            return None
        return default(unraisable)

    return hook


def _interrupted_message(error: BaseException) -> str:
    """The one Dutch line for an interruption: Ctrl-C, a stop signal, or end of input."""
    cause: BaseException | None = error
    if isinstance(error, click.exceptions.Abort):
        cause = error.__cause__ or error.__context__
    if isinstance(cause, Interrupted):
        return INTERRUPTED[signal.Signals(cause.signum)]
    if isinstance(cause, KeyboardInterrupt):
        return INTERRUPTED[signal.SIGINT]
    return "Afgebroken."


def _interrupt_in_chain(error: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C or stop signal behind an error, when a library turned it into one."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (0 ok, 1 input problems, 2 usage, 130 interrupted)."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        with interrupt_handlers():
            # Inside the handlers: a Ctrl-C while the commands (and CP-SAT) load
            # exits 130 too, without a traceback.
            _register_commands()
            result = cli.main(args=args, prog_name="leernetwerk", standalone_mode=False)
    except UserError as error:
        report_user_error(error)
        return error.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt) as error:
        click.echo(_interrupted_message(error), err=True)
        return INTERRUPTED_EXIT
    except click.exceptions.Exit as exit_:
        return exit_.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except Exception as error:  # noqa: BLE001 - the last line of defence
        stopped = _interrupt_in_chain(error)
        if stopped is not None:  # e.g. a library import cut short by Ctrl-C
            click.echo(_interrupted_message(stopped), err=True)
            return INTERRUPTED_EXIT
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
