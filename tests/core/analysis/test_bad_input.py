"""Bad input gets a clear AnalysisError or a documented limit, never a crash or a hang."""

from __future__ import annotations

import pytest

from app.core.analysis import MAX_SENTENCE_CHARS, MAX_TEXT_CHARS, analyse
from app.core.errors import AnalysisError
from app.core.records import Paragraph


@pytest.mark.parametrize("text", ["", "   \n\n\t  \r\n"])
def test_empty_text_gives_nothing(text: str) -> None:
    assert analyse(text) == []
    assert analyse(text, lines=True) == []


# A hang guard, not a timing: analysing 50 MB would take minutes; refusing it takes none.
@pytest.mark.timeout(30)
def test_fifty_megabytes_is_refused_at_once() -> None:
    text = "The budget grew 5%. " * (50_000_000 // 20)
    with pytest.raises(AnalysisError, match="too long"):
        analyse(text)
    assert len(text) > MAX_TEXT_CHARS


@pytest.mark.parametrize(
    "text",
    [
        "PK\x03\x04\x14\x00\x06\x00binary zip header",
        bytes(range(256)).decode("latin-1") * 20,
    ],
)
def test_binary_data_is_refused(text: str) -> None:
    with pytest.raises(AnalysisError, match="binary"):
        analyse(text)


@pytest.mark.timeout(120)  # a hang guard: one unbounded "sentence" must not stall
def test_text_without_punctuation_is_cut_into_bounded_pieces() -> None:
    text = " ".join(f"word{i % 97}" for i in range(60_000))  # ~400 kB, no stop at all
    result = analyse(text)
    assert result
    assert all(len(s.text) <= MAX_SENTENCE_CHARS for s in result)
    assert all(text[s.start : s.end] == s.text for s in result)
    covered = sum(len(s.text.split()) for s in result)
    assert covered == 60_000


def test_paragraphs_that_do_not_fit_the_text_are_refused() -> None:
    with pytest.raises(AnalysisError):
        analyse("short", [Paragraph(0, 99)])


def test_not_a_string_is_refused() -> None:
    with pytest.raises(AnalysisError):
        analyse(b"bytes are not text")  # type: ignore[arg-type]


def test_reporting_phrase_followed_only_by_a_dash_and_a_line_break() -> None:
    # the words after "according to" reduce to a line break: no claimant, and no crash
    text = "Prices rose by 5 percent in May, according to —\n“The figures are clear”."
    (sentence,) = analyse(text)
    assert sentence.claimant is None
