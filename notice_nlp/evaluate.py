"""Evaluation on labeled sentences: the figures of ``notice-nlp evaluate``.

Category P/R/F1 (per category, macro, micro), subcategory accuracy, status
macro-F1, and for dates and counts span F1 (exact offsets) with value accuracy
(share of matched spans whose type/value — or value/unit — are right).
Metrics come from scikit-learn.
"""
from __future__ import annotations

from dataclasses import dataclass

from .classifier.classify import load_classifier
from .tagging.counts import extract_counts
from .tagging.dates import extract_dates
from .classifier.prediction import Prediction
from .tagging.taggers import sentence_status
from .taxonomy import STATUSES, categories


@dataclass
class Predicted:
    record: dict
    prediction: Prediction
    status: str
    dates: list[dict]
    counts: list[dict]


def predict_records(records: list[dict], model: str | None = None, classifier=None) -> list[Predicted]:
    """Run a model (or any object with ``predict(sentences, contexts)``) and the taggers."""
    classifier = classifier or load_classifier(model)
    preds = classifier.predict([r["text"] for r in records], [r.get("context") for r in records])
    out = []
    for rec, pred in zip(records, preds):
        out.append(Predicted(rec, pred, sentence_status(rec["text"], pred.status),
                             extract_dates(rec["text"], rec.get("doc_date"), year=rec.get("year")),
                             extract_counts(rec["text"])))
    return out


def metrics(predicted: list[Predicted]) -> dict:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    gold = [p.record["category"] for p in predicted]
    guess = [p.prediction.category for p in predicted]
    present = [c for c in categories() if c in gold]
    prec, rec, f1, support = precision_recall_fscore_support(gold, guess, labels=present, zero_division=0)
    status_gold = [p.record["status"] for p in predicted]
    status_labels = [s for s in STATUSES if s in status_gold]
    return {
        "sentences": len(predicted),
        "documents": len({p.record["doc_id"] for p in predicted}),
        "category": {c: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                         "f1": round(float(f), 4), "support": int(s)}
                     for c, p, r, f, s in zip(present, prec, rec, f1, support)},
        "macro_f1": round(float(f1_score(gold, guess, labels=present, average="macro", zero_division=0)), 4),
        "micro_f1": round(float(f1_score(gold, guess, labels=present, average="micro", zero_division=0)), 4),
        "subcategory_accuracy": round(float(accuracy_score(
            [f"{p.record['category']}.{p.record['subcategory']}" for p in predicted],
            [f"{p.prediction.category}.{p.prediction.subcategory}" for p in predicted])), 4),
        "status_macro_f1": round(float(f1_score(status_gold, [p.status for p in predicted],
                                                labels=status_labels, average="macro", zero_division=0)), 4),
        "status_accuracy": round(float(accuracy_score(status_gold, [p.status for p in predicted])), 4),
        "score_ece": expected_calibration_error(
            [p.prediction.score for p in predicted],
            [p.prediction.category == p.record["category"] and p.prediction.subcategory == p.record["subcategory"]
             for p in predicted]),
        "review": review_scores(predicted),
        "dates": span_scores([p.record.get("dates", []) for p in predicted], [p.dates for p in predicted],
                             ("type", "value")),
        "counts": span_scores([p.record.get("counts", []) for p in predicted], [p.counts for p in predicted],
                              ("value", "unit")),
    }


def review_scores(predicted: list[Predicted]) -> dict:
    """The review flag: share of sentences flagged, and share of the category errors among them."""
    flagged = [p.prediction.review for p in predicted]
    wrong = [p.prediction.category != p.record["category"] for p in predicted]
    caught = sum(f and w for f, w in zip(flagged, wrong))
    return {"flagged_share": round(sum(flagged) / len(flagged), 4) if flagged else 0.0,
            "category_errors": sum(wrong),
            "category_errors_caught": round(caught / sum(wrong), 4) if any(wrong) else 0.0}


def expected_calibration_error(scores: list[float], correct: list[bool], bins: int = 10) -> float:
    """How far ``score`` is from the share of right labels, averaged over equal-width score bins."""
    total, gap = len(scores), 0.0
    for k in range(bins):
        members = [i for i, s in enumerate(scores) if k / bins <= s < (k + 1) / bins or (k == bins - 1 and s == 1.0)]
        if members:
            confidence = sum(scores[i] for i in members) / len(members)
            accuracy = sum(correct[i] for i in members) / len(members)
            gap += len(members) / total * abs(confidence - accuracy)
    return round(gap, 4) if total else 0.0


def span_scores(gold: list[list[dict]], guess: list[list[dict]], value_keys: tuple[str, ...]) -> dict:
    """Exact-offset span P/R/F1, and value accuracy over the matched spans."""
    n_gold = n_guess = n_match = n_value = 0
    for g_spans, p_spans in zip(gold, guess):
        by_offsets = {(s["start"], s["end"]): s for s in g_spans}
        n_gold, n_guess = n_gold + len(g_spans), n_guess + len(p_spans)
        for span in p_spans:
            truth = by_offsets.get((span["start"], span["end"]))
            if truth is not None:
                n_match += 1
                n_value += all(_same(truth.get(k), span.get(k)) for k in value_keys)
    precision = n_match / n_guess if n_guess else 0.0
    recall = n_match / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"gold": n_gold, "predicted": n_guess, "matched": n_match, "precision": round(precision, 4),
            "recall": round(recall, 4), "f1": round(f1, 4),
            "value_accuracy": round(n_value / n_match, 4) if n_match else 0.0}


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) < 1e-6
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def evaluate(records: list[dict], model: str | None = None) -> tuple[dict, list[Predicted]]:
    predicted = predict_records(records, model)
    return metrics(predicted), predicted
