"""Write the category prior correction into a trained model folder's labels.json.

    python tools/prior_shift.py models/notice-classifier [--data data/labeled.jsonl] [--written data/written.jsonl]

``notice-nlp train`` stores ``category_prior_shift`` itself (since 2026-12-07). This sets it on
a model trained before, from the same data the model was fitted on: the real sentences of the
train and dev documents, and those plus the written sentences. Nothing else in the folder
changes, so the model is not retrained.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from notice_nlp.dataset import LABELED, load_records, load_splits, split_records  # noqa: E402
from notice_nlp.training.train import category_prior_shift  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", help="model folder (labels.json is rewritten)")
    parser.add_argument("--data", default=str(LABELED))
    parser.add_argument("--written", default=str(REPO / "data" / "written.jsonl"))
    args = parser.parse_args(argv)
    records, manifest = load_records(args.data), load_splits()
    real = split_records(records, "train", manifest) + split_records(records, "dev", manifest)
    written = load_records(args.written)
    path = Path(args.model) / "labels.json"
    settings = json.loads(path.read_text("utf-8"))
    settings["category_prior_shift"] = category_prior_shift(real, real + written, settings["categories"])
    path.write_text(json.dumps(settings, ensure_ascii=False, indent=1), "utf-8")
    print(json.dumps({"real_sentences": len(real), "written_sentences": len(written),
                      "category_prior_shift": dict(zip(settings["categories"], settings["category_prior_shift"]))},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
