"""Counted nouns in messages: ``1 claim``, ``2 claims``; never ``claim(s)``."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun in the form that agrees with it (``nouns`` when the plural
    is not the noun plus "s")."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"
