"""The stuurgroep report in a real browser: headless Chromium renders it.

Three things are checked on the rendered page, each in the most robust way
available without a browser-automation library:

* **It draws something.** ``--screenshot`` gives a PNG; we decode it (a small
  PNG decoder below, numpy only, since Pillow is not a dependency) and
  require real content: many distinct colours and a fair share of non-white
  pixels. A blank or failed render is one flat colour.
* **No console errors.** With ``--enable-logging=stderr --v=0`` Chromium
  prints every page console message as an ``INFO:CONSOLE`` line (uncaught
  exceptions included). The report has no scripts, so *any* console line
  means something went wrong; a control test proves the scan catches one.
* **Every participant is shown.** ``--dump-dom`` gives the DOM after
  rendering; we parse its text (entities decoded) and look for every name,
  including the ones with ``<``, ``&`` and quotes.

Skipped only when Chromium is absent and ``CI`` is not ``true``; in CI a
missing Chromium fails the test.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from leernetwerk.reports import write_report_html
from tests.fixtures_proposal import build_config, build_proposal, build_registrations

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
WINDOW = (1280, 2000)


def chromium_path() -> str:
    """The Chromium binary; skip outside CI when absent, fail inside CI."""
    path = shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium ontbreekt in CI: installeer het Debian-pakket 'chromium'.")
        pytest.skip("Chromium (/usr/bin/chromium) is niet geïnstalleerd; browsertest overgeslagen.")
    return path


def run_chromium(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a local file with a fresh profile."""
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    command = [
        chromium_path(),
        *CHROMIUM_FLAGS,
        f"--user-data-dir={profile}",
        *extra,
        page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def console_lines(stderr: str) -> list[str]:
    """Page console messages (and uncaught exceptions) from Chromium's log."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line or "Uncaught" in line]


class TextCollector(HTMLParser):
    """All text nodes of a document, entities decoded, outside style elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.parts.append(data)


def dom_text(dom: str) -> str:
    collector = TextCollector()
    collector.feed(dom)
    return "\n".join(collector.parts)


def decode_png(data: bytes) -> np.ndarray:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG to an (h, w, channels) array."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "geen PNG-bestand"
    pos, idat = 8, b""
    width = height = channels = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, chunk = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0, "onverwacht PNG-formaat"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, stride + 1)
    image = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:]
        if kind == 0:
            row = line.copy()
        elif kind == 1:  # Sub: running sum per channel
            row = np.cumsum(line.reshape(width, channels).astype(np.int64), axis=0) % 256
            row = row.astype(np.uint8).reshape(stride)
        elif kind == 2:  # Up
            row = line + previous
        else:  # Average (3) or Paeth (4): sequential, done per byte
            row = np.zeros(stride, dtype=np.uint8)
            out, up, src = [0] * stride, previous.tolist(), line.tolist()
            for i in range(stride):
                left = out[i - channels] if i >= channels else 0
                if kind == 3:
                    out[i] = (src[i] + (left + up[i]) // 2) & 0xFF
                else:
                    upleft = up[i - channels] if i >= channels else 0
                    p = left + up[i] - upleft
                    pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - upleft)
                    pred = left if pa <= pb and pa <= pc else up[i] if pb <= pc else upleft
                    out[i] = (src[i] + pred) & 0xFF
            row = np.array(out, dtype=np.uint8)
        image[y] = row
        previous = row
    return image.reshape(height, width, channels)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The fixture report rendered once: screenshot, console log and DOM."""
    tmp = tmp_path_factory.mktemp("browser")
    registrations = build_registrations()
    proposal = build_proposal(registrations)
    page = tmp / "report.html"
    write_report_html(proposal, registrations, build_config(), page)
    shot = tmp / "report.png"
    screenshot = run_chromium(
        page,
        tmp,
        f"--screenshot={shot}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        "--enable-logging=stderr",
        "--v=0",
    )
    dom = run_chromium(page, tmp, "--dump-dom", "--enable-logging=stderr", "--v=0")
    return {
        "proposal": proposal,
        "png": shot.read_bytes() if shot.exists() else b"",
        "stderr": screenshot.stderr + dom.stderr,
        "dom": dom.stdout,
    }


def test_screenshot_is_a_non_blank_png(rendered):
    image = decode_png(rendered["png"])
    assert image.shape[:2] == (WINDOW[1], WINDOW[0])
    pixels = image[:, :, :3].reshape(-1, 3)
    colours = np.unique(pixels[::7], axis=0)
    non_white = np.any(pixels < 245, axis=1).mean()
    assert len(colours) > 50, "schermafdruk heeft nauwelijks kleuren: lege pagina?"
    assert non_white > 0.03, "schermafdruk is vrijwel geheel wit"


def test_page_logs_no_console_messages(rendered):
    assert console_lines(rendered["stderr"]) == []


def test_every_participant_and_club_is_in_the_rendered_dom(rendered):
    text = dom_text(rendered["dom"])
    proposal = rendered["proposal"]
    missing = [name for name in proposal.selected if name not in text]
    assert missing == []
    for club in proposal.clubs:
        assert f"Club {club.id}" in text


def test_console_scan_catches_a_script_error(tmp_path):
    """Control: the console scan is not blind (a page that throws is caught)."""
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>nietBestaand();</script></body></html>", encoding="utf-8")
    result = run_chromium(page, tmp_path, "--dump-dom", "--enable-logging=stderr", "--v=0")
    assert any("nietBestaand" in line for line in console_lines(result.stderr))
