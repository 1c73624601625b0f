"""News-style corrections to the model's check-worthiness, one table per sentence category.

The model learnt check-worthiness from debate transcripts. News prose has sentence
categories that debates rarely have, and the model misjudges them in a consistent way
(found on the development articles in ``tests/data/news_dev/``):

* it flags what a person *felt* or how they *judged* something, because such sentences
  are attributed ("X said he was frustrated"): :data:`FEELINGS`, :data:`EVALUATIONS`,
  :data:`CHARACTERISING_VERBS`, a reporting sentence that ends on a short scare-quoted
  phrase, and first-person opinions or resolutions inside quotations;
* it flags the outlet's procedural lines ("declined to comment", "has been scheduled
  for", "will take place"): :data:`PROCEDURAL`;
* it misses short factual statements that carry a figure with a unit but few of the
  debate's claim words ("only one in four got eight hours"), headlines that report a
  change ("Profits double as ..."), and the record of what an actor did ("the ministry
  rejected the accusation"): :data:`UNITS`, :data:`HEADLINE_CHANGES`,
  :data:`RECORDED_ACTIONS`.

:func:`news_verdict` says, for one sentence, whether its category makes it never
check-worthy (:data:`NEVER`), at least weakly check-worthy (:data:`AT_LEAST_WEAK`), or
leaves the model's band alone (None). A figure with a unit outweighs the "never"
categories: "we are worried because 40% of members ..." stays the model's to judge.
"""

from __future__ import annotations

import re
from typing import Final

NEVER: Final = "never"
AT_LEAST_WEAK: Final = "at-least-weak"

# Tables of single words are matched as sets of the sentence's lower-cased words (one
# tokenisation a sentence); tables of phrases are regular expressions that run only when
# one of their trigger words is in the sentence. This keeps the rules a small share of
# the fast stage's time budget.

