"""``overzicht.xlsx``: the figures of ``evaluatie.json`` as summary sheets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from leernetwerk.excel import new_workbook, save_workbook, write_table

GROUPINGS = (
    ("by_format", "werkvorm"),
    ("by_theme", "thema"),
    ("by_size", "grootte"),
    ("by_club", "club"),
    ("by_mix", "saldo-mix"),
    ("by_round", "ronde"),
)


def _mean(value: float | None) -> float | str:
    return "–" if value is None else value


def write_overview(figures: dict[str, Any], path: Path) -> None:
    wb = new_workbook()
    sessions = figures["sessions"]
    network = figures["network"]
    usefulness = figures["usefulness"]
    summary = [
        ("Cyclus", figures["cycle"]),
        ("Berekend op", figures["generated_on"]),
        ("Matchingbesluit", figures["decision"]),
        ("Leerbijeenkomsten gepland", sessions["planned"]),
        ("Gehouden (ja of verplaatst)", sessions["held"]),
        ("Waarvan verplaatst", sessions["moved"]),
        ("Niet doorgegaan", sessions["cancelled"]),
        ("Niet gemeld", sessions["not_reported"]),
        ("Nuttig: gemiddelde (1–5)", _mean(usefulness["mean"])),
        ("Nuttig: aantal cijfers", usefulness["n"]),
        ("Nieuwe contacten deze cyclus", network["new_ties"]),
        ("Contacten over alle cycli", network["cumulative_ties"]),
        ("Gemeenten bereikt", network["municipalities_reached"]),
        ("Gemeenten aangemeld", network["municipalities_registered"]),
        ("Samenhangende delen van het netwerk", network["components"]),
    ]
    if figures.get("illustrative"):
        summary.insert(0, ("LET OP", "illustratieve, verzonnen gegevens"))
    write_table(wb.create_sheet("Samenvatting"), ["Onderdeel", "Waarde"], summary, autofilter=False)
    write_table(
        wb.create_sheet("Bijeenkomsten"),
        ["Club", "Ronde", "Sessie", "Deelnemers", "Thema's", "Werkvorm", "Gehouden", "Datum",
         "Aanwezigen", "Functies"],
        [
            (a["club"], a["round"], a["session"], "; ".join(a["members"]), "; ".join(a["themes"]),
             a["format"], a["held"] or "niet gemeld", a["date"] or "", a["present"],
             "; ".join(a["functions"]))
            for a in sessions["attendance"]
        ],
    )  # fmt: skip
    rows = []
    for key, label in GROUPINGS:
        for entry in usefulness[key]:
            d = entry["distribution"]
            rows.append((label, entry["key"], entry["n"], _mean(entry["mean"]),
                         d["1"], d["2"], d["3"], d["4"], d["5"]))  # fmt: skip
    write_table(
        wb.create_sheet("Nuttigheid"),
        ["Indeling", "Groep", "n", "Gemiddelde", "1", "2", "3", "4", "5"],
        rows,
    )
    write_table(
        wb.create_sheet("Groei per thema"),
        ["Thema", "n", "Gemiddeld begin", "Gemiddeld eind", "Groei", "n tekort", "Groei tekort",
         "n overschot/neutraal", "Groei overschot/neutraal"],
        [
            (t["theme"], t["n"], _mean(t["mean_start"]), _mean(t["mean_end"]), _mean(t["growth"]),
             t["deficit"]["n"], _mean(t["deficit"]["growth"]), t["other"]["n"],
             _mean(t["other"]["growth"]))
            for t in figures["themes"]
        ]
        + [
            ("gekozen leerthema's (alle)", figures["chosen_themes"]["chosen"]["n"], "", "",
             _mean(figures["chosen_themes"]["chosen"]["growth"]), "", "", "", ""),
            ("overige thema's (alle)", figures["chosen_themes"]["other"]["n"], "", "",
             _mean(figures["chosen_themes"]["other"]["growth"]), "", "", "", ""),
        ],
    )  # fmt: skip
    write_table(
        wb.create_sheet("Reflectie"),
        ["Club", "Verwacht", "Ontvangen", "Leerkaarten", "Ontbreekt"],
        [
            (r["club"], r["expected"], r["received"], r["learning_cards"], ", ".join(r["missing"]))
            for r in figures["reflections"]
        ],
    )
    write_table(
        wb.create_sheet("Netwerk per provincie"),
        ["Provincie", "Gemeenten bereikt", "Gemeenten aangemeld"],
        [(p["province"], p["reached"], p["registered"]) for p in network["by_province"]],
    )
    write_table(
        wb.create_sheet("Belofte en praktijk"),
        ["Matching", "n", "Gemiddeld nuttig"],
        [(p["match"], p["n"], _mean(p["mean"])) for p in figures["promised"]],
    )
    write_table(
        wb.create_sheet("Lessen"),
        ["Deelnemer", "Club", "Les"],
        [(lesson["participant"], lesson["club"], lesson["text"]) for lesson in figures["lessons"]],
    )
    write_table(
        wb.create_sheet("Open punten"), ["Open punt"], [(item,) for item in figures["open_items"]]
    )
    save_workbook(wb, path)
