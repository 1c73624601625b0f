"""Name phrases: who a phrase such as "Shadow Health Secretary Wes Tarrant", "the
Department for Education (DfE)" or "Ms Byrne" names, and with which role or type.

:func:`parse_phrase` splits one phrase into a person (name, role, gender hint) or an
organisation (name, type); :class:`~.names.NameBook` keeps what a whole article says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.analysis.claimant_words import (
    DATA_DESCRIPTIONS,
    DATA_NOUNS,
    DETERMINERS,
    FEMALE_HONORIFICS,
    GROUP_NOUNS,
    HONORIFICS,
    MALE_HONORIFICS,
    MEASUREMENT_NOUNS,
    NOT_A_NAME,
    ORG_TYPES,
    ORG_WORDS,
    PLACES,
    ROLE_HEADS,
    TIME_OPENERS,
    TIME_SPANS,
    TIME_WORDS,
    split_words,
)

_POST_NOMINALS = frozenset(
    split_words(
        """
        kc qc mp msp ms am mep jr jr. sr sr. obe cbe mbe phd
        """
    )
)
NAME_CONNECTORS = frozenset(
    ["of", "for", "and", "on", "de", "van", "von", "der", "da", "al", "bin", "the", "&"]
)
_SPOKES = re.compile(r"^(?:spokes(?:man|woman|person)|representative|press officer)$")
_FEMALE_ROLES = frozenset(["spokeswoman", "chairwoman", "councilwoman", "congresswoman"])
_MALE_ROLES = frozenset(["spokesman", "chairman", "councilman", "congressman"])
# "Siobhan Kerr, an engineer who ...": a person introduced before their role
LOWER_WORDS = re.compile(r"[a-z]+")
# ROLE_HEADS as the plain words LOWER_WORDS finds ("gov." -> "gov")
WORD = re.compile(r"[\w'’.&-]+")
_LEADING_JUNK = frozenset(
    ["but", "and", "so", "yet", "however", "meanwhile", "then", "also", "speaking"]
)


@dataclass(slots=True)
class Person:
    full: str
    role: str | None = None
    gender: str | None = None  # "f", "m" or unknown


@dataclass(slots=True)
class Parsed:
    """A speaker phrase taken apart: a name, the role given with it, and what it is."""

    name: str
    role: str | None = None
    kind: str = "person"  # person, org, group, pronoun, type (the ministry)
    gender: str | None = None
    org_type: str | None = None


def strip_determiners(words: list[str]) -> list[str]:
    while words and words[0].lower() in DETERMINERS:
        words = words[1:]
    return words


def is_cap(word: str) -> bool:
    return word[:1].isupper()


def is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1)


def looks_like_org(words: list[str]) -> bool:
    if not words:
        return False
    if sum(is_cap(w) for w in words) >= 4 and not any(
        w.lower().rstrip(".") in ROLE_HEADS or w.lower().rstrip(".") in HONORIFICS for w in words
    ):
        return True  # people's names are shorter: "National Grid Electricity Distribution"
    if len(words) == 1 and (is_acronym(words[0]) or words[0].lower() in PLACES):
        return True
    if _possessive_free(words[-1]) not in ORG_WORDS and any(
        w.lower().rstrip(".") in ROLE_HEADS for w in words
    ):
        return False  # "Energy Minister Piotr Nowak": a titled person
    return any(_possessive_free(w) in ORG_WORDS for w in words)


def _possessive_free(word: str) -> str:
    low = word.lower()
    return low[:-2] if low.endswith(("'s", "’s")) else low


def split_name(words: list[str]) -> Parsed | None:
    """Take a determiner-free phrase apart: role words, honorifics and the name itself."""
    while words and words[0].lower() in _LEADING_JUNK:
        words = words[1:]
    if not words:
        return None
    # the name: the capitalised run at the end ("Brazilian trade minister | Ana Lopes")
    start = len(words)
    while start > 0 and (
        is_cap(words[start - 1])
        or (
            words[start - 1].lower() in NAME_CONNECTORS
            and start < len(words)
            and start - 1 > 0
            and (is_cap(words[start - 2]) or words[start - 2].lower() in {"of", "for"})
        )
    ):
        start -= 1
    while start < len(words) and words[start].lower() in NAME_CONNECTORS:
        start += 1
    role_words = words[:start]
    run = words[start:]
    if not run:
        return None
    gender: str | None = None
    # "Joanna Pereira of Halden Securities": the person, then where they work
    tail: list[str] = []
    for i, word in enumerate(run):
        if word.lower() in {"of", "at"} and 1 <= i < len(run) - 1:
            if (not looks_like_org(run[:i]) and looks_like_org(run[i + 1 :])) or (
                i >= 2
                and (
                    run[i - 1].lower() not in ROLE_HEADS
                    and not looks_like_org(run[:i])
                    and is_cap(run[i + 1])
                    and run[i + 1].lower() != "the"
                    and any(w.lower() in HONORIFICS | ROLE_HEADS for w in run[:i])
                )
            ):
                tail = run[i:]
                run = run[:i]
            break
    # job titles at the front of the run ("Shadow Health Secretary | Wes Tarrant")
    last_head = -1
    for i, word in enumerate(run[:-1]):
        low = word.lower()
        if (low in ROLE_HEADS or low.rstrip(".") in ROLE_HEADS) and low.rstrip(".") not in (
            HONORIFICS
        ):
            last_head = i
    if last_head >= 0 and not looks_like_org(run[last_head + 1 :]):
        role_words = role_words + run[: last_head + 1]
        run = run[last_head + 1 :]
    # honorifics are neither name nor role
    while len(run) > 1 and run[0].lower().rstrip(".") in HONORIFICS:
        low = run[0].lower().rstrip(".")
        if low in FEMALE_HONORIFICS:
            gender = "f"
        elif low in MALE_HONORIFICS:
            gender = "m"
        run = run[1:]
    while len(run) > 1 and run[-1].lower() in _POST_NOMINALS:
        run = run[:-1]
    if tail and role_words:
        role_words = [*role_words, *tail]
    for word in role_words:
        low = word.lower()
        if low in _FEMALE_ROLES:
            gender = "f"
        elif low in _MALE_ROLES:
            gender = "m"
    role = " ".join(role_words).strip(" ,") or None
    if run[0].lower() in NOT_A_NAME:
        return None
    kind = "org" if looks_like_org(run) else "person"
    org_type = None
    if role_words and role_words[-1].lower() in ORG_TYPES and kind == "person" and len(run) <= 4:
        # "research firm Kantar", "the charity Hope Rising": a described organisation
        kind = "org"
    if kind == "org":
        org_type = next((w.lower() for w in reversed(role_words) if w.lower() in ORG_TYPES), None)
        role = None
    return Parsed(" ".join(run), role, kind, gender, org_type)


def parse_phrase(phrase: str) -> Parsed | None:
    """What a speaker phrase names, before looking anything up in the article."""
    words = WORD.findall(phrase)
    if not words:
        return None
    while words and words[0].lower() in _LEADING_JUNK:
        words = words[1:]
    if not words:
        return None
    had_determiner = words[0].lower() in DETERMINERS
    words = strip_determiners(words)
    if words and words[-1][:1].islower() and words[-1].endswith(("'s", "’s")):
        words = [*words[:-1], words[-1][:-2]]  # "the ministry's (spokesman)": the ministry
    if not words:
        return None
    words = _strip_trailing_time(words)
    if not words:
        return None
    lowered = [w.lower() for w in words]
    if len(words) == 1 and lowered[0] in {"he", "she", "it", "they"}:
        return Parsed(lowered[0], kind="pronoun")
    # "a spokesman for the LGA", "an MDC spokeswoman": the organisation speaks
    for i, low in enumerate(lowered):
        if _SPOKES.match(low):
            if i + 1 < len(words) and is_cap(words[i + 1]):
                break  # "transport spokesman Liam Carver": a titled person
            if i + 2 < len(words) and lowered[i + 1] in {"for", "at", "of"}:
                inner = parse_phrase(" ".join(words[i + 2 :]))
            elif i > 0:
                inner = parse_phrase(" ".join(words[:i]))
            else:
                return None
            if inner is not None and inner.kind in {"person", "type"}:
                return Parsed(
                    inner.name,
                    kind="org" if inner.kind == "person" else inner.kind,
                    org_type=inner.org_type,
                )
            return inner
    # "Economists at the Institute for Fiscal Studies": the institution;
    # "figures from research firm Kantar", "data published by the DfE": the source
    for i, low in enumerate(lowered):
        if (low in GROUP_NOUNS or low in DATA_NOUNS) and i + 2 < len(words):
            nxt = lowered[i + 1]
            rest = words[i + 2 :]
            if nxt in {"from", "by"} or (nxt in {"at", "of"} and low in GROUP_NOUNS):
                inner = parse_phrase(" ".join(rest))
                if inner is not None and inner.kind in {"org", "type"}:
                    return inner
            if nxt == "published" and len(words) > i + 3 and lowered[i + 2] == "by":
                inner = parse_phrase(" ".join(words[i + 3 :]))
                if inner is not None:
                    return inner
    if lowered[-1] in MEASUREMENT_NOUNS and not any(is_cap(w) for w in words):
        return None  # "routine tests found ...": an instrument, not a claimant
    if lowered[-1] in DATA_NOUNS and not is_cap(words[-1]):
        # "the latest NHS England data shows": the body that publishes it
        caps: list[str] = []
        for word in reversed(words[:-1]):
            if word.lower() in DATA_DESCRIPTIONS and not caps:
                continue  # "official figures", "X's own data"
            if not is_cap(word) or word.lower() in NOT_A_NAME | DATA_DESCRIPTIONS:
                break
            caps.insert(0, word)
        if caps and caps[-1].endswith(("'s", "’s")):
            caps[-1] = caps[-1][:-2]  # "Police Scotland's own data": Police Scotland
        if caps:
            return Parsed(" ".join(caps), kind="org")
        return Parsed(" ".join(words), kind="group")
    if (any(low in GROUP_NOUNS for low in lowered) and not is_cap(words[-1])) or (
        lowered[0] in GROUP_NOUNS
    ):
        return Parsed(" ".join(words), kind="group")
    if len(words) == 1 and lowered[0] in ORG_TYPES:
        return Parsed(lowered[0], kind="type", org_type=lowered[0])
    if not is_cap(words[-1]):
        if lowered[-1] in ORG_TYPES and len(words) <= 4:
            # "the GMB union": the organisation named before its type
            caps = [w for w in words[:-1] if is_cap(w)]
            if caps and all(is_cap(w) for w in words[len(words) - 1 - len(caps) : -1]):
                return Parsed(" ".join(caps), kind="org", org_type=lowered[-1])
            # "the state environment department": the phrase, unless one is known
            return Parsed(" ".join(words), kind="type", org_type=lowered[-1])
        if had_determiner and len(words) <= 5 and lowered[0] not in NOT_A_NAME:
            return Parsed(" ".join(words), kind="group")  # "the opposition", "a witness"
        if len(words) <= 3 and lowered[-1].endswith("s") and lowered[0] not in NOT_A_NAME:
            return Parsed(" ".join(words), kind="group")  # "energy network operators"
        return None
    return split_name(words)


def _strip_trailing_time(words: list[str]) -> list[str]:
    """Drop a time that follows the claimant: "the Audit Office last year", "X on Monday"."""
    while words:
        last = words[-1].lower()
        if last in TIME_WORDS and len(words) > 1:
            words = words[:-2] if words[-2].lower() == "on" else words[:-1]
        elif last in TIME_SPANS and len(words) > 2 and words[-2].lower() in TIME_OPENERS:
            words = words[:-2]
        else:
            return words
    return words
