#!/usr/bin/env bash
# Run the test suite. Creates .venv and installs the project with its test
# dependencies on first use, so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest "$@"
