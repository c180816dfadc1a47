"""Tagging a corpus on a Dask cluster: :func:`tag_paths` (README, "A cluster run with Dask").

    from distributed import Client
    import notice_nlp.dask

    client = Client("tcp://scheduler:8786")          # or None: a local cluster on this machine
    run = notice_nlp.dask.tag_paths(paths, client, out="/shared/tables", as_of="2025-10-01")
    print(run.documents, "documents written;", len(run.errors), "failed")

The paths are split into partitions, one task each (``client.map``); each partition is
tagged on a worker item by item (:func:`notice_nlp.batch.tag_item`), which never raises: a
bad file becomes an :class:`~notice_nlp.ErrorRecord`. The model loads once per worker
process (it is cached there). With ``out`` each partition streams its documents into its
own part files of the Parquet tables (``notice_nlp.output.parquet``: a hidden temporary
file, renamed when complete), so a worker holds one document and a row group at a time
and only small metadata comes back (indexes, content hashes, sources, error records);
without it the Documents come back in input order. Workers need only the package (and the
model folder, for ``model=``) and must see the input files and ``out`` under the same paths
(a shared file system).

dask and distributed come with the ``corpus`` extra; this module is imported only when
asked for.
"""
from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

from .batch import ErrorRecord, Item, Outcome, tag_item
from .errors import NoticeTypeError
from .tagging.due import as_of_date
from .text.reader import DEFAULT_MAX_CHARS


@dataclass
class CorpusRun:
    """What :func:`tag_paths` wrote to ``out``: documents written, sources skipped because
    their document (same text) was already there, the error records and the part files."""
    documents: int = 0
    skipped: list[str] = field(default_factory=list)
    errors: list[ErrorRecord] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


def tag_paths(paths: Iterable[Union[str, os.PathLike, tuple]], client: Any = None, out: str | Path | None = None, *,
              model: str | None = None, as_of: str | dt.date | None = None, max_chars: int = DEFAULT_MAX_CHARS,
              npartitions: int | None = None) -> Union[CorpusRun, list[Outcome]]:
    """Tag notice files on a Dask cluster, into Parquet tables or back to the caller.

    Parameters:
        paths: notice files (``str`` or ``Path``; .txt, .docx, .html, .pdf) as the workers
            see them, or ``(text, meta)`` pairs as in :func:`notice_nlp.pipe`.
        client: a ``distributed.Client``; a scheduler address (``"tcp://host:8786"``);
            ``"local:N"``, a local cluster of N worker processes for this run; or None: the
            current client if one is running, else a local cluster of one worker per core.
        out: a folder of Parquet tables to append to (documents already there are skipped);
            None to get the results back.
        model: None for the bundled model, ``"keywords"``, or a model folder the workers can read.
        as_of: the day ``overdue`` is reckoned at (default today, fixed for the whole run).
        max_chars: longer documents become ``DocumentTooLarge`` error records.
        npartitions: how many partitions (default: two per worker thread, at most 1,000 files each).
    Returns:
        With ``out``: a :class:`CorpusRun`. Without: a list, in input order, of
        :class:`~notice_nlp.Document` or :class:`~notice_nlp.ErrorRecord`, one per path.
    Raises:
        MissingDependency: dask, distributed (or, with ``out``, pyarrow) not installed.
        NoticeError: a bad ``as_of``. NoticeTypeError: ``npartitions`` below 1.
    """
    distributed = _require_dask()
    items = [p if isinstance(p, tuple) else str(p) for p in paths]
    day = as_of_date(as_of).isoformat()
    if npartitions is not None and npartitions < 1:
        raise NoticeTypeError(f"tag_paths() needs npartitions ≥ 1, got {npartitions}")
    folder = None if out is None else str(out)
    if folder is not None:
        from .output.parquet import existing_keys
        Path(folder).mkdir(parents=True, exist_ok=True)
        skip = existing_keys(folder)
    client, owned = _client(client, distributed)
    try:
        threads = sum(client.nthreads().values()) or 1
        chunks = _chunks(items, npartitions or max(2 * threads, math.ceil(len(items) / 1000)))
        futures = _submit(client, chunks, folder, skip if folder else None,
                          model=model, max_chars=max_chars, as_of=day)
        results = [_result(future, chunk) for future, chunk in zip(futures, chunks)]
    finally:
        if owned:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()
    if folder is None:
        return [outcome for part in results for _, _, outcome in part["items"]]
    return _collect(results, skip)


def _submit(client, chunks: list, folder: str | None, skip: set[str] | None, **options) -> list:
    """One task per chunk (so a lost partition's items are known here): each writes its own
    part files into ``folder``, or, without one, returns its Documents."""
    if folder is None:
        return client.map(_tag_partition, chunks, pure=False, **options)
    # the keys already in the tables go to each worker once, not inside every task
    [keys] = client.scatter([frozenset(skip)], broadcast=True, hash=False)  # a list: one object, not its items
    return client.map(_write_partition, chunks, out=folder, skip=keys, pure=False, **options)


def _require_dask():
    try:
        import distributed
    except ImportError:
        from .output.parquet import MissingDependency
        raise MissingDependency("the Dask run needs dask and distributed: pip install 'notice_nlp[corpus]'") from None
    return distributed


def _client(client: Any, distributed) -> tuple[Any, bool]:
    """(client, whether this run made it and must close it)."""
    if isinstance(client, str) and client.startswith("local:"):
        return local_client(local_workers(client)), True
    if isinstance(client, str):
        return distributed.Client(client), True
    if client is not None:
        return client, False
    try:
        return distributed.get_client(), False
    except ValueError:  # no client running: a local cluster, one single-threaded worker per core
        return local_client(os.cpu_count() or 1), True


def local_workers(spec: str) -> int:
    """``local:N`` → N (at least 1); anything else is a NoticeTypeError saying the form."""
    count = spec.partition(":")[2]
    if not spec.startswith("local:") or not count.isdigit() or int(count) < 1:
        raise NoticeTypeError(f"a local Dask cluster is written local:N (N worker processes, N ≥ 1), got {spec!r}")
    return int(count)


# Set before a worker process starts: glibc reads MALLOC_ARENA_MAX only then, and each thread
# of a worker (the event loop, the task thread, onnxruntime's) would otherwise grow its own
# malloc arena. The workers' sampling profiler is off: it walks the task thread's stack every
# 10 ms and keeps 1,000 s of samples, memory and time that grow with the run, for a dashboard
# this run does not open.
LOCAL_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_ARENA_MAX": 2,
                "distributed.worker.profile.enabled": False}


def local_client(workers: int):
    """A ``distributed.Client`` on a local cluster of ``workers`` single-threaded worker
    processes, each told to use its share of the cores (``NOTICE_NLP_THREADS``)."""
    import dask
    distributed = _require_dask()
    threads = max(1, (os.cpu_count() or 1) // workers)
    with dask.config.set(LOCAL_CONFIG):
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None, env={"NOTICE_NLP_THREADS": str(threads)})
    return distributed.Client(cluster)


def _chunks(items: Sequence, n: int) -> list[list[tuple[int, Any]]]:
    """``(index, item)`` pairs in ``n`` (or fewer) consecutive chunks of nearly equal size."""
    numbered = list(enumerate(items))
    size = math.ceil(len(numbered) / max(1, min(n, len(numbered)))) if numbered else 1
    return [numbered[lo:lo + size] for lo in range(0, len(numbered), size)]


def _result(future, chunk: list) -> dict:
    """A partition's result; if its worker died (every retry), an error record per item."""
    try:
        return future.result()
    except Exception as exc:
        from .batch import _source_of
        return {"items": [(i, None, ErrorRecord(_source_of(_item(x)), "WorkerDied",
                                                f"{_source_of(_item(x))}: the Dask task tagging it failed: "
                                                f"{type(exc).__name__}: {exc}")) for i, x in chunk],
                "written": None}


def _item(item: Union[str, tuple]) -> Item:
    return item if isinstance(item, tuple) else Path(item)


def _tag_partition(numbered: list[tuple[int, Any]], model: str | None, max_chars: int, as_of: str) -> dict:
    """On a worker: tag one chunk, in order, for the caller. Returns ``{"items": [(index,
    doc_key, Document | ErrorRecord)], "written": None}``."""
    outcomes = [_tagged(x, model, max_chars, as_of) for _, x in numbered]
    return {"items": [(i, _key(o), o) for (i, _), o in zip(numbered, outcomes)], "written": None}


def _write_partition(numbered: list[tuple[int, Any]], model: str | None, max_chars: int, as_of: str,
                     out: str, skip: frozenset[str]) -> dict:
    """On a worker: tag one chunk into its own Parquet part files, a document at a time
    (each is dropped once its rows are buffered), so a worker's memory does not grow with
    the partition. Returns ``{"items": [(index, doc_key, ErrorRecord | source)], "written":
    write_parquet's report}``: metadata only."""
    from .output.parquet import write_parquet
    items, errors = [], []

    def documents():
        for i, x in numbered:
            outcome = _tagged(x, model, max_chars, as_of)
            if isinstance(outcome, ErrorRecord):
                errors.append(outcome.to_dict())  # write_parquet reads errors once documents are done
                items.append((i, None, outcome))
            else:
                items.append((i, outcome.content_sha256, outcome.source))
                yield outcome.to_dict()

    written = write_parquet(documents(), errors, out, skip)
    return {"items": items, "written": written}


def _tagged(item: Union[str, tuple], model: str | None, max_chars: int, as_of: str) -> Outcome:
    outcome = tag_item(_item(item), model, max_chars)
    if not isinstance(outcome, ErrorRecord):
        outcome.as_of = as_of
    return outcome


def _key(outcome: Outcome) -> str | None:
    return None if isinstance(outcome, ErrorRecord) else outcome.content_sha256


def _collect(results: list[dict], existing: set[str]) -> CorpusRun:
    """Join the partitions' reports; a document found in two partitions (the same text under
    two names) is kept where it came first in the input and dropped from the later part."""
    run, first = CorpusRun(), {}
    for part in sorted(results, key=lambda p: min((i for i, _, _ in p["items"]), default=0)):
        written = part["written"] or {"documents": 0, "skipped": [], "files": []}
        later = {k for _, k, _ in part["items"] if k is not None and k in first and k not in existing}
        run.documents += written["documents"]
        run.skipped += written["skipped"]
        if later:
            gone = _drop_documents(written["files"], later)
            run.documents -= gone
            run.skipped += [s for _, k, s in part["items"] if k in later and s not in written["skipped"]]
        run.files += [f for f in written["files"] if Path(f).exists()]
        for i, key, outcome in part["items"]:
            if isinstance(outcome, ErrorRecord):
                run.errors.append(outcome)
            elif key is not None:
                first.setdefault(key, i)
    return run


def _drop_documents(files: list[str], keys: set[str]) -> int:
    """Remove the rows of ``keys`` from one partition's part files; how many documents went."""
    from .output.parquet import require_pyarrow
    pa, pq = require_pyarrow()
    import pyarrow.compute as pc
    drop, gone = pa.array(sorted(keys)), 0
    for name in files:
        path = Path(name)
        if path.parent.name == "errors":
            continue
        dropped = _filter_part(path, drop, pq, pc)
        if path.parent.name == "documents":
            gone += dropped
    return gone


def _filter_part(path: Path, drop, pq, pc) -> int:
    """Rewrite one part file without the rows whose ``doc_key`` is in ``drop``, a row group at
    a time (so this process never holds a whole part), under a temporary name renamed when
    complete; the file goes if no row is left. Returns the rows dropped."""
    tmp, kept, dropped = path.with_name(f".{path.name}.tmp"), 0, 0
    with pq.ParquetFile(path) as source, pq.ParquetWriter(tmp, source.schema_arrow, compression="zstd") as writer:
        for group in range(source.num_row_groups):
            rows = source.read_row_group(group)
            rest = rows.filter(pc.invert(pc.is_in(rows.column("doc_key"), value_set=drop)))
            kept, dropped = kept + rest.num_rows, dropped + rows.num_rows - rest.num_rows
            if rest.num_rows:
                writer.write_table(rest)
    if kept:
        os.replace(tmp, path)
    else:
        tmp.unlink()
        path.unlink()
    return dropped
