"""An in-memory keyring backend for tests: the real keyring API, nothing on disk.

Select it in a subprocess with
``PYTHON_KEYRING_BACKEND=tests.support.memory_keyring.MemoryKeyring`` (the repository
root on ``PYTHONPATH``); in-process tests get it from a fixture. It is the same backend
the self-test uses, so there is one implementation.
"""

from __future__ import annotations

from app.core.selftest import MemoryKeyring

__all__ = ["MemoryKeyring"]
