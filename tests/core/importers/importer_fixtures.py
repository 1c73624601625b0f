"""Documents made on the fly for the importer tests: PDFs, Word files, web pages.

The PDF writer is deliberately tiny: Helvetica text (WinAnsi) at given positions, and
optionally a grey image instead of text, which is all the importer tests need.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

TextLine = tuple[float, float, float, str]  # x, y, font size, text


def make_pdf(
    pages: Sequence[Sequence[TextLine]],
    *,
    images: Sequence[int] = (),
    info: dict[str, str] | None = None,
) -> bytes:
    """A PDF with the given lines on each page; pages listed in ``images`` get a picture."""
    objects: list[bytes] = [b"", b""]  # catalog and page tree, filled in last

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pixels = bytes(range(0, 256, 4)) * 4
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace "
        b"/DeviceGray /BitsPerComponent 8 /Length %d >>\nstream\n"
        % len(pixels)
        + pixels
        + b"\nendstream"
    )
    kids = []
    for number, lines in enumerate(pages):
        operations = []
        if number in images:
            operations.append(b"q 500 0 0 700 50 50 cm /Im1 Do Q")
        for x, y, size, text in lines:
            raw = text.encode("cp1252")
            raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
            operations.append(b"BT /F1 %g Tf %g %g Td (%s) Tj ET" % (size, x, y, raw))
        stream = b"\n".join(operations)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        xobject = b" /XObject << /Im1 %d 0 R >>" % image if number in images else b""
        kids.append(
            add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
                b"<< /F1 %d 0 R >>%s >> /Contents %d 0 R >>" % (font, xobject, content)
            )
        )
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R /Lang (en-GB) >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    info_ref = b""
    if info:
        entries = b" ".join(b"/%s (%s)" % (k.encode(), v.encode("cp1252")) for k, v in info.items())
        info_ref = b" /Info %d 0 R" % add(b"<< " + entries + b" >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info_ref,
        xref,
    )
    return bytes(out)


def article_pages(
    paragraphs: Sequence[Sequence[str]],
    *,
    headline: str | None = None,
    header: str = "The Daily Planet — 5 March 2024",
    lines_per_page: int = 40,
) -> list[list[TextLine]]:
    """Lay paragraphs (each a list of lines) out on pages with a header and page numbers."""
    pages: list[list[TextLine]] = []
    current: list[TextLine] = []
    y = 0.0

    def new_page() -> None:
        nonlocal current, y
        current = [(72, 750, 9, header)]
        pages.append(current)
        y = 700

    new_page()
    if headline:
        current.append((72, y, 20, headline))
        y -= 36
    for paragraph in paragraphs:
        for line in paragraph:
            if y < 90:
                new_page()
            current.append((72, y, 11, line))
            y -= 14
        y -= 10
    total = len(pages)
    for number, page in enumerate(pages, 1):
        page.append((290, 40, 9, f"Page {number} of {total}"))
    return pages


def make_docx(build) -> bytes:  # type: ignore[no-untyped-def]
    """A .docx made by python-docx; ``build`` gets the Document to fill."""
    import docx

    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb_docx(megabytes: int = 201) -> bytes:
    """A .docx-looking archive that inflates to ``megabytes`` MiB in 1 MiB parts of zeros.

    No part is above the size from which the importer checks a part's compression ratio,
    so only the limit on the total can refuse it (a single 300 MB part, as this was, was
    refused by the ratio rule first). Fastest compression: the zeros shrink all the same.
    """
    buffer = io.BytesIO()
    chunk = b"\0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", chunk)
        for n in range(1, megabytes):
            archive.writestr(f"word/media/part{n}.bin", chunk)
    return buffer.getvalue()
