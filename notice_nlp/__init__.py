"""notice_nlp: read Chinese inspection-rectification notices (巡察整改进展情况通报) into data.

    import notice_nlp
    doc = notice_nlp.tag_file("notice.docx")
    for s in doc.sentences:
        print(s.category, s.status, s.text)

Names are imported on first use, so ``import notice_nlp`` stays fast.
"""
from __future__ import annotations

import importlib

from .errors import NoticeError

# The function shadows its module of the same name: bind it eagerly, or the first
# ``import notice_nlp.classify`` elsewhere would leave the module in its place.
from .classifier.classify import classify

__version__ = "0.1.0"

_EXPORTS = {
    "tag": "pipeline", "tag_file": "pipeline", "pipe": "batch", "ErrorRecord": "batch",
    "detect_status": "tagging.status", "extract_dates": "tagging.dates", "extract_counts": "tagging.counts",
    "split_sentences": "text.sentences", "Prediction": "classifier.prediction",
    "Document": "doc", "Section": "doc", "Issue": "doc", "Measure": "doc", "Sentence": "doc",
}
__all__ = [*_EXPORTS, "classify", "NoticeError", "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'notice_nlp' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)
