from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.importers import normalise_text
from app.core.importers._build import Draft, build_article
from app.core.records import ParagraphRole


def test_newlines_spaces_and_blank_lines_are_tidied() -> None:
    raw = "  Title\r\n\r\n\r\n\tFirst  line \rsecond\u2028line\n \n\n\nLast\u00a0word. "
    assert normalise_text(raw) == "Title\n\nFirst line\nsecond\nline\n\nLast\u00a0word."


def test_nfc_and_typographic_quotes_kept() -> None:
    decomposed = (
        "Cafe\u0301 \u201cquoted\u201d \u2018single\u2019 \u00abguillemets\u00bb \u2014 dash"
    )
    result = normalise_text(decomposed)
    assert result == unicodedata.normalize("NFC", decomposed)
    assert "\u201c" in result and "\u2019" in result and '"' not in result


def test_invisible_characters_removed_but_joiners_kept() -> None:
    assert normalise_text("a\u200bb\ufeffc\u00add\x00e\x07f") == "abcdef"
    assert normalise_text("\u0915\u094d\u200d\u0937") == "\u0915\u094d\u200d\u0937"


def test_form_feed_and_paragraph_separator_split_paragraphs() -> None:
    assert normalise_text("one\x0ctwo\u2029three") == "one\n\ntwo\n\nthree"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert "\n\n\n" not in once
    assert once == once.strip()
    assert all(line == line.strip() for line in once.split("\n"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=60), st.sampled_from(list(ParagraphRole))), max_size=12))
def test_paragraph_offsets_index_the_text(blocks: list[tuple[str, ParagraphRole]]) -> None:
    draft = Draft()
    for text, role in blocks:
        draft.add(text, role)
    try:
        article = build_article(draft, "text")
    except Exception as exc:  # only "empty" may happen
        assert type(exc).__name__ == "EmptyArticleError"
        return
    assert article.paragraphs is not None
    assert normalise_text(article.text) == article.text
    pieces = [article.text[p.start : p.end] for p in article.paragraphs]
    assert "\n\n".join(pieces) == article.text
    assert all(piece and piece == piece.strip() and "\n\n" not in piece for piece in pieces)
