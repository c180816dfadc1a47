"""The shipped classifier at run time: ONNX Runtime + tokenizers + numpy, no torch.

A model folder (written by ``notice-nlp train``) holds ``model.onnx`` (int8),
``tokenizer.json`` and ``labels.json``. The graph takes the sentence as segment A
and its context (issue title) as segment B, and returns four logit arrays:
category, subcategory, multi-label categories and status.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .encoder_runtime import OnnxEncoder
from .errors import ModelError
from .prediction import Prediction

OUTPUTS = ("category", "subcategory", "multilabel", "status")
MULTILABEL_THRESHOLD = 0.5


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass
class LabelSpace:
    categories: list[str]
    subcategories: list[str]  # "category.subcategory"
    statuses: list[str]
    max_length: int = 128

    @classmethod
    def load(cls, folder: Path) -> "LabelSpace":
        return cls(**json.loads((folder / "labels.json").read_text("utf-8")))

    def save(self, folder: Path) -> None:
        (folder / "labels.json").write_text(json.dumps(self.__dict__, ensure_ascii=False, indent=1), "utf-8")

    def sub_mask(self) -> np.ndarray:
        """[category, subcategory] → 1 where the subcategory belongs to the category."""
        mask = np.zeros((len(self.categories), len(self.subcategories)), dtype=bool)
        for j, full in enumerate(self.subcategories):
            mask[self.categories.index(full.split(".")[0]), j] = True
        return mask


class OnnxClassifier:
    def __init__(self, encoder: OnnxEncoder, labels: LabelSpace):
        self.encoder, self.labels = encoder, labels
        self._mask = labels.sub_mask()

    @classmethod
    def load(cls, folder: str | Path) -> "OnnxClassifier":
        folder = Path(folder)
        if not (folder / "labels.json").is_file():
            raise ModelError(f"{folder}: no labels.json; not a notice_nlp model folder "
                             "(make one with `notice-nlp train`)")
        labels = LabelSpace.load(folder)
        return cls(OnnxEncoder(folder, max_length=labels.max_length), labels)

    def predict(self, sentences: list[str], contexts: list[str | None] | None = None) -> list[Prediction]:
        contexts = [c or "" for c in (contexts or [None] * len(sentences))]
        out = self.encoder.encode(sentences, contexts)
        return decode(out, self.labels, self._mask)


def decode(out: dict[str, np.ndarray], labels: LabelSpace, mask: np.ndarray) -> list[Prediction]:
    """Logits → Predictions; the subcategory is chosen within the predicted category."""
    p_cat = softmax(out["category"])
    p_sub = softmax(out["subcategory"])
    p_multi = 1 / (1 + np.exp(-out["multilabel"]))
    statuses = out["status"].argmax(-1)
    preds = []
    for i in range(len(p_cat)):
        c = int(p_cat[i].argmax())
        within = np.where(mask[c], p_sub[i], 0.0)
        s = int(within.argmax())
        score = float(p_cat[i, c] * within[s] / max(within.sum(), 1e-9))
        category = labels.categories[c]
        extra = [labels.categories[k] for k in np.argsort(-p_multi[i])
                 if labels.categories[k] != category and p_multi[i, k] >= MULTILABEL_THRESHOLD][:2]
        preds.append(Prediction(category, labels.subcategories[s].split(".", 1)[1], score,
                                [category] + extra, labels.statuses[int(statuses[i])]))
    return preds
