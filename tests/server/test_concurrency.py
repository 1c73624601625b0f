"""Two people editing one project on a real PostgreSQL server."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import pytest

from app.core.errors import StaleEditError
from app.core.project.store import apply
from app.models.tables import Claim
from tests.server.helpers import new_server_project, second_service


def test_stale_expected_revision_names_who_and_when(postgres: Any) -> None:
    url, alice = new_server_project(postgres)
    bob = second_service(url, str(alice.project_id), "Bob")
    try:
        claim_id = alice.claim_ids()[0]
        seen = alice.claim(claim_id)
        bob.update_claim(claim_id, explanation="Bob's reading")
        with pytest.raises(StaleEditError) as caught:
            alice.update_claim(
                claim_id, expected_revision=seen.revision, explanation="Alice's reading"
            )
        assert caught.value.changed_by == "Bob"
        assert caught.value.changed_at is not None
        assert alice.claim(claim_id).explanation == "Bob's reading"
    finally:
        alice.close()
        bob.close()


def test_race_between_read_and_write_names_the_winner(postgres: Any) -> None:
    """Bob commits after Alice's transaction read the row and before it writes."""
    url, alice = new_server_project(postgres)
    bob = second_service(url, str(alice.project_id), "Bob")
    try:
        claim_id = alice.claim_ids()[0]
        with pytest.raises(StaleEditError) as caught, alice.store.write() as s:
            row = s.get(Claim, claim_id)
            assert row is not None
            bob.update_claim(claim_id, wording="Bob won the race")
            apply(row, {"wording": "Alice lost it"})
        assert caught.value.changed_by == "Bob"
        assert caught.value.changed_at is not None
        assert "Bob" in str(caught.value)
        assert alice.claim(claim_id).wording == "Bob won the race"
        # Nothing of Alice's attempt reached the change log.
        assert not [h for h in alice.history(claim_id) if "Alice lost it" in str(h)]
    finally:
        alice.close()
        bob.close()


WRITER = textwrap.dedent(
    """
    import sys
    from app.core.errors import StaleEditError
    from app.core.project import ProjectService
    from app.models.database import open_server

    url, project_id, claim_id, revision, author = sys.argv[1:6]
    service = ProjectService.for_database(open_server(url), author=author, project_id=project_id)
    try:
        service.update_claim(claim_id, expected_revision=int(revision), explanation=author)
        print("saved")
    except StaleEditError as exc:
        print("conflict", exc.changed_by)
    finally:
        service.close()
    """
)


def test_two_processes_same_claim_one_wins_other_told(postgres: Any) -> None:
    url, alice = new_server_project(postgres)
    try:
        claim_id = alice.claim_ids()[1]
        revision = alice.claim(claim_id).revision
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WRITER,
                    url,
                    str(alice.project_id),
                    claim_id,
                    str(revision),
                    name,
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for name in ("Carol", "Dave")
        ]
        outputs = [p.communicate(timeout=60)[0].split() for p in procs]
        assert sorted(o[0] for o in outputs) == ["conflict", "saved"]
        winner = next(
            name for name, o in zip(("Carol", "Dave"), outputs, strict=True) if o[0] == "saved"
        )
        loser = next(o for o in outputs if o[0] == "conflict")
        assert loser[1] == winner
        assert alice.claim(claim_id).explanation == winner
    finally:
        alice.close()
