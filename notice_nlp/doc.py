"""The Document model: small typed objects, one per level of a notice.

Document → Section → Issue → Measure → Sentence, in the spirit of spaCy's
Doc/Span. Sentences hold offsets into ``Document.text``; ``to_dict()`` gives
the JSON of the interface contract (README, "How notice levels map to the JSON").
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .tagging.due import as_of_date, due_of, is_overdue, last_day

SCHEMA_VERSION = "1"


@dataclass
class Sentence:
    id: str
    text: str
    start: int
    end: int
    context: str | None = None  # issue (else section) title, enumerator removed
    # Every offset on a Sentence — its own start/end and those of its dates and counts —
    # indexes Document.text, as in the JSON; ``in_sentence`` gives sentence-relative copies.
    category: str | None = None
    subcategory: str | None = None
    score: float | None = None
    categories: list[str] = field(default_factory=list)
    status: str = "none"
    dates: list[dict] = field(default_factory=list)
    counts: list[dict] = field(default_factory=list)
    model_status: str | None = None  # the classifier's status guess, before the rule cues
    review: bool = False  # flagged for a human look: the classifier is unsure of the category

    @property
    def due(self) -> str | None:
        """The latest deadline or date this sentence commits to, ISO at its precision
        (``notice_nlp.tagging.due``), or None."""
        return due_of(self.dates, self.status)

    def overdue(self, as_of: str | dt.date | None = None) -> bool:
        """``due`` ended before ``as_of`` (default today) and the status is not ``completed``."""
        return is_overdue(self.due, self.status, as_of)

    def to_dict(self, as_of: str | dt.date | None = None) -> dict[str, Any]:
        """The sentence's JSON; ``overdue`` is reckoned at ``as_of`` (default today)."""
        due = self.due
        return {
            "id": self.id, "text": self.text, "start": self.start, "end": self.end,
            "category": self.category, "subcategory": self.subcategory,
            "score": None if self.score is None else round(float(self.score), 4),
            "categories": list(self.categories), "status": self.status, "review": self.review,
            "dates": [dict(span) for span in self.dates],
            "counts": [dict(span) for span in self.counts],
            "due": due, "overdue": is_overdue(due, self.status, as_of),
        }

    def in_sentence(self, spans: list[dict]) -> list[dict]:
        """``dates``/``counts`` with offsets into ``self.text`` instead of ``doc.text``
        (the labeled-data format counts from the sentence)."""
        return [{**span, "start": span["start"] - self.start, "end": span["end"] - self.start} for span in spans]


@dataclass
class Measure:
    index: int
    sentences: list[Sentence] = field(default_factory=list)

    def to_dict(self, as_of: str | dt.date | None = None) -> dict[str, Any]:
        return {"index": self.index, "sentences": [s.to_dict(as_of) for s in self.sentences]}


@dataclass
class Issue:
    index: int
    title: str | None
    status: str | None = None
    measures: list[Measure] = field(default_factory=list)
    # Titles of the headings between the section heading and the issue heading
    # (enumerators removed), joined with " / "; None when the issue sits right
    # under its section. An extension of the interface contract.
    group: str | None = None

    @property
    def due(self) -> str | None:
        """The latest ``due`` of its sentences, or None."""
        return max((d for d in (s.due for m in self.measures for s in m.sentences) if d),
                   key=lambda d: (last_day(d), len(d)), default=None)

    def overdue(self, as_of: str | dt.date | None = None) -> bool:
        """One of its sentences is overdue and its own status line does not say ``completed``."""
        return self.status != "completed" and any(s.overdue(as_of) for m in self.measures for s in m.sentences)

    def to_dict(self, as_of: str | dt.date | None = None) -> dict[str, Any]:
        return {"index": self.index, "title": self.title, "group": self.group,
                "status": self.status, "due": self.due, "overdue": self.overdue(as_of),
                "measures": [m.to_dict(as_of) for m in self.measures]}


@dataclass
class Section:
    index: int
    title: str | None
    issues: list[Issue] = field(default_factory=list)

    def to_dict(self, as_of: str | dt.date | None = None) -> dict[str, Any]:
        return {"index": self.index, "title": self.title,
                "issues": [i.to_dict(as_of) for i in self.issues]}


def _producer() -> dict[str, Any]:
    from . import __version__
    return {"name": "notice_nlp", "version": __version__, "schema_version": SCHEMA_VERSION,
            "model": None, "model_sha256": None}


@dataclass
class Document:
    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    source: str | None = None
    warnings: list[str] = field(default_factory=list)  # flagged best guesses
    # Who made this output: library version, schema version, model name and weights hash.
    producer: dict[str, Any] = field(default_factory=_producer)
    # The day ``overdue`` is reckoned at (ISO ``YYYY-MM-DD``); None: today.
    as_of: str | None = None

    @property
    def content_sha256(self) -> str:
        """SHA-256 of the normalised text: the document's key in the Parquet tables."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def issues(self) -> list[Issue]:
        return [issue for section in self.sections for issue in section.issues]

    @property
    def sentences(self) -> list[Sentence]:
        return [s for issue in self.issues for m in issue.measures for s in m.sentences]

    def summary(self) -> dict[str, Any]:
        sentences = self.sentences
        return {
            "sentences": len(sentences),
            "by_category": dict(Counter(s.category for s in sentences if s.category)),
            "by_status": dict(Counter(s.status for s in sentences)),
            # problems the notice names: an untitled issue (the text under a section with no
            # problem heading, such as the opening summary) is not one
            "issues": sum(issue.title is not None for issue in self.issues),
            "issues_completed": sum(i.status == "completed" for i in self.issues),
            "sentences_overdue": sum(s.overdue(self.as_of) for s in sentences),
            "issues_overdue": sum(i.overdue(self.as_of) for i in self.issues),
        }

    def to_dict(self) -> dict[str, Any]:
        as_of = as_of_date(self.as_of).isoformat()
        out = {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "content_sha256": self.content_sha256,
            "meta": self.meta,
            "sections": [s.to_dict(as_of) for s in self.sections],
            "summary": self.summary(),
            "as_of": as_of,
            "producer": dict(self.producer),
        }
        if self.warnings:
            out["warnings"] = list(self.warnings)
        return out
