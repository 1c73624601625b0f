"""Question-and-answer articles: who is answering.

An interview printed as questions and answers names its speaker once, in the headline or
the introduction ("Aiko Tanabe on closing her restaurant"), and then only marks the turns:

* "Q:" / "A:" (or "Question:", "Interviewer:", "Answer:") at the start of a paragraph;
* a transcript's "Peter Lund: About 1,900, ..." with a person the article has named;
* a question paragraph followed by an unattributed quotation.

The answers belong to the interviewee (or the labelled person); the interviewer's
questions belong to nobody and are not claims. The rules are tabled here and cost one
anchored regular expression per paragraph opening plus, until a name is found, one search
per opening sentence.
"""

from __future__ import annotations

import re

from app.core.analysis.claimant_words import (
    HONORIFICS,
    NOT_A_NAME,
    PLACES,
    ROLE_HEADS,
    split_words,
)
from app.core.analysis.names import NameBook

QUESTION_LABELS = frozenset(split_words("q question interviewer"))
ANSWER_LABELS = frozenset(split_words("a answer"))
# "Dara Okafor: ..." or "**Q:** ..." at the start of a paragraph: up to four capitalised
# words (or one letter) before a colon, then the turn's words.
_TURN_LABEL = re.compile(
    r"\s*\**\s*([A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})\s*\**\s*:\s*\**\s*(?=\S)"
)
# Two or three capitalised words: the shape of a person's name as first given.
_NAME_RUN = re.compile(r"\b[A-Z][a-z][\w'’-]*(?:\s+[A-Z][a-z][\w'’-]*){1,2}\b")
# Capitalised words that open sentences or headlines without being a name's first word.
_NOT_FIRST_NAMES = frozenset(
    split_words(
        """
        the a an in on at for from by with after before as when why how what who where
        interview exclusive watch live analysis opinion comment q a
        """
    )
)


def turn_label(sentence: str) -> str | None:
    """The speaker label opening ``sentence`` ("Q", "A", "Peter Lund"), if any."""
    match = _TURN_LABEL.match(sentence)
    return match.group(1) if match else None


def label_kind(label: str) -> str:
    """ "question", "answer" or "name" for a turn label."""
    low = label.lower()
    if low in QUESTION_LABELS:
        return "question"
    if low in ANSWER_LABELS:
        return "answer"
    return "name"


def person_name(masked: str) -> str | None:
    """The first run of words in ``masked`` shaped like a person's full name."""
    for match in _NAME_RUN.finditer(masked):
        words = match.group(0).split()
        if words[0].lower() in _NOT_FIRST_NAMES or words[0].lower() in NOT_A_NAME:
            continue
        if any(
            w.lower() in ROLE_HEADS or w.lower() in PLACES or w.lower() in HONORIFICS for w in words
        ):
            continue
        return match.group(0)
    return None


_YOU = re.compile(r"\b(?:you|your|yourself)\b", re.I)


def asks_you(question: str) -> bool:
    """A question put to the reader's interlocutor ("Why did you close Hoshi?")."""
    return _YOU.search(question) is not None


# "This interview has been edited ...": the outlet's note, not the interviewee's words
_EDITORS_NOTE = re.compile(r"\b(?:this|our|the) (?:interview|conversation)\b|\bedited\b", re.I)
# the writer calls the interviewee "she"; the interviewee says "I"
_THIRD_PERSON = re.compile(r"\b(?:he|she|his|her|him|hers)\b", re.I)


def narrates(sentence: str, interviewee: str | None) -> bool:
    """The writer's narration about the interviewee ("She laughs.", "Tanabe is ..."), not
    an answer in their own words."""
    first = sentence.split(maxsplit=1)[0].strip("\"“‘'") if sentence.strip() else ""
    if _THIRD_PERSON.search(sentence) or _EDITORS_NOTE.search(sentence):
        return True
    return interviewee is not None and first in interviewee.split()


_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|I've|I’ve|me|my|we|we're|we’re|our|us)\b")


def speaks_first_person(sentence: str) -> bool:
    """Words in the speaker's own voice: an unquoted answer says "I" or "we"."""
    return _FIRST_PERSON.search(sentence) is not None


def known_person(book: NameBook, label: str) -> str | None:
    """The full name of the person the article has named as ``label`` (full or surname)."""
    person = book.people.get(label)
    if person is not None:
        return person.full
    full = book.first_names.get(label.split()[-1])
    return full if full is not None and full.endswith(label) else None


# "Dara Okafor has been the regional transport minister since March": the role the
# introduction gives (a lower-case phrase, up to a preposition or a punctuation mark)
_INTRODUCED_AS = r"(?:,|,? (?:has been|is|was|became)) (?:the |a |an )?"
_ROLE_PHRASE = (
    r"([a-z][\w’'-]*(?: [a-z][\w’'-]*){0,5}?)(?= since\b| for\b| of\b| at\b| in\b| who\b|[,.;])"
)


def introduced_role(masked: str, name: str) -> str | None:
    """The role an introduction gives ``name``, if this sentence gives one."""
    at = masked.find(name)
    if at < 0:
        return None
    match = re.match(_INTRODUCED_AS + _ROLE_PHRASE, masked[at + len(name) :])
    if match is None:
        return None
    role = match.group(1)
    return role if any(w in ROLE_HEADS for w in role.split()) else None
