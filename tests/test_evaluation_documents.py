"""The closing documents: tussenevaluatie memo, reflectieverslagen overview per
club and the cycle report / kennisdocument, rendered from evaluatie.json.

The fixture below is a realistic evaluatie.json of a small cycle (two clubs,
six municipalities); the lead reconciles it with what ``leernetwerk
evaluatie`` writes. Every test opens the .docx with python-docx and looks for
the figures of the fixture in the text and tables."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import docx
import pytest
from test_cycle import make_cycle, make_proposal, make_run

from leernetwerk.cli import main
from leernetwerk.cycle import record_decision
from leernetwerk.cycle.evaluation_data import EvaluationData, latest_evaluation
from leernetwerk.cycle.steering import record_adjustment
from leernetwerk.documents.evaluation import (
    write_cycle_report,
    write_midterm_memo,
    write_reflection_overviews,
)

PILOT = Path(__file__).resolve().parents[1] / "examples" / "pilot-2025"
CLUB_1 = ["Amstelveen", "Wageningen", "Zwolle"]
CLUB_2 = ["Leeuwarden", "Oude IJsselstreek", "Barendrecht"]


def _dist(**counts: int) -> dict[str, int]:
    return {str(k): counts.get(f"s{k}", 0) for k in range(1, 6)}


EVALUATION = {
    "cycle": "2026-2027",
    "generated_on": "2027-04-20",
    "sessions": {
        "planned": 6,
        "held": 4,
        "moved": 1,
        "cancelled": 1,
        "not_reported": 0,
        "attendance": [
            {"club": 1, "round": 1, "session": 1, "members": ["Amstelveen", "Wageningen"],
             "held": "ja", "date": "2026-10-08", "present": 5,
             "functions": ["beleid", "uitvoering"], "usefulness": 4.5},
            {"club": 1, "round": 2, "session": 1, "members": ["Wageningen", "Zwolle"],
             "held": "verplaatst", "date": "2027-02-19", "present": 4,
             "functions": ["financiën"]},
            {"club": 1, "round": 2, "session": 2, "members": ["Amstelveen", "Zwolle"],
             "held": "nee", "date": None, "present": 0, "functions": []},
            {"club": 2, "round": 1, "session": 1,
             "members": ["Leeuwarden", "Oude IJsselstreek", "Barendrecht"],
             "held": "ja", "date": "2026-11-12", "present": 7, "functions": ["beleid"]},
            {"club": 2, "round": 2, "session": 1, "members": ["Leeuwarden", "Barendrecht"],
             "held": "ja", "date": "2027-02-05", "present": 4, "functions": []},
            {"club": 2, "round": 2, "session": 2, "members": ["Oude IJsselstreek", "Zwolle"],
             "held": "ja", "date": "2027-03-02", "present": 3, "functions": []},
        ],
    },
    "usefulness": {
        "mean": 3.83,
        "n": 12,
        "distribution": _dist(s2=1, s3=3, s4=5, s5=3),
        "by_format": [
            {"key": "i", "n": 3, "mean": 3.33, "distribution": _dist(s3=2, s4=1)},
            {"key": "iii", "n": 9, "mean": 4.0, "distribution": _dist(s2=1, s3=1, s4=4, s5=3)},
        ],
        "by_theme": [{"key": "Handhaving", "n": 5, "mean": 4.2, "distribution": {}}],
        "by_size": [
            {"key": "2", "n": 8, "mean": 3.75, "distribution": {}},
            {"key": "3", "n": 4, "mean": 4.0, "distribution": {}},
        ],
        "by_club": [
            {"key": "1", "n": 4, "mean": 4.25, "distribution": {}},
            {"key": "2", "n": 8, "mean": 3.62, "distribution": {}},
        ],
        "by_mix": [
            {"key": "tekort en overschot", "n": 7, "mean": 4.14, "distribution": {}},
            {"key": "zelfde saldo", "n": 5, "mean": 3.4, "distribution": {}},
        ],
    },
    "themes": [
        {"theme": "Handhaving", "n": 4, "mean_start": 1.75, "mean_end": 2.5, "growth": 0.75,
         "deficit": {"n": 2, "growth": 1.0}, "other": {"n": 2, "growth": 0.5}},
        {"theme": "Financieel", "n": 3, "mean_start": 2.67, "mean_end": 2.33, "growth": -0.33,
         "deficit": {"n": 3, "growth": -0.33}, "other": {"n": 0, "growth": None}},
        {"theme": "Preventie", "n": 0, "mean_start": None, "mean_end": None, "growth": None,
         "deficit": {"n": 0, "growth": None}, "other": {"n": 0, "growth": None}},
    ],
    "chosen_themes": {"chosen": {"n": 10, "growth": 0.6}, "other": {"n": 25, "growth": 0.12}},
    "reflections": [
        {"club": 1, "expected": 3, "received": 2, "missing": ["Zwolle"]},
        {"club": 2, "expected": 3, "received": 3, "missing": []},
    ],
    "network": {
        "new_ties": 7,
        "cumulative_ties": 19,
        "municipalities_reached": 6,
        "share_of_registrations": 0.75,
        "by_province": [
            {"province": "Noord-Holland", "reached": 1, "registered": 2},
            {"province": "Gelderland", "reached": 2, "registered": 2},
        ],
        "components": 2,
        "bridges": ["Zwolle"],
    },
    "promised": [
        {"match": "haler–brenger", "n": 6, "mean": 4.17},
        {"match": "gedeelde eerste keuze", "n": 4, "mean": 3.5},
        {"match": "geen van beide", "n": 2, "mean": None},
    ],
    "lessons": [
        {"participant": "Amstelveen", "club": 1,
         "text": "Maandelijkse BUIG-prognose met de controller werkt."},
        {"participant": "Leeuwarden", "club": 2,
         "text": "Instroom beperken begint bij de poortwachter."},
        {"participant": "Barendrecht", "club": 2, "text": "  "},
    ],
    "open_items": ["Reflectieverslag van Zwolle ontbreekt.", "Club 1 ronde 2 sessie 2 afgelast."],
}  # fmt: skip


def write_fixture(cycle_dir: Path, day: str = "2027-04-20", data: dict | None = None) -> Path:
    folder = cycle_dir / "evaluatie" / day
    folder.mkdir(parents=True)
    path = folder / "evaluatie.json"
    path.write_text(json.dumps(data or EVALUATION, ensure_ascii=False), encoding="utf-8")
    return path


def text_of(path: Path) -> str:
    """Every paragraph and every table cell of a .docx, one per line."""
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def table_rows(path: Path, header: str) -> list[list[str]]:
    """The rows (below the header) of the first table whose first header cell is ``header``."""
    for table in docx.Document(str(path)).tables:
        cells = [[c.text for c in row.cells] for row in table.rows]
        if cells and cells[0][0] == header:
            return cells[1:]
    raise AssertionError(f"no table headed {header!r}")


@pytest.fixture
def cycle(tmp_path) -> Path:
    folder = make_cycle(tmp_path / "cycles", "2026-2027", 2025)
    write_fixture(folder)
    return folder


def test_figures_are_dutch_and_rounded_half_up():
    from leernetwerk.documents.evaluation_context import number, signed

    assert number(4.25) == "4,3" and number(3.83) == "3,8" and number(None) == "–"
    assert signed(0.75) == "+0,8" and signed(-0.33) == "−0,3" and signed(0.04) == "0,0"
    assert number(0.75, 0) == "1"


def test_the_model_reads_the_fixture_and_ignores_extra_keys(cycle):
    data = dict(EVALUATION, something_new={"x": 1})
    path = write_fixture(cycle, "2027-04-21", data)
    found = latest_evaluation(cycle)
    assert found is not None and found[0] == path
    evaluation = found[1]
    assert isinstance(evaluation, EvaluationData)
    assert evaluation.sessions.held == 4 and evaluation.network.bridges == ("Zwolle",)
    assert evaluation.session_usefulness() == {frozenset({"Amstelveen", "Wageningen"}): [4.5]}


# --------------------------------------------------------------------------- memo


def test_memo_has_the_sessions_first_figures_open_points_and_registration(cycle):
    result = write_midterm_memo(cycle, dt.date(2026, 12, 10))
    (path,) = result.written
    assert path == cycle / "tussenevaluatie" / "2026-12-10" / "tussenevaluatie.docx"
    text = text_of(path)
    assert "Memo tussenevaluatie leercyclus 2026-2027" in text
    assert "Datum: 10 december 2026" in text
    assert (
        "Van de 6 geplande leerbijeenkomsten zijn er 4 gehouden, 1 verplaatst en 1 "
        "geannuleerd.\n" in text
    )
    assert "nog niets gemeld" not in text  # nothing unreported in the fixture
    attendance = table_rows(path, "Club")
    assert ["1", "1", "Amstelveen, Wageningen", "ja", "2026-10-08", "5"] in attendance
    assert ["1", "2", "Amstelveen, Zwolle", "nee (geannuleerd)", "–", "–"] in attendance
    assert len(attendance) == 6
    assert "gemiddeld een 3,8 voor nut (schaal 1–5, 12 beoordelingen)" in text
    formats = table_rows(path, "Werkvorm")
    assert formats[0][:3] == ["i. plenair starten, parallel verdiepen", "3", "3,3"]
    assert formats[1][:3] == ["iii. haler–brenger", "9", "4,0"]
    assert formats[1][3] == "█" * 16  # 4.0 of 5 on a 20-block bar
    assert "Reflectieverslagen ontvangen: 5 van 6." in text
    assert "Reflectieverslag van Zwolle ontbreekt." in text
    assert "Reflectieverslagen ontbreken nog (club 1: Zwolle)." in text
    assert "Nog geen bijsturingsbesluit na de tussenevaluatie" in text
    # the next cycle's recruitment, from the cycle table (budget year 2026)
    assert "De werving voor de volgende cyclus loopt van" in text
    assert "de standaard sluitingsdatum is 1 mei 2027" in text
    assert "{{" not in text and "{%" not in text


def test_memo_counts_registrations_and_the_decided_selection(cycle):
    shutil.copy(PILOT / "aanmeldingen.xlsx", cycle / "aanmeldingen.xlsx")
    selected = ("Amstelveen", "Wageningen", "Zwolle", "Leeuwarden", "Oude IJsselstreek")
    rejected = ("Barendrecht", "'s-Hertogenbosch", "Schagen")
    run = make_run(cycle, "r1", make_proposal("2026-2027", selected, rejected))
    record_decision(cycle, "selection", run)
    record_adjustment(cycle, "tussenevaluatie", "Thema Preventie scherper omschrijven")
    text = text_of(write_midterm_memo(cycle, dt.date(2026, 12, 10)).written[0])
    assert "Deze cyclus kwamen 8 aanmeldingen binnen; 0 waren onvolledig en 0 kwamen na" in text
    assert "5 aanmelders zijn toegelaten en 3 niet" in text
    assert "Nog geen bijsturingsbesluit" not in text


# --------------------------------------------------------------------------- per club


def test_one_overview_per_club_with_received_missing_and_its_own_lessons(cycle):
    result = write_reflection_overviews(cycle, dt.date(2027, 4, 22))
    assert [p.name for p in result.written] == ["club-1.docx", "club-2.docx"]
    assert result.counts == {"clubs": 2}
    one, two = (text_of(p) for p in result.written)
    assert "Overzicht reflectieverslagen club 1" in one
    assert "Ontvangen: 2 van 3." in one and "Nog niet ontvangen van: Zwolle." in one
    assert "Amstelveen: Maandelijkse BUIG-prognose met de controller werkt." in one
    assert "poortwachter" not in one  # club 2's lesson stays in club 2
    assert "Nut volgens de deelnemers: gemiddeld 4,3 (4 beoordelingen)." in one
    assert "Het net ophalen: de belangrijkste geleerde lessen" in one
    assert "Ontvangen: 3 van 3." in two and "Nog niet ontvangen" not in two
    assert "Leeuwarden: Instroom beperken begint bij de poortwachter." in two
    assert "Barendrecht:" not in two  # an empty lesson is left out
    rows = table_rows(result.written[1], "Ronde")
    assert ["1", "Leeuwarden, Oude IJsselstreek, Barendrecht", "ja", "2026-11-12"] in rows


# --------------------------------------------------------------------------- report


def test_report_has_themes_lessons_figures_as_table_charts_and_the_network(cycle):
    record_adjustment(cycle, "eind", "Clubs van tien in de volgende cyclus")
    (path,) = write_cycle_report(cycle, dt.date(2027, 5, 1)).written
    assert path == cycle / "cyclusrapport" / "2027-05-01" / "cyclusrapport.docx"
    text = text_of(path)
    assert "Leercyclus 2026-2027: thema's, lessen en cijfers" in text
    assert "De grootste groei in de zelfevaluatie: Handhaving (+0,8, n=4)." in text
    themes = table_rows(path, "Thema")
    assert themes[0] == [
        "Handhaving", "4", "1,8", "2,5", "+0,8", "█" * 20, "+1,0 (n=2)", "+0,5 (n=2)"
    ]  # fmt: skip
    assert themes[1][:5] == ["Financieel", "3", "2,7", "2,3", "−0,3"] and themes[1][5] == ""
    assert themes[2][:5] == ["Preventie", "0", "–", "–", "–"]
    assert "Groei op de drie gekozen thema's: +0,6 (n=10); op de overige thema's: +0,1" in text
    assert "Amstelveen (club 1): Maandelijkse BUIG-prognose met de controller werkt." in text
    scores = table_rows(path, "Score")
    assert [r[:2] for r in scores] == [["1", "0"], ["2", "1"], ["3", "3"], ["4", "5"], ["5", "3"]]
    assert scores[3][2] == "█" * 20 and scores[0][2] == ""
    assert ["2", "8", "3,8", "█" * 15] in table_rows(path, "Grootte")
    assert ["tekort en overschot", "7", "4,1", "█" * 17] in table_rows(path, "Samenstelling")
    assert ["geen van beide", "2", "–", ""] in table_rows(path, "Matching")
    network = dict(r for r in table_rows(path, "Kenmerk"))
    assert network == {
        "Nieuwe banden deze cyclus": "7",
        "Banden over alle cycli": "19",
        "Gemeenten bereikt": "6",
        "Aandeel van de aanmeldingen": "75%",
        "Samenhangende delen van het netwerk": "2",
    }
    assert table_rows(path, "Provincie") == [
        ["Gelderland", "2", "2", "█" * 20],
        ["Noord-Holland", "1", "2", "█" * 10],
    ]
    assert "Deelnemers die volgende cyclus clubs kunnen verbinden: Zwolle." in text
    assert "Aan het eind (" in text and "Clubs van tien in de volgende cyclus" in text
    assert "4 van de 6 leerbijeenkomsten zijn gehouden (1 verplaatst, 1 geannuleerd)." in text
    assert "{{" not in text and "{%" not in text


# --------------------------------------------------------------------------- commands


@pytest.mark.parametrize(
    "command, folder",
    [
        ("tussenevaluatie", "tussenevaluatie"),
        ("reflectieoverzicht", "reflectieoverzichten"),
        ("cyclusrapport", "cyclusrapport"),
    ],
)
def test_commands_write_a_new_dated_folder_each_time(cycle, capsys, command, folder):
    args = [command, str(cycle), "--today", "2027-05-01"]
    assert main(args) == 0
    assert main([*args, "--json"]) == 0
    out = capsys.readouterr().out
    summary = json.loads(out[out.index("{") :])
    assert summary["map"] == str(cycle / folder / "2027-05-01-2")
    first = sorted((cycle / folder / "2027-05-01").iterdir())
    second = sorted((cycle / folder / "2027-05-01-2").iterdir())
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))


@pytest.mark.parametrize("command", ["tussenevaluatie", "reflectieoverzicht", "cyclusrapport"])
def test_without_an_evaluation_nothing_is_written(tmp_path, capsys, command):
    cycle = make_cycle(tmp_path, "2026-2027", 2025)
    assert main([command, str(cycle)]) == 1
    err = capsys.readouterr().err
    assert "heeft nog geen evaluatie" in err and "leernetwerk evaluatie" in err
    assert not any(p.name != "cycle.toml" for p in cycle.iterdir() if p.name != "sjablonen")


def test_the_executor_edits_the_template_in_word(cycle):
    write_cycle_report(cycle, dt.date(2027, 5, 1))
    template = cycle / "sjablonen" / "cyclusrapport.docx"
    document = docx.Document(str(template))
    document.paragraphs[0].text = "Kennisdocument leernetwerk {{ cyclus }} (gemeente-editie)"
    document.save(str(template))
    (path,) = write_cycle_report(cycle, dt.date(2027, 5, 2)).written
    assert "Kennisdocument leernetwerk 2026-2027 (gemeente-editie)" in text_of(path)


def test_a_broken_template_is_a_dutch_error_and_nothing_is_written(cycle, capsys):
    write_reflection_overviews(cycle, dt.date(2027, 4, 22))
    template = cycle / "sjablonen" / "reflectieoverzicht.docx"
    document = docx.Document(str(template))
    document.add_paragraph("{{ clubnaam }}")
    document.save(str(template))
    assert main(["reflectieoverzicht", str(cycle), "--today", "2027-04-23"]) == 1
    err = capsys.readouterr().err
    assert "reflectieoverzicht.docx" in err and "'clubnaam'" in err
    assert not (cycle / "reflectieoverzichten" / "2027-04-23").exists()


def test_new_cycles_get_the_three_templates(tmp_path):
    assert main(["init", str(tmp_path / "2027-2028"), "--budget-year", "2026"]) == 0
    names = {p.name for p in (tmp_path / "2027-2028" / "sjablonen").iterdir()}
    assert {"tussenevaluatie.docx", "reflectieoverzicht.docx", "cyclusrapport.docx"} <= names
