from __future__ import annotations

import io

import pypdf
import pytest
from importer_fixtures import article_pages, make_pdf

from app.core.errors import ArticleImportError, EmptyArticleError
from app.core.importers import read_article_bytes
from app.core.importers.errors import EncryptedArticleError, NoTextLayerError
from app.core.records import ParagraphRole as R

PARAGRAPHS = [
    [
        "Unemployment fell to 3.9% in February, down from 4.1% a year earlier, accord-",
        "ing to the Office for National Statistics. “This is the best figure since",
        "2008,” the minister said at a well-",
        "attended news conference in London.",
    ],
    ["Short paragraph."],
    [
        "Average wages rose by 5.6%, outpacing inflation for the sixth month in a row,",
        "while economists had expected a rise of 5.2% after a weak winter. The well-known",
        "survey of employers showed hiring intentions at a two-year high.",
    ],
]


SUBJECTS = [
    "The economy",
    "Retail spending",
    "Factory output",
    "House building",
    "Service activity",
    "Farm income",
    "Tourism revenue",
]


def long_article(pages: int) -> list[list[str]]:
    paragraphs = []
    for number in range(pages * 8):
        subject = SUBJECTS[number % len(SUBJECTS)]
        paragraphs.append(
            [
                f"Paragraph {number}: {subject} grew by {number % 7}.{number % 10}% in",
                f"quarter {number % 4 + 1}, the statistics office reported on a rainy day, and",
                f"officials expect {number} new jobs.",
            ]
        )
    return paragraphs


def test_pdf_text_hyphenation_and_roles() -> None:
    # Two pages at least: running headers are recognised by repeating.
    paragraphs = PARAGRAPHS + long_article(2)
    data = make_pdf(
        article_pages(paragraphs, headline="Unemployment falls to 3.9%"),
        info={"Title": "Microsoft Word - draft3.docx", "Author": "Lois Lane"},
    )
    article = read_article_bytes(data, "story.pdf")
    assert article.source_format == "pdf"
    assert article.paragraphs is not None
    found = [(p.role, article.text[p.start : p.end]) for p in article.paragraphs]
    assert found[0] == (R.HEADLINE, "Unemployment falls to 3.9%")
    assert found[1] == (
        R.BODY,
        (
            "Unemployment fell to 3.9% in February, down from 4.1% a year earlier, according "
            "to the Office for National Statistics. “This is the best figure since 2008,” the "
            "minister said at a well-attended news conference in London."
        ),
    )
    assert found[2] == (R.BODY, "Short paragraph.")
    assert found[3][1].startswith("Average wages rose")
    assert "Daily Planet" not in article.text
    assert "Page 1" not in article.text
    assert article.metadata.title == "Unemployment falls to 3.9%"  # junk PDF title ignored
    assert article.metadata.author == "Lois Lane"
    assert article.metadata.language == "en"


def test_running_headers_footers_and_page_numbers_removed_across_pages() -> None:
    paragraphs = long_article(4)
    article = read_article_bytes(make_pdf(article_pages(paragraphs)), "long.pdf")
    assert "Daily Planet" not in article.text
    assert "Page " not in article.text
    assert article.text.count("Paragraph ") == len(paragraphs)
    # A paragraph broken by a page break is one paragraph again.
    assert article.paragraphs is not None
    assert len(article.paragraphs) == len(paragraphs)
    assert "officials expect 31 new jobs." in article.text


def test_pdf_detected_by_content() -> None:
    data = make_pdf(article_pages(PARAGRAPHS))
    assert read_article_bytes(data, "renamed.txt").source_format == "pdf"


def test_encrypted_pdf() -> None:
    writer = pypdf.PdfWriter(
        clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(article_pages(PARAGRAPHS))))
    )
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(EncryptedArticleError, match="password"):
        read_article_bytes(buffer.getvalue(), "locked.pdf")


def test_owner_password_only_pdf_opens() -> None:
    writer = pypdf.PdfWriter(
        clone_from=pypdf.PdfReader(io.BytesIO(make_pdf(article_pages(PARAGRAPHS))))
    )
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "Short paragraph." in read_article_bytes(buffer.getvalue(), "a.pdf").text


def test_image_only_pdf() -> None:
    data = make_pdf([[], []], images=[0, 1])
    with pytest.raises(NoTextLayerError, match="OCR"):
        read_article_bytes(data, "scan.pdf")


def test_blank_pdf() -> None:
    with pytest.raises(EmptyArticleError):
        read_article_bytes(make_pdf([[]]), "blank.pdf")


def test_truncated_pdf() -> None:
    data = make_pdf(article_pages(PARAGRAPHS))
    with pytest.raises(ArticleImportError) as caught:
        read_article_bytes(data[:200], "cut.pdf")
    assert "\n" not in str(caught.value)
