"""Sentence segmentation with exact character offsets.

syntok does the splitting; a few fix-ups follow for what it gets wrong in news text:

* it splits after titles ("Gov. Newsom", "Sen. Warren") and before numbers after "No.",
  "Art." or a month ("No. 2", "Jan. 5"): those pieces are joined again;
* it does not split after an abbreviation that ends a sentence when the next one starts
  with a capital ("filed with the S.E.C. The agency...", "at 9 a.m. They..."): those are
  split when the next word is a typical sentence opener (a determiner or a pronoun), so
  "U.S. officials" and "9 a.m. Tuesday" stay whole;
* list items (lines starting with "-", "*", "•" or "1.") are sentences of their own;
* a sentence longer than :data:`MAX_SENTENCE_CHARS` (text without punctuation) is cut at
  line breaks, then at spaces, so that nothing downstream works on megabyte "sentences".

Quotations that span several sentences are left as syntok splits them (one sentence per
sentence, the closing quote mark with the last one); the claimant code carries the
speaker across them.
"""

from __future__ import annotations

import re

from syntok.segmenter import segment
from syntok.tokenizer import Tokenizer

MAX_SENTENCE_CHARS = 1000
# Text handed to syntok in one piece; longer paragraphs are cut at line breaks or, failing
# that, after a full stop (syntok slows down on very long inputs).
_CHUNK_CHARS = 20_000

_TITLE_END = re.compile(
    r"(?:^|(?<=[\s(\"'“‘]))(?:Mr|Mrs|Ms|Mx|Dr|Prof|Gov|Govs|Sen|Sens|Rep|Reps|Gen|Lt|Col|Capt|Sgt|"
    r"Cpl|Adm|Maj|Cmdr|Rev|Hon|Pres|Supt|Det|Insp|Atty|Sr|Jr|St|Mt|Ft|Messrs|Fr|Sgt\.Maj)\.$"
)
_NUMBER_ABBREV_END = re.compile(
    r"(?:^|[\s(])(?:No|Nos|no|nos|Art|Arts|Fig|Figs|p|pp|Vol|vol|Ch|ch|Sec|sec|Para|para|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$"
)
_OPENERS = (
    "The|A|An|He|She|It|They|We|I|You|But|And|In|On|At|This|That|These|Those|His|Her|"
    "Their|Its|Our|My|There|However|Meanwhile|When|While|After|Before|Some|Many|Most|"
    "Mr|Mrs|Ms|Dr|Officials|Critics|Yet|Still|Now|Then|Last|Earlier|Later"
)
_ABBREV_SPLIT = re.compile(
    r"(?:(?<![\w.])(?:[A-Za-z]\.){2,}|\b(?:etc|Inc|Ltd|Co|Corp|Jr|Sr|Bros|Plc|plc)\.)"
    r"(?=\s+[\"“‘']?(?:" + _OPENERS + r")\b)"
    # a figure with its unit ends a sentence before any capital: "down from 7.1p. Finance"
    r"|\d(?:p|m|bn|k|kg|km|cm|mm|mph|ft|lb)\.(?=\s+[\"“‘']?[A-Z][a-z])"
)
_BULLET = re.compile(r"^[ \t]*(?:[-*•▪◦‣–—]|\d{1,3}[.)]|[a-z][.)])[ \t]+\S", re.MULTILINE)
_ONLY_CLOSERS = re.compile(r"^[\"”’'»)\]]+$")

_tokenizer = Tokenizer(replace_not_contraction=False)


