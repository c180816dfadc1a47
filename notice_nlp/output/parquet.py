"""Parquet tables for a corpus: ``sentences``, ``issues``, ``documents`` (and ``errors``).

``notice-nlp tag … --format parquet -o DIR`` (or :func:`write_parquet`) writes one folder
per table, each holding one file per run (or per Dask partition)::

    DIR/sentences/part-<hash>.parquet   one row per sentence: dates and counts as list<struct>
    DIR/issues/part-<hash>.parquet      one row per issue, sentence counts by status
    DIR/documents/part-<hash>.parquet   one row per document: meta, summary, provenance
    DIR/errors/part-<hash>.parquet      the error records of the run (source, error, message)

Every row carries ``doc_key``, the SHA-256 of the document's normalised text. Writing to a
folder that already holds tables appends: a document whose key is already there is
skipped, so rerunning over a grown folder of notices adds only the new ones. pandas
(``pd.read_parquet(DIR / "sentences")``), Polars and DuckDB
(``FROM 'DIR/sentences/*.parquet'``) read the folders as they are.

pyarrow comes with the ``corpus`` extra (``pip install 'notice_nlp[corpus]'``); it is
imported only when Parquet is written.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import NoticeError
from ..taxonomy import STATUSES
from .export import (DOCUMENT_COLUMNS, ERROR_COLUMNS, ISSUE_COLUMNS, SENTENCE_COLUMNS, document_row, error_row,
                     issue_rows, producer_line, sentence_rows)

TABLES = ("sentences", "issues", "documents", "errors")
# Rows of a table buffered (as dicts, ~1.2 KB a sentence row) before they become a row group:
# 10,000 keeps a writer's buffer near 20 MB, whatever the size of the run or partition.
FLUSH_ROWS = 10_000


class MissingDependency(NoticeError, ImportError):
    """An optional dependency (an extra of the package) is not installed."""


def require_pyarrow():
    """``(pyarrow, pyarrow.parquet)``, or MissingDependency saying which extra to install."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise MissingDependency("Parquet output needs pyarrow: pip install 'notice_nlp[corpus]' "
                                "(or pip install pyarrow)") from None
    return pyarrow, pyarrow.parquet


def schemas() -> dict[str, Any]:
    """The Arrow schema of each table."""
    pa, _ = require_pyarrow()
    s, i32, i64, f64, b, day = pa.string(), pa.int32(), pa.int64(), pa.float64(), pa.bool_(), pa.date32()
    date_span = pa.struct([("start", i64), ("end", i64), ("text", s), ("type", s), ("value", s),
                           ("malformed", b)])
    count_span = pa.struct([("start", i64), ("end", i64), ("text", s), ("value", f64), ("value_max", f64),
                            ("unit", s), ("qualifier", s)])
    due = [("due", s), ("due_date", day), ("overdue", b), ("as_of", day)]
    made_by = [("producer", s), ("model_sha256", s)]
    where = [("section_index", i32), ("section_title", s), ("issue_index", i32), ("issue_group", s),
             ("issue_title", s), ("issue_status", s)]
    return {
        "sentences": pa.schema([
            ("doc_key", s), ("source", s), ("title", s), ("issuer", s), ("doc_date", s), *where,
            ("measure_index", i32), ("sentence_id", s), ("text", s), ("category", s), ("subcategory", s),
            ("categories", pa.list_(s)), ("score", f64), ("status", s), ("review", b),
            ("dates", pa.list_(date_span)), ("counts", pa.list_(count_span)), *due,
            ("start", i64), ("end", i64), *made_by]),
        "issues": pa.schema([
            ("doc_key", s), ("source", s), ("title", s), *where, ("measures", i32), ("sentences", i32),
            *((f"sentences_{status}", i32) for status in STATUSES), *due, *made_by]),
        "documents": pa.schema([
            ("doc_key", s), ("source", s), ("title", s), ("issuer", s), ("inspector", s),
            ("inspection_period", s), ("feedback_date", s), ("doc_date", s), ("phone", s), ("email", s),
            ("address", s), ("sentences", i32), ("issues", i32), ("issues_completed", i32),
            ("sentences_overdue", i32), ("issues_overdue", i32), ("as_of", day),
            ("by_category", pa.map_(s, i32)), ("by_status", pa.map_(s, i32)), ("warnings", pa.list_(s)),
            ("library_version", s), ("schema_version", s), ("model", s), *made_by]),
        "errors": pa.schema([(c, s) for c in ERROR_COLUMNS]),
    }


# --- rows ---------------------------------------------------------------------

def sentence_records(doc: dict) -> Iterator[dict]:
    """The sentences table's rows of one document (the csv row, typed)."""
    key, as_of = doc["content_sha256"], _day(doc.get("as_of"))
    sentences = (s for sec in doc["sections"] for i in sec["issues"] for m in i["measures"] for s in m["sentences"])
    for row, s in zip(sentence_rows(doc), sentences):
        yield {**dict(zip(SENTENCE_COLUMNS, row)), "doc_key": key, "categories": list(s.get("categories") or []),
               "review": s.get("review"), "dates": [_date_span(d) for d in s["dates"]],
               "counts": [_count_span(c) for c in s["counts"]], **_due(s, as_of),
               "model_sha256": _producer(doc).get("model_sha256")}


