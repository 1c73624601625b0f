#!/usr/bin/env python
"""Detection quality on Factdesk's own labelled news articles (tests/data/news/).

    python scripts/evaluate_detection.py [--set news|dev] [--split tune|heldout|all]
                                         [--errors] [--json]

``--set news`` (the default) is the measure (tests/data/news/); ``--set dev`` is the
separate development set (tests/data/news_dev/), the only articles whose sentences may
be looked at one by one while rules and features are worked on.

For each article and overall, and for the tuning and held-out parts separately:

* claimant accuracy: over the sentences labelled with a claimant, the share whose detected
  claimant is exactly that full name (case, a leading "the" and spacing aside);
* spurious claimants: sentences labelled without a claimant that got one;
* role accuracy: over attributed sentences labelled with a role, the share whose detected
  ``claimant_role`` matches (same leniency), a secondary figure;
* precision and recall of check-worthy sentences.

The articles' format is described in tests/data/news/README.md. A labelled sentence takes
the detector's verdict from the detected sentences whose middle falls inside it (the
detector may split a sentence differently): check-worthy if any of them is, claimant the
first one given.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app.core.analysis import analyse  # noqa: E402

NEWS_DIR = REPO / "tests" / "data" / "news"
DEV_DIR = REPO / "tests" / "data" / "news_dev"
SETS = {"news": NEWS_DIR, "dev": DEV_DIR}
LABEL_SEPARATOR = " || "


@dataclass(frozen=True)
class LabelledSentence:
    start: int
    end: int
    text: str
    checkworthy: bool
    claimant: str | None
    role: str | None


@dataclass
class Article:
    name: str
    split: str
    style: str
    text: str
    sentences: list[LabelledSentence]


def parse_article(path: Path) -> Article:
    """One article file: header, then one labelled sentence a line, blank between paragraphs."""
    header: dict[str, str] = {}
    paragraphs: list[list[tuple[str, str]]] = [[]]
    lines = path.read_text(encoding="utf-8").splitlines()
    body_started = False
    for line in lines:
        if not body_started and line.startswith("# "):
            key, _, value = line[2:].partition(":")
            header[key.strip()] = value.strip()
            continue
        body_started = True
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        sentence, _, label = line.partition(LABEL_SEPARATOR)
        paragraphs[-1].append((sentence.strip(), label.strip()))
    if not paragraphs[-1]:
        paragraphs.pop()
    text_parts: list[str] = []
    sentences: list[LabelledSentence] = []
    offset = 0
    for p_index, paragraph in enumerate(paragraphs):
        if p_index:
            text_parts.append("\n\n")
            offset += 2
        for s_index, (sentence, label) in enumerate(paragraph):
            if s_index:
                text_parts.append(" ")
                offset += 1
            fields = [f.strip() for f in label.split("|")] if label else ["-"]
            if fields[0] not in {"cw", "-"}:
                raise ValueError(f"{path.name}: bad label {label!r}")
            claimant = fields[1] if len(fields) > 1 and fields[1] else None
            role = fields[2] if len(fields) > 2 and fields[2] else None
            sentences.append(
                LabelledSentence(
                    offset, offset + len(sentence), sentence, fields[0] == "cw", claimant, role
                )
            )
            text_parts.append(sentence)
            offset += len(sentence)
    text = "".join(text_parts)
    return Article(
        name=path.stem,
        split=header.get("split", "tune"),
        style=header.get("style", ""),
        text=text,
        sentences=sentences,
    )


def load_articles(directory: Path = NEWS_DIR) -> list[Article]:
    return [parse_article(path) for path in sorted(directory.glob("*.txt"))]


def same_name(a: str | None, b: str | None) -> bool:
    """Equal names, case, spacing, a leading "the" and a final full stop aside."""

    def norm(name: str | None) -> str:
        if name is None:
            return ""
        flat = " ".join(name.replace("’", "'").split()).casefold().rstrip(".")
        return re.sub(r"^the ", "", flat)

    return norm(a) == norm(b)


@dataclass
class Tally:
    attributed: int = 0
    claimant_right: int = 0
    unattributed: int = 0
    spurious: int = 0
    roles: int = 0
    role_right: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    sentences: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in [
            "attributed",
            "claimant_right",
            "unattributed",
            "spurious",
            "roles",
            "role_right",
            "tp",
            "fp",
            "fn",
            "sentences",
        ]:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    @property
    def claimant_accuracy(self) -> float:
        return self.claimant_right / self.attributed if self.attributed else 1.0

    @property
    def role_accuracy(self) -> float:
        return self.role_right / self.roles if self.roles else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def figures(self) -> dict[str, float | int]:
        return {
            "sentences": self.sentences,
            "claimant_accuracy": round(self.claimant_accuracy, 4),
            "attributed": self.attributed,
            "spurious_claimants": self.spurious,
            "unattributed": self.unattributed,
            "role_accuracy": round(self.role_accuracy, 4),
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
        }


def evaluate_article(article: Article) -> Tally:
    detected = analyse(article.text)
    tally = Tally()
    for label in article.sentences:
        inside = [d for d in detected if label.start <= (d.start + d.end) // 2 < label.end]
        predicted_cw = any(d.checkworthy for d in inside)
        claimants = [d for d in inside if d.claimant is not None]
        claimant = claimants[0].claimant if claimants else None
        role = claimants[0].claimant_role if claimants else None
        tally.sentences += 1
        where = f"{article.name}: {label.text[:90]!r}"
        if label.checkworthy and predicted_cw:
            tally.tp += 1
        elif label.checkworthy:
            tally.fn += 1
            tally.errors.append(f"{where}: missed check-worthy")
        elif predicted_cw:
            tally.fp += 1
            tally.errors.append(f"{where}: wrongly check-worthy")
        if label.claimant is not None:
            tally.attributed += 1
            if same_name(claimant, label.claimant):
                tally.claimant_right += 1
                if label.role is not None:
                    tally.roles += 1
                    if same_name(role, label.role):
                        tally.role_right += 1
                    else:
                        tally.errors.append(f"{where}: role {role!r}, labelled {label.role!r}")
            else:
                tally.errors.append(f"{where}: claimant {claimant!r}, labelled {label.claimant!r}")
        else:
            tally.unattributed += 1
            if claimant is not None:
                tally.spurious += 1
                tally.errors.append(f"{where}: spurious claimant {claimant!r}")
    return tally


def evaluate(articles: list[Article]) -> dict[str, object]:
    """Figures per article, per split and overall (and every disagreement, for --errors)."""
    per_article: dict[str, dict[str, float | int]] = {}
    splits: dict[str, Tally] = {}
    overall = Tally()
    for article in articles:
        tally = evaluate_article(article)
        per_article[article.name] = {"split": article.split, **tally.figures()}  # type: ignore[dict-item]
        splits.setdefault(article.split, Tally()).add(tally)
        overall.add(tally)
    return {
        "articles": per_article,
        "splits": {name: tally.figures() for name, tally in sorted(splits.items())},
        "overall": overall.figures(),
        "errors": overall.errors,
    }


def _row(name: str, figures: dict[str, float | int]) -> str:
    return (
        f"{name:<26} {figures['sentences']:>4} {figures['claimant_accuracy']:>9.3f} "
        f"{figures['spurious_claimants']:>5} {figures['role_accuracy']:>6.3f} "
        f"{figures['precision']:>6.3f} {figures['recall']:>6.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=sorted(SETS), default="news", dest="article_set")
    parser.add_argument("--split", choices=["tune", "heldout", "dev", "all"], default="all")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    articles = [a for a in load_articles(SETS[args.article_set]) if args.split in ("all", a.split)]
    result = evaluate(articles)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    heads = ("sent", "claimant", "spur", "role", "prec", "rec")
    widths = (4, 9, 5, 6, 6, 6)
    print(f"{'article':<26} " + " ".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True)))
    for name, figures in result["articles"].items():  # type: ignore[attr-defined]
        print(_row(f"{name} ({figures['split'][0]})", figures))
    print()
    for name, figures in result["splits"].items():  # type: ignore[attr-defined]
        print(_row(f"split {name}", figures))
    print(_row("overall", result["overall"]))  # type: ignore[arg-type]
    if args.errors:
        print()
        for line in result["errors"]:  # type: ignore[attr-defined]
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
