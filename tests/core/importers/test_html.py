from __future__ import annotations

from datetime import date

import pytest

from app.core.errors import EmptyArticleError
from app.core.importers import ImportedArticle, read_article_bytes, read_pasted
from app.core.records import ParagraphRole as R

BODY = """
<div id="cookie-banner" class="cookie-consent">We use cookies to improve your experience.
 <button>Accept all cookies</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/politics">Politics</a></li>
</ul></nav></header>
<main><article>
<h1>Unemployment falls to 3.9%</h1>
<p class="standfirst">The jobless rate fell for the third month in a row, the statistics
 office said on Tuesday.</p>
<figure><img src="queue.jpg" alt="People queueing">
<figcaption>Job seekers at a centre in Leeds. <span class="credit">Photo: Jane Doe/Reuters</span>
</figcaption></figure>
<p>Unemployment fell to 3.9% in February, down from 4.1% a year earlier, according to the
 Office for National Statistics. “This is the best figure since 2008,” said the minister.</p>
<h2>Wages rise</h2>
<p>Average wages rose by 5.6%, outpacing inflation for the sixth month in a row. Economists
 had expected a smaller rise of 5.2% after a weak winter for retailers and builders.</p>
<p>The Bank of England will meet next week to decide on interest rates, which are at a
 16-year high of 5.25%, the highest level since the financial crisis of 2008.</p>
<div class="share-buttons">Share on Facebook Share on X</div>
</article></main>
<aside class="related"><h3>Related</h3><ul><li><a href="/x">Inflation falls again</a></li></ul>
</aside>
<section id="comments" class="comments"><h3>Comments</h3><p>Great article! Bob</p></section>
<footer><p>© 2024 The Daily Planet. All rights reserved.</p></footer>
<script>document.write("Injected by script")</script>
"""

HEAD = """<head><meta charset="utf-8">
<title>Unemployment falls to 3.9% | The Daily Planet</title>
<meta property="og:title" content="Unemployment falls to 3.9%">
<meta property="og:site_name" content="The Daily Planet">
<meta name="author" content="Lois Lane">
<meta property="article:published_time" content="2024-03-05T08:00:00Z">
<link rel="canonical" href="https://planet.example/news/unemployment">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [{"@type": "WebSite", "name": "Planet"},
 {"@type": "NewsArticle", "headline": "Unemployment falls to 3.9% (JSON-LD)",
  "datePublished": "2024-03-04", "author": [{"@type": "Person", "name": "Lois Lane"},
  {"@type": "Person", "name": "Clark Kent"}],
  "publisher": {"@type": "Organization", "name": "The Daily Planet"}}]}
</script>
<script>var tracking = "Tracking text never shown";</script>
<style>p { color: red }</style>
</head>"""


def page(head: str = HEAD, body: str = BODY, lang: str = "en-GB") -> bytes:
    return f'<!DOCTYPE html><html lang="{lang}">{head}<body>{body}</body></html>'.encode()


def roles(article: ImportedArticle) -> list[tuple[R, str]]:
    assert article.paragraphs is not None
    return [(p.role, article.text[p.start : p.end]) for p in article.paragraphs]


def test_saved_page_main_text_roles_and_no_boilerplate() -> None:
    article = read_article_bytes(page(), "saved.html")
    assert article.source_format == "html"
    found = roles(article)
    assert found[0] == (R.HEADLINE, "Unemployment falls to 3.9%")
    assert found[1][0] is R.STANDFIRST and found[1][1].startswith("The jobless rate fell")
    assert (R.CAPTION, "Job seekers at a centre in Leeds.") in found
    assert (R.CREDIT, "Photo: Jane Doe/Reuters") in found
    assert (R.SUBHEADING, "Wages rise") in found
    assert any(
        role is R.BODY and "“This is the best figure since 2008,”" in text for role, text in found
    )
    for boilerplate in (
        "cookies",
        "Home",
        "Politics",
        "Share on",
        "Related",
        "Inflation falls again",
        "Great article",
        "All rights reserved",
        "Injected",
        "Tracking",
        "color: red",
    ):
        assert boilerplate not in article.text, boilerplate