# What someone felt: reported feelings are not checkable.
FEELINGS = (
    "afraid frightened scared terrified worried anxious nervous surprised shocked stunned "
    "amazed astonished frustrated annoyed angry furious upset sad saddened devastated "
    "heartbroken ashamed embarrassed betrayed disappointed delighted thrilled overjoyed "
    "proud proudest happy glad grateful relieved excited honoured honored humbled dreamed "
    "dreamt"
)
# How someone judged something: opinion words of praise or blame.
EVALUATIONS = (
    "disgrace disgraceful shameful outrageous ridiculous absurd nonsense appalling "
    "scandalous wonderful fantastic brilliant superb breathtaking unacceptable "
    "irresponsible reckless"
)
# Verbs that report a judgement, not a fact: "called the plan ...", "described it as ...".
# ("called for", "calls on" are demands and appeals: see APPEALS.)
CHARACTERISING_VERBS = (
    "called calls described describes characterised characterized branded brands dubbed "
    "labelled labeled hailed hails praised praises welcomed welcomes criticised criticized "
    "condemned condemns slammed"
)
# Phrases of judgement: "turned the corner", "the best day of my life".
JUDGEMENT_PHRASES = (
    r"turn(?:ed|ing) the (?:corner|tide)",
    r"(?:a )?step in the right direction",
    r"came at a cost",
    r"(?:was|were|is|are) (?:very |highly |extremely )?(?:encouraging|promising|worrying|"
    r"concerning|impressive|remarkable|excellent)",
    r"(?:best|worst|proudest|happiest|saddest|hardest) (?:day|days|night|moment|year)s? of",
    r"too (?:early|late|soon|slow)",
    r"no need to",
    r"notoriously",
)
_JUDGEMENT_TRIGGERS = (
    "corner tide step cost encouraging promising worrying concerning impressive remarkable "
    "excellent best worst proudest happiest saddest hardest too need notoriously"
)
# Appeals and advice: what someone asks others to do is not a claim.
APPEALS = (
    r"urged|urging|urges|called (?:on|for)|calls (?:on|for)|appealed (?:to|for)|"
    r"advised (?:anyone|people)|anyone with (?:any )?information|should (?:call|contact|ring)"
)
_APPEAL_TRIGGERS = "urged urging urges called calls appealed advised anyone should"
# What someone says ought to happen, reported ("X said the findings should reassure
# drinkers"): advice, not a fact. Only in reported speech and not to "you": a debater's
# own "we should" is left to the model, which learnt those. "Should not" (often a warning
# against something harmful) and forecasts ("should boost sales") are left alone.
REPORTED_ADVICE = (
    r"should (?!not\b|have\b|be\b|boost\b|help\b|rise\b|fall\b|grow\b|increase\b|"
    r"improve\b|reach\b|return\b)\w+|ought to"
)
# The outlet's procedural lines and announcements of what is yet to happen.
PROCEDURAL = (
    r"declined to (?:comment|say)",
    r"refused to comment",
    r"(?:did not|has not|have not) (?:immediately )?respond(?:ed)? to (?:a |our |"
    r"repeated )?requests? for comment",
    r"could not be reached",
    r"would not be drawn",
    r"(?:has|have) been scheduled for",
    r"(?:is|are|was|were) scheduled (?:for|to)",
    r"will take place",
    r"(?:is|are) due to (?:visit|meet|appear|speak|travel|return|resume|report|give|hold|"
    r"publish|be sentenced)",
    r"will be (?:published|announced|reviewed|sentenced)",
    r"(?:continues|resumes|ends|reconvenes) (?:on|tomorrow|next)",
    r"(?:was|were) joined by",
    r"(?:later, )?the (?:committee|court|inquiry|hearing|panel) (?:also )?heard from",
)
_PROCEDURAL_TRIGGERS = (
    "declined refused respond responded reached drawn scheduled place due published "
    "announced reviewed sentenced continues resumes ends reconvenes joined heard"
)
# The outlet speaking of itself: "our reporter", "we will bring you every result".
OWN_VOICE = (
    r"our (?:reporters?|correspondents?|\w+ editor|editor|team|live coverage|coverage|"
    r"letters page|website|newsletter|podcast)",
    r"have your say",
    r"(?:told|spoke to|speaking to|spoken to) (?:us|our)",
    r"we will (?:bring|update|keep) you",
    r"(?:follow|thank you for following|welcome to) (?:our|this)",
)
_OWN_VOICE_TRIGGERS = "our us say bring update keep follow following welcome"
# A quotation in the first person that states an opinion, a wish or a resolution.
FIRST_PERSON_OPINION = (
    r"\b(?:i|we)\s+(?:(?:really|still|do not|don't|just)\s+)?"
    r"(?:think|believe|feel|hope|want|wish|must|should|cannot|can't|will never|"
    r"need to|have to|are determined|am determined)\b"
)
_OPINION_TRIGGERS = (
    "think believe feel hope want wish must should cannot can never need have determined"
)
# Units a figure may carry. A bare number ("Jane Doe, 71, said") is not a figure of a claim.
# Amounts and counts outweigh the judgement categories; spans of time only promote.
AMOUNT_UNITS = (
    "% percent cent tonnes tons kg km miles metres meters mm cm people patients pupils "
    "students children homes houses jobs passengers votes seats beds cases deaths "
    "million billion trillion bn m k barrels goals mg ml litres liters calories candidates "
    "adults schools stores shops members staff workers employees officers doctors nurses "
    "teachers routes drivers percentage"
)
TIME_UNITS = "hours hour minutes minute seconds days weeks months years times"
NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty "
    "thirty forty fifty sixty hundred thousand half"
)
ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth"
# What an ordinal counts when it states a fact: "the fourth round", "second year running".
ORDINAL_HEADS = (
    "time round year month week day quarter term season consecutive successive "
    "largest biggest highest lowest"
)
MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
# Headlines that report a change or an outcome ("Profits double as ...").
HEADLINE_CHANGES = (
    "falls fall fell rises rise rose doubles double doubled halves halved triples soars "
    "surges slumps plunges drops climbs jumps reduced increased higher lower jailed fined "
    "sentenced charged convicted cleared wins win won loses lose lost record highest "
    "lowest less fewer more finds found shows show cut cuts close closes closed ban bans "
    "banned"
)
# An attributed statement: "X said the backlog had doubled", "critics say ...". Attributed
# statements of fact are check-worthy; the judgements among them are caught first, and
# forecasts and conjectures ("would", "may") are left to the model.
REPORTING_VERBS = (
    "said says say warned warns warn insisted insists argued argues claimed claims alleged "
    "alleges blamed blames estimated estimates"
)
CONJECTURE_WORDS = "would will could might may expect expects expected"
# Who may not be the subject of a reported statement: a speaker talking of their own
# words ("let me say", "I can't say") is not reporting anyone's claim, nor is a passive
# turn of phrase ("the same can be said of ...").
NOT_REPORTERS = "i we you me us to not can't cannot let just be been"
_MIN_REPORTED_WORDS = 4
# What an actor did, as a record: "the ministry rejected the accusation".
RECORDED_ACTIONS = (
    "rejected denied pledged confirmed approved banned announced resigned signed voted "
    "appointed scrapped abolished withdrew suspended arrested launched introduced passed "
    "ratified vetoed overturned upheld"
)
# A cause or an effect stated as fact ("the condition causes ...", "the fall was driven
# by ..."), and what a study could not show: the labelling guide counts both as claims.
# Forecasts and conjectures ("could lead to") are left to the model.
CAUSES = (
    r"causes|caused|causing|leads? to|led to|linked to|results? in|resulted in|"
    r"contribut(?:es|ed) to|driven by|(?:more|less) likely to"
)
STUDY_LIMITS = r"(?:cannot|could not|can't|did not|does not) (?:show|prove|establish)"
_CAUSE_TRIGGERS = "causes caused causing lead leads led linked result results resulted "
_CAUSE_TRIGGERS += "contributes contributed driven show prove establish likely"
# A superlative placed in a comparison: "the lowest in Europe", "the largest since 1990",
# "the highest on record" (words ending in "-est" are taken as superlatives only in this
# context). "Best" and "worst" are left out: "the best in the world" is a boast.
SUPERLATIVE = (
    r"\b(?:the|its|their|our) (?:\w{3,}est|most \w+|least \w+) (?:\w+ )?"
    r"(?:in|since|on record|ever|of any)\b"
)
# A speaker's own experience or wish ("two days ago we ...", "I want to give every family
# $500") is left to the model: debates are full of them, and they are rarely the claim.
FIRST_PERSON = "i me my we our us"


