"""The agreement figures of the data card: the second annotation against the first.

The card itself is printed by ``python -m notice_nlp.datacard``, which calls ``agreement()``
here when run in a checkout (the measure needs this folder's annotation tooling).

    python tools/datacard.py            # the same as python -m notice_nlp.datacard
"""
from __future__ import annotations

import json
from pathlib import Path

from annotate import DATA, align, document_sentences, source_documents
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


if __name__ == "__main__":
    from notice_nlp.datacard import main
    raise SystemExit(main())
