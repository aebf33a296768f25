"""Resource guard (issue 10): any workbook the intake accepts or refuses is handled
within 10 s and 500 MB, by ``leernetwerk validate`` in a fresh process.

The workbooks are the worst of each kind that the limits of
:mod:`leernetwerk.workbook_guard` let through, and the hostile ones they stop.
The child measures its own peak memory (``ru_maxrss``) and the time of the
command itself (interpreter start-up and imports excluded).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from leernetwerk.intake import MAX_REGISTRANTS
from leernetwerk.workbook_guard import MAX_UNPACKED_BYTES, MB
from tests.test_intake import REG_HEADER, reg, workbook

REPO = Path(__file__).resolve().parent.parent
SECONDS = 10.0
MEGABYTES = 500.0

CHILD = """
import json, sys, time
from leernetwerk.cli import main
started = time.perf_counter()
code = main(["validate", sys.argv[1]])
seconds = time.perf_counter() - started
# VmHWM: this process's own peak. ru_maxrss is not: Linux carries the parent's
# (pytest's) peak over fork and exec into the child's figure.
with open("/proc/self/status") as status:
    peak = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:")) / 1024
with open(sys.argv[2], "w") as report:
    json.dump({"code": code, "seconds": seconds, "megabytes": peak}, report)
"""


def padded_sheet(path: Path, size: int, row: Callable[[int], bytes]) -> Path:
    """A valid workbook whose first sheet gets rows ``row(n)`` until it is ``size`` bytes."""
    workbook(path)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    head, tail = parts.pop("xl/worksheets/sheet1.xml").split(b"</sheetData>", 1)
    budget = size - sum(len(data) for name, data in parts.items() if name.endswith(".xml"))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as stream:
            stream.write(head)
            written, number = len(head) + len(tail) + 20, 10
            while True:
                chunk = b"".join(row(n) for n in range(number, number + 1000))
                if written + len(chunk) > budget:
                    break
                stream.write(chunk)
                written, number = written + len(chunk), number + 1000
            stream.write(b"</sheetData>" + tail)
    return path


def empty_styled_rows(path: Path) -> Path:
    """Just under the XML limit of formatted, empty rows: the slowest accepted sheet."""
    row = b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/></row>'
    return padded_sheet(path, MAX_UNPACKED_BYTES - 64 * 1024, lambda n: row % (n, n))


def zip_bomb(path: Path) -> Path:
    """Under 1 MB on disk, 200 MB of sheet XML."""
    workbook(path)
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            if name != "xl/worksheets/sheet1.xml":
                archive.writestr(name, data)
        with archive.open("xl/worksheets/sheet1.xml", "w") as stream:
            for _ in range(200):
                stream.write(b" " * MB)
    assert path.stat().st_size < MB
    return path


def far_styled_cell(path: Path) -> Path:
    workbook(path)
    wb = load_workbook(path)
    fill = PatternFill(fill_type="solid", start_color="FFFFFF00", end_color="FFFFFF00")
    for title in wb.sheetnames:
        wb[title]["XFD1048576"].fill = fill
    wb.save(path)
    return path


def many_registrants(path: Path) -> Path:
    """Ten times the registrant limit (the issue's 20,000 rows hit the size limit first)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Aanmeldingen")
    ws.append(REG_HEADER)
    for number in range(10 * MAX_REGISTRANTS):
        row = reg(f"Gemeente {number:05d}")
        ws.append([row.get(column) for column in REG_HEADER])
    for title in ("Zelfevaluatie", "Leerthemas"):
        wb.create_sheet(title).append(["Naam"])
    wb.save(path)
    return path


def wide_row(path: Path) -> Path:
    """A header across all 16,384 columns."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Aanmeldingen")
    ws.append(REG_HEADER + [f"Extra {n}" for n in range(16_384 - len(REG_HEADER))])
    wb.save(path)
    return path


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("build", "code"),
    [
        (empty_styled_rows, 0),
        (zip_bomb, 1),
        (far_styled_cell, 0),
        (many_registrants, 1),
        (wide_row, 1),
    ],
)
def test_any_workbook_is_handled_within_10_s_and_500_mb(tmp_path, build, code):
    path = build(tmp_path / "aanmeldingen.xlsx")
    report = tmp_path / "verbruik.json"
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(report)],
        capture_output=True, text=True, timeout=110, cwd=REPO,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    used = json.loads(report.read_text())
    assert used["code"] == code, done.stdout
    assert used["seconds"] < SECONDS, used
    assert used["megabytes"] < MEGABYTES, used
    assert "Traceback" not in done.stdout + done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aanmeldingen.xlsx", "verbruik.json"]
