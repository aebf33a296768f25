#!/usr/bin/env bash
# Run the static checks and the test suite. Creates .venv and installs the
# project with its test and dev dependencies on first use, so it works on a
# fresh machine. Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bin=.venv/bin
echo "leernetwerk: ruff, ruff format, mypy, import-linter..." >&2
"$bin/ruff" check --quiet leernetwerk matching tests benchmarks examples
"$bin/ruff" format --check --quiet leernetwerk matching tests benchmarks examples
"$bin/mypy" leernetwerk matching
"$bin/lint-imports" --no-cache >/dev/null || "$bin/lint-imports" --no-cache
exec "$bin/python" -m pytest "$@"