def test_metadata_prefers_json_ld_then_open_graph() -> None:
    metadata = read_article_bytes(page(), "saved.html").metadata
    assert metadata.title == "Unemployment falls to 3.9% (JSON-LD)"
    assert metadata.author == "Lois Lane, Clark Kent"
    assert metadata.published == date(2024, 3, 4)
    assert metadata.outlet == "The Daily Planet"
    assert metadata.url == "https://planet.example/news/unemployment"
    assert metadata.language == "en"


def test_metadata_from_meta_tags_only() -> None:
    head = """<head><meta charset="utf-8"><title>Rates held | Planet News</title>
    <meta name="author" content="By Jimmy Olsen">
    <meta name="date" content="2023-11-30">
    <meta property="og:url" content="https://planet.example/rates"></head>"""
    metadata = read_article_bytes(page(head=head, lang="fr"), "x.htm").metadata
    assert metadata.title == "Rates held"
    assert metadata.author == "Jimmy Olsen"
    assert metadata.published == date(2023, 11, 30)
    assert metadata.url == "https://planet.example/rates"
    assert metadata.language == "fr"


def test_legacy_charset_declared_in_meta() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; '
        'charset=windows-1252"></head><body><article><h1>Caf\xe9 prices</h1>'
        "<p>Prices at the caf\xe9 rose by 12% \x96 \x93a record\x94, said the owner, "
        "who has run it since 1998 and has never seen such a rise in one year.</p>"
        "</article></body></html>"
    ).encode("latin-1")
    article = read_article_bytes(html, "page.html")
    assert "café rose by 12% – “a record”" in article.text


def test_html_detected_by_content_whatever_the_name() -> None:
    assert read_article_bytes(page(), "download.txt").source_format == "html"
    assert read_article_bytes(page(), None).source_format == "html"


def test_page_of_scripts_only_is_empty() -> None:
    body = "<script>" + "var a = 'text';" * 1000 + "</script><noscript>Enable JS</noscript>"
    with pytest.raises(EmptyArticleError):
        read_article_bytes(page(head="<head></head>", body=body), "app.html")


def test_scripts_never_become_text_even_in_the_fallback() -> None:
    body = (
        "<p>Short real text.</p>"
        + "<script>var leaked = 1;</script>" * 500
        + "<template><p>hidden</p></template>"
    )
    article = read_article_bytes(page(head="<head></head>", body=body), "a.html")
    assert article.text == "Short real text."


def test_mhtml_single_file_page() -> None:
    html = page().decode()
    mhtml = (
        "From: <Saved by Blink>\r\nSubject: Unemployment\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="XYZ"\r\n\r\n'
        "--XYZ\r\nContent-Type: text/html; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n\r\n" + html + "\r\n--XYZ--\r\n"
    ).encode()
    article = read_article_bytes(mhtml, "page.mhtml")
    assert article.source_format == "html"
    assert article.text.startswith("Unemployment falls to 3.9%")


def test_pasted_html_keeps_the_whole_selection() -> None:
    html = (
        "<html><body><!--StartFragment--><h2>Budget</h2><p>Spending rises by "
        "<b>£2bn</b>.<br>Taxes stay.</p><script>x()</script><!--EndFragment--></body></html>"
    )
    article = read_pasted("Budget Spending rises by £2bn.", html)
    assert article.source_format == "html"
    assert roles(article) == [
        (R.SUBHEADING, "Budget"),
        (R.BODY, "Spending rises by £2bn.\nTaxes stay."),
    ]


def test_pasted_html_without_text_falls_back_to_plain_text() -> None:
    article = read_pasted("Plain words.", "<img src='x.png'>")
    assert article.text == "Plain words."
    with pytest.raises(EmptyArticleError):
        read_pasted(None, "<script>1</script>")


def test_utf16_page_with_bom() -> None:
    data = "\ufeff" + page().decode()
    article = read_article_bytes(data.encode("utf-16-le"), "page.htm")
    assert article.source_format == "html"
    assert article.text.startswith("Unemployment falls to 3.9%")
