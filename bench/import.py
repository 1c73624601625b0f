"""Import speed: a generated 1 MB saved web page and a generated 100-page PDF.

Run from the repository root: ``.venv/bin/python bench/import.py``. Prints the best of a
few runs for each document (floors from issue 4: 1 s for the page, 5 s for the PDF).
Nothing is asserted; the documents are made here, in memory.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.importers import read_article_bytes

WORDS = [
    "the",
    "minister",
    "said",
    "unemployment",
    "fell",
    "percent",
    "growth",
    "inflation",
    "rate",
    "bank",
    "report",
    "statistics",
    "economy",
    "wages",
    "rose",
    "year",
    "council",
    "budget",
    "billion",
    "spending",
    "hospital",
    "school",
    "police",
    "figures",
    "record",
    "lowest",
    "highest",
    "since",
    "according",
    "official",
    "data",
    "survey",
    "quarter",
]


def sentence(rnd: random.Random) -> str:
    words = [rnd.choice(WORDS) for _ in range(rnd.randint(8, 22))]
    words[0] = words[0].capitalize()
    if rnd.random() < 0.4:
        words.insert(rnd.randrange(len(words)), f"{rnd.randint(1, 99)}.{rnd.randint(0, 9)}%")
    return " ".join(words) + "."


def paragraph(rnd: random.Random) -> str:
    return " ".join(sentence(rnd) for _ in range(rnd.randint(2, 6)))


def html_page(size: int = 1_000_000, seed: int = 1) -> bytes:
    rnd = random.Random(seed)
    head = (
        """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>A very long report | The Daily Planet</title>
<meta property="og:site_name" content="The Daily Planet">
<meta name="author" content="Lois Lane">
<meta property="article:published_time" content="2024-03-05T08:00:00Z">
<link rel="canonical" href="https://planet.example/long-report">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A very long report",
"datePublished": "2024-03-05"}</script>
<script>window.dataLayer = [];</script></head><body>
<div class="cookie-banner">We use cookies. <button>Accept</button></div>
<nav><ul>"""
        + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(40))
        + """
</ul></nav><main><article><h1>A very long report</h1>
<p class="standfirst">The standfirst of the report.</p>"""
    )
    parts = [head]
    total = len(head)
    number = 0
    while total < size - 3000:
        number += 1
        if number % 25 == 0:
            chunk = f"<h2>Part {number // 25}</h2>"
        elif number % 40 == 0:
            chunk = (
                f"<figure><img src='p{number}.jpg' alt='Picture {number}'><figcaption>"
                f"{sentence(rnd)} <span class='credit'>Photo: Agency {number}</span>"
                "</figcaption></figure>"
            )
        else:
            chunk = f"<p>{paragraph(rnd)}</p>\n"
        parts.append(chunk)
        total += len(chunk)
    tail = (
        "</article></main><aside class='related'><ul><li>Related story</li></ul></aside>"
        "<section class='comments'><p>A comment.</p></section>"
        "<footer>© The Daily Planet</footer></body></html>"
    )
    parts.append(tail)
    return "".join(parts).encode("utf-8")


def pdf_document(pages: int = 100, seed: int = 2) -> bytes:
    """A PDF of ``pages`` pages of Helvetica text with a running header and page numbers."""
    rnd = random.Random(seed)
    objects: list[bytes] = [b"", b""]

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    kids = []
    for number in range(1, pages + 1):
        lines = [(72.0, 750.0, 9.0, "The Daily Planet - special report")]
        y = 700.0
        while y > 90:
            words = paragraph(rnd).split()
            line: list[str] = []
            for word in words:
                line.append(word)
                if len(" ".join(line)) > 80:
                    lines.append((72.0, y, 11.0, " ".join(line)))
                    line = []
                    y -= 14
                    if y <= 90:
                        break
            if line and y > 90:
                lines.append((72.0, y, 11.0, " ".join(line)))
                y -= 14
            y -= 10
        lines.append((290.0, 40.0, 9.0, f"Page {number} of {pages}"))
        operations = []
        for x, line_y, size, text in lines:
            raw = text.encode("cp1252").replace(b"\\", b"\\\\")
            raw = raw.replace(b"(", b"\\(").replace(b")", b"\\)")
            operations.append(b"BT /F1 %g Tf %g %g Td (%s) Tj ET" % (size, x, line_y, raw))
        stream = b"\n".join(operations)
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        kids.append(
            add(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources "
                b"<< /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (font, content)
            )
        )
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def best_of(runs: int, data: bytes, name: str) -> tuple[float, int, int]:
    times = []
    article = None
    for _ in range(runs):
        start = time.perf_counter()
        article = read_article_bytes(data, name)
        times.append(time.perf_counter() - start)
    assert article is not None and article.paragraphs is not None
    return min(times), len(article.text), len(article.paragraphs)


def main() -> None:
    # Import the heavy modules first so that their import time is not counted.
    read_article_bytes(b"<html><body><p>warm up</p></body></html>", "w.html")
    page = html_page()
    pdf = pdf_document()
    seconds, chars, paragraphs = best_of(3, page, "page.html")
    print(
        f"HTML {len(page) / 1e6:.2f} MB page: {seconds:.3f} s "
        f"({chars:,} characters, {paragraphs:,} paragraphs; floor 1 s)"
    )
    seconds, chars, paragraphs = best_of(2, pdf, "report.pdf")
    print(
        f"PDF 100 pages ({len(pdf) / 1e6:.2f} MB): {seconds:.3f} s "
        f"({chars:,} characters, {paragraphs:,} paragraphs; floor 5 s)"
    )


if __name__ == "__main__":
    main()
