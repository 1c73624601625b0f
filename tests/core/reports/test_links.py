"""Which addresses a report may link: http(s) with a host, never whitespace or controls."""

from __future__ import annotations

import sys

from app.core.reports.escaping import safe_url


def test_no_address_with_whitespace_or_a_control_character_is_linked() -> None:
    refused = [
        ch
        for ch in map(chr, range(sys.maxunicode + 1))
        if ch.isspace() or ord(ch) < 32 or ord(ch) == 127
    ]
    assert "\u00a0" in refused and "\u3000" in refused and "\x1f" in refused
    for ch in refused:
        assert safe_url(f"https://example.org/a{ch}b") is None, hex(ord(ch))


def test_any_other_character_in_a_path_keeps_the_address_linkable() -> None:
    for code in range(33, 0x3100):
        ch = chr(code)
        if ch.isspace() or code == 127 or 0xD800 <= code <= 0xDFFF:
            continue
        url = f"https://example.org/a{ch}b"
        assert safe_url(url) == url, hex(code)
