"""Merge the annotators' written-sentence files into data/written.jsonl (training data only).

    python tools/build_written.py work/written/*.jsonl [--out data/written.jsonl]
    python tools/build_written.py data/written.jsonl work/written2/*.jsonl --fill-spans   # add a batch

Each line is checked against the taxonomy (tools/annotate.py, check_record), given a
unique id and ``"source": "written"``; exact duplicates, and near-duplicates of any
real labeled sentence (character-trigram Jaccard ≥ 0.6, so a written sentence never
paraphrases an evaluation sentence), are dropped and counted. Lines that already carry a
``batch`` (an earlier written.jsonl given as input) keep it; new lines get their file's
name. ``--fill-spans`` fills the dates and counts of the new lines with the library's own
taggers (not hand-corrected: the classifier trains on text, context and labels only).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from annotate import check_record  # noqa: E402
from notice_nlp.dataset import LABELED, load_records  # noqa: E402

NEAR = 0.6
FIELDS = ("id", "doc_id", "text", "context", "category", "subcategory", "categories", "status", "dates",
          "counts", "source", "origin", "batch", "sector")


def trigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if not ch.isspace())
    return {text[i:i + 3] for i in range(max(len(text) - 2, 1))}


def near_duplicate(grams: set[str], index: dict[str, list[int]], real: list[set[str]]) -> bool:
    candidates = Counter(j for g in grams for j in index.get(g, ()))
    for j, shared in candidates.most_common(5):
        if shared / len(grams | real[j]) >= NEAR:
            return True
    return False


def fill_spans(rec: dict) -> None:
    """Dates and counts of a new written line, as the library tags them (yearless dates take
    the sentence's first explicit year, as in the labeled set's convention)."""
    from notice_nlp.tagging.counts import extract_counts
    from notice_nlp.tagging.dates import explicit_years, extract_dates
    years = explicit_years(rec["text"])
    rec["dates"] = extract_dates(rec["text"], year=years[0][1] if years else None)
    rec["counts"] = extract_counts(rec["text"])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=REPO / "data" / "written.jsonl")
    parser.add_argument("--fill-spans", action="store_true", help="tag dates and counts of lines without a batch")
    args = parser.parse_args()
    real = [trigrams(r["text"]) for r in load_records(LABELED)]
    index: dict[str, list[int]] = {}
    for j, grams in enumerate(real):
        for g in grams:
            index.setdefault(g, []).append(j)
    kept, seen, dropped = [], set(), Counter()
    for path in args.files:
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            if args.fill_spans and not rec.get("batch"):
                fill_spans(rec)
            if check_record(rec):
                dropped["invalid"] += 1
            elif rec["text"] in seen:
                dropped["duplicate"] += 1
            elif near_duplicate(trigrams(rec["text"]), index, real):
                dropped["near a real sentence"] += 1
            else:
                seen.add(rec["text"])
                rec.update(doc_id="written", source="written", batch=rec.get("batch") or path.stem,
                           origin=rec.get("origin") or "new", id=f"written-{len(kept) + 1:05d}")
                kept.append({k: rec.get(k) for k in FIELDS})
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), "utf-8")
    print(f"{len(kept)} written sentences → {args.out}; dropped: {dict(dropped)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
