"""Paragraphs and their roles, inferred from plain text.

Importers that know an article's structure (HTML, Word) pass their own paragraphs; for
plain text and pastes this module guesses:

* a paragraph is a block of lines between blank lines; inside a block, each line is its
  own paragraph unless the block is hard-wrapped prose (a line that does not end a
  sentence continues on the next);
* **headline**: the first paragraph, if it is one short line without a final full stop;
* **credit**: "Photo: ...", "Credit: ...", "Picture: ...", "Image: ...", "Source: ..."
  lines, "... /Getty Images"-style agency lines, and bylines ("By Jane Doe");
* **caption**: a line next to a credit, a line starting "Caption:"/"Pictured:", or a
  longer line (more than 12 words) without a final stop in the body;
* **subheading**: a short line (at most 12 words) without a final stop in the body;
* **standfirst**: the paragraph after the headline when a byline, a date line or a
  dateline ("LONDON —") comes after it, i.e. when it sits between headline and story.
"""

from __future__ import annotations

import re

from app.core.records import Paragraph, ParagraphRole

_CREDIT = re.compile(
    r"^[(\[]?\s*(?:photo(?:graph)?s?|pictures?|pic|images?|illustration|video|credit|"
    r"photo credit|image credit|image source|source|footage|graphic)\s*(?:by)?\s*[:：|]",
    re.IGNORECASE,
)
_AGENCY = re.compile(
    r"(?:getty images|shutterstock|alamy|\bafp\b|\bap photo\b|\bepa\b|reuters|"
    r"press association|\bpa media\b|\bpa wire\b|associated press)",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^\(?(?:by|written by|words by|(?:additional )?reporting by|editing by|interview by|"
    r"(?:photo(?:graph)?s?|pictures?|images?|video|graphics?|illustrations?) by)\s+[A-Z][\w'’.-]+",
    re.IGNORECASE,
)
_DATE_LINE = re.compile(
    r"^(?=.{0,60}$)(?:(?:published|updated|posted|last updated)\b.*|"
    r"(?:\w+day,?\s+)?(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(?:\d{1,2}(?:st|nd|rd|th)?,?\s+)?"
    r"\d{4}\b[\s\d:apmAPMGTUC.,-]*)$",
    re.IGNORECASE,
)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(?:\([^)]{1,30}\))?\s*[—–-]{1,2}\s")
_CAPTION_START = re.compile(
    r"^(?:caption|image caption|pictured|above|top|below|left|right)\s*[:：]", re.IGNORECASE
)
_INNER_STOP = re.compile(r"[.!?]['\"”’)]*\s+['\"“‘(]?[A-Z]")
_BULLET_LINE = re.compile(r"^(?:[-*•▪◦‣–]|\d{1,3}[.)])\s")
_FINAL_STOP = re.compile(r"[.;,:…]['\"”’)\]]*$")
_SENTENCE_END = re.compile(r"[.!?…:;]['\"”’)\]]*$")


def _lines(text: str) -> list[tuple[int, int, bool]]:
    """Non-empty lines as (start, end, follows_blank_line), trimmed."""
    out = []
    offset = 0
    blank = True
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append((offset + lead, offset + lead + len(stripped), blank))
            blank = False
        else:
            blank = True
        offset += len(line)
    return out


def _blocks(text: str) -> list[tuple[int, int]]:
    lines = _lines(text)
    blocks: list[list[tuple[int, int]]] = []
    for start, end, after_blank in lines:
        if after_blank or not blocks:
            blocks.append([(start, end)])
        else:
            blocks[-1].append((start, end))
    spans: list[tuple[int, int]] = []
    for block in blocks:
        if len(block) == 1:
            spans.append(block[0])
            continue
        lengths = [e - s for s, e in block]
        wrapped = max(lengths) <= 100 and sum(1 for n in lengths[:-1] if n >= 40) >= len(block) - 1
        current = block[0]
        for s, e in block[1:]:
            prev_text = text[current[0] : current[1]]
            line_text = text[s:e]
            continues = (
                wrapped
                and not _SENTENCE_END.search(prev_text)
                and not _CREDIT.match(line_text)
                and line_text[:1] not in "-*•"
            ) or (line_text[:1].islower() and not _SENTENCE_END.search(prev_text))
            if continues:
                current = (current[0], e)
            else:
                spans.append(current)
                current = (s, e)
        spans.append(current)
    return spans


def _words(text: str) -> int:
    return len(text.split())


# A figure that is more than a clock time ("10:05") or a bare date's day.
_FIGURE = re.compile(r"\d")
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b(?:\s*(?:am|pm|GMT|BST|UTC))?", re.IGNORECASE)
_FACT_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|rose|fell|rises|falls|up|down|more|less|fewer|"
    r"doubled|halved|increased|decreased|cut|won|lost|killed|died|issued|fined|missed|cost|"
    r"costs|paid|\w+ed)\b|%",
    re.IGNORECASE,
)


