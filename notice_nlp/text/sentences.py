"""Stage 4: split measure text into sentences (taxonomy §5 and §6).

Cuts after 。！？； (and their half-width forms) and before enumerators that
open a new measure (一是, （1）, 1.), never inside quotes, 《》 or brackets.
Offsets are kept so every sentence indexes ``doc.text``.
"""
from __future__ import annotations

from ..errors import NoticeTypeError
from .layout import INLINE_MEASURE_ENUM, SENTENCE_END

_PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "【": "】", "「": "」",
          "『": "』", "〈": "〉", "[": "]", "〔": "〕"}
_CLOSERS = set(_PAIRS.values())
# A quote or bracket left open by a lost character would otherwise swallow the
# rest of the paragraph; one longer than this is treated as unpaired.
MAX_PROTECTED = 300
_CUT_BEFORE_AFTER = set(SENTENCE_END) | set("，, ")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (docs/taxonomy.md §5): at 。！？； and before enumerators that
    start a new measure (一是, （1）, 1.), never inside quotes, 《》 or brackets; each line is a
    paragraph of its own. Raises NoticeTypeError for a non-str.

    >>> split_sentences("一是成立领导小组。二是制定方案（含3项措施；已印发）。")
    ['一是成立领导小组。', '二是制定方案（含3项措施；已印发）。']
    """
    if not isinstance(text, str):
        raise NoticeTypeError(
            f"split_sentences() needs a str, got {type(text).__name__}; "
            "decode bytes first or use notice_nlp.tag_file() for files")
    out = []
    offset = 0
    for line in text.split("\n"):
        out.extend(text[s:e] for s, e in sentence_spans(text, offset, offset + len(line)))
        offset += len(line) + 1
    return out


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences in text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    inside, closes_at = _protected(text, start, end)
    cuts = {start, end}
    for i in range(start, end):
        char = text[i]
        if char in SENTENCE_END and not inside[i - start]:
            cuts.add(i + 1)
        elif i in closes_at and i > start and text[i - 1] in SENTENCE_END:
            cuts.add(i + 1)  # "……完成。”" ends the sentence after the closing quote
    for found in INLINE_MEASURE_ENUM.finditer(text, start, end):
        pos = found.start()
        if pos > start and not inside[pos - start] and text[pos - 1] in _CUT_BEFORE_AFTER:
            cuts.add(pos)
    return _trimmed_spans(text, sorted(cuts))


def _protected(text: str, start: int, end: int) -> tuple[list[bool], set[int]]:
    """Which characters sit inside a paired quote/bracket, and where pairs close."""
    inside = [False] * (end - start)
    closes_at: set[int] = set()
    stack: list[tuple[str, int]] = []
    for i in range(start, end):
        char = text[i]
        if char == '"':  # ASCII quote: opens unless one is open
            if stack and stack[-1][0] == '"':
                _mark(inside, closes_at, stack.pop()[1], i, start)
            else:
                stack.append(('"', i))
        elif char in _PAIRS:
            stack.append((_PAIRS[char], i))
        elif char in _CLOSERS:
            while stack and stack[-1][0] != char and stack[-1][0] in _CLOSERS | {'"'}:
                if any(closer == char for closer, _ in stack):
                    stack.pop()  # an inner opener never closed: drop it
                else:
                    break
            if stack and stack[-1][0] == char:
                _mark(inside, closes_at, stack.pop()[1], i, start)
    return inside, closes_at


def _mark(inside: list[bool], closes_at: set[int], open_at: int, close_at: int, base: int) -> None:
    if close_at - open_at > MAX_PROTECTED:
        return
    for k in range(open_at + 1 - base, close_at - base):
        inside[k] = True
    closes_at.add(close_at)


def _trimmed_spans(text: str, cuts: list[int]) -> list[tuple[int, int]]:
    spans = []
    stray_start = None  # stray punctuation before the first sentence ("！！成立……")
    for s, e in zip(cuts, cuts[1:]):
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e and any(ch.isalnum() for ch in text[s:e]):
            spans.append((s if stray_start is None else stray_start, e))
            stray_start = None
        elif s < e and spans:
            spans[-1] = (spans[-1][0], e)  # stray punctuation joins the sentence before
        elif s < e and stray_start is None:
            stray_start = s  # … or, at the start, the sentence after: no text is lost
    return spans
