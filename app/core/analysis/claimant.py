"""Who makes a claim, sentence by sentence: quotations and reporting constructions.

This module looks at one sentence (its quotations masked) and finds the phrase that
names the speaker; :mod:`.names` turns that phrase into a claimant and a role using
what the article said before. The constructions, tried in this order:

* "It was reported that ..." names nobody (:data:`IMPERSONAL`), "It was claimed by X" X;
* "according to X" (a phrase that cannot be a claimant lets the other rules try);
* "the claim, made by former mayor X";
* a subject before a reporting verb of :mod:`.claimant_words` ("X said", "France has
  already said", "Kenya disputed", "X was quoted as saying"), with an apposition on
  either side ("X, the health secretary, said"; "Its director, Ama Boateng, said"). The
  subject is read leftwards from the verb, so a venue or an audience after the verb
  ("said at the UN", "told Channel 4 News:") is never taken for the speaker;
* the verb before the subject after a quotation or a comma ("..., said Cllr Priya Shah");
* "X: '...'" with X at the start of a clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core.analysis.claimant_words import (
    AUXILIARIES,
    CLAUSE_BREAKS,
    DATA_NOUNS,
    DETERMINERS,
    GROUP_NOUNS,
    IMPERSONAL_VERBS,
    ORG_TYPES,
    REPORTING_PHRASES,
    REPORTING_VERBS,
    ROLE_HEADS,
    ROLE_MODIFIERS,
    SUBJECT_PRONOUNS,
    split_words,
)

_QUOTE_MARK = re.compile("[\"“”‘’']")


def quote_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Quoted passages in ``text[start:end]``: spans from opening to closing mark.

    Straight double quotes alternate; curly quotes open and close; a straight single
    quote opens only at a word start and closes only at a word end (so apostrophes in
    "don't" or "the players' union" inside a quotation are not taken for its end).
    An unclosed quotation runs to ``end``.
    """
    spans: list[tuple[int, int]] = []
    opener: str | None = None
    begin = start
    # Only quotation marks can open or close: visit those instead of every character.
    for match in _QUOTE_MARK.finditer(text, start, end):
        i = match.start()
        ch = text[i]
        if opener is None:
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            if ch == '"' or ch == "“" or (ch in "'‘" and not before.isalnum() and after.isalnum()):
                opener = ch
                begin = i
        else:
            after = text[i + 1] if i + 1 < end else " "
            closes = (
                (opener == '"' and ch == '"')
                or (opener == "“" and ch in '”"')
                or (opener in "'‘" and ch in "'’" and not after.isalnum())
            )
            if closes:
                spans.append((begin, i + 1))
                opener = None
    if opener is not None:
        spans.append((begin, end))
    return spans


def mask_quotes(text: str, spans: list[tuple[int, int]], offset: int) -> str:
    """``text`` with the inside of quotations replaced by '#', marks kept."""
    if not spans:
        return text
    chars = list(text)
    for qs, qe in spans:
        a = max(qs - offset + 1, 0)
        b = min(qe - offset - 1, len(chars))
        for i in range(a, b):
            chars[i] = "#"
    return "".join(chars)


@dataclass(frozen=True, slots=True)
class Speaker:
    """The words of a sentence that name its speaker, before resolution."""

    phrase: str  # "Shadow Health Secretary Wes Tarrant", "the DfE", "she"
    apposition: str | None = None  # "the health secretary" in "X, the health secretary, said"


# "It was reported that ...": the sentence has a reporting verb but no claimant.
IMPERSONAL = Speaker("")

