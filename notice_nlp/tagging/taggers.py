"""Pipeline components that run the rule taggers over a Document's sentences."""
from __future__ import annotations

from bisect import bisect_right

from .counts import extract_counts
from .dates import explicit_years, extract_dates
from ..doc import Document
from .status import detect_status


def sentence_status(text: str, model_status: str | None = None) -> str:
    """An explicit rule cue decides; without one, the model's guess (if it gives one) stands."""
    ruled = detect_status(text)
    return ruled if ruled != "none" or not model_status else model_status


def tag_status(doc: Document) -> None:
    for sentence in doc.sentences:
        sentence.status = sentence_status(sentence.text, sentence.model_status)


def tag_dates(doc: Document) -> None:
    """Yearless dates take the nearest explicit year before them (taxonomy §3)."""
    years = explicit_years(doc.text)
    ends = [end for end, _ in years]
    ref = doc.meta.get("doc_date")
    for sentence in doc.sentences:
        k = bisect_right(ends, sentence.start)
        sentence.dates = in_document(extract_dates(sentence.text, ref, year=years[k - 1][1] if k else None),
                                     sentence.start)


def tag_counts(doc: Document) -> None:
    for sentence in doc.sentences:
        sentence.counts = in_document(extract_counts(sentence.text), sentence.start)


def in_document(spans: list[dict], offset: int) -> list[dict]:
    """Spans found on a sentence, moved to index ``doc.text`` like everything on a Document."""
    return [{**span, "start": span["start"] + offset, "end": span["end"] + offset} for span in spans]
