"""Verdict reports: Markdown, standalone HTML and schema.org ClaimReview JSON-LD.

Pure Python (no Qt). :func:`build_report` reads a project once into plain data; the
renderers turn that data into text. The window previews ``render_markdown`` through
:func:`markdown_to_html_fragment` (with :func:`report_css`) or shows ``render_html``.
"""

from app.core.reports.claimreview import claimant_type, render_claimreview
from app.core.reports.export import FORMATS, SUFFIXES, export
from app.core.reports.html_report import render_html, report_css
from app.core.reports.markdown_report import render_markdown, render_markdown_report
from app.core.reports.markup import markdown_to_html_fragment, sanitise_markdown
from app.core.reports.model import (
    ArticleReport,
    ReportClaim,
    ReportData,
    ReportEvidence,
    ReportOptions,
    build_report,
)

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "ArticleReport",
    "ReportClaim",
    "ReportData",
    "ReportEvidence",
    "ReportOptions",
    "build_report",
    "claimant_type",
    "export",
    "markdown_to_html_fragment",
    "render_claimreview",
    "render_html",
    "render_markdown",
    "render_markdown_report",
    "report_css",
    "sanitise_markdown",
]
