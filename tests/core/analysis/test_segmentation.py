"""Sentence segmentation hard cases and paragraph roles."""

from __future__ import annotations

import pytest

from app.core.analysis import analyse, infer_paragraphs
from app.core.analysis.segment import split_lines, split_sentences
from app.core.analysis.structure import asserts_fact
from app.core.records import ParagraphRole


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Gov. Harlan signed the bill at 4 p.m. on Friday. Mr. Ode objected.",
            ["Gov. Harlan signed the bill at 4 p.m. on Friday.", "Mr. Ode objected."],
        ),
        (
            "The fund reported the loss to the S.E.C. The regulator has not replied.",
            ["The fund reported the loss to the S.E.C.", "The regulator has not replied."],
        ),
        (
            "U.S. lawmakers ranked it No. 2 on the list. Dr Amos was unmoved.",
            ["U.S. lawmakers ranked it No. 2 on the list.", "Dr Amos was unmoved."],
        ),
        (
            "Mrs. Pell met Sen. Ruiz at 8 a.m. They spoke for an hour.",
            ["Mrs. Pell met Sen. Ruiz at 8 a.m.", "They spoke for an hour."],
        ),
        (
            "The vote opens on Jan. 9 in Denver. Turnout was low.",
            ["The vote opens on Jan. 9 in Denver.", "Turnout was low."],
        ),
        (
            "She hesitated... Then she signed. The deal ... was final.",
            ["She hesitated...", "Then she signed.", "The deal ... was final."],
        ),
        (
            '"The roof leaks. Nobody fixed it," the tenant said. He moved out.',
            ['"The roof leaks.', 'Nobody fixed it," the tenant said.', "He moved out."],
        ),
    ],
)
def test_hard_cases(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_bullets_are_sentences_and_wrapped_items_stay_whole() -> None:
    text = (
        "The plan has three parts:\n- a new tax on sugar\n- free school meals for\n"
        "  every child\n* 2,000 more nurses"
    )
    assert sentences(text) == [
        "The plan has three parts:",
        "- a new tax on sugar",
        "- free school meals for\n  every child",
        "* 2,000 more nurses",
    ]


def test_offsets_are_exact_with_unicode_and_newlines() -> None:
    text = "Überschrift\n\n“Zoë’s café lost €5,000,” she said.  It closed.\r\n\nÉnd."
    for s in analyse(text):
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip()


def test_lines_mode_takes_each_line() -> None:
    text = "first line without stop\n\n  second. still second\nthird"
    spans = split_lines(text)
    assert [text[s:e] for s, e in spans] == [
        "first line without stop",
        "second. still second",
        "third",
    ]
    result = analyse(text, lines=True)
    assert [s.text for s in result] == ["first line without stop", "second. still second", "third"]


ARTICLE = """Council pledges to fix flooded underpass by spring

Engineers say the repairs will cost £1.2m, twice the first estimate.

By Priya Natt
Published 4 June 2024

LEEDS — The underpass has flooded 11 times since January, the council said.

Water pours into the Kirkgate underpass after a storm in May
Photo: Tom Reyes/Getty Images

Why it keeps flooding

Drainage experts blame a collapsed culvert.
"""


def test_roles_of_a_plain_text_article() -> None:
    roles = [(ARTICLE[p.start : p.end], p.role) for p in infer_paragraphs(ARTICLE)]
    assert roles == [
        ("Council pledges to fix flooded underpass by spring", ParagraphRole.HEADLINE),
        (
            "Engineers say the repairs will cost £1.2m, twice the first estimate.",
            ParagraphRole.STANDFIRST,
        ),
        ("By Priya Natt", ParagraphRole.CREDIT),
        ("Published 4 June 2024", ParagraphRole.CREDIT),
        (
            "LEEDS — The underpass has flooded 11 times since January, the council said.",
            ParagraphRole.BODY,
        ),
        ("Water pours into the Kirkgate underpass after a storm in May", ParagraphRole.CAPTION),
        ("Photo: Tom Reyes/Getty Images", ParagraphRole.CREDIT),
        ("Why it keeps flooding", ParagraphRole.SUBHEADING),
        ("Drainage experts blame a collapsed culvert.", ParagraphRole.BODY),
    ]


def test_credits_never_checkworthy_even_at_threshold_zero() -> None:
    result = analyse(ARTICLE, threshold=0.0)
    assert all(s.checkworthy for s in result if s.role is ParagraphRole.BODY)
    assert not any(s.checkworthy for s in result if s.role is ParagraphRole.CREDIT)
    # headings and captions only when they state a fact, whatever the threshold
    headings = [s for s in result if s.role in {ParagraphRole.SUBHEADING, ParagraphRole.CAPTION}]
    assert all(s.checkworthy == asserts_fact(s.text) for s in headings)


def test_given_paragraphs_keep_their_roles() -> None:
    from app.core.records import Paragraph

    text = "Photo: somebody\nThe deficit doubled to 4% of GDP last year."
    paragraphs = [Paragraph(0, 15, ParagraphRole.CAPTION), Paragraph(16, len(text))]
    result = analyse(text, paragraphs)
    assert [s.role for s in result] == [ParagraphRole.CAPTION, ParagraphRole.BODY]
    assert [s.paragraph for s in result] == [0, 1]
    assert result[1].checkworthy


def test_a_figure_with_its_unit_ends_a_sentence() -> None:
    text = (
        "The dividend was cut to 4.2p a share, down from 7.1p. "
        "Finance director Ada Brook said debt fell to £1.1bn. Sales rose."
    )
    assert [s.text for s in analyse(text)] == [
        "The dividend was cut to 4.2p a share, down from 7.1p.",
        "Finance director Ada Brook said debt fell to £1.1bn.",
        "Sales rose.",
    ]


def test_agency_credit_lines_and_picture_bylines_are_credits() -> None:
    from app.core.analysis.structure import is_credit

    for line in (
        "(Reporting by Tomas Lind; Editing by Clare Dunn)",
        "Picture by Gemma Low",
        "Interview by Lucy Farr",
        "Credit: Jon Tarr/Getty Images",
        "By Selma Quist",
    ):
        assert is_credit(line), line
    assert not is_credit("By 2030 the town will need 400 more homes.")
