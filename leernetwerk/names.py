"""One normalisation of names and cell text, used by every sheet and by ``cycle.toml``.

The same municipality can reach the tool in different Unicode spellings:
``Súdwest-Fryslân`` typed with combining accents (NFD, as some Mac exports
do) or precomposed (NFC), or ``Zwolle`` with an invisible zero-width space
pasted from a web page. To the user these are one name, so they must be one
name to the tool too. :func:`normalise_name` is the single place where that
is decided; :func:`name_key` adds case and is what names are matched on.
:func:`visible` does the opposite for messages: it shows an invisible
character that is still in a value as ``[U+200B]``, so the user can find it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

INVISIBLE_CATEGORIES = frozenset({"Cf"})
"""Unicode format characters: zero-width space and joiners, word joiner, byte
order mark, soft hyphen, direction marks. Invisible in Excel, never meant."""

KEPT_CONTROLS = frozenset("\n\t")
"""Control characters that carry meaning in free text (line breaks in a cell)."""


def _is_invisible(char: str) -> bool:
    category = unicodedata.category(char)
    return category in INVISIBLE_CATEGORIES or (category == "Cc" and char not in KEPT_CONTROLS)


def normalise_text(text: str) -> str:
    """NFC, without invisible format and control characters, trimmed.

    Line breaks and inner spacing are kept (free text such as motivations).
    """
    composed = unicodedata.normalize("NFC", text)
    if any(_is_invisible(c) for c in composed):
        composed = "".join(c for c in composed if not _is_invisible(c))
    return composed.strip()


def normalise_name(text: Any) -> str:
    """A name as the tool stores it: :func:`normalise_text` with any run of
    whitespace (including non-breaking spaces and line breaks) as one space."""
    value = "" if text is None else str(text)
    return " ".join(normalise_text(value).split())


def name_key(text: Any) -> str:
    """Key for matching names across sheets and ``cycle.toml``: also case-insensitive."""
    return normalise_name(text).casefold()


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a character :func:`normalise_text` would remove."""
    return any(_is_invisible(c) for c in text)


def visible(text: str) -> str:
    """``text`` with each invisible character written out, e.g. ``Zwol[U+200B]le``."""
    if not has_invisible(text):
        return text
    return "".join(f"[U+{ord(c):04X}]" if _is_invisible(c) else c for c in text)
