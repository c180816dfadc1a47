"""The pipeline: read → normalise → parse structure → split → classify and tag → Document.

Each stage is a module of its own; this one only wires them together, like
spaCy's ``nlp(text)``. Components run in order over the Document's sentences.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from .classify import load_classifier
from .doc import Document
from .errors import NoticeError, NoticeTypeError
from .meta import extract_meta
from .normalize import normalise
from .reader import DEFAULT_MAX_CHARS, check_text, read_file
from .structure import build_document
from .taggers import tag_counts, tag_dates, tag_status

Component = Callable[[Document], None]


def tag(text: str, doc_date: str | dt.date | None = None, source: str | None = None, *,
        model: str | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Tag one notice given as text."""
    if not isinstance(text, str):
        raise NoticeTypeError(
            f"tag() needs the notice as str, got {type(text).__name__}; "
            "for files use notice_nlp.tag_file(path), for bytes decode them first")
    check_text(text, source or "<text>", max_chars)
    return _run(text, _iso(doc_date), source, model)


def tag_file(path: str | Path, doc_date: str | dt.date | None = None, *,
             model: str | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> Document:
    """Tag one notice file (.txt in any supported encoding, .docx, .html, .pdf)."""
    raw = read_file(path, max_chars=max_chars)
    doc = _run(raw.text, _iso(doc_date), str(path), model)
    doc.warnings[:0] = raw.warnings
    return doc


def _run(text: str, doc_date: str | None, source: str | None, model: str | None) -> Document:
    norm = normalise(text)
    if not norm.text.strip():
        from .errors import EmptyDocument
        raise EmptyDocument(f"{source or '<text>'}: nothing but page furniture; no notice text found")
    doc = build_document(norm.text, extract_meta(norm, doc_date), source)
    for component in components(model):
        component(doc)
    return doc


def components(model: str | None = None) -> list[Component]:
    """The tagging components in the order they run."""
    classifier = load_classifier(model)
    return [classifier.annotate, tag_status, tag_dates, tag_counts]


def _iso(value: str | dt.date | None) -> str | None:
    if value is None or isinstance(value, dt.date):
        return value.isoformat() if value else None
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            pass
    raise NoticeError(f"doc_date must be a datetime.date or an ISO date string like 2026-06-02, got {value!r}")
