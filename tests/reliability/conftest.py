"""Shared helpers for the reliability suite (crash safety, fuzzing, security, no network)."""

from __future__ import annotations

import os

import pytest


def full_fuzz() -> bool:
    """``make fuzz`` sets FACTDESK_FUZZ_FULL=1 for long runs; CI runs a bounded number."""
    return os.environ.get("FACTDESK_FUZZ_FULL", "") not in ("", "0")


@pytest.fixture
def fuzz_examples() -> int:
    return 2000 if full_fuzz() else 60
