"""Figures of the data card (data/README.md), computed from the files — never typed by hand.

    python tools/datacard.py            # prints the tables as Markdown
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from annotate import DATA, align, document_sentences, source_documents
from notice_nlp.dataset import load_records, load_splits
from notice_nlp.evaluate import span_scores


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def agreement(first_dir: Path = DATA / "annotation", second_dir: Path = DATA / "annotation2") -> dict:
    """Cohen's kappa (category, subcategory, status) and span F1 (dates, counts) of two annotations."""
    from sklearn.metrics import cohen_kappa_score

    pairs = []
    docs = {d["doc_id"]: d for d in source_documents()}
    adjudicated = _first_labels()
    for path in sorted(second_dir.glob("*.jsonl")):
        current = document_sentences(docs[path.stem])
        first, _, _ = align([{**row, **adjudicated.get(row["id"], {})} for row in _rows(first_dir / path.name)],
                            current)
        second, _, _ = align(_rows(path), current)
        by_id = {r["id"]: r for r in second}
        pairs += [(a, by_id[a["id"]]) for a in first if a["id"] in by_id]
    for a, b in pairs:
        for rec in (a, b):
            for kind in ("dates", "counts"):
                _place(rec, kind)
    out = {"documents": len(list(second_dir.glob("*.jsonl"))), "sentences": len(pairs)}
    for field in ("category", "subcategory", "status"):
        key = (lambda r: f"{r['category']}.{r['subcategory']}") if field == "subcategory" else (lambda r, f=field: r[f])
        out[f"kappa_{field}"] = round(float(cohen_kappa_score([key(a) for a, _ in pairs], [key(b) for _, b in pairs])), 4)
        out[f"agreement_{field}"] = round(sum(key(a) == key(b) for a, b in pairs) / len(pairs), 4)
    for kind, keys in (("dates", ("type", "value")), ("counts", ("value", "unit"))):
        scores = span_scores([a[kind] for a, _ in pairs], [b[kind] for _, b in pairs], keys)
        out[f"{kind}_span_f1"], out[f"{kind}_value_accuracy"] = scores["f1"], scores["value_accuracy"]
    return out


def _first_labels(adjudication: Path = DATA / "adjudication.jsonl",
                  review: Path = DATA / "cleanlab_review.jsonl") -> dict[str, dict]:
    """The first annotator's own labels of sentences changed later (adjudication, then the
    cleanlab review): the annotation files hold the decisions, so agreement is measured on
    the labels as they were before either."""
    first = {row["id"]: row["before"] for row in _rows(review) if row["decision"] != "keep"} if review.is_file() else {}
    if adjudication.is_file():
        first.update({row["id"]: row["first"] for row in _rows(adjudication)})
    return first


def _place(rec: dict, kind: str) -> None:
    from annotate import _place_spans
    _place_spans(rec, kind)


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


def card_tables() -> str:
    records, splits = load_records(), load_splits()
    written_path = DATA / "written.jsonl"
    written = load_records(written_path) if written_path.is_file() else []
    split_of = {doc: name for name in ("train", "dev", "test") for doc in splits[name]}
    parts = [
        f"**{len(records)} real sentences** from **{len({r['doc_id'] for r in records})} documents**, "
        f"and {len(written)} written sentences for training only.",
        source_table(records, written),
        "| split | documents | sentences |\n|---|---|---|\n" + "\n".join(
            f"| {name} | {len(splits[name])} | {sum(split_of[r['doc_id']] == name for r in records)} |"
            for name in ("train", "dev", "test")),
        "Test documents: " + ", ".join(splits["test"]),
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
    second = DATA / "annotation2"
    if second.is_dir() and any(second.glob("*.jsonl")):
        agree = agreement()
        parts.append("| agreement (second annotation) | value |\n|---|---|\n" +
                     "\n".join(f"| {k} | {v} |" for k, v in agree.items()))
    return "\n\n".join(parts)


if __name__ == "__main__":
    print(card_tables())