def issue_records(doc: dict) -> Iterator[dict]:
    key, as_of = doc["content_sha256"], _day(doc.get("as_of"))
    issues = (i for sec in doc["sections"] for i in sec["issues"])
    for row, issue in zip(issue_rows(doc), issues):
        yield {**dict(zip(ISSUE_COLUMNS, row)), "doc_key": key, **_due(issue, as_of),
               "producer": producer_line(doc),
               "model_sha256": _producer(doc).get("model_sha256")}


def document_record(doc: dict) -> dict:
    summary, producer = doc.get("summary") or {}, _producer(doc)
    return {**dict(zip(DOCUMENT_COLUMNS, document_row(doc))), "doc_key": doc["content_sha256"],
            "as_of": _day(doc.get("as_of")), "by_category": summary.get("by_category") or {},
            "by_status": summary.get("by_status") or {}, "warnings": list(doc.get("warnings") or []),
            "library_version": producer.get("version"), "schema_version": producer.get("schema_version"),
            "model": producer.get("model")}


def _producer(doc: dict) -> dict:
    return doc.get("producer") or {}


def _day(iso: str | None) -> dt.date | None:
    return dt.date.fromisoformat(iso) if iso else None


def _due(item: dict, as_of: dt.date | None) -> dict:
    from ..tagging.due import last_day
    due = item.get("due")
    return {"due": due, "due_date": last_day(due) if due else None, "overdue": item.get("overdue"), "as_of": as_of}


def _date_span(span: dict) -> dict:
    return {**span, "malformed": bool(span.get("malformed"))}


def _count_span(span: dict) -> dict:
    value = span.get("value")
    low, high = (value[0], value[-1]) if isinstance(value, list) else (value, None)
    return {**span, "value": low, "value_max": high}


# --- writing ------------------------------------------------------------------

def existing_keys(folder: str | Path) -> set[str]:
    """The ``doc_key`` of every document already in ``folder``'s documents table."""
    _, pq = require_pyarrow()
    keys: set[str] = set()
    for part in sorted((Path(folder) / "documents").glob("*.parquet")):
        keys.update(pq.read_table(part, columns=["doc_key"]).column("doc_key").to_pylist())
    return keys


def write_parquet(docs: Iterable[dict], errors: list[dict], folder: str | Path,
                  skip: set[str] | None = None) -> dict[str, Any]:
    """Append ``docs`` (``Document.to_dict()``) and ``errors`` to the tables in ``folder``.

    Documents whose ``content_sha256`` is in ``skip`` (default: those already in the
    folder) or came earlier in ``docs`` are not written again. ``errors`` is read once
    ``docs`` is exhausted (it may grow meanwhile, as in the other writers).
    Returns ``{"documents": written, "skipped": [source, …], "files": [path, …]}``.
    """
    pa, pq = require_pyarrow()
    folder = Path(folder)
    seen = set(existing_keys(folder) if skip is None else skip)
    tables = schemas()
    parts = {name: _Part(folder / name, tables[name], pa, pq) for name in ("sentences", "issues", "documents")}
    written, skipped = [], []
    try:
        for doc in docs:
            key = doc["content_sha256"]
            if key in seen:
                skipped.append(doc.get("source"))
                continue
            seen.add(key)
            written.append(key)
            parts["sentences"].add(sentence_records(doc))
            parts["issues"].add(issue_records(doc))
            parts["documents"].add([document_record(doc)])
        run = _run_name(written, errors)
        files = [p.finish(run) for p in parts.values()] if written else []
        if errors:
            error_part = _Part(folder / "errors", tables["errors"], pa, pq)
            error_part.add(dict(zip(ERROR_COLUMNS, error_row(e))) for e in errors)
            files.append(error_part.finish(run))
    finally:
        for part in parts.values():
            part.abandon()
    return {"documents": len(written), "skipped": skipped, "files": [str(f) for f in files]}


def _run_name(keys: list[str], errors: list[dict]) -> str:
    """A part's name: the hash of the documents (else the errors) it holds, so a partition
    written twice replaces itself rather than doubling."""
    digest = hashlib.sha256("\n".join(keys or [f"{e.get('source')}\t{e.get('error')}" for e in errors]).encode())
    return f"part-{digest.hexdigest()[:20]}.parquet"


class _Part:
    """One run's file of one table: rows buffered, row groups streamed to a hidden temporary
    file, renamed into place when the run is done (readers never see a half-written part)."""

    def __init__(self, folder: Path, schema, pa, pq):
        self.folder, self.schema, self.pa, self.pq = folder, schema, pa, pq
        self.rows: list[dict] = []
        self.writer, self.tmp = None, folder / f".{uuid.uuid4().hex}.tmp"

    def add(self, rows: Iterable[dict]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= FLUSH_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.writer = self.pq.ParquetWriter(self.tmp, self.schema, compression="zstd")
        self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
        self.rows = []

    def finish(self, name: str) -> Path:
        self._flush()
        self.writer.close()
        self.writer = None
        target = self.folder / name
        os.replace(self.tmp, target)
        return target

    def abandon(self) -> None:
        """After an error (or when nothing was written): no temporary file left behind."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None
        self.tmp.unlink(missing_ok=True)
