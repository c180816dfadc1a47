"""Sentence classification: the shipped fine-tuned model, or the keyword baseline.

``load_classifier(None)`` gives the bundled model: ``notice_nlp/bundled_model/``
in an installed wheel, ``models/notice-classifier/`` in a source checkout. If it
is missing, that is a :class:`ModelError` — never a silent fall-back. The keyword
baseline runs only when asked for (``"keywords"``); any other value is a model
folder written by ``notice-nlp train``.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from ..doc import Document
from ..errors import ModelError, NoticeTypeError
from .keywords import KeywordClassifier
from .prediction import Prediction

CHUNK = 512
# Where the wheel puts the model (package data), then where a source checkout keeps it.
_MODEL_PLACES = (Path(__file__).resolve().parents[1] / "bundled_model",
                 Path(__file__).resolve().parents[2] / "models" / "notice-classifier")
BUNDLED_MODEL = next((p for p in _MODEL_PLACES if (p / "model.onnx").is_file()), _MODEL_PLACES[-1])
KEYWORDS = "keywords"


class Annotator:
    """Wraps any classifier with ``predict(sentences, contexts)`` as a pipeline component."""

    def __init__(self, classifier, provenance: dict | None = None):
        self.classifier = classifier
        self.provenance = provenance or {}

    def predict(self, sentences, contexts=None) -> list[Prediction]:
        contexts = contexts or [None] * len(sentences)
        # in chunks, so a huge document never holds all its token encodings at once
        return [pred for i in range(0, len(sentences), CHUNK)
                for pred in self.classifier.predict(sentences[i:i + CHUNK], contexts[i:i + CHUNK])]

    def annotate(self, doc: Document) -> None:
        sentences = doc.sentences
        doc.producer.update(self.provenance)
        predictions = self.predict([s.text for s in sentences], [s.context for s in sentences])
        for sentence, pred in zip(sentences, predictions):
            sentence.category, sentence.subcategory = pred.category, pred.subcategory
            sentence.score, sentence.categories = pred.score, list(pred.categories)
            sentence.review = pred.review
            if pred.status is not None:
                sentence.model_status = pred.status


@cache
def load_classifier(model: str | None = None) -> Annotator:
    """The classifier for ``model``: None (the bundled model), ``"keywords"`` or a model folder."""
    if model == KEYWORDS:
        return Annotator(KeywordClassifier(), {"model": KEYWORDS, "model_sha256": None})
    folder = Path(model) if model else BUNDLED_MODEL
    if not (folder / "model.onnx").is_file():
        if model:
            raise ModelError(f"model {model!r}: no model.onnx there; pass a folder written by "
                             "`notice-nlp train`, or 'keywords' for the keyword baseline")
        raise ModelError(f"the bundled model is not installed (looked in {', '.join(map(str, _MODEL_PLACES))}); "
                         "reinstall notice_nlp from its wheel or a source checkout with models/, "
                         "or pass model='keywords' (--model keywords) to use the keyword baseline")
    from .model import OnnxClassifier
    return Annotator(OnnxClassifier.load(folder), model_provenance(folder, bundled=not model))


def model_provenance(folder: Path, bundled: bool) -> dict:
    """Which model tagged a document: its name and the SHA-256 of its weights."""
    import hashlib
    digest = hashlib.sha256()
    with open(folder / "model.onnx", "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return {"model": "notice-classifier (bundled)" if bundled else str(folder),
            "model_sha256": digest.hexdigest()}


def classify(sentences: list[str], context: str | list[str | None] | None = None,
             model: str | None = None) -> list[Prediction]:
    """Category and subcategory of measure sentences, with a calibrated score.

    Parameters:
        sentences: a list of str (wrap a single sentence in a list).
        context: the issue title the sentences sit under — one str for all, or one per
            sentence (None where there is none). The model reads its first 8 tokens.
        model: None for the bundled model, ``"keywords"``, or a model folder.
    Returns:
        One :class:`~notice_nlp.Prediction` per sentence: ``category``, ``subcategory``,
        ``score`` (probability of that full label), ``categories`` (primary first, up to two
        more), ``status`` (the status head's guess where the model gives one) and ``review``
        (True when the model is unsure of the category).
    Raises:
        NoticeTypeError: not a list of str, or a context list of another length.
        ModelError: the model cannot be loaded.

    >>> [p.category for p in classify(["严格执行政府采购制度，规范招标流程。"], model="keywords")]
    ['finance']
    """
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
