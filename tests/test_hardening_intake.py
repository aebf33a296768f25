"""Issue 10: workbooks that hung, bloated or silently misled the intake.

Every damaged workbook is built here with openpyxl and zipfile, the way an
unlucky or hostile user's file would look; each must give a clear Dutch
message or the right result, quickly.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from leernetwerk.config import CycleConfig, config_from_dict
from leernetwerk.errors import Severity
from leernetwerk.intake import MAX_REGISTRANTS, load_tables, read_registrations
from leernetwerk.names import name_key, normalise_name, visible
from leernetwerk.workbook_guard import MAX_PARTS, MAX_UNPACKED_BYTES, MB
from tests.test_intake import REG_HEADER, evaluation, reg, table, themes, workbook

CONFIG = CycleConfig()
FILL = PatternFill(fill_type="solid", start_color="FFFFFF00", end_color="FFFFFF00")


def read(path: Path, config: CycleConfig = CONFIG):
    return read_registrations(path, config)


def edit(path: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """Open ``path`` in openpyxl, apply ``change(wb)``, save."""
    wb = load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def rewrite_part(path: Path, part: str, change) -> Path:  # type: ignore[no-untyped-def]
    """Replace one part of the xlsx archive by ``change(old_bytes)``."""
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def messages(result) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(p) for p in result.problems)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "aanmeldingen.xlsx"


# --- 1. a formatted cell far away -------------------------------------------


@pytest.mark.timeout(10)
@pytest.mark.parametrize("cell", ["XFD1048576", "M1048576", "XFD1"])
def test_a_formatted_cell_far_away_is_read_quickly_and_changes_nothing(path, cell):
    expected = read(workbook(path)).registrations
    edit(path, lambda wb: setattr(wb["Aanmeldingen"][cell], "fill", FILL))
    assert load_workbook(path, read_only=True)["Aanmeldingen"].max_row >= 1
    started = time.perf_counter()
    result = read(path)
    assert time.perf_counter() - started < 5
    assert result.ok, messages(result)
    assert result.registrations == expected


@pytest.mark.timeout(10)
def test_a_value_far_right_is_reported_not_read(path):
    workbook(path)
    edit(path, lambda wb: wb["Aanmeldingen"].cell(row=2, column=16384, value="x"))
    result = read(path)
    beyond = [p for p in result.warnings if p.column == "XFD"]
    assert beyond and "voorbij kolom" in beyond[0].message and beyond[0].row == 2
    assert result.ok


@pytest.mark.timeout(10)
def test_a_value_in_the_last_row_is_one_located_row(path):
    workbook(path)
    edit(path, lambda wb: wb["Aanmeldingen"].cell(row=1_048_576, column=1, value="Kampen"))
    result = read(path)
    assert any(p.row == 1_048_576 and p.column == "Type" for p in result.errors)


# --- 2. zip bombs and other hostile archives --------------------------------


def bomb(path: Path, size: int) -> Path:
    """A valid workbook whose first sheet is padded to ``size`` bytes of spaces."""
    workbook(path)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as stream:
            head, tail = sheet.split(b"<sheetData>", 1)
            stream.write(head + b"<sheetData>")
            padding = b" " * MB
            for _ in range(size // MB):
                stream.write(padding)
            stream.write(tail)
    return path


@pytest.mark.timeout(10)
def test_a_zip_bomb_is_refused_before_it_is_unpacked(path):
    bomb(path, MAX_UNPACKED_BYTES + 10 * MB)
    assert path.stat().st_size < 1 * MB
    result = read(path)
    (problem,) = result.errors
    assert not result.readable
    assert str(problem).startswith("Fout: bestand 'aanmeldingen.xlsx': het bestand pakt uit tot")
    assert "zip-bom" in problem.message


def test_a_highly_compressed_part_is_refused(path):
    bomb(path, 5 * MB)
    problem = read(path).errors[0]
    assert "samengeperst" in problem.message and "sheet1.xml" in problem.message


def test_an_archive_with_too_many_parts_is_refused(path):
    workbook(path)
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(MAX_PARTS):
            archive.writestr(f"xl/media/extra{number}.bin", b"")
    problem = read(path).errors[0]
    assert "onderdelen" in problem.message and str(MAX_PARTS) in problem.message


def test_a_part_larger_than_declared_is_damage_not_a_bomb(path):
    """zipfile never reads past a part's declared size; the CRC then fails."""
    workbook(path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    size_field = info.header_offset + 22  # local header: uncompressed size
    data[size_field : size_field + 4] = (info.file_size // 2).to_bytes(4, "little")
    central = data.rfind(b"xl/worksheets/sheet1.xml") - 46  # central directory entry
    data[central + 24 : central + 28] = (info.file_size // 2).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    problem = read(path).errors[0]
    assert problem.sheet == path.name and "beschadigd" in problem.message


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
"""


@pytest.mark.parametrize(
    ("part", "doctype"),
    [
        ("xl/worksheets/sheet1.xml", BILLION_LAUGHS),
        ("xl/workbook.xml", XXE),
        ("xl/sharedStrings.xml", BILLION_LAUGHS),
    ],
)
def test_an_xml_attack_is_named_as_suspicious_xml(path, part, doctype):
    workbook(path)
    if part == "xl/sharedStrings.xml":
        edit(path, lambda wb: None)  # openpyxl writes shared strings
    with zipfile.ZipFile(path) as archive:
        present = part in archive.namelist()
    if not present:
        part = "xl/worksheets/sheet1.xml"
    rewrite_part(path, part, lambda xml: doctype + xml.split(b"?>", 1)[-1])
    result = read(path)
    (problem,) = result.errors
    assert "verdachte XML" in problem.message and "niet gelezen" in problem.message
    assert "ValueError" not in str(problem)
    assert str(problem).startswith("Fout: bestand 'aanmeldingen.xlsx'")


def test_an_xml_attack_in_utf16_is_found_too(path):
    workbook(path)

    def utf16(xml: bytes) -> bytes:
        body = xml.split(b"?>", 1)[-1].decode()
        text = '<?xml version="1.0" encoding="UTF-16"?>' + BILLION_LAUGHS.decode().split("?>")[1]
        return (text + body).encode("utf-16")

    rewrite_part(path, "xl/worksheets/sheet1.xml", utf16)
    assert "verdachte XML" in read(path).errors[0].message


def test_an_ods_file_is_called_a_file_and_named(tmp_path):
    target = tmp_path / "aanmeldingen.ods"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    problem = read(target).errors[0]
    assert str(problem).startswith("Fout: bestand 'aanmeldingen.ods': dit is een OpenDocument")
    assert ".xlsx" in problem.message


def test_an_unreadable_file_with_any_extension_is_a_file_not_a_sheet(tmp_path):
    target = tmp_path / "aanmeldingen.export"
    target.write_text("Naam;Type\n")
    assert str(read(target).errors[0]).startswith("Fout: bestand 'aanmeldingen.export'")


# --- 3. absurd numbers of registrants -----------------------------------------


@pytest.mark.timeout(10)
def test_more_registrants_than_the_limit_are_refused_naming_the_limit(path):
    rows = [reg(f"Gemeente {n:04d}") for n in range(MAX_REGISTRANTS + 50)]
    workbook(path, rows, evaluations=[], choices=[])
    result = read(path)
    (problem,) = result.errors
    assert not result.readable
    assert problem.sheet == "Aanmeldingen" and problem.row == MAX_REGISTRANTS + 2
    assert f"meer dan {MAX_REGISTRANTS} aanmeldingen" in problem.message
    assert "342 gemeenten" in problem.message


def test_exactly_the_limit_is_accepted(path):
    rows = [reg(f"Gemeente {n:04d}") for n in range(MAX_REGISTRANTS)]
    workbook(path, rows, evaluations=[], choices=[])
    result = read(path)
    assert result.ok, messages(result)
    assert len(result.registrations) == MAX_REGISTRANTS


# --- 4. two sheets that match one contract sheet ------------------------------


def with_stale_copy(path: Path, title: str, *, hidden: bool, first: bool = True) -> Path:
    """Add a copy of Aanmeldingen titled ``title`` in which everyone is 'neutraal'."""
    stale = table([reg("Zwolle", Saldo="neutraal"), reg("Wageningen", Saldo="neutraal")],
                  REG_HEADER)  # fmt: skip

    def add(wb: Workbook) -> None:
        ws = wb.create_sheet(title, 0 if first else None)
        for values in stale:
            ws.append(values)
        if hidden:
            ws.sheet_state = "hidden"

    return edit(workbook(path), add)


def test_a_hidden_stale_copy_is_not_read_and_is_named(path):
    with_stale_copy(path, "Aanmeldingen ", hidden=True)
    result = read(path)
    assert result.ok, messages(result)
    assert {r.balance.value for r in result.registrations} == {"tekort", "overschot"}
    (warning,) = [p for p in result.warnings if "niet gelezen" in p.message]
    assert warning.sheet == "Aanmeldingen"
    assert "'Aanmeldingen ' (verborgen)" in warning.message


def test_a_hidden_sheet_with_another_name_is_left_alone(path):
    with_stale_copy(path, "Aanmeldingen (oud)", hidden=True)
    result = read(path)
    assert result.ok and not result.warnings, messages(result)
    assert {r.balance.value for r in result.registrations} == {"tekort", "overschot"}


def test_the_only_matching_sheet_hidden_is_read_with_a_warning(path):
    workbook(path)
    edit(path, lambda wb: setattr(wb["Leerthemas"], "sheet_state", "hidden"))
    result = read(path)
    assert result.ok
    assert any(p.sheet == "Leerthemas" and "verborgen" in p.message for p in result.warnings)
    assert all(r.themes for r in result.registrations)


def test_two_visible_sheets_without_an_exact_name_are_refused_naming_both(path):
    workbook(path, titles=("Aanmeldingen", "Zelfevaluatie", "Leerthema's"))
    edit(path, lambda wb: wb.copy_worksheet(wb["Leerthema's"]).__setattr__("title", "leerthemas "))
    problem = next(p for p in read(path).errors if p.sheet == "Leerthemas")
    assert "'Leerthema's'" in problem.message and "'leerthemas '" in problem.message


def test_two_visible_sheets_with_one_exact_name_take_that_one(path):
    with_stale_copy(path, "aanmeldingen ", hidden=False)
    result = read(path)
    assert result.ok
    assert {r.balance.value for r in result.registrations} == {"tekort", "overschot"}
    assert any("'aanmeldingen '" in p.message for p in result.warnings)


# --- 5. merged header cells ---------------------------------------------------


def test_a_merged_header_is_an_error_naming_the_lost_column(path):
    late = dt.datetime(2026, 6, 1)
    workbook(path, [reg("Zwolle", Aanmelddatum=late), reg("Wageningen", Aanmelddatum=late)])
    edit(path, lambda wb: wb["Aanmeldingen"].merge_cells("H1:I1"))
    result = read(path)
    problem = next(p for p in result.errors if "samengevoegd" in p.message)
    assert (problem.sheet, problem.row, problem.column) == ("Aanmeldingen", 1, "Uitvoeringsvariant")
    assert "H1:I1" in problem.message and "kolom I" in problem.message


def test_data_under_an_empty_header_is_reported(path):
    workbook(path)
    edit(path, lambda wb: setattr(wb["Aanmeldingen"]["I1"], "value", None))
    result = read(path)
    problem = next(p for p in result.errors if p.column == "I")
    assert problem.sheet == "Aanmeldingen" and problem.row == 2
    assert "geen kopnaam" in problem.message


def test_merged_data_cells_are_a_warning(path):
    workbook(path)
    edit(path, lambda wb: wb["Aanmeldingen"].merge_cells("K2:L2"))
    warning = next(p for p in read(path).warnings if "samengevoegd" in p.message)
    assert warning.row == 2 and "K2:L2" in warning.message


# --- 6. one name in two Unicode forms ----------------------------------------

NFC = "Súdwest-Fryslân"
NFD = unicodedata.normalize("NFD", NFC)


def test_nfd_and_nfc_spellings_are_one_name(path):
    assert NFD != NFC
    registrants = [reg(NFC, Provincie="Friesland"), reg("Zwolle")]
    workbook(path, registrants, [evaluation(NFD), evaluation("Zwolle")],
             themes(NFD) + themes("Zwol\u200ble"))  # fmt: skip
    result = read(path)
    assert result.ok, messages(result)
    assert [r.name for r in result.registrations] == [NFC, "Zwolle"]
    assert all(r.is_complete for r in result.registrations)


def test_an_nfd_name_in_aanmeldingen_is_stored_composed(path):
    workbook(path, [reg(NFD, Provincie="Fryslân")])
    (registration,) = read(path).registrations
    assert registration.name == NFC


def test_names_with_invisible_characters_are_duplicates_shown_visibly(path):
    workbook(path, [reg("Zwolle"), reg("Zwol\u200ble")])
    problem = next(p for p in read(path).errors if "twee keer" in p.message)
    assert problem.value == "Zwol[U+200B]le"
    assert "\u200b" not in str(problem)


def test_pins_in_another_unicode_form_match_the_workbook(tmp_path):
    config = config_from_dict({"pins": {"select": [NFD], "host": [{"name": "Zwol\u200ble",
                                                                    "round": 1}]}})  # fmt: skip
    assert config.pins.select == (NFC,)
    assert config.pins.host[0].name == "Zwolle"


def test_one_normalisation_for_names():
    assert normalise_name(f"  {NFD}\u00a0 \u200b") == NFC
    assert name_key("ZWOLLE\ufeff") == name_key("zwolle")
    assert visible("a\u200bb\u00adc") == "a[U+200B]b[U+00AD]c"


# --- 7. formulas without a computed value ---------------------------------------


def test_a_formula_without_cached_value_says_so(path):
    workbook(path, [reg("Zwolle", Inwoners="=100000+30000"), reg("Wageningen")])
    result = read(path)
    problem = only = next(p for p in result.errors if p.column == "Inwoners")
    assert only.row == 2 and problem.value == "=100000+30000"
    assert "formule zonder berekende waarde" in problem.message
    assert "Excel" in problem.message and "leeg" not in problem.message


def test_a_formula_with_cached_value_is_read(path):
    workbook(path, [reg("Zwolle", Inwoners="=100000+30000")])

    def cache(xml: bytes) -> bytes:
        # openpyxl writes "<v />", or "<v></v>" when lxml is installed (python-docx needs it)
        return re.sub(
            rb"<f>100000\+30000</f><v ?(/>|></v>)", b"<f>100000+30000</f><v>130000</v>", xml
        )

    rewrite_part(path, "xl/worksheets/sheet1.xml", cache)
    with zipfile.ZipFile(path) as archive:
        assert b"<v>130000</v>" in archive.read("xl/worksheets/sheet1.xml")
    result = read(path)
    assert result.ok, messages(result)
    assert result.registrations.registrations[0].inhabitants == 130_000


def test_an_optional_cell_with_an_uncached_formula_is_not_silently_empty(path):
    workbook(path, [reg("Zwolle", Aanmelddatum="=DATE(2026,6,1)")])
    problem = read(path).errors[0]
    assert problem.column == "Aanmelddatum" and "formule" in problem.message


# --- the guard reads only what is there ---------------------------------------


def test_load_tables_keeps_hidden_flags_and_problems(path):
    workbook(path)
    edit(path, lambda wb: setattr(wb["Zelfevaluatie"], "sheet_state", "veryHidden"))
    tables, problem = load_tables(path)
    assert problem is None
    assert [t.hidden for t in tables] == [False, True, False]


def test_warnings_are_warnings(path):
    workbook(path)
    edit(path, lambda wb: setattr(wb["Leerthemas"], "sheet_state", "hidden"))
    assert all(p.severity is Severity.WARNING for p in read(path).problems)
