from __future__ import annotations

import io
import zipfile

import pytest
from importer_fixtures import make_docx, zip_bomb_docx

from app.core.errors import ArticleImportError, UnsupportedFormatError
from app.core.importers import ImportedArticle, read_article_bytes
from app.core.importers.errors import CorruptArticleError, UnsafeArchiveError
from app.core.records import ParagraphRole as R


def roles(article: ImportedArticle) -> list[tuple[R, str]]:
    assert article.paragraphs is not None
    return [(p.role, article.text[p.start : p.end]) for p in article.paragraphs]


def build(document) -> None:  # type: ignore[no-untyped-def]
    document.core_properties.title = "Jobs report"
    document.core_properties.author = "Lois Lane"
    document.core_properties.language = "en-GB"
    document.add_paragraph("Unemployment falls to 3.9%", style="Title")
    document.add_paragraph("The rate fell for a third month.", style="Subtitle")
    document.add_paragraph("Job seekers in Leeds. Photo: Jane Doe/Reuters", style="Caption")
    paragraph = document.add_paragraph("Unemployment fell to ")
    paragraph.add_run("3.9%").bold = True
    paragraph.add_run(" in February, “the best since 2008”.")
    document.add_heading("Wages rise", level=1)
    document.add_heading("In detail", level=2)
    table = document.add_table(rows=2, cols=3)
    for row, values in zip(
        table.rows, [("Year", "Rate", "Wages"), ("2024", "3.9%", "5.6%")], strict=True
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("")
    document.add_paragraph("Economists   had\texpected 4.0%.")


def test_docx_text_roles_tables_and_metadata() -> None:
    article = read_article_bytes(make_docx(build), "report.docx")
    assert article.source_format == "docx"
    assert roles(article) == [
        (R.HEADLINE, "Unemployment falls to 3.9%"),
        (R.STANDFIRST, "The rate fell for a third month."),
        (R.CAPTION, "Job seekers in Leeds."),
        (R.CREDIT, "Photo: Jane Doe/Reuters"),
        (R.BODY, "Unemployment fell to 3.9% in February, “the best since 2008”."),
        (R.SUBHEADING, "Wages rise"),
        (R.SUBHEADING, "In detail"),
        (R.BODY, "Year | Rate | Wages"),
        (R.BODY, "2024 | 3.9% | 5.6%"),
        (R.BODY, "Economists had expected 4.0%."),
    ]
    assert article.metadata.title == "Jobs report"
    assert article.metadata.author == "Lois Lane"
    assert article.metadata.language == "en"


def test_heading_1_first_is_the_headline() -> None:
    def document(doc) -> None:  # type: ignore[no-untyped-def]
        doc.add_heading("Big news", level=1)
        doc.add_paragraph("Body.")
        doc.add_heading("Later", level=1)

    article = read_article_bytes(make_docx(document), "a.docx")
    assert roles(article) == [(R.HEADLINE, "Big news"), (R.BODY, "Body."), (R.SUBHEADING, "Later")]
    assert article.metadata.title == "Big news"


def test_docx_detected_by_content() -> None:
    assert read_article_bytes(make_docx(build), "mystery.bin").source_format == "docx"


def test_corrupt_docx() -> None:
    data = make_docx(build)
    with pytest.raises(ArticleImportError) as caught:
        read_article_bytes(data[: len(data) // 2], "broken.docx")
    assert "\n" not in str(caught.value)


def test_docx_with_broken_xml() -> None:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(make_docx(build))) as source,
        zipfile.ZipFile(buffer, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(CorruptArticleError, match="Word document"):
        read_article_bytes(buffer.getvalue(), "broken.docx")


def test_zip_without_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(UnsupportedFormatError, match="ZIP archive"):
        read_article_bytes(buffer.getvalue(), "notes.docx")


def test_zip_bomb_by_ratio_is_refused_before_extraction() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b" " * (20 * 1024 * 1024))
    with pytest.raises(UnsafeArchiveError, match="zip bomb"):
        read_article_bytes(buffer.getvalue(), "bomb.docx")


@pytest.mark.slow
def test_zip_bomb_by_total_size_is_refused() -> None:
    with pytest.raises(UnsafeArchiveError, match=r"expand to 201 MB \(limit 200 MB\)"):
        read_article_bytes(zip_bomb_docx(), "bomb.docx")
