"""Claim kinds of a sentence, by precise rules (a tag is better missing than wrong).

* statistic: numbers, percentages and amounts; not bare years, dates, times or "one";
* quotation: a quoted passage of at least four words, or a sentence inside a quotation
  that spans sentences (decided by the caller, which sees the neighbours);
* attribution: a reporting construction ("X said", "according to X"), decided by the
  claimant code;
* comparison: "than", superlatives, "compared with", "twice as", doubled/halved, a rise or
  fall "from"/"since"/"by" something;
* causal: "because", "due to", "caused", "led to", "as a result", "prevents", ...;
* prediction: "will", "is expected to", "forecast", "by 2030", "next year", ...
"""

from __future__ import annotations

import re

from app.core.records import ClaimKind

_YEARISH = r"(?:1[5-9]\d\d|20\d\d)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# numbers that are not statistics: years, dates, clock times, ordinals of days
_NOT_STAT = re.compile(
    r"\b" + _MONTH + r"\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+" + _YEARISH + r")?"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r"(?:\s+" + _YEARISH + r")?"
    r"|\b\d{1,2}(?:[:.]\d\d)?\s*(?:a\.?m\.?|p\.?m\.?|gmt|bst|utc|[ecmp][sd]t)(?!\w)"
    r"|\b\d{1,2}:\d\d\b"
    r"|(?<![\d.,$£€])\b(?:in|since|of|from|until|by|before|after|during|to|and|the|"
    r"early|late|mid|summer|spring|autumn|fall|winter)?\s*" + _YEARISH + r"s?\b(?!\s*(?:%|per|"
    r"million|billion|people|cases|deaths|votes|jobs|troops|[a-z]+s\b))"
    r"|\b(?:no\.|number|article|section|chapter|page|part|covid|covid-|g|world war)\s*\d+\b"
    r"|\b\d+(?:st|nd|rd|th)\b",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")
_NUMBER_WORDS = re.compile(
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|"
    r"trillions?|dozens?|half|a third|two-thirds|a quarter|three-quarters|twice|"
    r"per ?cent|percent|percentage points?|one in (?:two|three|four|five|ten|\d+))\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(r"[$£€¥%]")

_COMPARISON = re.compile(
    r"\b(?:than|compared (?:with|to)|in comparison|relative to|twice as|(?:three|four|five|ten)"
    r" times (?:as|more|higher|larger|bigger)|doubled|tripled|trebled|quadrupled|halved|"
    r"outnumber\w*|outpaced?|record (?:high|low)|all-time (?:high|low)|highest|lowest|largest|"
    r"biggest|smallest|fastest|slowest|worst|best|greatest|most|least|fewest|longest|"
    r"shortest|cheapest|richest|poorest|deadliest|\w+iest|newest|oldest|tallest|strongest|"
    r"weakest|warmest|coldest|wettest|driest|hottest|safest|(?:up|down) from|the same as|"
    r"as many as|as much as|more|fewer|less)\b"
    r"|\b(?:rose|risen|rising|rises|fell|fallen|falling|falls|increased|increases|decreased|"
    r"decreases|dropped|drops|declined|declines|grew|grown|jumped|surged|slumped|climbed|"
    r"plunged|soared|shrank|shrunk)\b[^.;]{0,40}\b(?:from|since|by|to|compared|than)\b",
    re.IGNORECASE,
)
# "more" / "most" / "less" alone are too vague: they count only with "than", a number or "the"
_VAGUE = {"more", "fewer", "less", "most", "least", "best", "worst"}

_CAUSAL = re.compile(
    r"\b(?:because(?: of)?|due to|owing to|thanks to|as a result(?: of)?|as a consequence|"
    r"consequently|therefore|caused|causes|causing|cause of|led to|leads to|leading to|"
    r"lead to|resulted in|results in|resulting in|result of|blamed\b[^.]{0,60}\bfor|"
    r"responsible for|contributed to|contributes to|contributing to|triggered|triggers|"
    r"driven by|drove|fuelled by|fueled by|linked to|prevents?|prevented|reduces? the risk|"
    r"increases? the risk|protects? against|cures?|cured|kills?|killed by|so that|"
    r"in order to|attributed to|stems? from|stemmed from|effect of|impact of)\b",
    re.IGNORECASE,
)
_PREDICTION = re.compile(
    r"\b(?:will|won't|shall|(?:is|are|was|were) (?:expected|set|likely|unlikely|projected|"
    r"forecast|predicted|due|poised|going) to|going to|forecasts?|forecasted|predicts?|"
    r"projected|projects that|projections?|next (?:year|month|week|decade|summer|winter|spring|"
    r"autumn)|in the coming|by (?:the end of )?(?:20[3-9]\d|2[1-9]\d\d)|in (?:20[3-9]\d)|"
    r"in the future|will be|would soon|about to)\b|\w'll\b",
    re.IGNORECASE,
)
_WILL_NOUN = re.compile(
    r"\b(?:the|his|her|their|political|free|good|ill|own|a|my|your)\s+will\b", re.IGNORECASE
)


# Words without which a pattern cannot match: a set lookup is much cheaper than running
# a long regex alternation at every position of every sentence.
_WORDS = re.compile(r"[a-z]+")
_COMPARISON_WORDS = frozenset(
    [
        "than",
        "compared",
        "comparison",
        "relative",
        "twice",
        "times",
        "doubled",
        "tripled",
        "trebled",
        "quadrupled",
        "halved",
        "outpace",
        "outpaced",
        "record",
        "high",
        "low",
        "highest",
        "lowest",
        "largest",
        "biggest",
        "smallest",
        "fastest",
        "slowest",
        "worst",
        "best",
        "greatest",
        "most",
        "least",
        "fewest",
        "longest",
        "shortest",
        "cheapest",
        "richest",
        "poorest",
        "deadliest",
        "up",
        "down",
        "same",
        "many",
        "much",
        "more",
        "fewer",
        "less",
        "rose",
        "risen",
        "rising",
        "rises",
        "fell",
        "fallen",
        "falling",
        "falls",
        "increased",
        "increases",
        "decreased",
        "decreases",
        "dropped",
        "drops",
        "declined",
        "declines",
        "grew",
        "grown",
        "jumped",
        "surged",
        "slumped",
        "climbed",
        "plunged",
        "soared",
        "shrank",
        "shrunk",
    ]
)
_CAUSAL_WORDS = frozenset(
    [
        "because",
        "due",
        "owing",
        "thanks",
        "result",
        "consequence",
        "consequently",
        "therefore",
        "caused",
        "causes",
        "causing",
        "cause",
        "led",
        "leads",
        "leading",
        "lead",
        "resulted",
        "results",
        "resulting",
        "blamed",
        "responsible",
        "contributed",
        "contributes",
        "contributing",
        "triggered",
        "triggers",
        "driven",
        "drove",
        "fuelled",
        "fueled",
        "linked",
        "prevent",
        "prevents",
        "prevented",
        "reduce",
        "reduces",
        "increase",
        "increases",
        "protect",
        "protects",
        "cure",
        "cures",
        "cured",
        "kill",
        "kills",
        "killed",
        "so",
        "order",
        "attributed",
        "stem",
        "stems",
        "stemmed",
        "effect",
        "impact",
    ]
)
_PREDICTION_WORDS = frozenset(
    [
        "will",
        "won",
        "shall",
        "expected",
        "set",
        "likely",
        "unlikely",
        "projected",
        "forecast",
        "predicted",
        "due",
        "poised",
        "going",
        "forecasts",
        "forecasted",
        "predicts",
        "predict",
        "projects",
        "projection",
        "projections",
        "next",
        "coming",
        "by",
        "in",
        "future",
        "would",
        "about",
        "ll",
    ]
)


def _words(text: str) -> set[str]:
    return set(_WORDS.findall(text.lower()))


# The first word of each _NUMBER_WORDS alternative: one must be among the sentence's words.
_NUMBER_FIRST_WORDS = frozenset([
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    "hundred", "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions",
    "trillion", "trillions", "dozen", "dozens", "half", "third", "quarter", "twice", "per",
    "percent", "percentage", "one",
])  # fmt: skip
# Before the first digit, a _NOT_STAT match holds at most a word of ten letters ("september.",
# "world war") and a run of white space.
_NOT_STAT_LEAD = 10


def _has_free_digit(text: str) -> bool:
    """Whether a digit is left outside the _NOT_STAT matches (as if they were removed).

    Every _NOT_STAT match holds a digit, so the matches can be looked for only just
    before each digit instead of at every position of the sentence: the same matches,
    found in the same order.
    """
    pos = 0
    length = len(text)
    while True:
        digit = _DIGIT.search(text, pos)
        if digit is None:
            return False
        at = digit.start()
        lead = at
        while lead > pos and text[lead - 1].isspace():
            lead -= 1
        # the leftmost match starting before or at this digit covers it (it cannot end
        # before it: no digit lies between pos and this one)
        for start in range(max(pos, lead - _NOT_STAT_LEAD), at + 1):
            match = _NOT_STAT.match(text, start)
            if match is not None:
                pos = match.end()
                break
        else:
            return True
        if pos >= length:
            return False


def has_statistic(text: str, words: set[str] | None = None) -> bool:
    if _AMOUNT.search(text):
        return True
    # the word pre-check is exact for ASCII text only ("ſix" matches "six" ignoring case)
    if (
        not text.isascii()
        or not (words if words is not None else _words(text)).isdisjoint(_NUMBER_FIRST_WORDS)
    ) and _NUMBER_WORDS.search(text):
        return True
    return _has_free_digit(text)


_COMPARISON_WORDS = _COMPARISON_WORDS | {
    "newest", "oldest", "tallest", "strongest", "weakest", "warmest", "coldest", "wettest",
    "driest", "hottest", "safest",
}  # fmt: skip


def has_comparison(text: str, words: set[str] | None = None) -> bool:
    words = words if words is not None else _words(text)
    if words.isdisjoint(_COMPARISON_WORDS) and (
        "iest" not in text.lower() or not any(w.endswith("iest") for w in words)
    ):
        return False
    for match in _COMPARISON.finditer(text):
        word = match.group(0).lower()
        if word not in _VAGUE:
            return True
        after = text[match.end() : match.end() + 60].lower()
        before = text[max(0, match.start() - 6) : match.start()].lower()
        if " than " in f" {after}" or "the" in before or _DIGIT.search(after[:25]):
            return True
    return False


def has_causal(text: str, words: set[str] | None = None) -> bool:
    if (words if words is not None else _words(text)).isdisjoint(_CAUSAL_WORDS):
        return False
    return _CAUSAL.search(text) is not None


# "by" and "in" (common) announce a prediction only before a year: "by 2030", "in 2040".
_PREDICTION_STRONG_WORDS = _PREDICTION_WORDS - {"by", "in"}


def has_prediction(text: str, words: set[str] | None = None) -> bool:
    words = words if words is not None else _words(text)
    if words.isdisjoint(_PREDICTION_WORDS):
        return False
    # exact for ASCII text only, like the word pre-check of has_statistic
    if "2" not in text and words.isdisjoint(_PREDICTION_STRONG_WORDS) and text.isascii():
        return False
    for match in _PREDICTION.finditer(text):
        if match.group(0).lower() == "will" and _WILL_NOUN.search(
            text, max(0, match.start() - 12), match.end()
        ):
            continue
        return True
    return False


def content_kinds(text: str) -> list[ClaimKind]:
    """Kinds that can be read from the sentence alone (not quotation or attribution)."""
    kinds = []
    words = _words(text)
    if has_statistic(text, words):
        kinds.append(ClaimKind.STATISTIC)
    if has_comparison(text, words):
        kinds.append(ClaimKind.COMPARISON)
    if has_causal(text, words):
        kinds.append(ClaimKind.CAUSAL)
    if has_prediction(text, words):
        kinds.append(ClaimKind.PREDICTION)
    return kinds
