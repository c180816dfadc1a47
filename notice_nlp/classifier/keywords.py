"""The keyword baseline: category cues of docs/taxonomy.md §1, scored by match length.

Honest and transparent, kept as the baseline the fine-tuned model must beat.
The sentence's own words count fully; the issue title only breaks ties
(taxonomy §1: label what the sentence does, not the section it sits in).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from .prediction import Prediction
from ..taxonomy import category_table

CONTEXT_WEIGHT = 0.3


@cache
def _cue_index() -> list[tuple[str, str, str]]:
    """(cue, category, subcategory), longest cues first."""
    index = [(cue, cat, sub)
             for cat, entry in category_table().items()
             for sub, sub_entry in entry["subcategories"].items()
             for cue in sub_entry["cues"]]
    return sorted(index, key=lambda item: -len(item[0]))


def _scores(text: str) -> dict[tuple[str, str], float]:
    scores: dict[tuple[str, str], float] = {}
    for cue, cat, sub in _cue_index():
        hits = text.count(cue)
        if hits:
            scores[(cat, sub)] = scores.get((cat, sub), 0.0) + hits * len(cue)
            text = text.replace(cue, "\0" * len(cue))  # a longer cue owns its characters
    return scores


def cue_scores(sentence: str, context: str | None = None) -> dict[tuple[str, str], float]:
    """(category, subcategory) → matched cue length, the issue title counting less."""
    scores = _scores(sentence)
    for key, value in _context_scores(context or ""):
        scores[key] = scores.get(key, 0.0) + CONTEXT_WEIGHT * value
    return scores


@lru_cache(maxsize=4096)
def _context_scores(context: str) -> tuple[tuple[tuple[str, str], float], ...]:
    # every sentence of an issue shares its title: score each title once (a tuple: cached, immutable)
    return tuple(_scores(context).items())


@dataclass
class KeywordClassifier:
    """scikit-learn-like: ``predict(sentences, contexts)``; nothing to fit."""
    name: str = "keywords"

    def predict(self, sentences: list[str], contexts: list[str | None] | None = None) -> list[Prediction]:
        contexts = contexts or [None] * len(sentences)
        return [self._predict_one(s, c) for s, c in zip(sentences, contexts)]

    def _predict_one(self, sentence: str, context: str | None) -> Prediction:
        scores = cue_scores(sentence, context)
        if not scores:
            return Prediction("other", "other", 0.0, ["other"])
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        (cat, sub), best = ranked[0]
        total = sum(scores.values())
        by_category: dict[str, float] = {}
        for (c, _), v in ranked:
            by_category[c] = by_category.get(c, 0.0) + v
        secondary = [c for c, v in sorted(by_category.items(), key=lambda kv: -kv[1])
                     if c != cat and v >= 0.5 * best][:2]
        return Prediction(cat, sub, round(best / total, 4), [cat] + secondary)
