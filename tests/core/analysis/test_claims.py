"""Claim kinds and claimants, on invented sentences."""

from __future__ import annotations

import pytest

from app.core.analysis import analyse
from app.core.analysis.kinds import content_kinds
from app.core.records import ClaimKind as K


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rents rose 14% in the year to March.", {K.STATISTIC, K.COMPARISON}),
        ("The bridge opened in 1932 on 3 May.", set()),
        ("The meeting starts at 9.30am.", set()),
        ("Three in ten pupils miss breakfast.", {K.STATISTIC}),
        ("The scheme cost $40bn.", {K.STATISTIC}),
        ("Crime is lower here than in any other county.", {K.COMPARISON}),
        ("It was the wettest summer on record, the deadliest in decades.", {K.COMPARISON}),
        ("He wants more.", set()),
        ("The closures happened because of the strike.", {K.CAUSAL}),
        ("The new filter prevents most infections.", {K.CAUSAL}),
        ("Fares will rise again next year.", {K.PREDICTION}),
        ("The port is expected to reopen.", {K.PREDICTION}),
        ("It was the will of the members.", set()),
        ("The cat sat quietly by the window.", set()),
    ],
)
def test_content_kinds(text: str, expected: set[K]) -> None:
    assert set(content_kinds(text)) == expected


STORY = (
    "Harbour Trust chief executive Marta Lindqvist spoke at the annual meeting. "
    "Ms Lindqvist said the port handled 2.3 million containers last year. "
    '"We are the busiest port in the region. Nobody else comes close," she told reporters. '
    "She added that dredging would start in May.\n\n"
    '"Our costs have doubled."\n\n'
    "According to the Ministry of Transport, freight volumes fell 3%. "
    "The ministry claimed the figures were provisional. "
    'Dock worker Sam Otieno: "Nobody asked us."\n\n'
    '"The numbers are wrong," said Councillor Priya Shah. '
    "Ms Shah, a member of the transport committee, insisted the figures were inflated. "
    "The port lies on the east bank of the river."
)


def test_claimants_across_sentences() -> None:
    got = [(s.text, s.claimant) for s in analyse(STORY)]
    assert got == [
        ("Harbour Trust chief executive Marta Lindqvist spoke at the annual meeting.", None),
        ("Ms Lindqvist said the port handled 2.3 million containers last year.", "Marta Lindqvist"),
        ('"We are the busiest port in the region.', "Marta Lindqvist"),
        ('Nobody else comes close," she told reporters.', "Marta Lindqvist"),
        ("She added that dredging would start in May.", "Marta Lindqvist"),
        ('"Our costs have doubled."', "Marta Lindqvist"),
        (
            "According to the Ministry of Transport, freight volumes fell 3%.",
            "Ministry of Transport",
        ),
        ("The ministry claimed the figures were provisional.", "Ministry of Transport"),
        ('Dock worker Sam Otieno: "Nobody asked us."', "Sam Otieno"),
        ('"The numbers are wrong," said Councillor Priya Shah.', "Priya Shah"),
        (
            "Ms Shah, a member of the transport committee, insisted the figures were inflated.",
            "Priya Shah",
        ),
        ("The port lies on the east bank of the river.", None),
    ]


def test_quotation_and_attribution_kinds() -> None:
    by_text = {s.text: set(s.kinds) for s in analyse(STORY)}
    assert (
        K.ATTRIBUTION
        in by_text["Ms Lindqvist said the port handled 2.3 million containers last year."]
    )
    assert (
        K.STATISTIC
        in by_text["Ms Lindqvist said the port handled 2.3 million containers last year."]
    )
    assert K.QUOTATION in by_text['"We are the busiest port in the region.']
    assert K.COMPARISON in by_text['"We are the busiest port in the region.']
    assert K.ATTRIBUTION not in by_text["The port lies on the east bank of the river."]
    assert by_text["The port lies on the east bank of the river."] == set()


def test_scare_quotes_are_not_quotations() -> None:
    (s,) = analyse('The so-called "reform" was dropped.')
    assert K.QUOTATION not in s.kinds
    assert s.claimant is None


def test_speaker_pre_check_words_cover_every_reporting_verb() -> None:
    # find_speaker skips sentences without one of these words: each verb phrase needs one
    from app.core.analysis.claimant import _PRECHECK_WORDS
    from app.core.analysis.claimant_words import REPORTING_PHRASES, REPORTING_VERBS

    assert REPORTING_VERBS <= _PRECHECK_WORDS
    for phrase in REPORTING_PHRASES:
        assert not _PRECHECK_WORDS.isdisjoint(phrase), phrase
