"""Rendering a cycle's Word templates with docxtpl, safely and reproducibly.

A template the executor broke in Word (an unclosed ``{{``, an unknown
variable) is a Dutch :class:`UserError` naming the template file; the
commands render inside :func:`leernetwerk.fsutil.write_outputs`, so then
nothing is written. Outputs are generated into a new dated folder
(``<YYYY-MM-DD>``, else ``<YYYY-MM-DD>-2``, …): nothing is ever overwritten.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from leernetwerk.cycle.folder import dated_folder
from leernetwerk.documents.templates import (
    DEFAULTS,
    FIXED_TIME,
    TEMPLATES_DIR,
    write_default,
)
from leernetwerk.errors import UserError

FIXED_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def templates_dir(cycle_dir: Path) -> Path:
    return Path(cycle_dir) / TEMPLATES_DIR


def ensure_templates(cycle_dir: Path, names: tuple[str, ...]) -> list[str]:
    """Make sure the cycle has the templates ``names``; write missing defaults.

    Returns Dutch notes naming every default template that was written (a
    cycle made before templates existed, or a template the executor removed).
    """
    folder = templates_dir(cycle_dir)
    notes = []
    for name in names:
        path = folder / name
        if not path.exists():
            write_default(name, path)
            notes.append(
                f"Sjabloon '{path}' ontbrak; het standaardsjabloon is daar neergezet "
                "(pas het gerust aan in Word)."
            )
    return notes


def _environment() -> jinja2.Environment:
    """Unknown variables are errors, so a typo in an edited template is not silently empty."""
    return jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


def _template_error(path: Path, exc: Exception) -> UserError:
    if isinstance(exc, jinja2.TemplateSyntaxError):
        detail = f"een Jinja-code klopt niet ({exc.message})"
    elif isinstance(exc, jinja2.UndefinedError):
        found = re.search(r"'([^']+)' is undefined", exc.message or "")
        name = f"'{found.group(1)}'" if found else f"({exc.message})"
        detail = f"een onbekende naam in een Jinja-code: {name}"
    else:
        detail = f"het bestand is geen bruikbaar Word-sjabloon ({exc})"
    return UserError(
        f"Sjabloon '{path}' kan niet worden gebruikt: {detail}. Herstel het sjabloon in Word "
        f"(codes tussen {{{{ }}}} en {{% %}}), of verwijder het: dan wordt het "
        f"standaardsjabloon opnieuw neergezet. Er is niets weggeschreven."
    )


def check_template(path: Path, context: Mapping[str, Any]) -> None:
    """Render once in memory: a broken template fails before anything is written."""
    render_bytes(path, context)


def render_bytes(path: Path, context: Mapping[str, Any]) -> bytes:
    """The rendered document, with fixed document properties and zip entry times."""
    try:
        template = DocxTemplate(str(path))
        template.render(dict(context), _environment())
        properties = template.docx.core_properties
        properties.created = FIXED_TIME
        properties.modified = FIXED_TIME
        buffer = io.BytesIO()
        template.save(buffer)
    except (jinja2.TemplateError, ValueError, KeyError, zipfile.BadZipFile, OSError) as exc:
        raise _template_error(path, exc) from None
    except Exception as exc:  # python-docx raises its own types for a non-Word file
        if type(exc).__module__.startswith(("docx", "docxtpl")):
            raise _template_error(path, exc) from None
        raise
    return _stable_zip(buffer.getvalue())


def _stable_zip(data: bytes) -> bytes:
    """Rewrite the .docx zip with fixed entry times, so equal content gives equal bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info))
    return out.getvalue()


def render_to(path: Path, context: Mapping[str, Any], target: Path) -> Path:
    target.write_bytes(render_bytes(path, context))
    return target


def safe_file_name(name: str) -> str:
    """A file name for a participant: no path separators or characters Windows forbids."""
    cleaned = "".join("-" if c in '<>:"/\\|?*' or ord(c) < 32 else c for c in name).strip(" .")
    return cleaned or "naamloos"


__all__ = [
    "DEFAULTS",
    "check_template",
    "dated_folder",
    "ensure_templates",
    "render_bytes",
    "render_to",
    "safe_file_name",
    "templates_dir",
]