# Words and punctuation; a full stop stays on abbreviations ("Gov.", "U.S.") only.
_TOKEN = re.compile(r"[A-Za-z0-9À-ÿ][\w'’&.-]*|#+|[,;:—–()\[\]\"“”‘’!?]")
_ABBREVIATIONS = frozenset(
    split_words(
        """
        gov. sen. rep. mr. mrs. ms. dr. prof. st. gen. col. capt. lt. sgt. inc. ltd. co. jr. sr.
        calif. mass. fla. wash. no. vs.
        """
    )
)
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+")
_BOUNDARY = frozenset(',;:—–()[]"“”‘’!?#.')
_CONJUNCTIONS = frozenset(
    split_words(
        """
        and but while as although though when after before because since so yet whereas
        meanwhile however also then
        """
    )
)
_CONNECTORS = frozenset(
    split_words(
        """
        of for and on at in from de van von der da al bin the upon & -
        """
    )
)
_LEFT_OF_THE = frozenset(["of", "for", "at", "in", "from", "on", "with"])
_STOP_WORDS = frozenset(
    split_words(
        """
        to by with into over under about against than during without within between through near
        across around behind beyond via like unlike per among amid despite towards toward
        """
    )
)
_IMPERSONAL = re.compile(r"^\W*It\s+(?:was|is|has\s+been|had\s+been)\s+(\w+)\b(.*)$", re.S)
_BY_AGENT = re.compile(
    r"^\s+by\s+([^,;:#]+?)(?=\s+(?:that|last|on|in|at|this|who|when|after|before)\b|[,;:.]|$)"
)
_ACCORDING = re.compile(r"\b[Aa]ccording to\s+([^,;#\"“”()—–]+)")
_MADE_BY = re.compile(
    r"\b(?:claims?|allegations?|accusations?|remarks?|comments?|statements?|warnings?|"
    r"figures?|pledges?|promises?|criticism|suggestions?|predictions?|estimates?|assertions?)"
    r"(?:\s*,)?\s+(?:\w+\s+){0,2}?(?:made|issued|given|voiced|raised|put forward)\s+by\s+"
    r"([^,;#\"“”()—–]+)"
)
# Where a phrase after "according to" or "by" stops being the claimant's name.
_PHRASE_END = re.compile(
    r"\s+(?:on|in|at|last|this|yesterday|today|earlier|later|when|that|after|before|during|"
    r"who|which|while|as|to|because|since|published|released|issued|out|seen|obtained|"
    r"leaked|and\s+then)\b.*$"
    r"|\s+of\s+(?=[a-z0-9]).*$|[.!?:]+$",
    re.S,
)
_VERB_WORDS = REPORTING_VERBS | {w for phrase in REPORTING_PHRASES for w in phrase[:1]}
_PRECHECK_WORDS = (
    _VERB_WORDS
    | {"according", "by"}
    | {"saying", "adding", "warning", "arguing", "claiming", "insisting", "alleging"}
)
_LOWER_WORD = re.compile(r"[a-z]+")
# Reporting verbs that are also plural nouns ("the latest estimates", "new reports").
_NOUN_LIKE_VERBS = frozenset(
    split_words(
        """
        claims reports estimates states notes finds calls issues shows forecasts promises
        pledges vows suggests warns denies
        """
    )
)
_PARTICIPLES = frozenset(
    ["saying", "adding", "warning", "arguing", "claiming", "insisting", "alleging"]
)
_INVERTED_VERBS = frozenset(
    split_words(
        """
        said says added adds claimed claims insisted insists warned warns explained noted argued
        wrote writes continued asked told declared stated replied countered
        """
    )
)
_INVERTED_END = frozenset(
    split_words(
        """
        on in at last yesterday today this earlier later who which as when after before during
        while in of
        """
    )
)


def tokens(masked: str) -> list[str]:
    """Words and punctuation marks of a sentence (quotations masked to '#')."""
    out: list[str] = []
    for word in _TOKEN.findall(masked):
        if (
            word.endswith(".")
            and len(word) > 1
            and word.lower() not in _ABBREVIATIONS
            and not _INITIALS.fullmatch(word)
        ):
            out.append(word.rstrip("."))
            out.append(".")
        else:
            out.append(word)
    return out


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() or (word[:1].isdigit() and any(c.isalpha() for c in word))


def _verb_at(words: list[str], i: int) -> int:
    """Length of the reporting verb (phrase) starting at ``words[i]``, 0 if none."""
    word = words[i]
    if word not in _VERB_WORDS:
        return 0
    for phrase in REPORTING_PHRASES:
        if tuple(words[i : i + len(phrase)]) == phrase:
            return len(phrase)
    if word == "heard" and i + 1 < len(words) and words[i + 1] == "from":
        return 0  # "the committee heard from X": X speaks, not the committee
    return 1 if word in REPORTING_VERBS else 0


