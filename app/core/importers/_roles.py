"""Small helpers shared by importers: photo credits and dates in metadata."""

from __future__ import annotations

import re
from datetime import date

# A credit at the end of a caption: "… Leeds. Photo: Jane Doe/Reuters",
# "… (AP Photo/John Smith)", "… © Getty Images".
_TRAILING_CREDIT = re.compile(
    r"""(?:^|(?<=[.!?…”"’)\]])\s+|\s+[-–—|/]\s*|\s+(?=\())
    (?P<credit>
        \(?(?:photo(?:graph)?s?|pictures?|images?|illustration|credit|foto|bild|crédit|
              source|video)\s*(?::|by\b)[^\n]{2,120}
      | \(?(?:©|\(c\)|copyright\b)[^\n]{2,120}
      | \((?:AP|AFP|Reuters|EPA|Getty)[^)\n]{0,80}\)
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_WHOLE_CREDIT = re.compile(
    r"^\s*\(?(?:(?:photo(?:graph)?s?|pictures?|images?|illustration|credit|foto|bild|crédit|"
    r"source|video)\s*(?::|by\b)|©|\(c\)|copyright\b)",
    re.IGNORECASE,
)


def is_credit(text: str) -> bool:
    """Whether a short text reads as a photo credit ("Photo: …", "© …")."""
    return len(text) <= 200 and bool(_WHOLE_CREDIT.match(text))


def split_credit(caption: str) -> tuple[str, str | None]:
    """Split a trailing photo credit off a caption: (caption, credit or None)."""
    match = _TRAILING_CREDIT.search(caption)
    if match is None:
        return caption, None
    credit = match.group("credit").strip()
    rest = caption[: match.start()].strip()
    return rest, credit


_ISO_DATE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T|$)")


def parse_date(value: str | None) -> date | None:
    """A date from an ISO-like string ("2024-03-05", "2024-03-05T08:00Z", "2024/03/05")."""
    if not value:
        return None
    value = value.strip()
    match = _ISO_DATE.search(value) or _COMPACT_DATE.match(value)
    if match is None:
        return None
    try:
        found = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return found if 1800 <= found.year <= 2200 else None


def clean_field(value: object, limit: int = 500) -> str | None:
    """A metadata value as one tidy line, or None when empty or absurdly long."""
    if not isinstance(value, str):
        return None
    tidy = " ".join(value.split())
    if not tidy or len(tidy) > limit:
        return None
    return tidy
