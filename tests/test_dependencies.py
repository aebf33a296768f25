"""Every imported third-party package is declared, and every declared one is imported.

The package's own code (``leernetwerk/``, ``matching/``) is scanned with
:mod:`ast` (imports inside functions count); imports are mapped to their
distributions with :func:`importlib.metadata.packages_distributions`.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OWN = {"leernetwerk", "matching"}


def imported_top_level_modules() -> set[str]:
    names: set[str] = set()
    for package in OWN:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - OWN - set(sys.stdlib_module_names) - {"__future__"}


def declared_distributions() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0].lower()
        for requirement in project["dependencies"]
    }


def distributions_of(modules: set[str]) -> dict[str, set[str]]:
    mapping = packages_distributions()
    return {m: {d.lower() for d in mapping.get(m, [])} for m in modules}


def test_every_imported_package_is_declared() -> None:
    declared = declared_distributions()
    undeclared = {
        module: dists
        for module, dists in distributions_of(imported_top_level_modules()).items()
        if not dists & declared
    }
    assert undeclared == {}


def test_every_declared_package_is_imported() -> None:
    imported = set().union(*distributions_of(imported_top_level_modules()).values())
    assert declared_distributions() - imported == set()