def _subject_before(words: list[str], verb: int) -> Speaker | None:
    """The subject read leftwards from the verb at ``words[verb]``, if there is one."""
    j = verb - 1
    skipped = 0
    while j >= 0 and skipped < 3 and (words[j] in AUXILIARIES or words[j].endswith("ly")):
        j -= 1
        skipped += 1
    apposition: str | None = None
    if j >= 2 and words[j] == ")":
        # "the Department for Education (DfE) said": the abbreviation is not the subject
        k = j - 1
        while k >= 0 and words[k] != "(" and j - k <= 5:
            k -= 1
        if k >= 1 and words[k] == "(":
            j = k - 1
    consumed = False
    for _ in range(3):  # "Linda Marsh, 64, who lives nearby, said": appositions share commas
        if j < 1 or words[j] != ",":
            break
        k = j - 1
        while k >= 0 and words[k] not in {",", ";", ":", "—", "–", "(", ")", "."} and j - k <= 16:
            k -= 1
        if k < 0 or words[k] != ",":
            break
        inner = words[k + 1 : j]
        if not inner or "#" in inner[0]:
            break
        if inner[0].lower() not in {"who", "which", "whose"} and not inner[0][:1].isdigit():
            apposition = apposition or " ".join(inner)
        consumed = True
        j = k
    if consumed:
        j -= 1  # off the comma that opens the first apposition
    if j < 0 or words[j] == ",":
        return None
    if words[verb - 1].lower() in DETERMINERS:
        return None  # "made the estimates": a noun, not a verb
    if words[j].lower() in SUBJECT_PRONOUNS and (j == 0 or _is_boundary(words, j - 1)):
        return Speaker(words[j])
    phrase = _noun_phrase_left(words, j)
    if phrase is None:
        if apposition is not None and _is_capitalised(apposition):
            return Speaker(apposition)
        return None
    start, end = phrase
    head = words[start : end + 1]
    if not head:
        return None
    if words[verb] in _NOUN_LIKE_VERBS and not (
        _is_capitalised(head[-1]) or head[-1].lower() in GROUP_NOUNS | ORG_TYPES | DATA_NOUNS
    ):
        return None  # "the latest figures shows"-like misreadings of nouns as verbs
    at_boundary = start == 0 or _is_boundary(words, start - 1) or words[start - 1] == "by"
    if not at_boundary:
        if apposition is not None and _is_capitalised(apposition.split()[0]):
            return Speaker(apposition)
        return None
    return Speaker(" ".join(head), apposition)


def _is_boundary(words: list[str], i: int) -> bool:
    word = words[i]
    return word in _BOUNDARY or word[0] == "#" or word.lower() in _CONJUNCTIONS


def _noun_phrase_left(words: list[str], j: int) -> tuple[int, int] | None:
    """(start, end) of the noun phrase ending at ``words[j]``, read leftwards."""
    end = j
    word = words[j]
    if word in _BOUNDARY or word[0] == "#":
        return None
    lower_run = 0
    i = j
    while i >= 0 and end - i < 12:
        word = words[i]
        low = word.lower()
        if word in _BOUNDARY or word[0] == "#":
            break
        if low in DETERMINERS:
            # "the" after "at"/"of" belongs to a longer phrase: "Scientists at the IPCC"
            if (
                low == "the"
                and i >= 2
                and words[i - 1].lower() in _LEFT_OF_THE
                and words[i - 2] not in _BOUNDARY
            ):
                i -= 2
                continue
            return i, end
        if _is_capitalised(word):
            lower_run = 0
            i -= 1
            continue
        if low in _CONNECTORS and i < end and _is_capitalised(words[i + 1]):
            i -= 1
            continue
        if low in CLAUSE_BREAKS or low in _STOP_WORDS or low in _CONJUNCTIONS:
            break
        lower_run += 1
        if lower_run > 4:
            return None
        i -= 1
    start = i + 1
    while start <= end and words[start].lower() in _CONNECTORS:
        start += 1
    if start > end:
        return None
    return start, end


