"""Pipeline components that run the rule taggers over a Document's sentences."""
from __future__ import annotations

from bisect import bisect_right

from .counts import extract_counts
from .dates import explicit_years, extract_dates
from .doc import Document
from .status import detect_status


def tag_status(doc: Document) -> None:
    """An explicit rule cue decides; without one, the model's guess (if any) stands."""
    for sentence in doc.sentences:
        ruled = detect_status(sentence.text)
        sentence.status = ruled if ruled != "none" or not sentence.model_status else sentence.model_status


def tag_dates(doc: Document) -> None:
    """Yearless dates take the nearest explicit year before them (taxonomy §3)."""
    years = explicit_years(doc.text)
    ends = [end for end, _ in years]
    ref = doc.meta.get("doc_date")
    for sentence in doc.sentences:
        k = bisect_right(ends, sentence.start)
        sentence.dates = extract_dates(sentence.text, ref, year=years[k - 1][1] if k else None)


def tag_counts(doc: Document) -> None:
    for sentence in doc.sentences:
        sentence.counts = extract_counts(sentence.text)