def _set(*groups: str) -> frozenset[str]:
    return frozenset(w for group in groups for w in group.split())


def _alternatives(*groups: str) -> str:
    return "|".join(w for group in groups for w in group.split())


def _phrases(patterns: tuple[str, ...] | str) -> re.Pattern[str]:
    joined = patterns if isinstance(patterns, str) else "|".join(patterns)
    return re.compile(rf"\b(?:{joined})\b", re.IGNORECASE)


_TOKEN = re.compile(r"\w+|[%$£€]")
# (digits and letters stay together: "3m", "9bn", "1st"; "2,000" is "2" and "000";
# "can't" is "can" and "t")
_DIGIT = re.compile(r"\d")
_FEELING_WORDS = _set(FEELINGS, EVALUATIONS)
_CHARACTERISING_WORDS = _set(CHARACTERISING_VERBS)
_CHARACTERISING = re.compile(
    rf"\b(?:{_alternatives(CHARACTERISING_VERBS)})\b(?! (?:for|on|off|after|in|to|by|up|out)\b)",
    re.IGNORECASE,
)
_JUDGEMENT = _phrases(JUDGEMENT_PHRASES)
_JUDGEMENT_WORDS = _set(_JUDGEMENT_TRIGGERS)
_APPEAL = _phrases(APPEALS)
_APPEAL_WORDS = _set(_APPEAL_TRIGGERS)
_ADVICE = _phrases(REPORTED_ADVICE)
_ADVICE_WORDS = _set("should ought")
_PROCEDURAL = _phrases(PROCEDURAL)
_PROCEDURAL_WORDS = _set(_PROCEDURAL_TRIGGERS)
_OWN_VOICE = _phrases(OWN_VOICE)
_OWN_VOICE_WORDS = _set(_OWN_VOICE_TRIGGERS)
_OPINION = re.compile(FIRST_PERSON_OPINION, re.IGNORECASE)
_OPINION_WORDS = _set(_OPINION_TRIGGERS)
_NUMBER_WORDS = _set(NUMBER_WORDS)
_ORDINAL_WORDS = _set(ORDINALS)
_AMOUNT_UNITS = _set(AMOUNT_UNITS)
_TIME_UNITS = _set(TIME_UNITS)
_ORDINAL_HEADS = _set(ORDINAL_HEADS)
_MONTH_WORDS = _set(MONTHS)
_CURRENCY = frozenset("$£€")
_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")
_HEADLINE_CHANGE_WORDS = _set(HEADLINE_CHANGES)
_REPORTING_WORDS = _set(REPORTING_VERBS)
# the reporting verb comes before any quotation
_REPORTED = re.compile(rf"^([^“\"‘]*?)\b(?:{_alternatives(REPORTING_VERBS)})\b", re.IGNORECASE)
_CONJECTURE_WORDS = _set(CONJECTURE_WORDS)
_NOT_REPORTERS = _set(NOT_REPORTERS)
_RECORDED_WORDS = _set(RECORDED_ACTIONS, "ruled")
_RECORDED_ACTION = re.compile(
    rf"\b(?:{_alternatives(RECORDED_ACTIONS)}|ruled out)\b", re.IGNORECASE
)
_SUPERLATIVE = re.compile(SUPERLATIVE, re.IGNORECASE)
_CAUSE = _phrases(CAUSES)
_CAUSE_WORDS = _set(_CAUSE_TRIGGERS)
_STUDY_LIMIT = _phrases(STUDY_LIMITS)
_STUDY_LIMIT_WORDS = _set("show prove establish")
_FIRST_PERSON_WORDS = _set(FIRST_PERSON)
_FIRST_PERSON = re.compile(r"\b(?:I|I['’]m|[Mm]e|[Mm]y|[Ww]e|[Ww]e['’]re|[Oo]ur|us)\b")
_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
# A reporting sentence that ends on a short quoted phrase: "said it was 'a land grab'."
_SCARE_QUOTE_END = re.compile(r"[“\"‘]([^”\"’“‘]{1,80})[”\"’][,.]?(?:\s+[\w'’-]+){0,4}[.!]?$")
_SCARE_QUOTE_REPORTING = re.compile(r"\b(?:said|says|told|added|called|repeated|described)\b")
_QUOTE_MARKS = '“"‘'
_MAX_SCARE_QUOTE_WORDS = 12
_MIN_CLAIM_WORDS = 3


