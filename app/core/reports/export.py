"""One entry point for every report format (used by the command line and the window)."""

from __future__ import annotations

from typing import Any

from app.collector import without_cycle_collection
from app.core.errors import ValidationError
from app.core.reports.claimreview import render_claimreview
from app.core.reports.html_report import render_html
from app.core.reports.markdown_report import render_markdown
from app.core.reports.model import ReportOptions, build_report

FORMATS = ("markdown", "html", "claimreview")
SUFFIXES = {"markdown": ".md", "html": ".html", "claimreview": ".jsonld"}


@without_cycle_collection  # over build and render: no collection between them
def export(
    service: Any, fmt: str, options: ReportOptions | None = None, *, settings: Any = None
) -> str:
    """The report of ``service``'s project in ``fmt`` (markdown, html or claimreview).

    ClaimReview needs ``settings`` (:class:`app.core.settings.Settings`) for the
    organisation's name and publishing address; without them it loads the saved settings.
    """
    name = (fmt or "").strip().lower()
    if name in ("md",):
        name = "markdown"
    if name in ("json-ld", "jsonld"):
        name = "claimreview"
    if name not in FORMATS:
        raise ValidationError(f"unknown report format {fmt!r}; use markdown, html or claimreview.")
    # ClaimReview shows no evidence: it is not read.
    data = build_report(service, options or ReportOptions(), with_evidence=name != "claimreview")
    if name == "markdown":
        return render_markdown(data)
    if name == "html":
        return render_html(data)
    if settings is None:
        from app.core.settings import load_settings

        settings = load_settings()
    return render_claimreview(
        data,
        organisation=str(getattr(settings, "organisation", "") or ""),
        organisation_url=str(getattr(settings, "organisation_url", "") or ""),
        language=data.project.language or "en",
    )
