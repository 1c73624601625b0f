"""What the merge dialog is given before anything is merged (issue 16, point 8).

Before: a conflict named no one and no time, gave a verdict's explanation cut to 60
characters and its fields as column names ("rating_id"); claims were numbered per
article (claim 1 of the second article was "#1", the window's #5); the incoming file's
signature was not checked before merging, and what merges by itself was only counted.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.claim_refs import claim_numbers
from app.core.project import ProjectService
from app.core.records import ClaimFilter
from app.core.sharing.merge import VERDICT
from app.core.sharing.merge.conflicts import field_label
from app.core.sharing.merge.preview import preview_merge
from app.core.sharing.signing import VerifyStatus, sign_project
from app.core.sharing.trust import trust_key
from tests.core.sharing.conftest import sentences

Make = Callable[..., tuple[ProjectService, Path]]
LONG = "A long explanation. " * 20


def _claim(service: ProjectService, index: int) -> Any:
    return service.claims(with_evidence=True)[index]


def test_each_side_of_a_conflict_says_who_changed_it_and_when(two_copies: Make) -> None:
    def bob(t: ProjectService) -> None:
        t.update_claim(_claim(t, 1).id, explanation=LONG)

    mine, theirs = two_copies(bob)
    mine.update_claim(_claim(mine, 1).id, explanation="Ann's view")
    before = theirs.read_bytes()
    preview = preview_merge(mine, theirs)
    assert theirs.read_bytes() == before  # looked at, never written
    (conflict,) = preview.plan.conflicts
    assert conflict.field == VERDICT and conflict.field_label == "Verdict"
    assert conflict.mine_edit is not None and conflict.mine_edit.author == "Ann"
    assert conflict.theirs_edit is not None and conflict.theirs_edit.author == "Bob"
    assert conflict.theirs_edit.at.utcoffset() is not None  # a real moment, shown locally
    parts = {p.label: p for p in conflict.parts}
    assert list(parts) == ["Status", "Rating", "Explanation"]
    assert parts["Explanation"].theirs == LONG  # in full, not cut
    assert parts["Explanation"].differs and not parts["Status"].differs
    assert parts["Rating"].mine == "Unrated"
    json = conflict.to_json()
    assert json["theirs_changed_by"]["author"] == "Bob"


def test_claims_are_numbered_over_the_whole_project_as_the_window_numbers_them(
    tmp_path: Path, build: Callable[..., ProjectService]
) -> None:
    base = build(tmp_path / "mine.factdesk")
    text = "Taxes rose by 40% in one year. Rents doubled since 2020."
    second, _ = base.add_article(text, detected=sentences(text))
    base.close()
    theirs = tmp_path / "theirs.factdesk"
    shutil.copy(tmp_path / "mine.factdesk", theirs)
    bob = ProjectService.open_file(theirs, author="Bob")
    target = bob.claims(ClaimFilter(article_id=second.id))[1]
    bob.update_claim(target.id, claimant="Bob's pick")
    bob.close()
    mine = ProjectService.open_file(tmp_path / "mine.factdesk", author="Ann")
    try:
        mine.update_claim(target.id, claimant="Ann's pick")
        (conflict,) = preview_merge(mine, theirs).plan.conflicts
        number = claim_numbers(mine)[target.id]
        assert number > 2  # the second article's second claim, counted after the first's
        assert conflict.number == number
        assert conflict.label.startswith(f"#{number} in ")
        assert conflict.field_label == "Claimant"
    finally:
        mine.close()


def test_the_automatic_changes_are_told_in_plain_words(two_copies: Make) -> None:
    def bob(t: ProjectService) -> None:
        t.set_rating(_claim(t, 2).id, "Mostly false")
        t.add_evidence(_claim(t, 3).id, url="https://example.org/flood", title="Flood map")
        t.remove_evidence(_claim(t, 0).evidence[0].id)
        text = "Bus fares rose by 10% this year."
        t.add_article(text, detected=sentences(text))

    mine, theirs = two_copies(bob)
    texts = [c.text for c in preview_merge(mine, theirs).changes]
    assert (
        "Claim #3 'The new bridge will cost twice as much as the old one.': "
        "Rating Unrated → Mostly false (rated by Bob)"
    ) in texts
    assert (
        "Added: Evidence 'Flood map' on claim #4 "
        "'Experts predict the river will flood again next spring.'"
    ) in texts
    assert any(t.startswith("Added: Article ") for t in texts)
    assert "Added: Claim 'Bus fares rose by 10% this year.' in article " in " ".join(texts)
    assert (
        "Removed: Evidence 'Labour survey' on claim #1 "
        "'Unemployment fell by 3% last year, the minister said.'"
    ) in texts
    assert not any("_id" in t or "rating id" in t for t in texts)


def test_the_incoming_signature_is_checked_before_merging(two_copies: Make) -> None:
    signed: dict[str, str] = {}

    def bob(t: ProjectService) -> None:
        t.update_claim(_claim(t, 1).id, explanation="Bob")
        signed["fingerprint"] = sign_project(t, trust_own_key=False).key_fingerprint

    mine, theirs = two_copies(bob)
    result = preview_merge(mine, theirs).signature
    assert result.status is VerifyStatus.UNTRUSTED and result.signer_name == "Bob"
    trust_key(signed["fingerprint"], "Bob Okafor")
    result = preview_merge(mine, theirs).signature
    assert result.status is VerifyStatus.VALID and result.trusted_name == "Bob Okafor"
    with sqlite3.connect(theirs) as conn:
        conn.execute("DELETE FROM signature")
    conn.close()
    result = preview_merge(mine, theirs).signature
    assert result.status is VerifyStatus.UNSIGNED and result.signature_removed


def test_plain_field_names() -> None:
    assert field_label("rating_id") == "Rating"
    assert field_label("archive_url") == "Archived copy"
    assert field_label("some_new_column_id") == "Some new column"
