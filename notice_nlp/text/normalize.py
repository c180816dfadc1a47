"""Stage 2: normalise raw text into ``doc.text``, the text every offset indexes.

Removes converter debris and web-page chrome (keeping chrome facts as meta),
puts inline headings on lines of their own, joins lines that a page break cut,
and drops blank lines. Idempotent: normalise(normalise(x).text) == normalise(x).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .layout import SENTENCE_END, alternation, compiled, date_only_line, match_enumerator, regex, rules

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\ufeff\u2028\u2029]")
_SPACES = re.compile(r"[^\S\n]+")
# A lone surrogate (from surrogateescape decoding or a broken JSON escape) cannot be
# written as UTF-8; it becomes U+FFFD, one character for one, so offsets stay put.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# "。 二、整改…" on one line (pages flattened to one paragraph): the spaces after a sentence
# end or colon and before a heading enumerator (rules/layout.yaml) become a line break.
_INLINE_HEADING = re.compile(rf"(?<=[。；;:：])[^\S\n]+(?=(?:{alternation('inline_heading_enumerators')}))")
_TITLEISH = regex("title_line_end")
_TITLE_START = regex("title_line_start")
_PARAGRAPH_OPENERS = tuple(rules()["paragraph_openers"])
_LINE_ENDS = SENTENCE_END + "：:”\"）)》】"


@dataclass
class NormalisedText:
    text: str
    chrome: dict[str, str] = field(default_factory=dict)  # meta facts found in chrome lines
    warnings: list[str] = field(default_factory=list)  # flagged repairs (Document.warnings)


def normalise(raw: str) -> NormalisedText:
    """Normalise one document's raw text."""
    chrome: dict[str, str] = {}
    warnings = []
    surrogates = len(_SURROGATE.findall(raw))
    if surrogates:
        raw = _SURROGATE.sub("\ufffd", raw)
        warnings.append(f"{surrogates} lone surrogate code point(s) replaced by U+FFFD")
    lines = []
    for line in _split_lines(raw):
        line = _remove_debris(line)
        if not line or _take_chrome(line, chrome) or _take_head_date(line, lines, chrome):
            continue
        line = _strip_head_date_suffix(line, lines, chrome)
        for part in _INLINE_HEADING.split(line):
            lines.extend(_split_heading_from_body(part.strip()))
    return NormalisedText("\n".join(_join_broken_lines(lines)), chrome, warnings)


def _split_lines(raw: str) -> list[str]:
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    raw = _CONTROL.sub("", unicodedata.normalize("NFC", raw))
    return [_SPACES.sub(" ", line).strip() for line in raw.split("\n")]


def _remove_debris(line: str) -> str:
    return compiled("debris_patterns").sub("", line).strip()


def _take_chrome(line: str, chrome: dict[str, str]) -> bool:
    """True if the line is page furniture; its fact, if any, goes to ``chrome``."""
    table = rules()
    if line in table["chrome_lines"] or any(s in line for s in table["chrome_substrings"]):
        _take_inline_date(line, chrome)
        return True
    if compiled("chrome_patterns").search(line):
        return True
    for entry in table["chrome_labels"]:
        label = entry["label"]
        if line.startswith(label) and (len(line) == len(label) or line[len(label)] in ":： "):
            value = line[len(label):].lstrip(":： ").strip()
            if entry["meta"] and value and entry["meta"] not in chrome:
                chrome[entry["meta"]] = value
            # "来源:…办公室 | 发布时间:2024-05-28 17:04 | 字号:" — one furniture line, several labels
            _take_inline_date(line, chrome)
            return True
    return False


# "字体：[大 中 小] 发布时间：2025- 01- 20": a chrome label marked `in_line`, then its date.
_LABELLED_DATE = re.compile(
    "(?:" + "|".join(re.escape(e["label"]) for e in rules()["chrome_labels"] if e.get("in_line")) + ")"
    + regex("in_line_date").pattern)
