"""Sharing project files: open them safely, sign, verify and merge (no Qt here)."""
