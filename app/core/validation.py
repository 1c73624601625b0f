"""Checks on values people type: URLs, dates, short single-line fields."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from app.core.errors import ValidationError
from app.core.wording import quoted

WEB_SCHEMES = ("http", "https")
# Whitespace (in a str pattern \s is exactly what str.isspace() accepts), C0 controls, DEL.
_NOT_IN_WEB_URL = re.compile(r"[\s\x00-\x1f\x7f]")


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host and no spaces or control characters."""
    if _NOT_IN_WEB_URL.search(url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def web_url_or_none(url: str | None, what: str = "link") -> str | None:
    """Return a cleaned http(s) URL, None for empty, or refuse anything else."""
    if url is None:
        return None
    url = url.strip()
    if not url:
        return None
    if not is_web_url(url):
        raise ValidationError(
            f"the {what} {quoted(url[:80])} is not a web address; only http:// and https:// "
            "links are accepted."
        )
    return url


def iso_date_or_none(value: str | date | None, what: str = "date") -> date | None:
    if value is None or isinstance(value, date):
        return value
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ValidationError(f"the {what} {quoted(value)} is not a date like 2026-11-25.") from exc


def single_line(value: str | None, what: str, limit: int = 500) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    if len(value) > limit:
        raise ValidationError(f"the {what} is longer than {limit} characters.")
    return value or None
