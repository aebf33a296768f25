"""report.html is accessible (WCAG 2.1 AA): axe-core finds no serious or critical issue.

Dutch public-sector documents must meet WCAG 2.1 AA. axe-core (the engine
behind most accessibility checkers; its script ships with the
``axe-playwright-python`` package) runs inside the system's headless Chromium,
driven by Playwright pointed at ``/usr/bin/chromium`` (no ``playwright
install``). The whole rule set runs (the WCAG 2.0/2.1 A and AA rules and the
best practices); any violation with impact *serious* or *critical* fails. A
control test proves the check catches one.

Skipped only when Chromium is absent and ``CI`` is not ``true``, like
``tests/test_report_browser.py``; in CI a missing Chromium fails.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

from leernetwerk.reports import write_report_html
from tests.fixtures_proposal import build_config, build_proposal, build_registrations
from tests.test_report_browser import chromium_path

BLOCKING = {"serious", "critical"}


def axe_violations(page_file: Path) -> list[dict[str, Any]]:
    """axe-core's violations on ``page_file``, rendered by the system Chromium."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )
        try:
            page = browser.new_page()
            page.goto(page_file.resolve().as_uri())
            results = Axe().run(page)
        finally:
            browser.close()
    violations: list[dict[str, Any]] = results.response["violations"]
    return violations


def blocking(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({[n['target'] for n in v['nodes'][:3]]})"
        for v in violations
        if v["impact"] in BLOCKING
    ]


def test_report_has_no_serious_or_critical_accessibility_violation(tmp_path):
    registrations = build_registrations()
    page = tmp_path / "report.html"
    write_report_html(build_proposal(registrations), registrations, build_config(), page)
    assert blocking(axe_violations(page)) == []


def test_the_accessibility_check_catches_a_violation(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        '<p style="color:#cccccc;background:#ffffff">nauwelijks leesbaar</p></body></html>',
        encoding="utf-8",
    )
    found = blocking(axe_violations(page))
    assert any("color-contrast" in v for v in found)
    assert any("html-has-lang" in v for v in found)
