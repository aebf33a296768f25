"""Computed variants on disk, so that repeating an exploration costs nothing.

A variant's proposal is stored as ``<cache>/verken/<key[:2]>/<key>.json``,
keyed by :func:`leernetwerk.explore.fingerprint.variant_key` (workbook,
effective config, places, history and versions). The folder is
``--cache DIR``, else ``$XDG_CACHE_HOME/leernetwerk``, else
``~/.cache/leernetwerk``.

Safe under concurrent use: an entry is written to a temporary file in the same
folder and moved into place with :func:`os.replace`, so a reader sees a whole
entry or none; two processes computing the same variant write equal contents.
An unreadable or damaged entry counts as missing (it is recomputed and
replaced). A cache that cannot be written is not an error: the exploration
goes on without storing, and says so once.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from leernetwerk.proposal import Proposal


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/leernetwerk``, else ``~/.cache/leernetwerk``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "leernetwerk"


class VariantCache:
    """Proposals by variant key under ``root/verken``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root) / "verken"
        self.stored = 0
        self.hits = 0
        self.write_error: str | None = None

    def path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def load(self, key: str) -> Proposal | None:
        """The stored proposal, or None when absent or damaged."""
        try:
            data = self.path(key).read_bytes()
        except OSError:
            return None
        try:
            proposal = Proposal.model_validate_json(data)
        except (ValidationError, ValueError):
            return None
        self.hits += 1
        return proposal

    def store(self, key: str, proposal: Proposal) -> None:
        """Store atomically (temporary file, then :func:`os.replace`)."""
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key[:8]}.", suffix=".tmp", dir=target.parent)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(proposal.to_json())
                os.replace(tmp, target)
            finally:
                Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            self.write_error = f"{target.parent}: {exc.strerror or exc}"
            return
        self.stored += 1
