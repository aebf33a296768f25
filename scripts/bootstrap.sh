#!/usr/bin/env bash
# Create .venv (if missing) and install leernetwerk with its test and dev extras.
# Re-installs only when pyproject.toml changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    echo "leernetwerk: virtuele omgeving .venv aanmaken..." >&2
    "$PY" -m venv .venv
fi
stamp=.venv/.leernetwerk-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    echo "leernetwerk: afhankelijkheden installeren (eenmalig)..." >&2
    log=.venv/install.log
    if ! .venv/bin/python -m pip install --disable-pip-version-check -e ".[test,dev]" >"$log" 2>&1; then
        cat "$log" >&2
        echo "leernetwerk: installatie mislukt, zie hierboven." >&2
        exit 1
    fi
    touch "$stamp"
fi
