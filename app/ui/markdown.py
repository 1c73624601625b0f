"""Markdown to HTML for the explanation preview.

markdown-it-py runs with raw HTML disabled: a claim's explanation may come from a
colleague's project file, and HTML inside it must stay inert text in the preview.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _renderer() -> Any:
    # Imported on first use: the preview is not needed to show the window.
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.enable("strikethrough")
    return md


def render_markdown(text: str) -> str:
    """HTML for ``text``; user HTML comes out escaped."""
    if not text.strip():
        return ""
    return str(_renderer().render(text))
