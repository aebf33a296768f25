"""``verkenning.html`` in headless Chromium: it draws, logs nothing, shows everyone.

Uses the helpers of :mod:`tests.test_report_browser` (same flags, PNG decoder,
console scan); skipped like that test only when Chromium is absent outside CI.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from leernetwerk.cli import main
from tests.test_report_browser import console_lines, decode_png, dom_text, run_chromium
from tests.test_verken import VARY, pilot_two_clubs

WINDOW = (1280, 2400)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("verken-browser")
    workbook, cycle = pilot_two_clubs(tmp / "in")
    out = tmp / "uit"
    args = ["verken", str(workbook), "--cycle", str(cycle), "--out", str(out), "--quiet"]
    assert main([*args, "--cache", str(tmp / "cache"), "--jobs", "1", *VARY]) == 0
    page = out / "verkenning.html"
    shot = tmp / "verkenning.png"
    logging = ("--enable-logging=stderr", "--v=0")
    size = f"--window-size={WINDOW[0]},{WINDOW[1]}"
    screenshot = run_chromium(page, tmp, f"--screenshot={shot}", size, *logging)
    dom = run_chromium(page, tmp, "--dump-dom", *logging)
    return {
        "doc": json.loads((out / "verkenning.json").read_text(encoding="utf-8")),
        "html": page.read_text(encoding="utf-8"),
        "png": shot.read_bytes() if shot.exists() else b"",
        "stderr": screenshot.stderr + dom.stderr,
        "dom": dom.stdout,
    }


def test_screenshot_is_a_non_blank_png(rendered):
    image = decode_png(rendered["png"])
    assert image.shape[:2] == (WINDOW[1], WINDOW[0])
    pixels = image[:, :, :3].reshape(-1, 3)
    assert len(np.unique(pixels[::7], axis=0)) > 50
    assert np.any(pixels < 245, axis=1).mean() > 0.03


def test_page_logs_no_console_messages(rendered):
    assert console_lines(rendered["stderr"]) == []


def test_every_participant_variant_and_guide_line_is_shown(rendered):
    text = dom_text(rendered["dom"])
    doc = rendered["doc"]
    names = {n for club in doc["variants"][0]["clubs"] for n in club}
    assert [n for n in names if n not in text] == []
    assert [v["label"] for v in doc["variants"] if v["label"] not in text] == []
    assert [line for line in doc["reading_guide"] if line not in text] == []
    assert "Afwegingen tussen criteria" in text


def test_page_is_self_contained(rendered):
    html = rendered["html"]
    assert "<script" not in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html
    assert html.count("<svg") >= 2  # at least one trade-off chart and the heat map
