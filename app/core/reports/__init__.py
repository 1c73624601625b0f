"""Verdict reports: Markdown, standalone HTML and schema.org ClaimReview JSON-LD.

Pure Python (no Qt). :func:`build_report` reads a project once, through the project
service, into plain data; the renderers turn that data into text. Explanations are
Markdown of a small safe dialect (:mod:`app.core.reports.explanations`); every other
field is escaped as plain text (:mod:`app.core.reports.escaping`).
"""

from app.core.reports.claimreview import claimant_type, render_claimreview
from app.core.reports.explanations import (
    explanation_html,
    markdown_to_html_fragment,
    sanitise_markdown,
)
from app.core.reports.export import FORMATS, SUFFIXES, export
from app.core.reports.html_report import render_html, report_css
from app.core.reports.markdown_report import render_markdown
from app.core.reports.model import (
    ArticleReport,
    NumberedClaim,
    ReportData,
    ReportOptions,
    build_report,
)

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "ArticleReport",
    "NumberedClaim",
    "ReportData",
    "ReportOptions",
    "build_report",
    "claimant_type",
    "explanation_html",
    "export",
    "markdown_to_html_fragment",
    "render_claimreview",
    "render_html",
    "render_markdown",
    "report_css",
    "sanitise_markdown",
]