def _syntok_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    # Offsets are added here, not through tokenize()'s base_offset: syntok pads the text
    # with that many spaces and rescans them, which is quadratic over a long article.
    for sentence in segment(_tokenizer.tokenize(text[start:end])):
        if not sentence:
            continue
        first = start + sentence[0].offset
        last = sentence[-1]
        stop = start + last.offset + len(last.value)
        while stop > first and text[stop - 1].isspace():
            stop -= 1
        while first < stop and text[first].isspace():
            first += 1
        if stop > first:
            spans.append((first, stop))
    return spans


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a paragraph into list items and chunks small enough for syntok."""
    pieces: list[tuple[int, int]] = []
    block = text[start:end]
    if _BULLET.search(block):
        offset = start
        for line in block.splitlines(keepends=True):
            stripped = line.strip()
            if stripped:
                lead = len(line) - len(line.lstrip())
                pieces.append((offset + lead, offset + lead + len(stripped)))
            offset += len(line)
        # a bullet item wrapped onto a continuation line belongs to the item
        merged: list[tuple[int, int]] = []
        for s, e in pieces:
            if (
                merged
                and not _BULLET.match(text, s)
                and text.count("\n", merged[-1][1], s) == 1
                and not _ends_sentence(text, merged[-1])
            ):
                merged[-1] = (merged[-1][0], e)
            else:
                merged.append((s, e))
        pieces = merged
    else:
        pieces = [(start, end)]
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        while e - s > _CHUNK_CHARS:
            cut = text.rfind("\n", s + _CHUNK_CHARS // 2, s + _CHUNK_CHARS)
            if cut < 0:
                cut = text.rfind(". ", s + _CHUNK_CHARS // 2, s + _CHUNK_CHARS)
                cut = cut + 1 if cut >= 0 else -1
            if cut < 0:
                cut = text.rfind(" ", s + _CHUNK_CHARS // 2, s + _CHUNK_CHARS)
            if cut < 0:
                cut = s + _CHUNK_CHARS
            out.append((s, cut))
            s = cut
        out.append((s, e))
    return out


def _ends_sentence(text: str, span: tuple[int, int]) -> bool:
    return text[span[1] - 1] in ".!?:;\"”'’)"


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged:
            ps, pe = merged[-1]
            previous = text[ps:pe]
            following = text[s:e]
            gap = text[pe:s]
            tail = previous[-16:] if previous.endswith(".") else ""
            join = "\n" not in gap and (
                (tail != "" and _TITLE_END.search(tail) is not None)
                or (
                    following[:1].isdigit()
                    and _NUMBER_ABBREV_END.search(previous[-16:]) is not None
                )
                or _ONLY_CLOSERS.match(following) is not None
            )
            if join:
                merged[-1] = (ps, e)
                continue
        merged.append((s, e))
    return merged


def _split_abbreviations(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    s, e = span
    if text.find(". ", s, e - 1) < 0:
        return [span]
    out = []
    for match in _ABBREV_SPLIT.finditer(text, s, e):
        cut = match.end()
        nxt = cut
        while nxt < e and text[nxt].isspace():
            nxt += 1
        if cut - s > 0 and nxt < e:
            out.append((s, cut))
            s = nxt
    out.append((s, e))
    return out


def _split_long(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    s, e = span
    out = []
    while e - s > MAX_SENTENCE_CHARS:
        limit = s + MAX_SENTENCE_CHARS
        cut = text.rfind("\n", s + 1, limit)
        if cut < 0:
            cut = text.rfind(" ", s + MAX_SENTENCE_CHARS // 2, limit)
        if cut < 0:
            cut = limit
        piece_end = cut
        while piece_end > s and text[piece_end - 1].isspace():
            piece_end -= 1
        if piece_end > s:
            out.append((s, piece_end))
        s = cut
        while s < e and text[s].isspace():
            s += 1
    if e > s:
        out.append((s, e))
    return out


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text[start:end]``, offsets into ``text``."""
    stop = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for s, e in _pieces(text, start, stop):
        spans.extend(_syntok_spans(text, s, e))
    result: list[tuple[int, int]] = []
    for span in _merge(text, spans):
        for piece in _split_abbreviations(text, span):
            result.extend(_split_long(text, piece))
    return result


def split_lines(text: str) -> list[tuple[int, int]]:
    """Each non-empty line as one sentence (``--lines``), surrounding blanks trimmed."""
    spans = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append((offset + lead, offset + lead + len(stripped)))
        offset += len(line)
    return spans
