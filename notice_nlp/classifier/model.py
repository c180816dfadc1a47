"""The shipped classifier at run time: ONNX Runtime + tokenizers + numpy, no torch.

A model folder (written by ``notice-nlp train``) holds ``model.onnx`` (int8),
``tokenizer.json`` and ``labels.json``. The graph takes the sentence as segment A
and its context (issue title) as segment B, and returns four logit arrays:
category, subcategory, multi-label categories and status.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .encoder_runtime import OnnxEncoder
from ..errors import ModelError
from .prediction import Prediction

OUTPUTS = ("category", "subcategory", "multilabel", "status")
MULTILABEL_THRESHOLD = 0.5
BATCH_SIZE = 8


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


@dataclass
class LabelSpace:
    categories: list[str]
    subcategories: list[str]  # "category.subcategory"
    statuses: list[str]
    max_length: int = 128
    keyword_weight: float = 0.0  # share of the cue-list distribution in the final mix (chosen on dev)
    prefix: str = ""  # prepended to every sentence (e5 was pretrained with "query: ")
    # Whether the status head may fill in where no rule cue speaks, and how sure it must be
    # (its top probability). Chosen by cross-validation (model card): rule cue, else a
    # confident model, beat the rule cues alone on status accuracy.
    status_from_model: bool = False
    status_min_confidence: float = 0.0
    temperature: float = 1.0  # calibrates ``score`` (see label_distribution); fitted by training
    # Keep at most this many tokens of the context (0: all). Long issue titles cost time and,
    # in cross-validation, the label is in their first words (model card).
    context_tokens: int = 0
    # A sentence is flagged for review when the category head's top probability is below
    # this (0: never). Set by training at the dev quantile that flags a quarter of sentences;
    # out of fold it caught far more category errors than a cut on ``score`` (model card).
    review_below: float = 0.0
    # Per category, log p(real) - log p(fitted): the written sentences make rare categories far
    # more common in training than in real notices, and adding this to the category head's
    # logits undoes that shift of the prior (Saerens et al. 2002). Empty: no correction.
    category_prior_shift: list[float] = field(default_factory=list)

    @classmethod
    def load(cls, folder: Path) -> "LabelSpace":
        from dataclasses import fields
        path = folder / "labels.json"
        try:
            values = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"{path}: unreadable ({exc}); rebuild the model folder with `notice-nlp train`") from None
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known) if isinstance(values, dict) else ["(not a JSON object)"]
        if unknown:
            raise ModelError(f"{path}: unknown keys {unknown}; this notice_nlp understands {sorted(known)} — "
                             "the model was written by another version; upgrade notice_nlp or retrain")
        try:
            return cls(**values)
        except TypeError as exc:
            raise ModelError(f"{path}: {exc}; rebuild the model folder with `notice-nlp train`") from None

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
        # small batches: on 2 cores int8 matmuls of 8 short pairs beat 32 (less padding, warm caches)
        return cls(OnnxEncoder(folder, max_length=labels.max_length, batch_size=BATCH_SIZE), labels)

    def predict(self, sentences: list[str], contexts: list[str | None] | None = None) -> list[Prediction]:
        contexts = list(contexts or [None] * len(sentences))
        clipped = clip_contexts(contexts, self.encoder.tokenizer, self.labels.context_tokens)
        out = self.encoder.encode([self.labels.prefix + s for s in sentences], [c or "" for c in clipped])
        return decode(out, self.labels, self._mask, cue_distribution(sentences, contexts, self.labels))


def clip_contexts(contexts: list[str | None], tokenizer, max_tokens: int) -> list[str | None]:
    """Each context cut after its first ``max_tokens`` tokens (0: unchanged); ``tokenizer`` is a
    ``tokenizers.Tokenizer`` (a transformers fast tokenizer's ``backend_tokenizer``)."""
    if not max_tokens:
        return list(contexts)
    clipped: dict[str, str] = {}  # a notice repeats each issue title for all its sentences
    for context in set(filter(None, contexts)):
        offsets = tokenizer.encode(context, add_special_tokens=False).offsets
        clipped[context] = context if len(offsets) <= max_tokens else context[:offsets[max_tokens - 1][1]]
    return [clipped.get(c, c) for c in contexts]


def cue_distribution(sentences: list[str], contexts: list[str | None], labels: LabelSpace) -> np.ndarray:
    """Per sentence, the keyword cues' scores as a distribution over subcategories (zeros: no cue)."""
    from .keywords import cue_scores

    index = {full: j for j, full in enumerate(labels.subcategories)}
    dist = np.zeros((len(sentences), len(labels.subcategories)))
    for i, (sentence, context) in enumerate(zip(sentences, contexts)):
        for (cat, sub), score in cue_scores(sentence, context).items():
            dist[i, index[f"{cat}.{sub}"]] = score
    totals = dist.sum(axis=1, keepdims=True)
    return np.divide(dist, totals, out=np.zeros_like(dist), where=totals > 0)


def subcategory_distribution(out: dict[str, np.ndarray], mask: np.ndarray) -> np.ndarray:
    """p(category) × p(subcategory | category), from the two heads."""
    p_cat, p_sub = softmax(out["category"]), softmax(out["subcategory"])
    owner = mask.argmax(axis=0)  # the category of each subcategory
    per_category = p_sub @ mask.T.astype(p_sub.dtype)
    return p_cat[:, owner] * p_sub / np.maximum(per_category[:, owner], 1e-9)


def label_distribution(out: dict[str, np.ndarray], labels: LabelSpace, mask: np.ndarray,
                       cues: np.ndarray | None = None) -> np.ndarray:
    """The final distribution over full labels: the heads' joint (the category head corrected for
    the training prior, ``category_prior_shift``), mixed with the cue lists where one matched, then tempered (p^(1/T), renormalised) so that the top probability is calibrated;
    the temperature never changes which label is on top."""
    if labels.category_prior_shift:
        out = {**out, "category": out["category"] + np.asarray(labels.category_prior_shift, dtype=out["category"].dtype)}
    joint = subcategory_distribution(out, mask)
    if cues is not None and labels.keyword_weight > 0:
        has_cue = cues.sum(axis=1, keepdims=True) > 0
        joint = np.where(has_cue, (1 - labels.keyword_weight) * joint + labels.keyword_weight * cues, joint)
    if labels.temperature != 1.0:
        joint = np.clip(joint, 1e-12, None) ** (1.0 / labels.temperature)
        joint /= joint.sum(axis=1, keepdims=True)
    return joint


def decode(out: dict[str, np.ndarray], labels: LabelSpace, mask: np.ndarray,
           cues: np.ndarray | None = None) -> list[Prediction]:
    """Logits (and cue distribution) → Predictions; the category is the one of the chosen subcategory."""
    joint = label_distribution(out, labels, mask, cues)
    p_multi = 1 / (1 + np.exp(-out["multilabel"]))
    p_status = softmax(out["status"])
    statuses, status_sure = p_status.argmax(-1), p_status.max(-1) >= labels.status_min_confidence
    category_sure = softmax(out["category"]).max(-1)
    owner = mask.argmax(axis=0)
    preds = []
    for i in range(len(joint)):
        s = int(joint[i].argmax())
        category = labels.categories[int(owner[s])]
        extra = [labels.categories[k] for k in np.argsort(-p_multi[i])
                 if labels.categories[k] != category and p_multi[i, k] >= MULTILABEL_THRESHOLD][:2]
        status = labels.statuses[int(statuses[i])] if labels.status_from_model and status_sure[i] else None
        preds.append(Prediction(category, labels.subcategories[s].split(".", 1)[1], float(joint[i, s]),
                                [category] + extra, status, bool(category_sure[i] < labels.review_below)))
    return preds
