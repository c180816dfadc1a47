"""Sentence classification: the shipped fine-tuned model, or the keyword baseline.

``load_classifier(None)`` gives the bundled model under ``models/`` when it is
there, else the keyword baseline; ``"keywords"`` asks for the baseline; any
other value is a model folder written by ``notice-nlp train``.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from .doc import Document
from .errors import ModelError, NoticeTypeError
from .keywords import KeywordClassifier
from .prediction import Prediction

CHUNK = 512
BUNDLED_MODEL = Path(__file__).resolve().parents[1] / "models" / "notice-classifier"


class Annotator:
    """Wraps any classifier with ``predict(sentences, contexts)`` as a pipeline component."""

    def __init__(self, classifier):
        self.classifier = classifier

    def predict(self, sentences, contexts=None) -> list[Prediction]:
        contexts = contexts or [None] * len(sentences)
        # in chunks, so a huge document never holds all its token encodings at once
        return [pred for i in range(0, len(sentences), CHUNK)
                for pred in self.classifier.predict(sentences[i:i + CHUNK], contexts[i:i + CHUNK])]

    def annotate(self, doc: Document) -> None:
        sentences = doc.sentences
        predictions = self.predict([s.text for s in sentences], [s.context for s in sentences])
        for sentence, pred in zip(sentences, predictions):
            sentence.category, sentence.subcategory = pred.category, pred.subcategory
            sentence.score, sentence.categories = pred.score, list(pred.categories)
            if pred.status is not None:
                sentence.model_status = pred.status


@cache
def load_classifier(model: str | None = None) -> Annotator:
    if model == "keywords" or (model is None and not BUNDLED_MODEL.exists()):
        return Annotator(KeywordClassifier())
    folder = Path(model) if model else BUNDLED_MODEL
    if not folder.exists():
        raise ModelError(f"model {model!r}: no such folder; pass a folder written by "
                         "`notice-nlp train`, or 'keywords' for the keyword baseline")
    from .model import OnnxClassifier
    return Annotator(OnnxClassifier.load(folder))


def classify(sentences: list[str], context: str | list[str | None] | None = None,
             model: str | None = None) -> list[Prediction]:
    """Classify sentences; ``context`` is one issue title for all, or one per sentence."""
    if isinstance(sentences, str) or not all(isinstance(s, str) for s in sentences):
        raise NoticeTypeError("classify() needs a list of str sentences; wrap a single sentence in a list")
    if context is None or isinstance(context, str):
        contexts = [context] * len(sentences)
    else:
        contexts = list(context)
        if len(contexts) != len(sentences):
            raise NoticeTypeError(f"classify(): {len(sentences)} sentences but {len(contexts)} contexts; "
                                  "give one context string, or one per sentence")
    return load_classifier(model).predict(list(sentences), contexts)
