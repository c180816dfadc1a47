"""Figures of the data card (data/README.md), computed from the files, never typed by hand.

    python -m notice_nlp.datacard [--data DIR]     # prints the card's tables as Markdown

``DIR`` (default: the repository's ``data/``) holds ``labeled.jsonl``, ``splits.json`` and,
optionally, ``written.jsonl``. The agreement table (Cohen's kappa of the doubly annotated
documents) needs the annotation folders and the repository's annotation tooling
(``tools/datacard.py``); outside a checkout the card says it was left out.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from .dataset import DATA, load_records, load_splits
from .errors import NoticeError


def _table(counter: Counter, header: str) -> str:
    lines = [f"| {header} | sentences |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in counter.most_common()]
    return "\n".join(lines)


def _source_kind(record: dict) -> str:
    source = record.get("source") or ""
    return ("seeds" if "samples" in source else "web (shared corpus)" if "web_notices" in source
            else "web (found later)" if "more_notices" in source else source)


def source_table(records: list[dict], written: list[dict]) -> str:
    """Documents and sentences per source: seed notices, web notices, written sentences."""
    lines = ["| source | documents | sentences | use |", "|---|---|---|---|"]
    by_kind: dict[str, list[dict]] = {}
    for r in records:
        by_kind.setdefault(_source_kind(r), []).append(r)
    for kind, rows in by_kind.items():
        lines.append(f"| {kind} | {len({r['doc_id'] for r in rows})} | {len(rows)} | train/dev/test by document |")
    lines.append(f"| written (`written.jsonl`) | – | {len(written)} | training only |")
    return "\n".join(lines)


def split_table(records: list[dict], splits: dict[str, list[str]]) -> str:
    split_of = {doc: name for name in ("train", "dev", "test") for doc in splits.get(name, [])}
    return "| split | documents | sentences |\n|---|---|---|\n" + "\n".join(
        f"| {name} | {len(splits.get(name, []))} | {sum(split_of.get(r['doc_id']) == name for r in records)} |"
        for name in ("train", "dev", "test"))


def count_tables(records: list[dict], splits: dict[str, list[str]], written: list[dict]) -> list[str]:
    """Every count of the card: sources, splits, categories, subcategories, statuses, sectors, spans."""
    return [
        f"**{len(records)} real sentences** from **{len({r['doc_id'] for r in records})} documents**, "
        f"and {len(written)} written sentences for training only.",
        source_table(records, written),
        split_table(records, splits),
        "Test documents: " + ", ".join(splits.get("test", [])),
        _table(Counter(r["category"] for r in records), "category"),
        _table(Counter(f"{r['category']}.{r['subcategory']}" for r in records), "subcategory"),
        _table(Counter(r["status"] for r in records), "status"),
        _table(Counter(r.get("sector") for r in records), "sector"),
        f"Date spans: {sum(len(r['dates']) for r in records)} "
        f"({dict(Counter(s['type'] for r in records for s in r['dates']))}); "
        f"count spans: {sum(len(r['counts']) for r in records)}.",
        "Written sentences:",
        _table(Counter(f"{r['category']}.{r['subcategory']}" for r in written), "subcategory (written)"),
        _table(Counter(r["status"] for r in written), "status (written)"),
    ]


def agreement_table(data_dir: Path) -> str | None:
    """Kappa and raw agreement of the second annotation, or None where there is none to measure.

    The measure re-aligns both annotations with the documents as the pipeline splits them today,
    which is the repository's annotation tooling (``tools/``, not part of the wheel)."""
    second = data_dir / "annotation2"
    if not (second.is_dir() and any(second.glob("*.jsonl"))):
        return None
    tools = data_dir.resolve().parent / "tools"
    if not (tools / "datacard.py").is_file():
        return "Agreement: left out (it needs the repository's `tools/`; run this in a checkout)."
    sys.path.insert(0, str(tools))
    from datacard import agreement  # noqa: E402  (repository tooling)

    agree = agreement(data_dir / "annotation", second)
    return "| agreement (second annotation) | value |\n|---|---|\n" + "\n".join(
        f"| {k} | {v} |" for k, v in agree.items())


def card_tables(data_dir: str | Path = DATA) -> str:
    data_dir = Path(data_dir)
    written_path = data_dir / "written.jsonl"
    splits_path = data_dir / "splits.json"
    records = load_records(data_dir / "labeled.jsonl")
    splits = load_splits(splits_path) if splits_path.is_file() else {}
    written = load_records(written_path) if written_path.is_file() else []
    parts = count_tables(records, splits, written)
    agreement = agreement_table(data_dir)
    return "\n\n".join(parts + ([agreement] if agreement else []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m notice_nlp.datacard", description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(DATA), help="folder with labeled.jsonl, splits.json, written.jsonl")
    args = parser.parse_args(argv)
    try:
        print(card_tables(args.data))
    except NoticeError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
