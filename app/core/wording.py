"""Words in messages: counted nouns (``1 claim``, ``2 claims``; never ``claim(s)``),
quoted text (``'Bob's desk'``, the same quotes whatever the text holds) and errors
written as sentences."""

from __future__ import annotations


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """``count`` and the noun in the form that agrees with it (``nouns`` when the plural
    is not the noun plus "s")."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def quoted(text: str) -> str:
    """``text`` in single quotes, as a person would quote it in a message.

    ``repr()`` switches to double quotes or escapes an apostrophe ("Bob's desk",
    'Bob\\'s "desk"'); this keeps one style. Like ``repr()``, it shows unprintable
    characters (line breaks, terminal escapes, bidirectional overrides from a hostile
    file) as escapes, so a message stays one line and cannot drive the terminal.
    """
    shown = (ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)
    return "'" + "".join(shown) + "'"


def sentence(message: str) -> str:
    """``message`` with a capital first letter, as an error shown on its own begins.

    Errors are written in lower case so that they read well after a colon ("The project
    was not signed: the keyring …"); where one is shown alone (the command line's error
    line, an error box) it begins a sentence. A message that starts with a file name,
    an option, a quoted value or a path label ("somedir: is a folder") is left alone.
    """
    first = message.split(" ", 1)[0]
    if first[:1].islower() and not any(c in first for c in "./-_'#") and not first.endswith(":"):
        return message[0].upper() + message[1:]
    return message
