"""Ctrl-C and the stop signal, remembered until the program has acted on them.

The CLI turns SIGINT and SIGTERM into :class:`Interrupted`, raised wherever the
main thread happens to be. Python runs a signal handler at the next bytecode of
the main thread, and that can be inside a finaliser (``__del__``, e.g. of a
``zipfile.ZipFile`` that openpyxl or OR-Tools let go) or a weakref callback:
there an exception is printed as "Exception ignored in ..." and dropped, and
the run would go on and write its output as if nothing had happened (measured:
1 in 8 runs of ``leernetwerk run`` with Ctrl-C during the selection).

So the handler also *records* the signal here, and the places that must not
go on after an interrupt ask :func:`check` first: every solve
(:func:`matching.solver.solve`), every progress line, and every write before a
file or folder is put in place (:mod:`leernetwerk.fsutil`). An interrupt that
was swallowed is then raised again at the next of these points, at most one
solve later.

Outside the CLI nothing records a signal and :func:`check` does nothing.
"""

from __future__ import annotations

import signal
from typing import NoReturn

__all__ = ["Interrupted", "check", "clear", "pending", "record"]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or a stop signal, raised where the program was, so cleanup runs."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signum)
        self.signum = signum


_pending: int | None = None


def record(signum: int) -> NoReturn:
    """Remember ``signum`` and raise :class:`Interrupted` (the CLI's signal handler)."""
    global _pending
    if _pending is None:
        _pending = signum
    raise Interrupted(signum)


def pending() -> int | None:
    """The signal that interrupted the program and was not cleared, if any."""
    return _pending


def check() -> None:
    """Raise :class:`Interrupted` again if a signal was recorded (even one swallowed)."""
    if _pending is not None:
        raise Interrupted(_pending)


def clear() -> None:
    """Forget a recorded signal (when the CLI starts or has reported it)."""
    global _pending
    _pending = None
