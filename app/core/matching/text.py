"""Text preparation shared by the library index and the matcher.

Statements arrive in every shape: tweets with links, handles and a "— Name (@handle)
date" tail, debate sentences, headlines. Everything here turns them into the few views
matching needs: words for full-text search, a flat lower-case string for character-level
similarity, the numbers, the names and a date.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

# Common English function words: they carry no meaning for matching and make full-text
# queries slow (they occur in most documents).
_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't
    do does doesn't doing don't down during each few for from further had hadn't has hasn't
    have haven't having he he'd he'll he's her here here's hers herself him himself his how
    how's i i'd i'll i'm i've if in into is isn't it it's its itself just let's me more most
    mustn't my myself no nor not now of off on once only or other ought our ours ourselves
    out over own really same shan't she she'd she'll she's should shouldn't so some such
    than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up us very was wasn't we
    we'd we'll we're we've were weren't what what's when when's where where's which while
    who who's whom why why's will with won't would wouldn't you you'd you'll you're you've
    your yours yourself yourselves s t re ve ll d m rt via amp http https www com
"""
# words() drops apostrophes: "don't" is looked up as "dont" (other contractions would
# collide with real words: "she'll" -> "shell").
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split()) | frozenset(
    w.replace("'", "") for w in _STOP_WORDS_TEXT.split() if w.endswith("n't")
)

_URL = re.compile(r"(?:https?://|www\.|pic\.twitter\.com/)\S+", re.IGNORECASE)
# The tail Twitter's embed code adds: "— Jane Doe (@jane) March 3, 2020".
_TWEET_TAIL = re.compile(
    r"\s[—–-]{1,2}\s[^—–]{0,80}\(@\w+\)\s*(?P<date>[A-Z][a-z]+ \d{1,2}, \d{4})?\s*$"
)
_WORD = re.compile(r"[0-9]+(?:[.,][0-9]+)*%?|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES.split())}
_DATE_PATTERNS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<mon>[A-Za-z]+)\.? (?P<d>\d{1,2}),? (?P<y>\d{4})"),
    re.compile(r"(?P<d>\d{1,2}) (?P<mon>[A-Za-z]+)\.?,? (?P<y>\d{4})"),
)


def fold(text: str) -> str:
    """Lower case without accents, curly quotes made straight."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.replace("’", "'").replace("‘", "'").casefold()


def clean_statement(text: str) -> tuple[str, date | None]:
    """The statement without links and tweet tail, and the date that tail gave (if any)."""
    when = None
    tail = _TWEET_TAIL.search(text)
    if tail:
        if tail.group("date"):
            when = parse_date(tail.group("date"))
        text = text[: tail.start()]
    text = _URL.sub(" ", text)
    text = text.replace("#", " ").replace("@", " ")
    return " ".join(text.split()), when


def words(text: str) -> list[str]:
    """Lower-case words and numbers, in order (stop words kept)."""
    return [w.replace("'", "") for w in _WORD.findall(fold(text).replace(",", "")) if w]


def content_words(text: str) -> list[str]:
    """Words without stop words, in order, each once."""
    seen: dict[str, None] = {}
    for w in words(text):
        if w not in STOP_WORDS and (len(w) > 1 or w.isdigit()):
            seen.setdefault(w, None)
    return list(seen)


def numbers(text: str) -> frozenset[str]:
    """The numbers a statement mentions, written without separators ("42,000" -> "42000")."""
    return frozenset(n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text))


def names(text: str) -> frozenset[str]:
    """Capitalised words that are not the first word of a sentence: a cheap stand-in for
    named entities (people, places, organisations), lower-cased."""
    found: set[str] = set()
    for match in _CAPITALISED.finditer(text):
        start = match.start()
        before = text[:start].rstrip()
        sentence_start = not before or before[-1] in ".!?:\"“'(\u2014"
        for i, token in enumerate(match.group(0).split()):
            if i == 0 and sentence_start:
                continue
            token = fold(token).strip("'’-")
            if len(token) > 1 and token not in STOP_WORDS:
                found.add(token)
    return frozenset(found)


def parse_date(value: str | None) -> date | None:
    """A date from the forms fact-checkers write ("2020-03-04", "March 4, 2020",
    "4 March 2020", "stated on March 4, 2020 in a speech:"); None when there is none."""
    if not value:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.search(value)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["m"]) if parts.get("m") else _MONTHS.get(parts["mon"].lower())
        if month is None:
            month = next(
                (n for name, n in _MONTHS.items() if name.startswith(parts["mon"].lower()[:3])),
                None,
            )
        if month is None:
            continue
        try:
            return date(int(parts["y"]), month, int(parts["d"]))
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(value.strip()).date()
    except ValueError:
        return None
