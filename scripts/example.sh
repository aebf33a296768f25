#!/usr/bin/env bash
# Run the main job on the bundled national example: validate, select, match
# and write the proposal into a new folder under out/ (never overwriting).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
out="out/national-2026-$(date +%Y%m%d-%H%M%S)"
exec .venv/bin/leernetwerk run examples/national-2026/aanmeldingen.xlsx \
    --cycle cycles/2026-2027/cycle.toml --out "$out" "$@"
