"""Shared fixtures for the importer tests: no network, ever."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The test folders are not packages (house rule); make the document makers importable.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Any attempt to open a connection fails the test: importers must stay offline."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("an importer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield
