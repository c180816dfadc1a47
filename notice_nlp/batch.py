"""Tagging many notices: ``notice_nlp.pipe``, the library's batch API (after spaCy's ``nlp.pipe``).

    for doc in notice_nlp.pipe(Path("notices").glob("*.docx"), n_process=2):
        if isinstance(doc, notice_nlp.ErrorRecord):
            print("skipped", doc.source, doc.message)
        else:
            print(doc.source, doc.summary())

Items are texts (``str``), files (``pathlib.Path``) or ``(text, meta)`` pairs whose meta
may give ``doc_date`` and ``source``. Results come in input order. An item that fails
yields an :class:`ErrorRecord` and the batch goes on. With ``n_process > 1`` the items
go to worker processes (the model loads once per worker) and at most
``4 × n_process`` batches are in flight, so memory stays bounded however long the input.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path
from typing import Any, Union

from .doc import Document
from .errors import NoticeError, NoticeTypeError
from .tagging.due import as_of_date
from .text.reader import DEFAULT_MAX_CHARS

Item = Union[str, Path, tuple]


@dataclass
class ErrorRecord:
    """An item that could not be tagged: where it came from, the error type and a message."""
    source: str
    error: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


Outcome = Union[Document, ErrorRecord]
_WORKER_FAILURE: Exception | None = None  # set in a worker whose model failed to load


def pipe(items: Iterable[Item], *, n_process: int = 1, batch_size: int = 4, model: str | None = None,
         max_chars: int = DEFAULT_MAX_CHARS, as_of: str | dt.date | None = None) -> Iterator[Outcome]:
    """Tag many notices; yields a :class:`~notice_nlp.Document` or an :class:`ErrorRecord` per item.

    Parameters:
        items: texts (``str``), files (``pathlib.Path``: .txt, .docx, .html, .pdf) or
            ``(text, meta)`` pairs, ``meta`` a dict with optional ``doc_date`` and ``source``.
            Any iterable, consumed lazily.
        n_process: worker processes (1: tag in this process).
        batch_size: items sent to a worker at a time (larger: less overhead for short texts).
        model: None for the bundled model, ``"keywords"`` for the keyword baseline, or a
            model folder written by ``notice-nlp train``.
        max_chars: longer documents become ``DocumentTooLarge`` error records.
        as_of: the day ``overdue`` is reckoned at (``datetime.date`` or ``YYYY-MM-DD``; default today).
    Returns:
        An iterator, in input order, that never raises for a bad item.
    Raises:
        NoticeTypeError: ``n_process`` or ``batch_size`` below 1. NoticeError: a bad ``as_of``.

    >>> [d.summary()["sentences"] for d in pipe(["一、整改情况\\n成立整改领导小组。"], model="keywords")]
    [1]
    """
    if n_process < 1 or batch_size < 1:
        raise NoticeTypeError(f"pipe() needs n_process ≥ 1 and batch_size ≥ 1, got {n_process} and {batch_size}")
    day = None if as_of is None else as_of_date(as_of).isoformat()
    batches = _chunks(iter(items), batch_size)
    if n_process == 1:
        outcomes = (outcome for batch in batches for outcome in tag_batch(batch, model, max_chars))
    else:
        outcomes = _parallel(batches, model, max_chars, n_process)
    return outcomes if day is None else _dated(outcomes, day)


def _dated(outcomes: Iterator[Outcome], as_of: str) -> Iterator[Outcome]:
    """``overdue`` is reckoned when a Document is written, so the day is set on each here."""
    for outcome in outcomes:
        if isinstance(outcome, Document):
            outcome.as_of = as_of
        yield outcome


def tag_item(item: Item, model: str | None, max_chars: int = DEFAULT_MAX_CHARS) -> Outcome:
    """Tag one item; never raises: whatever goes wrong becomes its error record."""
    from . import pipeline
    source = _source_of(item)
    try:
        if _WORKER_FAILURE is not None:
            raise _WORKER_FAILURE
        if isinstance(item, Path):
            return pipeline.tag_file(item, model=model, max_chars=max_chars)
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], dict):
            text, meta = item
            return pipeline.tag(text, doc_date=meta.get("doc_date"), source=meta.get("source"),
                                model=model, max_chars=max_chars)
        if isinstance(item, str):
            return pipeline.tag(item, model=model, max_chars=max_chars)
        raise NoticeTypeError(f"pipe() items are str texts, pathlib.Path files or (text, meta) pairs, "
                              f"got {type(item).__name__}")
    except NoticeError as exc:
        return ErrorRecord(source, type(exc).__name__, str(exc))
    except Exception as exc:  # a bug on one odd item must not cost the rest of the batch
        return ErrorRecord(source, type(exc).__name__, f"{source}: unexpected {type(exc).__name__}: {exc}")


def tag_batch(batch: list[Item], model: str | None, max_chars: int) -> list[Outcome]:
    return [tag_item(item, model, max_chars) for item in batch]


def _source_of(item: Any) -> str:
    if isinstance(item, Path):
        return str(item)
    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], dict):
        return str(item[1].get("source") or "<text>")
    return "<text>"


def _chunks(items: Iterator[Item], size: int) -> Iterator[list[Item]]:
    while batch := list(islice(items, size)):
        yield batch


# --- worker processes ----------------------------------------------------------

def _init_worker(model: str | None, threads: int) -> None:
    """Load the model once per worker process; a failure is kept and reported per item,
    because an initializer that raises breaks the whole pool."""
    global _WORKER_FAILURE
    from .classifier.classify import load_classifier
    os.environ["NOTICE_NLP_THREADS"] = str(threads)  # the cores are shared among the workers
    try:
        load_classifier(model)
    except Exception as exc:
        _WORKER_FAILURE = exc


def _parallel(batches: Iterator[list[Item]], model: str | None, max_chars: int, jobs: int,
              work=tag_batch) -> Iterator[Outcome]:
    """Ordered results with at most ``4 * jobs`` batches in flight, so memory stays
    bounded even when one slow item holds up those behind it."""
    workers, pending = _Workers(jobs, model), deque()

    def outcomes(batch: list[Item], future) -> list[Outcome]:
        try:
            return future.result()
        except BrokenProcessPool:  # a worker died: every item in flight failed with it
            return [_alone(work, item, model, max_chars) for item in batch]
        except Exception as exc:  # e.g. a result that would not pickle
            return [ErrorRecord(_source_of(i), type(exc).__name__, f"{_source_of(i)}: {type(exc).__name__}: {exc}")
                    for i in batch]

    try:
        for batch in batches:
            pending.append((batch, workers.submit(work, batch, model, max_chars)))
            if len(pending) >= 4 * jobs:
                yield from outcomes(*pending.popleft())
        while pending:
            yield from outcomes(*pending.popleft())
    finally:
        workers.close()


def _alone(work, item: Item, model: str | None, max_chars: int) -> Outcome:
    """Retry one item in a fresh worker of its own, so only the item that kills
    a worker (out of memory, a crash in native code) is reported as failed."""
    workers, source = _Workers(1, model), _source_of(item)
    try:
        return workers.submit(work, [item], model, max_chars).result()[0]
    except BrokenProcessPool:
        return ErrorRecord(source, "WorkerDied", f"{source}: the worker process tagging this item died "
                           "(out of memory, or a crash in native code)")
    except Exception as exc:
        return ErrorRecord(source, type(exc).__name__, f"{source}: {type(exc).__name__}: {exc}")
    finally:
        workers.close()


class _Workers:
    """A process pool that replaces itself when a worker dies, so the batch goes on."""

    def __init__(self, jobs: int, model: str | None):
        self.jobs, self.model = jobs, model
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        # forkserver/spawn, not fork: the parent may hold threads (tqdm's monitor,
        # onnxruntime's pool) that a forked child would inherit in a broken state
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":  # workers then start with the libraries imported
            context.set_forkserver_preload(["notice_nlp.pipeline"])
        threads = max(1, (os.cpu_count() or 1) // self.jobs)
        return ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_init_worker,
                                   initargs=(self.model, threads))

    def submit(self, *args):
        try:
            return self.pool.submit(*args)
        except BrokenProcessPool:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._start()
            return self.pool.submit(*args)

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)
