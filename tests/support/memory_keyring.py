"""An in-memory keyring backend for tests: the real keyring API, nothing on disk.

Select it in a subprocess with ``PYTHON_KEYRING_BACKEND=tests.support.memory_keyring.MemoryKeyring``
(the repository root on ``PYTHONPATH``); in-process tests get it from a fixture.
"""

from __future__ import annotations

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)
