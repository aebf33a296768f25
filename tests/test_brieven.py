"""``leernetwerk brieven``: a letter per registrant after the selection decision."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from leernetwerk.cli import main
from leernetwerk.cycle import init_cycle
from leernetwerk.documents.letters import plain_reason, write_letters
from leernetwerk.documents.templates import (
    DEFAULTS,
    LETTER_ADMITTED,
    TEMPLATES_DIR,
    template_writers,
)
from leernetwerk.errors import UserError
from leernetwerk.proposal import load_proposal
from tests.documents_helpers import copy_cycle, decide, text_of

TODAY = "2026-06-25"


@pytest.fixture(scope="module")
def undecided(national_cycle: tuple[Path, str]) -> tuple[Path, str]:
    """The national cycle with one run and no decision (every test copies it)."""
    return national_cycle


@pytest.fixture
def selected(undecided: tuple[Path, str], tmp_path: Path) -> Path:
    folder = copy_cycle(undecided[0], tmp_path / "2026-2027")
    decide(folder, undecided[1], ("selection",))
    return folder


def _letters(folder: Path) -> Path:
    (out,) = (folder / "brieven").iterdir()
    return out


def test_brieven_refuses_before_the_selection_decision(undecided, tmp_path, capsys):
    folder = copy_cycle(undecided[0], tmp_path / "c")
    assert main(["brieven", str(folder), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert "selectiebesluit" in err and "leernetwerk decide" in err
    assert not (folder / "brieven").exists()


def test_a_letter_per_registrant_with_names_reasons_and_dates(selected, capsys):
    assert main(["brieven", str(selected), "--today", TODAY]) == 0
    out = _letters(selected)
    assert out.name == TODAY
    proposal = load_proposal(next((selected / "runs").iterdir()))
    assert sorted(p.stem for p in out.glob("*.docx")) == sorted(e.name for e in proposal.selection)

    admitted = text_of(out / "Ferm Werk.docx")
    assert "Ferm Werk is toegelaten tot de leercyclus 2026-2027" in admitted
    assert "Teamleider participatie" in admitted
    assert "25 juni 2026" in admitted
    # an organisation's letter names its member municipalities
    assert "Woerden, Montfoort, Oudewater, Bodegraven-Reeuwijk" in admitted
    # the dates known so far come from the cycle table
    assert "Startbijeenkomst per club: 1 september 2026 – 30 september 2026" in admitted
    assert "Ronde 2 leerbijeenkomsten: 1 januari 2027 – 31 maart 2027" in admitted

    earlier = text_of(out / "Zwolle.docx")
    assert "Helaas kunnen wij u deze cyclus geen plaats bieden" in earlier
    zwolle = next(e for e in proposal.selection if e.name == "Zwolle")
    assert zwolle.codes[0].facts["cycles"] == ("pilot-2025-2026",)
    # the letter says exactly what the stuurgroep read in the proposal
    assert f"Er waren meer aanmeldingen dan plaatsen. {zwolle.reason}" in earlier
    assert "Zwolle deed eerder mee (pilot-2025-2026); wie nog niet meedeed, gaat voor" in earlier
    assert "1 januari 2026" not in earlier  # next cycle: recruitment 1 Jan – 1 May 2027
    assert "loopt van 1 januari 2027 tot en met 1 mei 2027" in earlier
    for solver_word in ("punten", "oplosser", "−30", "doelfunctie", "grens"):
        assert solver_word not in earlier

    double = text_of(out / "Werkbedrijf Rijk van Nijmegen.docx")
    assert "doet al mee via Wijchen; een gemeente neemt maar één keer deel" in double
    assert "Nijmegen, Berg en Dal" in double

    incomplete = text_of(out / "Hoorn.docx")
    assert "zelfevaluatie ontbreekt" in incomplete
    late = text_of(out / "Lelystad.docx")
    assert "na de sluitingsdatum van 1 mei 2026" in late

    assert "4 onvolledig, 3 te laat" in capsys.readouterr().out


def test_the_mailing_list_is_ready_for_a_mail_merge(selected):
    write_letters(selected, dt.date(2026, 6, 25))
    out = _letters(selected)
    sheet = load_workbook(out / "verzendlijst.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Naam", "Contactpersoon", "E-mail", "Besluit", "Reden", "Bestand")
    by_name = {row[0]: row for row in rows[1:]}
    assert len(by_name) == 61
    assert by_name["Hoorn"][3] == "onvolledig"
    assert by_name["Lelystad"][3] == "te laat"
    assert by_name["Ferm Werk"][3] == "toegelaten"
    assert by_name["Ferm Werk"][2] == "leernetwerk@ferm-werk.example"
    assert by_name["Zwolle"][3] == "niet toegelaten"
    for row in rows[1:]:
        assert (out / row[5]).is_file()


def test_a_second_run_on_the_same_day_writes_a_new_folder(selected, capsys):
    first = write_letters(selected, dt.date(2026, 6, 25))
    before = {p: p.read_bytes() for p in first.folder.iterdir()}
    assert main(["brieven", str(selected), "--today", TODAY, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    second = Path(summary["map"])
    assert second.name == f"{TODAY}-2"
    assert len(summary["bestanden"]) == 62
    assert any("bestaat al" in note for note in summary["opmerkingen"])
    assert {p: p.read_bytes() for p in first.folder.iterdir()} == before
    # same input, same documents
    assert (second / "Zwolle.docx").read_bytes() == (first.folder / "Zwolle.docx").read_bytes()


def test_missing_templates_are_written_and_said(selected):
    result = write_letters(selected, dt.date(2026, 6, 25))
    assert (selected / TEMPLATES_DIR / LETTER_ADMITTED).is_file()
    assert any("ontbrak" in note for note in result.notes)
    again = write_letters(selected, dt.date(2026, 6, 25))
    assert not any("ontbrak" in note for note in again.notes)


def test_an_edited_template_changes_the_next_letters(selected):
    write_letters(selected, dt.date(2026, 6, 25))
    path = selected / TEMPLATES_DIR / LETTER_ADMITTED
    document = docx.Document(str(path))
    opening = next(p for p in document.paragraphs if "Met genoegen" in p.text)
    opening.text = "Goed nieuws: {{ naam }} doet mee aan cyclus {{ cyclus }}!"
    document.save(str(path))
    result = write_letters(selected, dt.date(2026, 6, 25))
    text = text_of(result.folder / "Ferm Werk.docx")
    assert "Goed nieuws: Ferm Werk doet mee aan cyclus 2026-2027!" in text
    assert "Met genoegen" not in text


def test_a_broken_template_is_a_dutch_error_naming_it_and_nothing_is_written(selected, capsys):
    write_letters(selected, dt.date(2026, 6, 25))
    path = selected / TEMPLATES_DIR / LETTER_ADMITTED
    document = docx.Document(str(path))
    document.add_paragraph("{{ naam ")
    document.save(str(path))
    assert main(["brieven", str(selected), "--today", TODAY]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "Jinja" in err and "Traceback" not in err
    assert sorted(p.name for p in (selected / "brieven").iterdir()) == [TODAY]
    with pytest.raises(UserError, match="onbekende naam"):
        document = docx.Document(str(path))
        document.paragraphs[-1].text = "{{ gemeentenaam }}"
        document.save(str(path))
        write_letters(selected, dt.date(2026, 6, 26))
    assert not (selected / "brieven" / "2026-06-26").exists()


def test_init_puts_the_default_templates_in_the_cycle(tmp_path, capsys):
    folder = tmp_path / "2027-2028"
    assert main(["init", str(folder), "--budget-year", "2026"]) == 0
    assert sorted(p.name for p in (folder / TEMPLATES_DIR).iterdir()) == sorted(DEFAULTS)
    assert "sjablonen/draaiboek.docx" in capsys.readouterr().out
    other = tmp_path / "api"
    init_cycle(other, 2026, extra=template_writers())
    assert (other / TEMPLATES_DIR / LETTER_ADMITTED).is_file()


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        (
            ("niet geselecteerd: lagere prioriteit dan X (regulier vangnet) en alle anderen",),
            "vangnetuitkering krijgen voorrang",
        ),
        (
            ("niet geselecteerd: te weinig plaatsen; de balans zou breken: verschil 4",),
            "evenwicht tussen gemeenten met een tekort en met een overschot",
        ),
        (
            (
                "niet geselecteerd; dezelfde voorrang als X: ruilen met X kost −6 punten: "
                "spreiding provincies −6, spreiding grootteklassen −2",
            ),
            "spreiding over provincies en gemeentegrootte",
        ),
        (("uitgesloten door de stuurgroep (pin: nooit selecteren)",), "stuurgroep heeft besloten"),
        (("iets onverwachts",), "afwegingskader"),
    ],
)
def test_plain_reasons_have_no_solver_terms(reasons, expected):
    text = plain_reason("Gemeente", reasons, None)
    assert expected in text
    assert "punten" not in text and "−" not in text
    assert 1 <= text.count(".") <= 3
