"""Reading ClaimReview collections: JSON-LD, Data Commons feeds, web pages, CSV."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import ValidationError
from app.core.matching.items import ReviewItem
from app.core.matching.readers import read_collection

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://checks.example/water-plant",
    "claimReviewed": "The water plant has never been upgraded since 1952.",
    "datePublished": "2024-03-05",
    "author": {"@type": "Organization", "name": "Example Checks"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "Jo Bloggs"}},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "alternateName": "False"},
}


def items(path: Path) -> list[ReviewItem | str]:
    return [entry for _, entry in read_collection(path)]


def test_single_claim_review_json_ld(tmp_path: Path) -> None:
    path = tmp_path / "one.jsonld"
    path.write_text(json.dumps(REVIEW))
    (item,) = items(path)
    assert isinstance(item, ReviewItem)
    assert item.claim.startswith("The water plant")
    assert (item.rating, item.publisher, item.speaker) == ("False", "Example Checks", "Jo Bloggs")
    assert (item.date, item.url) == ("2024-03-05", "https://checks.example/water-plant")


def test_data_commons_feed_with_a_bad_item_keeps_the_rest(tmp_path: Path) -> None:
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [
            {"@type": "DataFeedItem", "item": [REVIEW]},
            {"@type": "DataFeedItem", "item": [{**REVIEW, "claimReviewed": ""}]},
            {"@type": "DataFeedItem", "item": [{**REVIEW, "url": "https://checks.example/2"}]},
        ],
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))
    found = items(path)
    assert [isinstance(x, ReviewItem) for x in found] == [True, False, True]
    assert found[1] == "no claim text"


def test_web_page_with_claim_review_script(tmp_path: Path) -> None:
    page = (
        "<html><head><script type='application/ld+json'>"
        + json.dumps({"@type": "Organization", "name": "x"})
        + '</script><script type="application/ld+json">'
        + json.dumps({"@graph": [REVIEW]})
        + "</script></head><body>Fact check</body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page)
    (item,) = items(path)
    assert isinstance(item, ReviewItem) and item.publisher == "Example Checks"


def test_csv_named_columns_and_aliases(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "ID,claim,rating,publisher,claimant,date,url,unused\n"
        'a1,Crime doubled since 2010.,False,Desk,Mayor Smith,"March 4, 2021",https://x.example/a1,z\n'
        "a2,,True,Desk,,,,\n",
        encoding="utf-8",
    )
    first, second = items(path)
    assert isinstance(first, ReviewItem)
    assert (first.id, first.rating, first.publisher, first.speaker, first.date) == (
        "a1",
        "False",
        "Desk",
        "Mayor Smith",
        "2021-03-04",
    )
    assert second == "no claim text"


def test_csv_without_claim_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("id,text\n1,hello\n")
    with pytest.raises(ValidationError, match="'claim' column"):
        items(path)


def test_not_json_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(ValidationError, match="not valid JSON"):
        items(path)


def test_same_review_has_the_same_key_whatever_file_it_came_from() -> None:
    a = ReviewItem(claim="Crime  doubled.", publisher="Desk", url="https://x/1", origin="a.csv")
    b = ReviewItem(claim="crime doubled.", publisher="desk", url="https://x/1", origin="b.json")
    assert a.key() == b.key()
    assert a.key() != ReviewItem(claim="Crime doubled.", publisher="Other", url="https://x/1").key()