def _is_number(token: str) -> bool:
    return token[0].isdigit() or token in _NUMBER_WORDS


def _figures(tokens: list[str]) -> tuple[bool, bool, bool]:
    """(amount, measure, date) among a sentence's lower-cased tokens.

    amount: money ("£2.1m"), a percentage, or a count with its unit ("443,000 pupils");
    measure: a span of time ("ten minutes"), a proportion ("one in four") or a counting
    ordinal ("the fourth round"); date: "July 1", "14 November" or a year.
    """
    amount = measure = date = False
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        nxt = tokens[i + 1] if i < last else ""
        if token in _CURRENCY:
            amount = amount or nxt[:1].isdigit()
        elif token[0].isdigit():
            if nxt in _AMOUNT_UNITS or token.lstrip("0123456789") in _AMOUNT_UNITS:
                amount = True
            elif nxt in _TIME_UNITS or (
                token.endswith(_ORDINAL_SUFFIXES) and nxt in _ORDINAL_HEADS
            ):
                measure = True
            elif (nxt in _MONTH_WORDS and len(token) <= 2) or (
                len(token) == 4 and token[:2] in ("18", "19", "20") and token.isdigit()
            ):
                date = True
            elif nxt == "per" and i + 2 <= last and tokens[i + 2] == "cent":
                amount = True
        elif token in _NUMBER_WORDS:
            if nxt in _AMOUNT_UNITS:
                amount = True
            elif nxt in _TIME_UNITS:
                measure = True
        elif token in _ORDINAL_WORDS:
            measure = measure or nxt in _ORDINAL_HEADS
        elif token in _MONTH_WORDS and nxt[:1].isdigit() and len(nxt) <= 2:
            date = True
        if nxt == "in" and _is_number(token) and i + 2 <= last and _is_number(tokens[i + 2]):
            measure = True
    return amount, measure, date


