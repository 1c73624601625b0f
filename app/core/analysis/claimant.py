"""Who makes a claim: reporting constructions, pronouns, continuing quotations.

Works over the sentences of one article in order (:class:`ClaimantTracker`):

* the sentence's own reporting construction, looked for outside quotation marks:
  "X said", "said X", "X told reporters", "according to X", "X claimed / warned /
  insisted / added / accused ...", "X: '...'"; with an apposition ("Matt Hancock, the
  health secretary, said") the name wins;
* a pronoun as the speaker ("he said", "she added", "they warned") is the latest
  claimant named before it;
* sentences of a quotation that spans several sentences share its speaker, and a sentence
  that is wholly a quotation right after an attributed one continues it;
* names are resolved to the fullest form the article gave earlier ("Mr Biden" ->
  "Joe Biden"), titles and job titles in front of a name are dropped;
* anything else is the outlet's own narration: no claimant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_VERBS = (
    r"said|says|say|told|tells|claimed|claims|claim|warned|warns|warn|insisted|insists|"
    r"added|adds|accused|accuses|argued|argues|stated|states|announced|announces|"
    r"explained|explains|noted|notes|wrote|writes|tweeted|tweets|posted|alleged|alleges|"
    r"declared|declares|asserted|asserts|maintained|maintains|suggested|suggests|estimated|"
    r"estimates|predicted|predicts|reported|reports|confirmed|confirms|denied|denies|"
    r"admitted|admits|acknowledged|acknowledges|stressed|stresses|emphasised|emphasized|"
    r"cautioned|concluded|countered|replied|responded|continued|pointed out|boasted|"
    r"complained|conceded|revealed|disclosed|promised|pledged|vowed|blamed|believes|"
    r"has said|had said|has claimed|has warned|has argued|has insisted|previously said|"
    r"also said|later said|told reporters|told the"
)
_TITLES = (
    r"Mr|Mrs|Ms|Mx|Dr|Prof|Professor|Sir|Dame|Lord|Lady|Rev|Gov|Governor|Sen|Senator|Rep|"
    r"Representative|President|Vice President|Prime Minister|Chancellor|Secretary|Minister|"
    r"Judge|Justice|General|Gen|Col|Capt|Mayor|King|Queen|Prince|Princess|Pope|Chief|Premier"
)
_CAP = r"(?:[A-Z][\w'’.-]*|Mc[A-Z]\w*)"
_NAME = rf"{_CAP}(?:\s+(?:(?:de|van|von|der|da|di|al|bin|of|for|and|the|on)\s+)?{_CAP}){{0,5}}"
_THE_NP = r"(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Tt]heir|[Ii]ts)\s+(?:[A-Za-z'’-]+\s+){0,3}?[A-Za-z'’-]+"
_PRONOUN = r"[Hh]e|[Ss]he|[Tt]hey|[Ii]t|[Ww]e|I"
_SPEAKER = rf"(?:{_NAME}|{_THE_NP}|{_PRONOUN})"
_ADVERB = r"(?:\s+(?:\w+ly|also|later|then|previously|once|has|had|have|would|was|had\s+\w+))?"

_ACCORDING = re.compile(r"\b[Aa]ccording to\s+([^,;#\"“”()]+)")
# A speaker starts with a capital or with the first letter of a determiner or pronoun; the
# lookahead turns every other position away before the alternation is tried.
_SUBJECT_VERB = re.compile(
    rf"(?=[A-Zahistw])({_SPEAKER})(?:,[^,#]{{2,80}},)?{_ADVERB}\s+(?:{_VERBS})\b"
)
_VERB_SUBJECT = re.compile(
    rf"(?:^|[,#\"”’'—–-]\s*)(?:{_VERBS})\s+(?:({_NAME})(?=\s*(?:[,.;!?]|$)|\s+(?:on|in|at|"
    r"last|yesterday|today|this|earlier|later|who)\b)|([Tt]he(?:\s+[A-Za-z'’-]+){1,5}?)"
    r"(?=\s*(?:[,.;!?]|$)))"
)
_NP_END = re.compile(
    r"\s+(?:on|in|at|last|this|yesterday|today|earlier|later|when|that|after|before|during|"
    r"who|which|while|as|to|because|since|and then)\b.*$|[.!?:]+$"
)
_COLON = re.compile(rf"(?:^|\s)({_NAME})\s*:\s*[\"“‘']")
_TITLE_PREFIX = re.compile(rf"^(?:(?:{_TITLES})\.?\s+)+")
_ROLE_WORDS = {
    "health",
    "foreign",
    "home",
    "defence",
    "defense",
    "education",
    "finance",
    "justice",
    "secretary",
    "minister",
    "chancellor",
    "president",
    "chief",
    "executive",
    "director",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "leader",
    "mayor",
    "commissioner",
    "ceo",
    "officer",
    "adviser",
    "councilmember",
    "councillor",
    "councilman",
    "councilwoman",
    "council",
    "member",
    "inspector",
    "superintendent",
    "judge",
    "coach",
    "chairman",
    "chairwoman",
    "chair",
    "manager",
    "engineer",
    "operations",
    "head",
    "advisor",
    "senator",
    "governor",
    "professor",
    "economist",
    "general",
    "attorney",
    "deputy",
    "shadow",
    "labour",
    "conservative",
    "democratic",
    "republican",
    "democrat",
    "state",
    "prime",
    "vice",
    "dr",
    "mr",
    "mrs",
    "ms",
    "former",
}
_STOP_FIRST = {
    "The",
    "A",
    "An",
    "But",
    "And",
    "In",
    "On",
    "At",
    "This",
    "That",
    "It",
    "He",
    "She",
    "They",
    "We",
    "I",
    "However",
    "Meanwhile",
    "When",
    "While",
    "After",
    "Before",
    "Yesterday",
    "Today",
    "Last",
    "Earlier",
    "Later",
    "Speaking",
    "Asked",
    "Then",
    "So",
    "Yet",
    "Still",
    "Now",
    "Also",
    "If",
    "As",
    "For",
    "Of",
    "To",
    "With",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
}
# Every match starts with a capital (the titles too): the lookahead spares the engine the
# titles' alternation at all other positions. _TWO_CAPITALISED is what any match holds,
# and is much cheaper to look for.
_FULL_NAME = re.compile(
    rf"\b(?=[A-Z])(?:(?:{_TITLES})\.?\s+)*([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’.-]+){{1,3}})"
)
_TWO_CAPITALISED = re.compile(r"[A-Z][a-z'’-]+\s+[A-Z]")
_MENTION = re.compile(r"\b([A-Z][a-z'’-]+)\b(?![\w'’-])")
_LEADING_JUNK = re.compile(r"^(?:and|but|so|yet|then|also|as|while|when)\s+", re.IGNORECASE)
_QUOTE_OPEN = "“‘"
_QUOTE_MARK = re.compile("[\"“”‘’']")
_QUOTE_CLOSE = "”’"


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


def _is_pronoun(name: str) -> bool:
    return name.lower() in {"he", "she", "they", "it", "we", "i"}


def _clean(candidate: str) -> str | None:
    name = _LEADING_JUNK.sub("", candidate.strip(" ,;:—–-\"“”'‘’"))
    name = _NP_END.sub("", name).rstrip(". ")
    if name.startswith(("The ", "A ", "An ")):
        name = name[0].lower() + name[1:]
    name = re.sub(r"['’]s$", "", name)
    words = name.split()
    # nothing but white space is left of "according to —\n“...”" once the marks are stripped
    if not words or "#" in name or len(words) > 8:
        return None
    first = words[0]
    if first in _STOP_FIRST and not _is_pronoun(name) and first not in {"The", "A", "An"}:
        return None
    if first[:1].islower() and first.lower() not in {
        "the",
        "a",
        "an",
        "his",
        "her",
        "their",
        "its",
        "he",
        "she",
        "they",
        "it",
        "we",
    }:
        return None
    return name


def _strip_titles(name: str) -> str:
    stripped = _TITLE_PREFIX.sub("", name)
    words = stripped.split()
    # "Health Secretary Matt Hancock" -> "Matt Hancock"
    while len(words) > 2 and words[0].lower().strip(".") in _ROLE_WORDS:
        words = words[1:]
    return " ".join(words) if words else name


# A sentence names a speaker only with one of these words (or a colon): the single-word
# reporting verbs cover every "has said"-like phrase but "pointed out". Words such as
# "has", "also" or "the" from those phrases would let nearly every sentence through.
_VERB_WORDS = frozenset(v for v in _VERBS.split("|") if " " not in v) | {"pointed", "according"}
_LOWER_WORDS = re.compile(r"[a-z]+")


def find_speaker(masked: str) -> str | None:
    """The speaker named in one sentence (quotations masked), possibly a pronoun."""
    if ":" not in masked and _VERB_WORDS.isdisjoint(_LOWER_WORDS.findall(masked.lower())):
        return None
    match = _ACCORDING.search(masked) if "ccording to" in masked else None
    if match:
        return _clean(match.group(1))
    match = _COLON.search(masked) if ":" in masked else None
    if match:
        return _clean(match.group(1))
    pronoun: str | None = None
    for match in _SUBJECT_VERB.finditer(masked):
        name = _clean(match.group(1))
        if name and not _is_pronoun(name):
            return name
        if name and pronoun is None:
            pronoun = name
    for match in _VERB_SUBJECT.finditer(masked):
        name = _clean(match.group(1) or match.group(2))
        if name and not _is_pronoun(name):
            return name
    return pronoun


def _full_name(found: str) -> tuple[str, str] | None:
    """(surname, full name) of a _FULL_NAME match, None if it is not a person's name."""
    words = [w.rstrip(".") for w in found.split()]
    while words and words[0] in _STOP_FIRST:
        words = words[1:]
    while len(words) > 2 and words[0].lower().strip(".") in _ROLE_WORDS:
        words = words[1:]
    if len(words) >= 2 and words[0].lower().strip(".") not in _ROLE_WORDS:
        return words[-1], " ".join(words)
    return None


