"""One Jinja2 set-up for every HTML page the tool writes.

Each page package keeps its templates in its own ``templates/`` folder; the
settings are the same everywhere: autoescape on (names and reasons come from
the workbook), an undefined name is an error rather than an empty string, and
block tags leave no stray whitespace.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined


@cache
def html_environment(package: str) -> Environment:
    """The environment for the templates in ``package``/templates (e.g. ``leernetwerk.reports``)."""
    return Environment(
        loader=PackageLoader(package, "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
