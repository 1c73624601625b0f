"""A report reads the project as it was at one moment, on SQLite and on PostgreSQL."""

from __future__ import annotations

from typing import Any

from app.core.reports import ReportOptions, build_report
from tests.server.helpers import new_server_project, second_service


def test_server_report_ignores_an_edit_saved_while_it_reads(postgres: Any) -> None:
    url, alice = new_server_project(postgres)
    bob = second_service(url, str(alice.project_id), "Bob")
    try:
        claim_id = alice.claim_ids()[0]
        real_claims = alice.claims

        def claims_after_bobs_edit(*args: Any, **kwargs: Any) -> Any:
            bob.set_rating(claim_id, "True")  # committed on the server meanwhile
            return real_claims(*args, **kwargs)

        alice.claims = claims_after_bobs_edit  # type: ignore[method-assign]
        data = build_report(alice, ReportOptions(include_unrated=True))
        alice.claims = real_claims  # type: ignore[method-assign]
        (shown,) = [c for c in data.claims if c.id == claim_id]
        assert shown.rating_label is None  # as when the report began reading
        assert alice.claim(claim_id).rating_label == "True"  # Bob's edit is stored
        # Outside the snapshot each read sees the latest state again.
        assert [c.rating_label for c in build_report(alice).claims] == ["True"]
    finally:
        alice.close()
        bob.close()
