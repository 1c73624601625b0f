"""One entry point for every report format (used by the command line and the window)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

from app.core.errors import ValidationError
from app.core.reports.claimreview import render_claimreview
from app.core.reports.html_report import render_html
from app.core.reports.markdown_report import render_markdown
from app.core.reports.model import ReportOptions, build_report
from app.core.wording import quoted

FORMATS = ("markdown", "html", "claimreview")
SUFFIXES = {"markdown": ".md", "html": ".html", "claimreview": ".jsonld"}


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
        raise ValidationError(
            f"unknown report format {quoted(fmt)}; use markdown, html or claimreview."
        )
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


def check_report_target(target: Path, project: str | None) -> None:
    """Refuse a folder, a missing folder, or the project file itself as a report's target."""
    if target.is_dir():
        raise ValidationError(f"{target} is a folder; name the file to write.")
    if not target.parent.is_dir():
        raise ValidationError(f"the folder {target.parent} does not exist.")
    if project and target.exists():
        with contextlib.suppress(OSError):
            if target.resolve() == Path(project).resolve() or target.samefile(project):
                raise ValidationError("refusing to write the report over the project file.")


def write_atomically(target: Path, content: str | bytes) -> None:
    """Write ``content`` (text as UTF-8) to ``target`` in one step: all of it or nothing."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            # Keep the permissions of the file being replaced, else the usual 0644-ish.
            mode = target.stat().st_mode if target.exists() else 0o666 & ~_umask()
            os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ValidationError(f"cannot write {target}: {exc.strerror or exc}.") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
