"""Compare the engine's layout for the pilot with the pilot's manual layout.

Both are scored with the same function (:func:`matching.scoring.score_layout`)
and checked with :func:`matching.rules.check_layout`. Prints a markdown
table (used in docs/pilot.md).

    .venv/bin/python benchmarks/pilot.py
"""

from __future__ import annotations

from pathlib import Path

from leernetwerk.config import load_cycle_config
from leernetwerk.intake import load_registrations
from leernetwerk.proposal import Layout
from matching.engine import match
from matching.rules import check_layout
from matching.scoring import score_layout

PILOT = Path(__file__).resolve().parents[1] / "examples" / "pilot-2025"


def main() -> None:
    config = load_cycle_config(PILOT / "cycle.toml")
    registrations = load_registrations(PILOT / "aanmeldingen.xlsx", config)
    people = registrations.by_name()
    manual = Layout.model_validate_json((PILOT / "manual_layout.json").read_text(encoding="utf-8"))
    engine = match(list(registrations), config)
    rows = {"handmatig (pilot)": manual, "leernetwerk": engine.layout}
    scores = {name: score_layout(layout, people, config) for name, layout in rows.items()}
    keys = [c.key for c in scores["leernetwerk"].criteria]
    labels = {c.key: c.label for c in scores["leernetwerk"].criteria}
    print("| criterium | gewicht | " + " | ".join(rows) + " |")
    print("|---|---|" + "---|" * len(rows))
    for key in keys:
        cells = []
        for name in rows:
            c = next(c for c in scores[name].criteria if c.key == key)
            cells.append(f"{c.contribution:g} ({c.raw:g})")
        weight = next(c.weight for c in scores["leernetwerk"].criteria if c.key == key)
        print(f"| {labels[key]} (`{key}`) | {weight:g} | " + " | ".join(cells) + " |")
    print("| **totaal** | | " + " | ".join(f"**{scores[n].total:g}**" for n in rows) + " |")
    print()
    for name, layout in rows.items():
        hard = [v for v in check_layout(layout, people, config) if v.hard]
        print(
            f"- {name}: {len(hard)} harde regel(s) gebroken" + "".join(f"\n  - {v}" for v in hard)
        )
    print()
    print(
        f"Engine: {engine.quality.status.value}, gap {engine.quality.gap}, "
        f"baseline {engine.quality.baseline_objective:g}."
    )
    for r in engine.layout.rounds:
        for s in r.sessions:
            print(
                f"- ronde {r.round}: {', '.join(s.members)} (host {s.host}) — {', '.join(s.themes)}; "
                f"werkvorm {s.format.value}"
            )


if __name__ == "__main__":
    main()