def asserts_fact(line: str) -> bool:
    """Does a heading or caption state a checkable fact ("Persistent absence: 19.8%")?

    A figure other than a clock time, with a verb or a change word: "Key figures",
    "10:05: Trains cancelled" and "Regional gaps" do not; "Pupils fined: 443,000 penalty
    notices issued" does.
    """
    if line.rstrip().endswith("?"):
        return False
    text = _CLOCK.sub(" ", line)
    return bool(_FIGURE.search(text)) and bool(_FACT_VERB.search(text))


def is_credit(line: str) -> bool:
    if _CREDIT.match(line):
        return True
    if (
        _BYLINE.match(line)
        and _words(line) <= 12
        and (not _SENTENCE_END.search(line) or line.startswith("("))
    ):
        return True
    # "Jane Doe/Getty Images", "(AP Photo/John Smith)": short, names an agency, no verb-ish end
    return (
        _words(line) <= 10
        and _AGENCY.search(line) is not None
        and not _FINAL_STOP.search(line.rstrip(")"))
        and ("/" in line or line.startswith("(") or _words(line) <= 4)
    )


def _is_meta(line: str) -> bool:
    return is_credit(line) or bool(_DATE_LINE.match(line)) or bool(_DATELINE.match(line))


def infer_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs of a plain-text article with guessed roles; offsets into ``text``."""
    spans = _blocks(text)
    if not spans:
        return []
    texts = [text[s:e] for s, e in spans]
    roles = [ParagraphRole.BODY] * len(spans)
    for i, line in enumerate(texts):
        if is_credit(line) or _DATE_LINE.match(line):
            roles[i] = ParagraphRole.CREDIT
    first = 0
    if roles[0] is ParagraphRole.BODY:
        head = texts[0]
        if "\n" not in head and _words(head) <= 25 and not _FINAL_STOP.search(head):
            roles[0] = ParagraphRole.HEADLINE
            first = 1
    if first == 1 and len(spans) > 2 and roles[1] is ParagraphRole.BODY:
        nxt = texts[2]
        if _words(texts[1]) <= 60 and (_is_meta(nxt) or roles[2] is ParagraphRole.CREDIT):
            roles[1] = ParagraphRole.STANDFIRST
    for i in range(first, len(spans)):
        if roles[i] is not ParagraphRole.BODY:
            continue
        line = texts[i]
        near_credit = (
            i + 1 < len(spans)
            and roles[i + 1] is ParagraphRole.CREDIT
            and not _BYLINE.match(texts[i + 1])
            and not _DATE_LINE.match(texts[i + 1])
        ) or (
            i > 0
            and roles[i - 1] is ParagraphRole.CREDIT
            and _CREDIT.match(texts[i - 1]) is not None
            and not _SENTENCE_END.search(line)
            and _words(line) > 12
        )
        if _BULLET_LINE.match(line):
            continue
        # a paragraph of several sentences next to a photo credit is still the story's
        one_sentence = len(_INNER_STOP.findall(line)) == 0
        if _CAPTION_START.match(line) or (near_credit and "\n" not in line and one_sentence):
            roles[i] = ParagraphRole.CAPTION
        elif "\n" not in line and not _SENTENCE_END.search(line) and not line.endswith(("?", "!")):
            roles[i] = ParagraphRole.SUBHEADING if _words(line) <= 12 else ParagraphRole.CAPTION
    return [Paragraph(s, e, role) for (s, e), role in zip(spans, roles, strict=True)]