# "2022-09-02 08:57:04 来源:省高院 编辑:王水晶": a byline under the title
_BYLINE_DATE = regex("byline_date")


def _take_inline_date(line: str, chrome: dict[str, str], byline: bool = False) -> bool:
    """A furniture line that mixes widgets with "发布时间: 2025- 01- 20" (or, with ``byline``, a
    byline) keeps its date as the page's publication date unless one came first."""
    found = (byline and _BYLINE_DATE.match(line)) or _LABELLED_DATE.search(line)
    if found:
        chrome.setdefault("doc_date", found.group(1).replace(" ", ""))
    return bool(found)


# heading token, then whitespace, then body text of at least 20 characters (to the end of
# the line: lines hold no newline). A look-ahead, so a match costs O(1) in a long line.
_HEADING_THEN_BODY = re.compile(r"(\S{2,50}?)\s+(?=\S.{19})")
# An enumerator longer than this cannot fit a heading token (at most 50 characters).
_ENUM_WINDOW = 200


def _split_heading_from_body(line: str) -> list[str]:
    """"一、整改工作组织情况 中心党委……。" (a flattened page): heading and body apart.

    A loop over positions, not recursion over copies: a flattened page can hold
    thousands of headings on one line (Python's recursion limit, quadratic time).
    """
    if not line:
        return []
    parts = []
    last_end = max(map(line.rfind, SENTENCE_END))  # the body must hold a sentence end
    pos = 0
    while True:
        found = _HEADING_THEN_BODY.match(line, pos)
        # At most one enumerator style matches at a place, and one longer than the
        # window could not pass the length test below, so a window gives the same answer.
        enum = match_enumerator(line[pos:pos + _ENUM_WINDOW]) if found else None
        if enum and len(found.group(1)) > len(enum.text) + 1 and \
                not any(ch in SENTENCE_END + "：:" for ch in found.group(1)) and \
                last_end >= found.end():
            parts.append(found.group(1))
            pos = found.end()
        else:
            parts.append(line[pos:])
            return parts


def _is_heading_like(line: str) -> bool:
    return match_enumerator(line) is not None or date_only_line().match(line) is not None


def _take_head_date(line: str, kept: list[str], chrome: dict[str, str]) -> bool:
    """A date-only line near the top, before any heading ("2024-10-15 16:30" under the title):
    the page's publication date, kept as meta unless a labelled date came first."""
    if len(kept) >= rules()["date_only_head_lines"] or any(match_enumerator(k) for k in kept):
        return False
    if date_only_line().match(line):
        chrome.setdefault("doc_date", line)
        return True
    # "2022-09-02 08:57:04 来源:省高院 编辑:王水晶", "来源:…网站发布时间:2023-06-21"
    return len(line) <= 80 and _take_inline_date(line, chrome, byline=True)


def _strip_head_date_suffix(line: str, kept: list[str], chrome: dict[str, str]) -> str:
    """"…情况的通报 (2024-07-26)" among the first lines: the date is the page's, not the title's."""
    found = _HEAD_DATE_SUFFIX.search(line) if len(kept) < rules()["date_only_head_lines"] else None
    if not found or found.start() == 0:
        return line
    chrome.setdefault("doc_date", found.group(1))
    return line[:found.start()]


_HEAD_DATE_SUFFIX = regex("head_date_suffix")


def _joinable(line: str, following: str) -> bool:
    """Was ``line`` cut by a page break, so that ``following`` continues it?"""
    if line[-1] in _LINE_ENDS or _is_heading_like(line) or _TITLEISH.search(line):
        return False
    if _is_heading_like(following) or following.startswith(_PARAGRAPH_OPENERS):
        return False
    if _TITLE_START.search(following) and _TITLEISH.search(following):  # a whole title line
        return False
    return True


def _join_broken_lines(lines: list[str]) -> list[str]:
    joined: list[str] = []
    for line in lines:
        if joined and _joinable(joined[-1], line):
            joined[-1] += line
        else:
            joined.append(line)
    return joined
