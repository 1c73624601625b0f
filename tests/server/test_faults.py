"""The server stopping or restarting mid-session; others' edits noticed by polling."""

from __future__ import annotations

from typing import Any

import pytest

from app.core.errors import DatabaseUnavailableError
from app.core.server.sync import ChangeWatcher
from tests.server.helpers import new_server_project, second_service


def test_stop_refuses_edits_visibly_then_recovers(postgres: Any) -> None:
    _url, service = new_server_project(postgres)
    watcher = ChangeWatcher(service)
    claim_id = service.claim_ids()[0]
    try:
        service.update_claim(claim_id, explanation="before the outage")
        postgres.pg_ctl("stop")
        try:
            with pytest.raises(DatabaseUnavailableError) as caught:
                service.update_claim(claim_id, explanation="during the outage")
            assert "not answering" in str(caught.value)
            with pytest.raises(DatabaseUnavailableError):
                service.claim(claim_id)
            with pytest.raises(DatabaseUnavailableError):
                watcher.poll()
        finally:
            postgres.pg_ctl("start")
        # The same service, with no reconnect call: the pool replaces dead connections.
        assert service.claim(claim_id).explanation == "before the outage"
        service.update_claim(claim_id, explanation="after the outage")
        assert service.claim(claim_id).explanation == "after the outage"
        watcher.poll()
    finally:
        service.close()


def test_restart_mid_session_is_invisible_to_the_next_edit(postgres: Any) -> None:
    _url, service = new_server_project(postgres)
    claim_id = service.claim_ids()[1]
    try:
        before = service.claim(claim_id).revision
        postgres.pg_ctl("restart")
        info, _ = service.update_claim(claim_id, wording="edited after a restart")
        assert info.revision == before + 1
        assert service.claim(claim_id).wording == "edited after a restart"
    finally:
        service.close()


def test_watcher_reports_others_changes_only(postgres: Any) -> None:
    url, alice = new_server_project(postgres)
    bob = second_service(url, str(alice.project_id), "Bob")
    try:
        watcher = ChangeWatcher(alice)
        assert watcher.poll().claims == frozenset()
        first, second, third = alice.claim_ids()
        bob.update_claim(first, explanation="Bob was here")
        alice.update_claim(second, explanation="Alice's own edit")
        changes = watcher.poll()
        assert changes.claims == frozenset({first})
        assert watcher.poll().claims == frozenset()  # reported once
        bob.dismiss_claim(third)
        bob.rename("Renamed by Bob")
        changes = watcher.poll()
        assert changes.claims == frozenset({third}) and changes.project
    finally:
        alice.close()
        bob.close()
