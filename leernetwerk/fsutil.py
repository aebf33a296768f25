"""Safe file output: nothing lost, nothing partial.

Outputs are first written into a hidden staging folder next to the target
and only moved into place when every file is complete. Existing files are
never overwritten (unless explicitly forced for a whole output folder), and
inputs are never touched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from leernetwerk.errors import UserError


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


Writer = Callable[[Path], None]
"""Writes one output file at the given (staging) path."""


def check_output_dir(out: Path, *, force: bool = False, inputs: tuple[Path, ...] = ()) -> None:
    """Refuse a non-empty output folder (unless forced) or one holding an input."""
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


def write_outputs(
    out: Path,
    writers: Mapping[str, Writer],
    *,
    force: bool = False,
    inputs: tuple[Path, ...] = (),
) -> list[Path]:
    """Write all outputs into ``out`` atomically: all files or none.

    Each writer writes one file into a staging folder; only when all have
    succeeded are they moved into ``out``. With ``force`` the files in ``out``
    are replaced; other files already there are left alone.
    """
    out = Path(out)
    check_output_dir(out, force=force, inputs=inputs)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=parent))
    try:
        for name, writer in writers.items():
            writer(staging / name)
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in writers:
            target = out / name
            os.replace(staging / name, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


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
        # link() fails if the target appeared meanwhile: never clobber.
        os.link(tmp, path)
    except FileExistsError:
        raise UserError(f"'{path}' bestaat al en wordt niet overschreven.") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