@dataclass(slots=True)
class ClaimantTracker:
    """Carries speakers and known full names from sentence to sentence of one article."""

    last: str | None = None
    last_person: str | None = None
    known: dict[str, str] | None = None
    # what each name-like match of this article comes to: articles repeat their names
    parsed: dict[str, tuple[str, str] | None] = field(default_factory=dict)

    def note_mentions(self, masked: str) -> None:
        """The last person named outside quotations is who "he" or "she" means next."""
        if not self.known:
            return
        known = self.known.get
        # the last of them wins
        for name in reversed(_MENTION.findall(masked)):
            full = known(name)
            if full is not None:
                self.last_person = full
                return

    def note_names(self, text: str) -> None:
        """Remember full names ("Joe Biden") mentioned anywhere in a sentence."""
        if self.known is None:
            self.known = {}
        if _TWO_CAPITALISED.search(text) is None:
            return
        parsed = self.parsed
        for found in _FULL_NAME.findall(text):
            if found in parsed:
                name = parsed[found]
            else:
                name = parsed[found] = _full_name(found)
            if name is not None:
                self.known.setdefault(name[0], name[1])

    def resolve(self, speaker: str) -> str:
        if _is_pronoun(speaker):
            if speaker.lower() in {"he", "she"}:
                return self.last_person or self.last or speaker
            return self.last or speaker
        name = _strip_titles(speaker)
        words = name.split()
        if self.known and len(words) == 1 and words[0] in self.known:
            return self.known[words[0]]
        if self.known and len(words) >= 1 and words[-1] in self.known and len(words) == 1:
            return self.known[words[-1]]
        return name

    def remember(self, claimant: str) -> None:
        self.last = claimant
        words = claimant.split()
        if words and words[0][:1].isupper() and words[0].lower() not in {"the", "a", "an"}:
            self.last_person = claimant
