"""Compare the engine's layout for the pilot with the pilot's manual layout.

Both are scored with the same function (:func:`matching.scoring.score_layout`)
and checked with :func:`matching.rules.check_layout`. Prints the markdown
of the generated block of docs/pilot.md (deterministic, a few seconds);
``--write-doc`` puts it into docs/pilot.md between its markers, and
``tests/test_docs_generated.py`` fails when the committed block differs.

    .venv/bin/python benchmarks/pilot.py              # print
    .venv/bin/python benchmarks/pilot.py --write-doc  # rewrite docs/pilot.md
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from docblocks import BLOCKS, write

from leernetwerk.config import load_cycle_config
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import Layout
from matching.engine import match
from matching.rules import check_layout
from matching.scoring import score_layout

PILOT = Path(__file__).resolve().parents[1] / "examples" / "pilot-2025"


def render() -> str:
    """The comparison as markdown: criteria table, hard rules, the engine's sessions."""
    lines: list[str] = []
    out = lines.append
    config = load_cycle_config(PILOT / "cycle.toml")
    registrations = load_registrations(PILOT / "aanmeldingen.xlsx", config)
    people = registrations.by_name()
    manual = Layout.model_validate_json((PILOT / "manual_layout.json").read_text(encoding="utf-8"))
    engine = match(list(registrations), config)
    rows = {"handmatig (pilot)": manual, "leernetwerk": engine.layout}
    scores = {name: score_layout(layout, people, config) for name, layout in rows.items()}
    keys = [c.key for c in scores["leernetwerk"].criteria]
    labels = {c.key: c.label for c in scores["leernetwerk"].criteria}
    out("| criterium | gewicht | " + " | ".join(rows) + " |")
    out("|---|---|" + "---|" * len(rows))
    for key in keys:
        cells = []
        for name in rows:
            c = next(c for c in scores[name].criteria if c.key == key)
            cells.append(f"{c.contribution:g} ({c.raw:g})")
        weight = next(c.weight for c in scores["leernetwerk"].criteria if c.key == key)
        out(f"| {labels[key]} (`{key}`) | {weight:g} | " + " | ".join(cells) + " |")
    out("| **totaal** | | " + " | ".join(f"**{scores[n].total:g}**" for n in rows) + " |")
    out("")
    for name, layout in rows.items():
        hard = [v for v in check_layout(layout, people, config) if v.hard]
        out(f"- {name}: {len(hard)} harde regel(s) gebroken" + "".join(f"\n  - {v}" for v in hard))
    out("")
    out(
        f"Engine: {engine.quality.status.value}, gap {engine.quality.gap}, "
        f"baseline {engine.quality.baseline_objective:g}."
    )
    for r in engine.layout.rounds:
        for s in r.sessions:
            out(
                f"- ronde {r.round}: {', '.join(s.members)} (host {s.host}) — "
                f"{', '.join(s.themes)}; werkvorm {s.format.value}"
            )

    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="The pilot's manual layout against the engine.")
    parser.add_argument("--write-doc", action="store_true", help="rewrite docs/pilot.md's block")
    args = parser.parse_args()
    text = render()
    if not args.write_doc:
        sys.stdout.write(text + "\n")
        return 0
    block = next(b for b in BLOCKS if b.command == ("benchmarks/pilot.py",))
    changed = write(block, text)
    sys.stdout.write(f"{block.doc}: {'rewritten' if changed else 'unchanged'}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
