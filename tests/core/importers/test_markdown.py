from __future__ import annotations

from datetime import date

from app.core.importers import ImportedArticle, read_article_bytes
from app.core.records import ParagraphRole as R

SOURCE = """---
title: "Jobless rate falls"
author: Lois Lane
date: 2024-03-05
url: https://planet.example/jobs
---
# Unemployment falls to *3.9%*

The rate fell for the third month, the [statistics office](https://ons.example) said
on **Tuesday**.

![Job seekers queue outside a centre in Leeds](queue.jpg)
*Job seekers in Leeds. Photo: Jane Doe/Reuters*

## Wages rise

“This is the best figure since 2008,” the minister said.

- Wages rose 5.6%
- Inflation fell to 3.4%

| Year | Rate |
|------|------|
| 2023 | 4.1% |

<div class="note">An <b>HTML</b> note.<script>alert("never text")</script></div>
"""


def roles(article: ImportedArticle) -> list[tuple[R, str]]:
    assert article.paragraphs is not None
    return [(p.role, article.text[p.start : p.end]) for p in article.paragraphs]


def test_markdown_text_roles_and_front_matter() -> None:
    article = read_article_bytes(SOURCE.encode(), "story.md")
    assert article.source_format == "markdown"
    assert roles(article) == [
        (R.HEADLINE, "Unemployment falls to 3.9%"),
        (R.BODY, "The rate fell for the third month, the statistics office said on Tuesday."),
        (R.CAPTION, "Job seekers queue outside a centre in Leeds"),
        (R.CAPTION, "Job seekers in Leeds."),
        (R.CREDIT, "Photo: Jane Doe/Reuters"),
        (R.SUBHEADING, "Wages rise"),
        (R.BODY, "“This is the best figure since 2008,” the minister said."),
        (R.BODY, "Wages rose 5.6%"),
        (R.BODY, "Inflation fell to 3.4%"),
        (R.BODY, "Year | Rate"),
        (R.BODY, "2023 | 4.1%"),
        (R.BODY, "An HTML note."),
    ]
    assert article.metadata.title == "Jobless rate falls"
    assert article.metadata.author == "Lois Lane"
    assert article.metadata.published == date(2024, 3, 5)
    assert article.metadata.url == "https://planet.example/jobs"
    assert "never text" not in article.text
    assert "**" not in article.text and "](" not in article.text


def test_headline_gives_the_title_when_there_is_no_front_matter() -> None:
    article = read_article_bytes(b"# Big news\n\nSomething happened.\n\n# Another h1\n", "a.md")
    assert article.metadata.title == "Big news"
    assert roles(article)[-1] == (R.SUBHEADING, "Another h1")
