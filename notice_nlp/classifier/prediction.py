"""What a classifier returns for one sentence."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Prediction:
    category: str
    subcategory: str
    score: float  # 0..1, the classifier's confidence in ``category.subcategory``
    categories: list[str] = field(default_factory=list)  # primary first, then up to two more
    status: str | None = None  # set by classifiers that also predict status
    review: bool = False  # the classifier is unsure of the category: worth a human look