def _phrase_after(text: str) -> str | None:
    """A claimant phrase that opens ``text`` ("the ministry" of "the ministry on Monday")."""
    phrase = _PHRASE_END.sub("", text.strip(" ,;:—–-\"“”'‘’\n"))
    phrase = phrase.strip()
    if not phrase or "#" in phrase or len(phrase.split()) > 10:
        return None
    return phrase


def _inverted(words: list[str]) -> Speaker | None:
    """'..., said Cllr Priya Shah' and '"...," said the ministry.'"""
    for i, word in enumerate(words[:-1]):
        if word not in _INVERTED_VERBS or i == 0 or not _is_boundary(words, i - 1):
            continue
        if words[i - 1].lower() in _CONJUNCTIONS:
            continue
        taken: list[str] = []
        for nxt in words[i + 1 :]:
            if nxt in _BOUNDARY or nxt[0] == "#" or nxt == ".":
                break
            if nxt.lower() in _INVERTED_END and taken:
                break
            taken.append(nxt)
            if len(taken) > 8:
                return None
        if taken and (
            _is_capitalised(taken[0])
            or taken[0].lower() in DETERMINERS
            or (any(_is_capitalised(w) for w in taken) and taken[0].lower() not in CLAUSE_BREAKS)
        ):
            return Speaker(" ".join(taken))
    return None


def _opening_subject(words: list[str]) -> Speaker | None:
    """The subject that opens a sentence ("Gov. Elena Marquez signed ..., saying ...")."""
    start = 0
    for i, word in enumerate(words[:12]):
        if word in {"—", "–"}:
            start = i + 1  # after a dateline
    taken: list[str] = []
    for word in words[start:]:
        low = word.lower()
        if (
            _is_capitalised(word)
            or low in ROLE_HEADS
            or low in ROLE_MODIFIERS
            or (taken and low in {"of", "for", "and"})
        ):
            taken.append(word)
            continue
        break
    if not taken or not any(_is_capitalised(w) for w in taken) or taken[0].lower() in _CONJUNCTIONS:
        return None
    return Speaker(" ".join(taken))


def find_speaker(masked: str) -> Speaker | None:
    """The speaker named in one sentence (quotations masked), possibly a pronoun.

    :data:`IMPERSONAL` for "It was reported that ..."; None when nothing names one.
    """
    if masked.rstrip(" \"”’'").endswith("?"):
        return None  # a question asks, it does not claim
    lowered = _LOWER_WORD.findall(masked.lower())
    if ":" not in masked and _PRECHECK_WORDS.isdisjoint(lowered):
        return None
    impersonal = _IMPERSONAL.match(masked)
    if impersonal and impersonal.group(1).lower() in IMPERSONAL_VERBS:
        agent = _BY_AGENT.match(impersonal.group(2))
        phrase = _phrase_after(agent.group(1)) if agent else None
        return Speaker(phrase) if phrase else IMPERSONAL
    if "ccording to" in masked:
        for match in _ACCORDING.finditer(masked):
            phrase = _phrase_after(match.group(1))
            if phrase and not phrase[0].isdigit():
                return Speaker(phrase)
    if " by " in masked:
        made_by = _MADE_BY.search(masked)
        if made_by:
            phrase = _phrase_after(made_by.group(1))
            if phrase:
                return Speaker(phrase)
    words = tokens(masked)
    pronoun: Speaker | None = None
    for i, word in enumerate(words):
        if word in _VERB_WORDS and _verb_at(words, i):
            found = _subject_before(words, i)
            if found is None:
                continue
            if found.phrase.lower() in SUBJECT_PRONOUNS:
                pronoun = pronoun or found
                continue
            return found
    inverted = _inverted(words)
    if inverted is not None:
        return inverted
    if pronoun is None and not _PARTICIPLES.isdisjoint(words):
        opening = _opening_subject(words)
        if opening is not None:
            return opening
    if pronoun is not None:
        return pronoun
    if ":" in words:
        colon = words.index(":")
        if colon + 1 < len(words) and (words[colon + 1][0] == "#" or words[colon + 1] in '"“‘'):
            span = _noun_phrase_left(words, colon - 1) if colon else None
            if span is not None and (span[0] == 0 or _is_boundary(words, span[0] - 1)):
                return Speaker(" ".join(words[span[0] : span[1] + 1]))
    return None
