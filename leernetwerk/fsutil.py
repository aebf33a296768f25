"""Safe file output: nothing lost, nothing partial.

Outputs are first written into a hidden staging folder next to the target
and only moved into place when every file is complete: a new output folder
is the staging folder renamed in one step. Existing files are never
overwritten (unless explicitly forced for a whole output folder), and inputs
are never touched. The staging folder is removed whatever happens, also on
Ctrl-C or a stop signal, and :func:`check_out_dir` lets a command refuse an
unusable output folder before it spends minutes solving.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from leernetwerk import interrupt
from leernetwerk.errors import UserError


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Writer = Callable[[Path], object]
"""Writes one output file at the given (staging) path."""


def check_out_dir(out: Path, *, force: bool = False, inputs: tuple[Path, ...] = ()) -> None:
    """Every precondition of writing into ``out``, checked before any work is done.

    Refuses (Dutch :class:`UserError`, exit 1) a path that is a file, a folder
    holding one of the ``inputs``, a non-empty folder (unless ``force``), and a
    location where the staging folder cannot be created. Nothing is left behind.
    """
    out = Path(out)
    resolved_inputs = {Path(p).resolve() for p in inputs}
    if out.exists() and not out.is_dir():
        raise UserError(f"Uitvoermap '{out}' bestaat al als bestand.")
    if out.exists():
        for item in out.rglob("*"):
            if item.resolve() in resolved_inputs:
                raise UserError(
                    f"Uitvoermap '{out}' bevat het invoerbestand '{item.name}'; "
                    "kies een andere map zodat de invoer nooit wordt overschreven."
                )
        if any(out.iterdir()) and not force:
            raise UserError(
                f"Uitvoermap '{out}' is niet leeg. Kies een nieuwe map, of gebruik --force "
                "om de uitvoer in die map te vervangen."
            )
    _check_writable(out, force=force)


check_output_dir = check_out_dir
"""The former name of :func:`check_out_dir`."""


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate
    return Path(path.anchor or ".")


def _check_writable(out: Path, *, force: bool) -> None:
    """Create and remove a probe folder where the output will be staged (and in ``out``)."""
    where = _nearest_existing(out.resolve().parent)
    places = [where] + ([out] if force and out.is_dir() else [])
    for place in places:
        if not place.is_dir():
            raise UserError(
                f"Uitvoermap '{out}' kan niet worden aangemaakt: '{place}' is een bestand, "
                "geen map. Kies een andere uitvoermap."
            )
        try:
            os.rmdir(tempfile.mkdtemp(prefix=".leernetwerk-probe-", dir=place))
        except OSError as exc:
            raise _unwritable(out, place, exc) from None


OS_REASONS = {
    errno.EACCES: "geen schrijfrechten",
    errno.EPERM: "niet toegestaan",
    errno.EROFS: "alleen-lezen schijf",
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijfruimte (quota) is op",
    errno.ENOENT: "de map bestaat niet",
    errno.ENOTDIR: "een deel van het pad is een bestand",
}
"""Dutch reasons for the operating-system errors a user can meet when writing output."""


def os_reason(error: OSError) -> str:
    """A short Dutch reason for ``error``, or the system's own text."""
    return OS_REASONS.get(error.errno or 0) or error.strerror or str(error)


def _unwritable(out: Path, place: Path, error: OSError) -> UserError:
    return UserError(
        f"Uitvoermap '{out}' kan niet worden geschreven: in '{place}' mag leernetwerk geen "
        f"bestanden aanmaken ({os_reason(error)}). Kies een map waarin u mag schrijven."
    )


@contextmanager
def _held_signals() -> Iterator[None]:
    """Hold Ctrl-C and the stop signal while files are moved into place, then deliver them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    previous = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if held:
        raise KeyboardInterrupt


def _remove(staging: Path) -> None:
    """Remove the staging folder, even when a second Ctrl-C arrives meanwhile."""
    try:
        shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_outputs(
    out: Path,
    writers: Mapping[str, Writer],
    *,
    force: bool = False,
    inputs: tuple[Path, ...] = (),
) -> list[Path]:
    """Write all outputs into ``out`` atomically: all files or none.

    Each writer writes one file into a staging folder; only when all have
    succeeded are they moved into ``out`` (a new ``out`` is the renamed
    staging folder). With ``force`` the files in ``out`` are replaced; other
    files already there are left alone. An unwritable location is a Dutch
    :class:`UserError`; the staging folder never outlives this call.
    """
    out = Path(out)
    check_out_dir(out, force=force, inputs=inputs)
    parent = out.resolve().parent
    staging: Path | None = None
    try:
        try:
            parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=parent))
        except OSError as exc:
            raise _unwritable(out, parent, exc) from None
        for name, writer in writers.items():
            writer(staging / name)
        interrupt.check()  # a Ctrl-C that Python dropped must not let the output through
        return _publish(staging, out, list(writers))
    except OSError as exc:
        raise UserError(
            f"De uitvoer kon niet worden geschreven naar '{out}' ({os_reason(exc)}). "
            "Er is niets weggeschreven."
        ) from exc
    finally:
        if staging is not None:
            _remove(staging)


def _publish(staging: Path, out: Path, names: list[str]) -> list[Path]:
    """Move the finished files from ``staging`` into ``out``."""
    if not out.exists():
        mask = os.umask(0)
        os.umask(mask)
        staging.chmod(0o777 & ~mask)
        try:
            os.rename(staging, out)  # one step: the folder appears complete or not at all
            return [out / name for name in names]
        except OSError:
            if out.exists():  # another process made it meanwhile
                raise UserError(
                    f"Uitvoermap '{out}' is zojuist door een ander proces aangemaakt; "
                    "kies een nieuwe map."
                ) from None
            raise
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with _held_signals():
        for name in names:
            target = out / name
            os.replace(staging / name, target)
            written.append(target)
    return written


def write_new_file(path: Path, writer: Writer) -> Path:
    """Write a single new file atomically; refuse to overwrite an existing one."""
    path = Path(path)
    if path.exists():
        raise UserError(f"'{path}' bestaat al en wordt niet overschreven. Kies een andere naam.")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        writer(Path(tmp))
        interrupt.check()
        # link() fails if the target appeared meanwhile: never clobber.
        os.link(tmp, path)
    except FileExistsError:
        raise UserError(f"'{path}' bestaat al en wordt niet overschreven.") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
