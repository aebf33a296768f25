"""Checks on a workbook file before any XML is parsed, and the reading limits.

An ``.xlsx`` file is a zip archive of XML parts. A damaged or hostile file can
claim to be small and expand to gigabytes (a *zip bomb*), hold thousands of
parts, or carry XML entity tricks (*billion laughs*, external entities). All
of that is refused here, from the archive's directory and a streaming scan of
its parts, before openpyxl reads anything; every refusal is one Dutch
:class:`~leernetwerk.errors.Problem` naming the file.

The limits are far above any real registrations workbook (the national
example with sixty registrants is 27 kB on disk and 0.2 MB unpacked) and low
enough that every accepted file is read within seconds and a few hundred MB.
They are documented in the README ("Grenzen").
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from leernetwerk.errors import Problem

MB = 1024 * 1024

MAX_FILE_BYTES = 20 * MB
"""Largest workbook file accepted (on disk)."""
MAX_UNPACKED_BYTES = 10 * MB
"""Largest total unpacked size of the XML parts (the parts that are read), as declared
in the zip. Ten times a workbook with 500 registrants; images and other parts are
never unpacked."""
MAX_PARTS = 1000
"""Most parts (files inside the zip) a workbook may have; a real one has about 15."""
MAX_RATIO = 100
"""Highest compression ratio of one part larger than :data:`RATIO_FROM_BYTES`."""
RATIO_FROM_BYTES = 1 * MB
MAX_ROWS = 5000
"""Most rows with data read from one sheet; beyond it the sheet is reported as too long."""
MAX_COLUMNS = 200
"""Columns read from a sheet (A … GR); a value further right is reported, not read."""

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""Compound-file header: old .xls, or an .xlsx encrypted with a password."""
ODS_MIMETYPE = b"application/vnd.oasis.opendocument"
SUSPICIOUS_XML = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("ascii", "utf-16-le", "utf-16-be")
)
"""Never in a workbook Excel writes; the carrier of entity-expansion and XXE attacks.
Also in UTF-16, which XML allows and a byte search in ASCII would miss."""
SCAN_CHUNK = 1 << 16

SUSPICIOUS_XML_MESSAGE = (
    "het bestand bevat verdachte XML (een DOCTYPE- of ENTITY-declaratie, zoals bij een "
    "'XML-bom' of een verwijzing naar een ander bestand) en is daarom niet gelezen. "
    "Open het in Excel en sla het opnieuw op als .xlsx, of vraag de afzender om een nieuw bestand."
)


def file_problem(path: Path, message: str) -> Problem:
    """A problem with the file as a whole, located as ``bestand '<name>'``."""
    return Problem(sheet=path.name or str(path), whole_file=True, message=message)


def _megabytes(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",") + " MB"


def check_workbook_file(path: Path) -> Problem | None:
    """None when ``path`` may be handed to openpyxl, else the Dutch reason it may not."""
    if not path.exists():
        return file_problem(path, f"het bestand '{path}' bestaat niet.")
    if path.is_dir():
        return file_problem(path, f"'{path}' is een map, geen Excel-bestand.")
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        return file_problem(path, f"het bestand kan niet worden geopend ({exc.strerror or exc}).")
    if not head:
        return file_problem(path, "het bestand is leeg; verwacht een Excel-bestand (.xlsx).")
    if head.startswith(OLE_MAGIC):
        return file_problem(
            path,
            "dit is een met een wachtwoord beveiligd of oud Excel-bestand (.xls). "
            "Sla het op als .xlsx zonder wachtwoord.",
        )
    if not head.startswith(b"PK"):
        return file_problem(
            path,
            "dit is geen Excel-bestand (.xlsx); is het misschien een CSV- of tekstbestand "
            "met een andere extensie? Sla het in Excel op als .xlsx.",
        )
    if size > MAX_FILE_BYTES:
        return file_problem(
            path,
            f"het bestand is {_megabytes(size)} groot; leernetwerk leest werkmappen tot "
            f"{_megabytes(MAX_FILE_BYTES)} (een aanmeldbestand is meestal kleiner dan 1 MB). "
            "Verwijder overbodige bladen, afbeeldingen en opmaak en sla het opnieuw op.",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            return _check_archive(path, archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return file_problem(path, "het bestand is beschadigd (geen geldig .xlsx-archief).")
    except RuntimeError:  # an encrypted zip member
        return file_problem(
            path, "het bestand is versleuteld; sla het op als .xlsx zonder wachtwoord."
        )


def _check_archive(path: Path, archive: zipfile.ZipFile) -> Problem | None:
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        return file_problem(
            path,
            f"het bestand bestaat uit {len(parts)} onderdelen; een werkmap heeft er hooguit "
            f"{MAX_PARTS}. Het is niet gelezen; sla het in Excel opnieuw op als .xlsx.",
        )
    names = {info.filename for info in parts}
    if "mimetype" in names and archive.read("mimetype").startswith(ODS_MIMETYPE):
        return file_problem(
            path,
            "dit is een OpenDocument-bestand (.ods, bijvoorbeeld uit LibreOffice), geen "
            "Excel-bestand. Sla het op als Excel-werkmap (.xlsx).",
        )
    xml_parts = [info for info in parts if _is_xml(info.filename)]
    unpacked = sum(info.file_size for info in xml_parts)
    if unpacked > MAX_UNPACKED_BYTES:
        packed = sum(info.compress_size for info in xml_parts)
        bomb = unpacked > MAX_RATIO * max(packed, 1)
        return file_problem(
            path,
            f"het bestand pakt uit tot {_megabytes(unpacked)}; leernetwerk leest werkmappen "
            f"tot {_megabytes(MAX_UNPACKED_BYTES)} uitgepakt (een aanmeldbestand met 500 "
            "aanmeldingen is ongeveer 1 MB). Het is niet gelezen"
            + (" (mogelijk een 'zip-bom')." if bomb else ".")
            + " Verwijder overbodige bladen, rijen en opmaak en sla het opnieuw op.",
        )
    for info in parts:
        if info.file_size > RATIO_FROM_BYTES and (
            info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            return file_problem(
                path,
                f"het onderdeel '{info.filename}' is {info.file_size // max(info.compress_size, 1)}"
                f" keer samengeperst (meer dan {MAX_RATIO} keer). Het bestand is niet gelezen "
                "(mogelijk een 'zip-bom'); sla het in Excel opnieuw op als .xlsx.",
            )
    for info in xml_parts:
        if _holds_suspicious_xml(archive, info):
            return file_problem(path, SUSPICIOUS_XML_MESSAGE)
    return None


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


def _holds_suspicious_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part declares a DOCTYPE or ENTITY; reads at most its declared size."""
    overlap = max(len(marker) for marker in SUSPICIOUS_XML) - 1
    tail = b""
    with archive.open(info) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            window = tail + chunk
            if any(marker in window for marker in SUSPICIOUS_XML):
                return True
            tail = window[-overlap:]
    return False
