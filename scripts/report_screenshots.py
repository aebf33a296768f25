"""Screenshots of report.html for docs/report.md, taken with the system's headless Chromium.

    .venv/bin/python scripts/report_screenshots.py RUN_DIR docs/img

writes ``report-stuurgroep.png`` (the summary for the stuurgroep) and
``report-bijlage.png`` (the top of the analyst appendix) from
``RUN_DIR/report.html``. Needs Playwright (test extra) and /usr/bin/chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

SHOTS = {"report-stuurgroep.png": "#samenvatting", "report-bijlage.png": "#bijlage"}
MAX_HEIGHT = 2200


def main(run_dir: Path, out: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto((run_dir / "report.html").resolve().as_uri())
        for name, selector in SHOTS.items():
            box = page.locator(selector).bounding_box()
            assert box is not None, selector
            clip = {
                "x": box["x"],
                "y": box["y"],
                "width": box["width"],
                "height": min(box["height"], MAX_HEIGHT),
            }
            page.screenshot(path=str(out / name), clip=clip, full_page=True)
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