def news_verdict(sentence: str, *, headline: bool = False) -> str | None:
    """:data:`NEVER`, :data:`AT_LEAST_WEAK` or None (the model decides) for one sentence.

    ``headline`` for headlines and subheadings: they report a change in few words
    ("Profits double as ..."), and a date or year there is a label, not a claim.
    """
    text = sentence.strip()
    if not text or text[-1] == "?":
        return None
    lowered = text.lower()
    tokens = _TOKEN.findall(lowered)
    words = frozenset(tokens)
    if (not words.isdisjoint(_PROCEDURAL_WORDS) and _PROCEDURAL.search(text)) or (
        not words.isdisjoint(_OWN_VOICE_WORDS) and _OWN_VOICE.search(text)
    ):
        return NEVER
    digits = _DIGIT.search(text) is not None
    if not headline and not digits and len(tokens) < _MIN_CLAIM_WORDS:
        return NEVER  # "Never.", "Not yet.": a fragment of speech asserts nothing alone
    if digits or not words.isdisjoint(_NUMBER_WORDS) or not words.isdisjoint(_ORDINAL_WORDS):
        amount, measure, date = _figures(tokens)
    else:
        amount = measure = date = False
    own = not words.isdisjoint(_FIRST_PERSON_WORDS) and (
        _FIRST_PERSON.search(_QUOTED.sub(" ", text)) is not None
    )
    if amount and not own:
        return AT_LEAST_WEAK
    if headline and not words.isdisjoint(_HEADLINE_CHANGE_WORDS) and not own:
        # "Cases double as health chief urges ...": the change is the headline's claim
        return AT_LEAST_WEAK
    if _is_judgement(text, words, digits):
        return NEVER
    if (
        not own
        and not words.isdisjoint(_ADVICE_WORDS)
        and "you" not in words
        and not words.isdisjoint(_REPORTING_WORDS)
        and _ADVICE.search(text) is not None
    ):
        return NEVER
    if headline:
        if measure or not words.isdisjoint(_HEADLINE_CHANGE_WORDS):
            return AT_LEAST_WEAK
        return None
    if own:
        return None
    if (
        measure
        or date
        or (("est " in lowered or "most " in lowered) and _SUPERLATIVE.search(text) is not None)
        or (
            not words.isdisjoint(_RECORDED_WORDS)
            and text[0] not in _QUOTE_MARKS
            and _RECORDED_ACTION.search(text) is not None
        )
        or (not words.isdisjoint(_REPORTING_WORDS) and _is_reported_statement(text, words))
        or (
            not words.isdisjoint(_CAUSE_WORDS)
            and words.isdisjoint(_CONJECTURE_WORDS)
            and _CAUSE.search(text) is not None
        )
        or (not words.isdisjoint(_STUDY_LIMIT_WORDS) and _STUDY_LIMIT.search(text) is not None)
    ):
        return AT_LEAST_WEAK
    return None


def states_figure(sentence: str) -> bool:
    """An amount, a span of time or a date anywhere in ``sentence``, first person or not."""
    return any(_figures(_TOKEN.findall(sentence.lower())))


def _is_judgement(text: str, words: frozenset[str], digits: bool) -> bool:
    """A feeling, an opinion, an appeal or a characterisation, not a checkable fact."""
    if not words.isdisjoint(_FEELING_WORDS):
        return True
    if not words.isdisjoint(_JUDGEMENT_WORDS) and _JUDGEMENT.search(text):
        return True
    if not words.isdisjoint(_APPEAL_WORDS) and _APPEAL.search(text):
        return True
    if not digits and not words.isdisjoint(_CHARACTERISING_WORDS) and _CHARACTERISING.search(text):
        return True
    quoted = text[0] in _QUOTE_MARKS or text[-1] in '”"'
    if quoted and not words.isdisjoint(_OPINION_WORDS) and _OPINION.search(text):
        return True  # a quotation that gives a first-person opinion or resolve
    return not digits and not quoted and _is_scare_quote_report(text)


def _is_scare_quote_report(text: str) -> bool:
    """'X said the results were "weaker than feared".': a judgement in X's words."""
    if not any(mark in text for mark in _QUOTE_MARKS):
        return False
    match = _SCARE_QUOTE_END.search(text)
    if match is None or len(match.group(1).split()) > _MAX_SCARE_QUOTE_WORDS:
        return False
    return _SCARE_QUOTE_REPORTING.search(text, 0, match.start()) is not None


def _is_reported_statement(text: str, words: frozenset[str]) -> bool:
    """'Critics say the cards have fuelled ...': someone else's statement, not a forecast."""
    if not words.isdisjoint(_CONJECTURE_WORDS):
        return False
    match = _REPORTED.search(text)
    if match is None:
        return False
    before = match.group(1).split()
    if not before or before[-1].lower() in _NOT_REPORTERS:
        return False
    return len(text[match.end() :].split()) >= _MIN_REPORTED_WORDS
