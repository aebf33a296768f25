"""Review outputs of a proposal: the workbook and the stuurgroep report.

``leernetwerk run`` calls both writers with the proposal, the registrations
and the cycle config; each writes one file at the (staging) path it is given.
"""

from __future__ import annotations

from leernetwerk.reports.html import render_report_html, write_report_html
from leernetwerk.reports.workbook import ROUND_HEADERS, write_proposal_workbook

__all__ = [
    "ROUND_HEADERS",
    "render_report_html",
    "write_proposal_workbook",
    "write_report_html",
]
