"""Plain text: the words as they are, paragraphs split at blank lines."""

from __future__ import annotations

import re

from app.core.importers._build import Draft

# A line that ends a sentence or is short enough to be a heading.
_ENDS_SENTENCE = re.compile(r"[.!?:;\"”’»)\]…]$")


def _lines_are_paragraphs(lines: list[str]) -> bool:
    """Text without blank lines: one paragraph per line, unless hard-wrapped prose.

    Text pasted from a browser or a chat often puts each paragraph on one line with no
    blank line between; hard-wrapped prose has most lines ending mid-sentence.
    """
    inner = [line for line in lines[:-1] if line.strip()]
    if not inner:
        return False
    finished = sum(1 for line in inner if _ENDS_SENTENCE.search(line.rstrip()) or len(line) < 50)
    return finished >= 0.6 * len(inner)


def draft_from_text(text: str) -> Draft:
    """A draft of plain text: no roles (claim detection infers them)."""
    draft = Draft(roles_known=False)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    blank_line = any(not line.strip() for line in lines[1:-1])
    if not blank_line and len(lines) > 1 and _lines_are_paragraphs(lines):
        for line in lines:
            draft.add(line)
    else:
        draft.add(text)
    return draft
