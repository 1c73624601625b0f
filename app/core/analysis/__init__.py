"""Claim detection: sentences, check-worthiness, claim kinds and claimants, offline.

Pure Python (no Qt, no numpy, no scikit-learn at run time). The entry point is
:func:`analyse`; :func:`infer_paragraphs` guesses the structure of plain text.

Each sentence gets a calibrated check-worthiness score and a band ("strong" from
:data:`STRONG_THRESHOLD`, "weak" from :data:`DEFAULT_THRESHOLD`; credits and bylines
never, headings and captions only when they state a fact; :mod:`.news_style` corrects
the band for the news sentence categories the debate-trained model misjudges, such as
reported feelings or short figures), and a claimant with the role
the article gives them (:mod:`.claimant` finds the speaker phrase, :mod:`.names` resolves
it against the people and organisations the article introduced).

Documented limits (each raises :class:`~app.core.errors.AnalysisError` with a message
for people):

* at most :data:`MAX_TEXT_CHARS` characters (4 million, about 4 MB of English: roughly
  four times the longest articles Factdesk is meant for);
* text, not binary data: NUL bytes, or more than 1 % control characters, are refused;
* text without sentence punctuation is cut into "sentences" of at most
  :data:`~app.core.analysis.segment.MAX_SENTENCE_CHARS` characters at line breaks or spaces.

Empty or blank text gives an empty list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from app.core.analysis.claimant import IMPERSONAL, Speaker, find_speaker, mask_quotes, quote_spans
from app.core.analysis.interview import (
    asks_you,
    introduced_role,
    known_person,
    label_kind,
    narrates,
    person_name,
    speaks_first_person,
    turn_label,
)
from app.core.analysis.kinds import content_kinds
from app.core.analysis.model import load_model
from app.core.analysis.names import NameBook
from app.core.analysis.news_style import AT_LEAST_WEAK, NEVER, news_verdict, states_figure
from app.core.analysis.segment import MAX_SENTENCE_CHARS, split_lines, split_sentences
from app.core.analysis.structure import asserts_fact, infer_paragraphs
from app.core.detection_bands import DEFAULT_THRESHOLD, STRONG_THRESHOLD  # for the window too
from app.core.errors import AnalysisError
from app.core.records import ClaimKind, Paragraph, ParagraphRole

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_SENTENCE_CHARS",
    "MAX_TEXT_CHARS",
    "MODEL_CREDIT",
    "STRONG_THRESHOLD",
    "SentenceAnalysis",
    "analyse",
    "infer_paragraphs",
]

MAX_TEXT_CHARS = 4_000_000
MODEL_CREDIT = (
    "Check-worthiness model trained on the ClaimBuster dataset (Arslan et al., 2020), CC BY 4.0"
)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_FIRST_PERSON = {"i", "we"}
_ATTRIBUTED_ROLES = frozenset({ParagraphRole.BODY, ParagraphRole.STANDFIRST})
_HEADING_ROLES = frozenset({ParagraphRole.SUBHEADING, ParagraphRole.CAPTION})
_MIN_QUOTE_WORDS = 4
# the interviewee is the first person the headline or the opening sentences name
_INTERVIEWEE_SENTENCES = 6
_LABEL_CHARS = 40  # a turn label ("Q:", "Helen Ashby:") sits within a sentence's start
_NEWS_STYLE_ROLES = _ATTRIBUTED_ROLES | {ParagraphRole.HEADLINE}


@dataclass(frozen=True, slots=True)
class SentenceAnalysis:
    """One sentence of an article and what detection found in it."""

    start: int
    end: int
    text: str  # == article_text[start:end]
    score: float  # 0..1 calibrated check-worthiness
    checkworthy: bool  # band is not None
    band: str | None  # "strong", "weak" or None; never for credits, bylines, bare headings
    claimant: str | None
    claimant_role: str | None  # what the article calls the claimant ("Shadow Health Secretary")
    kinds: tuple[ClaimKind, ...]
    role: ParagraphRole  # role of the paragraph it is in
    paragraph: int  # index of its paragraph


def _check_text(text: str) -> None:
    if not isinstance(text, str):
        raise AnalysisError("Claim detection needs text.")
    if len(text) > MAX_TEXT_CHARS:
        raise AnalysisError(
            f"The text is too long for claim detection ({len(text):,} characters; "
            f"the limit is {MAX_TEXT_CHARS:,})."
        )
    if "\x00" in text:
        raise AnalysisError("This looks like binary data, not text (it contains NUL bytes).")
    sample = text[:200_000]
    if sample and len(_CONTROL.findall(sample)) > len(sample) / 100:
        raise AnalysisError("This looks like binary data, not text (many control characters).")


def _check_paragraphs(text: str, paragraphs: Sequence[Paragraph]) -> list[Paragraph]:
    previous_end = 0
    for p in paragraphs:
        if not (previous_end <= p.start <= p.end <= len(text)):
            raise AnalysisError("The article's paragraph structure does not match its text.")
        previous_end = p.end
    return list(paragraphs)


def _sentence_spans(
    text: str, paragraphs: list[Paragraph], lines: bool
) -> list[tuple[int, int, int]]:
    """(start, end, paragraph index) of every sentence."""
    out: list[tuple[int, int, int]] = []
    if lines:
        index = 0
        for start, end in split_lines(text):
            while index < len(paragraphs) and paragraphs[index].end <= start:
                index += 1
            inside = index < len(paragraphs) and paragraphs[index].start <= start
            out.append((start, end, index if inside else -1))
        return out
    for index, p in enumerate(paragraphs):
        for start, end in split_sentences(text, p.start, p.end):
            out.append((start, end, index))
    return out


def analyse(
    text: str,
    paragraphs: Sequence[Paragraph] | None = None,
    *,
    lines: bool = False,
    threshold: float | None = None,
) -> list[SentenceAnalysis]:
    """Every sentence of ``text`` in order, scored, tagged and attributed.

    ``paragraphs`` (from an importer that knows the structure) give the roles; without
    them they are inferred from the text. ``lines=True`` takes each non-empty line as one
    sentence. ``threshold`` overrides the model's default (:data:`DEFAULT_THRESHOLD`).
    """
    _check_text(text)
    if not text.strip():
        return []
    paras = infer_paragraphs(text) if paragraphs is None else _check_paragraphs(text, paragraphs)
    model = load_model()
    weak = model.threshold if threshold is None else threshold
    strong = max(weak, model.strong)
    spans = _sentence_spans(text, paras, lines)
    sentences = [text[start:end] for start, end, _ in spans]

    # quotations are found per paragraph (or per line in line mode)
    quote_cache: dict[int, list[tuple[int, int]]] = {}

    def quotes_for(start: int, end: int, index: int) -> list[tuple[int, int]]:
        if index < 0 or lines:
            return quote_spans(text, start, end)
        if index not in quote_cache:
            quote_cache[index] = quote_spans(text, paras[index].start, paras[index].end)
        return quote_cache[index]

    # first pass: own speaker, quotations each sentence touches
    speakers: list[Speaker | None] = []
    touched: list[list[tuple[int, int]]] = []
    starts_quoted: list[bool] = []
    masks: list[str] = []
    for (start, end, index), sentence in zip(spans, sentences, strict=True):
        quotes = quotes_for(start, end, index)
        if quotes:
            quotes = [q for q in quotes if q[0] < end and q[1] > start]
        touched.append(quotes)
        masked = mask_quotes(sentence, quotes, start)
        masks.append(masked)
        speakers.append(find_speaker(masked))
        starts_quoted.append(
            bool(quotes) and any(q[0] <= start + 1 and q[1] > start for q in quotes)
        )

    # a quotation spanning sentences: the sentence that names its speaker
    quote_speaker: dict[tuple[int, int], int] = {}
    for i, (quotes, speaker) in enumerate(zip(touched, speakers, strict=True)):
        if speaker is not None and speaker is not IMPERSONAL:
            for q in quotes:
                quote_speaker.setdefault(q, i)

    scores = model.scores(sentences)

    book = NameBook()
    resolved: dict[int, tuple[str, str | None] | None] = {}
    results: list[SentenceAnalysis] = []
    previous: tuple[str, str | None] | None = None
    last_quoted: tuple[str, str | None] | None = None
    bridged = False
    # question-and-answer articles (see .interview): who answers, and the current turn
    interviewee: str | None = None
    interviewee_role: str | None = None  # as the introduction gives it
    interviewee_full: str | None = None  # once an answer has been given to them
    interviewing = False
    turn_paragraph = -1
    turn: str | None = None  # "question", "answer" or a labelled person's full name
    asked_you = False
    previous_answered = False  # the last sentence was an answer the interviewee gave
    for i, (start, end, index) in enumerate(spans):
        sentence = sentences[i]
        role = paras[index].role if index >= 0 else ParagraphRole.BODY
        book.register(masks[i])
        own = speakers[i]
        found: tuple[str, str | None] | None = None
        if i < _INTERVIEWEE_SENTENCES and role in _NEWS_STYLE_ROLES:
            if interviewee is None:
                interviewee = person_name(masks[i])
            if interviewee is not None and interviewee_role is None:
                interviewee_role = introduced_role(masks[i], interviewee)
        if index != turn_paragraph:
            turn_paragraph = index
            # the paragraph after a question put to "you" is the interviewee's answer
            # and an answer labelled "A:" may go on in the next paragraph
            turn = (
                "reply"
                if (asked_you or (turn == "answer" and previous_answered))
                and interviewee
                and role is ParagraphRole.BODY
                else None
            )
            asked_you = False
        if sentence.rstrip().endswith("?") and asks_you(sentence):
            asked_you = True
        # a turn label opens a paragraph or a line of one (the line break may be lost)
        if role is ParagraphRole.BODY and ":" in sentence[:_LABEL_CHARS]:
            label = turn_label(sentence)
            if label is not None:
                kind = label_kind(label)
                if kind != "name":
                    turn = kind if kind == "question" or interviewee else None
                else:
                    turn = known_person(book, label)
        if role not in _ATTRIBUTED_ROLES:
            pass  # headlines, captions and credits are the outlet's, not a speaker's
        elif turn == "question":
            pass  # the interviewer asks; nobody claims
        elif (
            turn is not None
            and not sentence.rstrip().endswith("?")
            and (
                turn != "reply"
                or (
                    (own is None or own.phrase.lower() in _FIRST_PERSON)
                    and not narrates(sentence, interviewee)
                    and (previous_answered or starts_quoted[i] or speaks_first_person(sentence))
                )
            )
        ):
            # a labelled turn is the labelled person's; an unlabelled reply is the
            # interviewee's unless it names its own speaker or tells of the interviewee
            interviewing = interviewing or turn in {"answer", "reply"}
            name = turn if turn not in {"answer", "reply"} else interviewee or turn
            person = book.person(name, interviewee_role if name == interviewee else None, None)
            found = (person.full, person.role)
            if name == interviewee:
                interviewee_full = person.full
        elif i in resolved:
            found = resolved[i]
        elif own is not None and own is not IMPERSONAL:
            if own.phrase.lower() not in _FIRST_PERSON:
                found = book.resolve(own)
        elif own is None:
            for q in touched[i]:
                j = quote_speaker.get(q)
                if j is not None and j != i and speakers[j] is not None:
                    if j not in resolved:
                        speaker_j = speakers[j]
                        resolved[j] = (
                            None
                            if speaker_j is None or speaker_j.phrase.lower() in _FIRST_PERSON
                            else book.resolve(speaker_j)
                        )
                    found = resolved[j]
                    break
            if found is None and starts_quoted[i]:
                # a quotation continuing the last speaker; after an interviewer's question
                # or a subheading, the last person quoted goes on
                found = previous if previous is not None else last_quoted if bridged else None
            if (
                found is None
                and starts_quoted[i]
                and interviewee is not None
                and (interviewing or (i > 0 and sentences[i - 1].rstrip().endswith("?")))
            ):
                # an unattributed quotation answering the interviewer's question
                interviewing = True
                person = book.person(interviewee, interviewee_role, None)
                found = (person.full, person.role)
                interviewee_full = person.full
        previous_answered = turn in {"answer", "reply"} and found is not None
        book.note_mentions(masks[i], found[0] if found else None)
        claimant, claimant_role = found if found else (None, None)
        previous = found
        if found is not None and touched[i]:
            last_quoted = found
        # only a question or a heading may stand between a quotation and its continuation
        bridged = found is not None or (
            bridged and (sentence.rstrip().endswith("?") or role is not ParagraphRole.BODY)
        )

        kinds = content_kinds(sentence)
        quotes = touched[i]
        if quotes and (
            claimant is not None
            or sum(len(text[max(q[0], start) : min(q[1], end)].split()) for q in quotes)
            >= _MIN_QUOTE_WORDS
        ):
            kinds.append(ClaimKind.QUOTATION)
        if own is not None and claimant is not None:
            kinds.append(ClaimKind.ATTRIBUTION)

        score = round(scores[i], 4)
        band: str | None = None
        if role is ParagraphRole.CREDIT or turn == "question":
            pass  # credits, bylines and the interviewer's questions never
        elif role in _HEADING_ROLES:
            # subheadings and captions only when they state a fact
            if asserts_fact(sentence):
                band = "strong" if score >= strong else "weak" if score >= weak else None
            if (
                band is None
                and role is ParagraphRole.SUBHEADING
                and news_verdict(sentence, headline=True) is AT_LEAST_WEAK
            ):
                band = "weak"  # "Turnout down to 29%", "Greens take control ..."
        else:
            if score >= strong:
                band = "strong"
            elif score >= weak:
                band = "weak"
            if role in _NEWS_STYLE_ROLES:
                # the model learnt from debates; news categories it misjudges are tabled
                verdict = news_verdict(sentence, headline=role is ParagraphRole.HEADLINE)
                if verdict is NEVER:
                    band = None
                elif verdict is AT_LEAST_WEAK and band is None:
                    band = "weak"
                elif (
                    band is None
                    and verdict is None
                    and claimant is not None
                    and claimant == interviewee_full
                    and states_figure(sentence)
                ):
                    # an interviewee's answer in the first person ("I was working 90 hours
                    # a week") is their claim, unlike a debater's anecdote
                    band = "weak"
        results.append(
            SentenceAnalysis(
                start=start,
                end=end,
                text=sentence,
                score=score,
                checkworthy=band is not None,
                band=band,
                claimant=claimant,
                claimant_role=claimant_role,
                kinds=tuple(kinds) if len(kinds) < 2 else tuple(sorted(set(kinds), key=_KIND_RANK)),
                role=role,
                paragraph=index,
            )
        )
    return results


_KIND_RANK = {kind: rank for rank, kind in enumerate(ClaimKind)}.__getitem__
