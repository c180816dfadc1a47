"""Possible label errors in the real labeled set, found by cleanlab on out-of-fold predictions.

    python tools/label_issues.py [--run e4-written] [--out build/label_issues.jsonl]

Reads the out-of-fold logits that ``bench/cross_validate.py`` wrote for a run
(every sentence predicted by a model that never saw its document), and runs
``cleanlab.filter.find_label_issues`` twice: on the category (8 classes, category head)
and on the status (6 classes, status head). Flagged sentences, worst first, go to a
JSONL file for re-adjudication (``docs/annotation.md``); nothing is changed here.
Needs ``pip install cleanlab`` and a finished cross-validation run.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from cross_validate import CV_DIR, fold_indices, load_run  # noqa: E402
from notice_nlp.dataset import load_records  # noqa: E402
from notice_nlp.classifier.model import softmax  # noqa: E402
from notice_nlp.taxonomy import STATUSES, categories  # noqa: E402


def flagged(labels: list[str], classes: list[str], probs: np.ndarray) -> list[tuple[int, str]]:
    """(index, most likely other label) of the sentences cleanlab flags, worst first."""
    from cleanlab.filter import find_label_issues
    given = np.array([classes.index(x) for x in labels])
    order = find_label_issues(given, probs, return_indices_ranked_by="self_confidence")
    return [(int(i), classes[int(probs[i].argmax())]) for i in order]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", default="e4-written")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "build" / "label_issues.jsonl")
    args = parser.parse_args()
    records = load_records()
    out = load_run(CV_DIR / args.run, records, fold_indices(records, args.folds))
    if out is None:
        sys.exit(f"no finished run {args.run!r} under {CV_DIR}; run bench/cross_validate.py first")
    rows = []
    for field, classes, head in (("category", categories(), "category"), ("status", list(STATUSES), "status")):
        for i, suggested in flagged([r[field] for r in records], classes, softmax(out[head])):
            r = records[i]
            rows.append({"id": r["id"], "field": field, "given": r[field], "suggested": suggested,
                         "text": r["text"], "context": r.get("context"),
                         "category": r["category"], "subcategory": r["subcategory"], "status": r["status"]})
    args.out.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), "utf-8")
    by_field = {f: sum(row["field"] == f for row in rows) for f in ("category", "status")}
    print(f"{len(rows)} flags over {len(records)} sentences {by_field} → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
