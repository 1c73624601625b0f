"""Messages count in words that agree with the number; none says "claim(s)"."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from app.core.wording import plural

APP = Path(__file__).resolve().parent.parent / "app"


def test_counted_nouns_agree_with_their_number() -> None:
    assert plural(1, "record") == "1 record"
    assert plural(0, "record") == "0 records"
    assert plural(2, "summary", "summaries") == "2 summaries"


def _strings(path: Path) -> list[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    if "(s)" not in source:
        # The tokens' strings are slices of the source as written: none can hold "(s)".
        return []
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    return [(t.start[0], t.string) for t in tokens if t.type in kinds]


def test_no_message_in_the_app_says_noun_s() -> None:
    """A "(s)" after a word in a string is a message that did not count (``http(s)`` is
    an address; docstrings may name the form they avoid)."""
    found = [
        f"{path.relative_to(APP)}:{line}"
        for path in APP.rglob("*.py")
        for line, text in _strings(path)
        if re.search(r"[a-z]\(s\)", text.replace("http(s)", ""))
        and not text.lstrip("rbfu").startswith(('"""', "'''"))
    ]
    assert found == []
