"""The pipeline: read → normalise → parse structure → split → classify and tag → Document.

Each stage is a module of its own; this one only wires them together, like
spaCy's ``nlp(text)``. Components run in order over the Document's sentences.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable

from .classifier.classify import load_classifier
from .doc import Document
from .errors import NoticeError, NoticeTypeError
from .text.meta import extract_meta
from .text.normalize import normalise
from .text.reader import DEFAULT_MAX_CHARS, check_text, read_file
from .text.structure import build_document
from .tagging.due import as_of_date
from .tagging.taggers import tag_counts, tag_dates, tag_status

Component = Callable[[Document], None]

# Characters found only in traditional script; the layout rules (titles, preamble,
# closing formula) are written in simplified characters and miss them.
_TRADITIONAL = re.compile("[們說這國會業與為關於進學發區報幹黨組織對過時將項題問實現點體員開議設機經導"
                          "華東書來長門間見車馬電話歲聽訴讓當無從樣還應認論係證錢後裡麼邊動種頭難顯風"
                          "視親覺計訪記語讀謝調談費質購貨資執務勞勢權歷觀職際陽陰隊雙雜離類顧]")
_CJK = re.compile("[\u4e00-\u9fff]")


def tag(text: str, doc_date: str | dt.date | None = None, source: str | None = None, *,
        model: str | None = None, max_chars: int = DEFAULT_MAX_CHARS, as_of: str | dt.date | None = None) -> Document:
    """Tag one notice given as text: structure, meta, and every measure sentence's labels.

    Parameters:
        text: the notice (any layout the reader understands: titles, 一、/（一）/1. headings,
            preamble, signature; page chrome is dropped).
        doc_date: the document date — ``datetime.date``/``datetime`` or ISO text of precision
            ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; found in the text when not given. Relative
            dates (目前, 今年) resolve against it.
        source: a name for the notice, kept as ``doc.source``.
        model: None for the bundled model, ``"keywords"`` for the keyword baseline, or a
            model folder written by ``notice-nlp train``.
        max_chars: longer texts are refused.
        as_of: the day ``overdue`` is reckoned at (``datetime.date`` or ``YYYY-MM-DD``;
            default today): a sentence whose ``due`` ended before it and that is not
            ``completed`` is overdue.
    Returns:
        A :class:`~notice_nlp.Document`; ``doc.sentences`` lists every measure sentence with
        category, subcategory, score, review flag, status, dates and counts. Every offset
        indexes ``doc.text``. ``doc.to_dict()`` is the JSON of the interface contract.
    Raises:
        NoticeTypeError: ``text`` is not a str. EmptyDocument: nothing but page furniture.
        DocumentTooLarge: over ``max_chars``. NoticeError: a bad ``doc_date``.
        ModelError: the model cannot be loaded (the bundled one missing, a bad folder).

    >>> doc = tag("一、整改情况\\n2025年3月，成立整改工作领导小组。", model="keywords")
    >>> [(s.category, s.status, s.dates[0]["value"]) for s in doc.sentences]
    [('rectification', 'completed', '2025-03')]
    """
    if not isinstance(text, str):
        raise NoticeTypeError(
            f"tag() needs the notice as str, got {type(text).__name__}; "
            "for files use notice_nlp.tag_file(path), for bytes decode them first")
    check_text(text, source or "<text>", max_chars)
    return _run(text, _iso(doc_date), source, model, as_of)


def tag_file(path: str | Path, doc_date: str | dt.date | None = None, *,
             model: str | None = None, max_chars: int = DEFAULT_MAX_CHARS,
             as_of: str | dt.date | None = None) -> Document:
    """Tag one notice file: .txt (UTF-8, GBK/GB18030, UTF-16), .docx, .html or .pdf with a text layer.

    Parameters and the returned Document are those of :func:`tag` (``doc.source`` is the path);
    warnings about the file (a guessed encoding, traditional characters) are in ``doc.warnings``.
    Raises: NoticeFileNotFound, FileUnreadable, UnsupportedFormat, DecodeError, CorruptFile,
    NeedsOCR (a scanned PDF), EmptyDocument, DocumentTooLarge, ModelError — all NoticeError.

    >>> doc = tag_file("data/samples/seed002.txt", model="keywords")  # doctest: +SKIP
    >>> doc.meta["issuer"], len(doc.sentences)                         # doctest: +SKIP
    ('中共聊城市东昌府区中医院党委', 89)
    """
    raw = read_file(path, max_chars=max_chars)
    doc = _run(raw.text, _iso(doc_date), str(path), model, as_of)
    doc.warnings[:0] = raw.warnings
    return doc


def _run(text: str, doc_date: str | None, source: str | None, model: str | None,
         as_of: str | dt.date | None = None) -> Document:
    as_of = None if as_of is None else as_of_date(as_of).isoformat()  # a bad one fails before the work
    norm = normalise(text)
    if not norm.text.strip():
        from .errors import EmptyDocument
        raise EmptyDocument(f"{source or '<text>'}: nothing but page furniture; no notice text found")
    doc = build_document(norm.text, extract_meta(norm, doc_date), source)
    doc.warnings.extend(norm.warnings)
    doc.as_of = as_of
    if _mostly_traditional(norm.text):
        doc.warnings.append("traditional characters: the layout rules are written for simplified Chinese, "
                            "so the title, preamble and closing may be read as measures; "
                            "convert the text to simplified characters for a better result")
    if not doc.sentences:
        doc.warnings.append("no measure sentences found: the text holds only headings, a title, "
                            "a preamble or contact details; check that it is a rectification notice")
    for component in components(model):
        component(doc)
    return doc


def _mostly_traditional(text: str) -> bool:
    traditional = len(_TRADITIONAL.findall(text))
    return traditional >= 10 and traditional >= 0.05 * len(_CJK.findall(text))


def components(model: str | None = None) -> list[Component]:
    """The tagging components in the order they run."""
    classifier = load_classifier(model)
    return [classifier.annotate, tag_status, tag_dates, tag_counts]


def _iso(value: str | dt.date | None) -> str | None:
    """The document date as ISO text at its precision: YYYY-MM-DD, YYYY-MM or YYYY."""
    from .tagging.dates import normalise_date
    if value is None:
        return None
    if isinstance(value, dt.datetime):  # before date: a datetime is a date too
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and normalise_date(value):
        return normalise_date(value)
    raise NoticeError(f"doc_date must be a datetime.date/datetime or an ISO date string like 2026-06-02 "
                      f"(or 2026-06, 2026), got {value!r}")
