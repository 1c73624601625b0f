"""One short article in every format Factdesk imports, written by Factdesk itself.

Used by ``factdesk self-test`` and by the wheel check (``packaging/check_wheel.sh``) to
prove that every import path works in an installation, without shipping test files.
The articles are fictional.
"""

from __future__ import annotations

from pathlib import Path

SAVED_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour ferry fares to rise by a third | Northbridge Courier</title>
<meta property="og:site_name" content="Northbridge Courier">
<meta name="author" content="Tom Baines">
<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2026-03-02"}
</script></head>
<body><nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<article><h1>Harbour ferry fares to rise by a third</h1>
<p>Single tickets on the Northbridge harbour ferry will rise from $3.00 to $4.00 in April,
the city's transport board said on Monday, the first increase since 2019.</p>
<figure><figcaption>The ferry leaving Pier 4 on Monday morning.
Photo: Lena Ortiz / Northbridge Courier</figcaption></figure>
<p>"Fuel now costs us 48 percent more than it did two years ago," said Marco Reyes, the
board's finance director. He said the service lost $1.7 million last year.</p>
<p>Passenger groups said the rise would hit shift workers hardest, and claimed that
ridership had already fallen by 12 percent since the timetable was cut in 2024.</p>
</article>
<footer>Copyright Northbridge Courier. Subscribe to our newsletter.</footer>
</body></html>
"""


WORD_AND_PDF_TEXT = (
    "Bus fares in Northbridge rose by 15 percent in January, the transport board said.",
    "Ridership fell to 2.1 million journeys last year, according to the annual report.",
)


def minimal_pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page PDF with ``lines`` of text in a standard font (no library needed)."""
    ops = "BT /F1 11 Tf 14 TL 56 760 Td " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Length {len(ops)} >>\nstream\n{ops}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


MARKDOWN_ARTICLE = """# Water meters to be fitted in every home by 2028

The **Northbridge water board** said on Tuesday that meters would be fitted in all
42,000 homes by 2028, at a cost of $9.5 million.

> "Metered homes use 15 percent less water," said Priya Nair, the board's chair.

- Installation starts in the north district in May.
- Bills will show daily use from 2027.
"""

PLAIN_TEXT = (
    "Library opening hours cut\n\n"
    "The city council said on Friday that branch libraries would open 20 hours a week, "
    "down from 32, to save $400,000 a year.\n"
)


def write_format_samples(folder: Path) -> dict[str, Path]:
    """Write one article per format into ``folder``; returns format name -> file."""
    import docx

    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "text": folder / "library-hours.txt",
        "markdown": folder / "water-meters.md",
        "html": folder / "ferry-fares.html",
        "docx": folder / "bus-fares.docx",
        "pdf": folder / "bus-fares.pdf",
    }
    files["text"].write_text(PLAIN_TEXT, encoding="utf-8")
    files["markdown"].write_text(MARKDOWN_ARTICLE, encoding="utf-8")
    files["html"].write_text(SAVED_PAGE, encoding="utf-8")
    document = docx.Document()
    document.add_heading("Bus fares up again", level=1)
    for line in WORD_AND_PDF_TEXT:
        document.add_paragraph(line)
    document.save(str(files["docx"]))
    files["pdf"].write_bytes(minimal_pdf(WORD_AND_PDF_TEXT))
    return files
