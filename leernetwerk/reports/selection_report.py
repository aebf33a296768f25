"""The selection report (``report.html`` of ``leernetwerk select``): one self-contained page.

For the stuurgroep's first decision, the selection: who is in and why, the
balance, the spread over the provinces (a table laid out like the map), sizes
and variants, and who is not in, with the deciding reason and what happens if
they are let in anyway. The calculation's figures are in an appendix for
analysts. Rendered from ``templates/selection_report.html`` with the CSS of
the proposal report (``report.css``: the same colours for tekort and
overschot/neutraal); no scripts, no external files, the same bytes for the
same inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from jinja2 import Environment

from leernetwerk.config import CycleConfig
from leernetwerk.domain import Registrations
from leernetwerk.proposal import CriterionScore, Proposal
from leernetwerk.reports.selection_view import selection_view
from leernetwerk.templating import html_environment


def environment() -> Environment:
    return html_environment("leernetwerk.reports")


def render_selection_report(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    breakdown: Sequence[CriterionScore] = (),
) -> str:
    """The selection report as one HTML string."""
    view = selection_view(proposal, registrations, config, breakdown)
    return environment().get_template("selection_report.html").render(v=view)


def write_selection_report(
    proposal: Proposal,
    registrations: Registrations,
    config: CycleConfig,
    path: Path,
    breakdown: Sequence[CriterionScore] = (),
) -> None:
    """Write the selection report to ``path`` (UTF-8)."""
    html = render_selection_report(proposal, registrations, config, breakdown)
    Path(path).write_text(html, encoding="utf-8")
