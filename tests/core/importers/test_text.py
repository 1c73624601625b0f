from __future__ import annotations

import codecs
import hashlib

import pytest

from app.core.errors import UnsupportedFormatError
from app.core.importers import read_article_bytes, read_pasted

ARTICLE = (
    "Le chômage a baissé à 7,1 % au premier trimestre, selon l’Insee.\n\n"
    "« C’est le niveau le plus bas depuis 2008 », a déclaré la ministre. "
    "Les économistes prévoyaient une légère hausse à 7,3 %, après une année marquée "
    "par la crise énergétique et la hausse des prix à la consommation.\n"
)
EXPECTED = ARTICLE.strip()


@pytest.mark.parametrize(
    "data",
    [
        ARTICLE.encode("utf-8"),
        codecs.BOM_UTF8 + ARTICLE.encode("utf-8"),
        codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"),
        ARTICLE.encode("utf-16"),
        ARTICLE.encode("utf-16-le"),  # no BOM
        ARTICLE.replace("’", "'").encode("cp1252"),
        ARTICLE.replace("’", "'").encode("latin-1"),
        ARTICLE.replace("\n", "\r\n").encode("utf-8"),
        ARTICLE.replace("\n", "\r").encode("utf-8"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "utf16le-bom",
        "utf16be-bom",
        "utf16",
        "utf16le-nobom",
        "cp1252",
        "latin1",
        "crlf",
        "cr",
    ],
)
def test_encodings_and_newlines(data: bytes) -> None:
    article = read_article_bytes(data, "article.txt")
    assert article.source_format == "text"
    expected = EXPECTED if "’" in article.text else EXPECTED.replace("’", "'")
    assert article.text == expected
    assert article.paragraphs is None  # roles are left to claim detection
    assert article.sha256 == hashlib.sha256(article.text.encode()).hexdigest()


def test_cyrillic_legacy_encoding() -> None:
    text = (
        "Безработица в России снизилась до рекордно низкого уровня, сообщил Росстат. "
        "По данным ведомства, в марте она составила 2,7 процента против 3,0 процента "
        "годом ранее. Министр заявил, что это лучший показатель за всю историю наблюдений."
    )
    for encoding in ("cp1251", "koi8-r"):
        article = read_article_bytes(text.encode(encoding), "news.txt")
        assert article.text == text, encoding


def test_one_paragraph_per_line_without_blank_lines() -> None:
    data = "Prices rose 3% in May.\nThe bank held rates at 5%.\nAnalysts were surprised.\n"
    article = read_article_bytes(data.encode(), "a.txt")
    assert article.text == (
        "Prices rose 3% in May.\n\nThe bank held rates at 5%.\n\nAnalysts were surprised."
    )


def test_hard_wrapped_prose_keeps_its_lines_in_one_paragraph() -> None:
    data = (
        "The minister said on Tuesday that unemployment had fallen to the lowest\n"
        "level since records began, although economists warned that the figures\n"
        "did not include people who had stopped looking for work altogether.\n"
    )
    article = read_article_bytes(data.encode(), "a.txt")
    assert "\n\n" not in article.text
    assert article.text.count("\n") == 2


def test_extension_less_text_is_text() -> None:
    assert read_article_bytes(b"Hello world.", None).source_format == "text"


def test_pasted_plain_text() -> None:
    article = read_pasted("  First.\r\n\r\nSecond “quoted”.  ")
    assert article.text == "First.\n\nSecond “quoted”."
    assert article.source_format == "text"


def test_binary_with_text_extension_is_refused() -> None:
    data = bytes(range(256)) * 40
    with pytest.raises(UnsupportedFormatError) as caught:
        read_article_bytes(data, "notes.txt")
    assert "\n" not in str(caught.value)


def test_png_renamed_to_txt_is_named() -> None:
    with pytest.raises(UnsupportedFormatError, match="PNG image"):
        read_article_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100), "photo.txt")
