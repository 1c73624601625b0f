"""Every bad input gets a one-line ArticleImportError and the file is left untouched."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_fixtures import article_pages, make_docx, make_pdf

from app.core.errors import (
    ArticleImportError,
    ArticleTooLargeError,
    EmptyArticleError,
    UnsupportedFormatError,
)
from app.core.importers import MAX_FILE_BYTES, read_article, read_article_bytes
from app.core.importers.errors import (
    ArticleNotReadableError,
    CorruptArticleError,
    EncryptedArticleError,
    NoTextLayerError,
    UnsafeArchiveError,
)

TEXT_PDF = make_pdf(article_pages([["A line of text that is long enough to count."]] * 60))


def _encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(TEXT_PDF)))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _ratio_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b" " * (20 * 1024 * 1024))
    return buffer.getvalue()


def _docx() -> bytes:
    return make_docx(lambda document: document.add_paragraph("Hello."))


BAD_INPUTS: dict[str, tuple[str, Callable[[], bytes], type[ArticleImportError]]] = {
    "empty": ("empty.txt", lambda: b"", EmptyArticleError),
    "whitespace": ("blank.md", lambda: b"  \n\r\n\t ", EmptyArticleError),
    "binary-as-txt": ("data.txt", lambda: os.urandom(4096) + b"\0", UnsupportedFormatError),
    "elf-as-txt": ("prog.txt", lambda: b"\x7fELF" + bytes(200), UnsupportedFormatError),
    "encrypted-pdf": ("locked.pdf", _encrypted_pdf, EncryptedArticleError),
    "image-only-pdf": ("scan.pdf", lambda: make_pdf([[]], images=[0]), NoTextLayerError),
    "truncated-pdf": ("cut.pdf", lambda: TEXT_PDF[:300], ArticleImportError),
    "corrupt-docx": ("broken.docx", lambda: _docx()[:2000], ArticleImportError),
    "docx-bomb": ("bomb.docx", _ratio_bomb, UnsafeArchiveError),
    "scripts-only-html": (
        "app.html",
        lambda: b"<html><body>" + b"<script>var s='x';</script>" * 2000 + b"</body></html>",
        EmptyArticleError,
    ),
    "old-word": (
        "old.doc",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
        UnsupportedFormatError,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_file_gets_one_line_and_is_untouched(case: str, tmp_path: Path) -> None:
    name, make, expected = BAD_INPUTS[case]
    path = tmp_path / name
    path.write_bytes(make())
    before = path.read_bytes()
    stat_before = path.stat()
    with pytest.raises(expected) as caught:
        read_article(path)
    message = str(caught.value)
    assert message and "\n" not in message and "Traceback" not in message
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == stat_before.st_mtime_ns


def test_100_mb_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: no 100 MB written to disk
    opened: list[object] = []
    real_open = Path.open

    def spy(self: Path, *args: object, **kwargs: object) -> object:
        opened.append(self)
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", spy)
    with pytest.raises(ArticleTooLargeError, match=r"100 MB; .* up to 50 MB"):
        read_article(path)
    assert opened == []
    assert path.stat().st_size == 100 * 1024 * 1024


def test_size_limit_on_bytes() -> None:
    with pytest.raises(ArticleTooLargeError):
        read_article_bytes(b"a" * (MAX_FILE_BYTES + 1))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ArticleNotReadableError, match="no file"):
        read_article(tmp_path / "nope.txt")
    with pytest.raises(ArticleNotReadableError, match="folder"):
        read_article(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(ArticleNotReadableError, match="regular file"):
        read_article(fifo)  # would block forever if opened


def test_good_file_is_untouched(tmp_path: Path) -> None:
    path = tmp_path / "story.docx"
    path.write_bytes(_docx())
    before = path.read_bytes()
    assert read_article(path).text == "Hello."
    assert path.read_bytes() == before


SEEDS = [
    b"",
    b"%PDF-1.4\n",
    TEXT_PDF[:1500],
    b"PK\x03\x04",
    _docx()[:600],
    b"<html><body><p>",
    b"# Title\n\n![x](",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=x\r\n\r\n--x\r\n",
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    tail=st.binary(max_size=600),
    name=st.sampled_from([None, "a.txt", "a.md", "a.html", "a.docx", "a.pdf"]),
)
def test_fuzz_only_import_errors_escape(seed: bytes, tail: bytes, name: str | None) -> None:
    try:
        article = read_article_bytes(seed + tail, name)
    except ArticleImportError as error:
        assert "\n" not in str(error)
    else:
        assert article.text and article.text == article.text.strip()


def test_corrupt_error_type_is_an_import_error() -> None:
    assert issubclass(CorruptArticleError, ArticleImportError)
