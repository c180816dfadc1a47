"""Count spans (docs/taxonomy.md §4, §6): an engine over rules/counts.yaml.

    >>> extract_counts("平台新增注册3.8万余人，清退款项27.46万元")
    [{'start': 6, 'end': 12, 'text': '3.8万余人', 'value': 38000, 'unit': '人', 'qualifier': 'more_than'}, {'start': 17, 'end': 24, 'text': '27.46万元', 'value': 274600, 'unit': '元', 'qualifier': None}]

One regex, compiled from the table, runs over a masked copy of the text in
which everything that cannot hold a count is blanked out (same length, so
offsets still index the original): date spans, fixed political terms, short
quotations and book titles. Chinese numerals are read with cn2an; scales and
money use Decimal so 27.46万 is exactly 274600.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache

import cn2an

from .dates import extract_dates
from .. import rules
from ..errors import NoticeTypeError

__all__ = ["extract_counts"]

_MASK = "\u0000"  # matches no pattern; one character per masked character
# Full-width digits read like half-width ones; a 1:1 map keeps offsets.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
_GAP = "[ \u3000]{0,2}"


# Loaded (and checked) on import: a broken table fails here, naming its key.
_TABLE = rules.load("counts")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _qualifier_alt(words: dict, not_before: dict, not_after: dict | None = None) -> str:
    """Qualifier words; a guarded one (近 of 最近, 内 of 内容) fails next to its neighbour."""
    out = []
    for w in sorted(words, key=len, reverse=True):
        guards = "".join(f"(?<!{re.escape(c)})" for c in not_before.get(w, ()))
        tail = "".join(f"(?!{re.escape(c)})" for c in (not_after or {}).get(w, ()))
        out.append(guards + re.escape(w) + tail)
    return "|".join(out)


@cache
def _count_re() -> re.Pattern:
    t = _TABLE
    q = t["qualifiers"]
    ident = t["identifier_chars"]
    arabic = rf"(?<![\d.{ident}])\d+(?:,\d{{3}})*(?:\.\d+)?(?![{ident}])"
    chinese = rf"(?<![{t['chinese_digits']}])[{t['chinese_first']}][{t['chinese_digits']}]*"
    conn = f"{_GAP}(?:{_alt(t['range_connectors'])}){_GAP}"
    units = _alt(w for group in t["units"] for w in group)
    return re.compile(
        rf"(?P<q1>{_qualifier_alt(q['before'], t['qualifier_not_before'])})?"
        rf"(?:(?P<a1>{arabic})(?:{conn}(?P<a2>{arabic}))?|(?P<c1>{chinese})(?:{conn}(?P<c2>{chinese}))?)"
        rf"{_GAP}(?P<q2>{_alt(q['after_number'])})?"
        rf"(?P<scale>{_alt(t['scales'])})?"
        rf"(?P<q3>{_alt(q['after_number'])})?"
        rf"{_GAP}(?:(?P<unit>{units})|(?P<aunit>{_alt(t['arabic_only'])}))?"
        rf"(?P<q4>{_qualifier_alt(q['after_unit'], {}, t['qualifier_not_after'])})?")


@cache
def _blank_re() -> re.Pattern:
    """Regions that hold no count: fixed terms, short quotations, book titles."""
    t = _TABLE
    parts = [_alt(t["fixed_terms"])]
    for pair in t["quote_pairs"]:
        o, c = map(re.escape, pair)
        parts.append(f"{o}[^{o}{c}\n]{{0,{t['max_quote_chars']}}}{c}")
    for pair in t["book_title_pairs"]:
        o, c = map(re.escape, pair)
        parts.append(f"{o}[^{o}{c}\n]*{c}")
    return re.compile("|".join(f"(?:{p})" for p in parts))


@cache
def _any_number() -> re.Pattern:
    return re.compile(f"[0-9０-９{_TABLE['chinese_first']}]")


def _masked(text: str) -> str:
    """``text`` with non-count regions replaced by _MASK (offsets unchanged)."""
    chars = list(text.translate(_HALF_WIDTH))
    regions = [(d["start"], d["end"]) for d in extract_dates(text)]
    regions += [m.span() for m in _blank_re().finditer(text)]
    for start, end in regions:
        chars[start:end] = _MASK * (end - start)
    return "".join(chars)


@lru_cache(maxsize=2048)
def _chinese_value(numeral: str) -> Decimal | None:
    try:
        return Decimal(str(cn2an.cn2an(numeral, "normal")))
    except (ValueError, KeyError, IndexError, TypeError, InvalidOperation):
        return None


def _number(arabic: str | None, chinese: str | None) -> Decimal | None:
    if arabic is not None:
        return Decimal(arabic.replace(",", ""))
    return _chinese_value(chinese)


def _lone_a_is_one(text: str, m: re.Match) -> bool:
    """"一" of "一项重大政治任务" is "a" (§6); of "其中一部公车" or "每季度一次" it is one.
    ``text`` is the unmasked text (the frequency word is masked as a date)."""
    t = _TABLE
    start = m.start("c1")
    if m.group("q1") or any(text.endswith(w, 0, start) for w in t["lone_a_counts_after"]):
        return True
    clause_start = max(text.rfind(ch, 0, start) for ch in "，,。；;：:") + 1
    return m.group("unit") in t["lone_a_frequency_units"] and t["frequency_marker"] in text[clause_start:start]


def _plain(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _qualifier(m: re.Match) -> str | None:
    q = _TABLE["qualifiers"]
    if m.group("q1"):
        return q["before"][m.group("q1")]
    for g in ("q2", "q3"):
        if m.group(g):
            return q["after_number"][m.group(g)]
    return q["after_unit"].get(m.group("q4")) if m.group("q4") else None


def _preceded_by_ordinal(text: str, start: int, unit: str | None) -> bool:
    """第四巡察组, 第135位, 巡察四组: a rank or a name, not a quantity (督导2次 is one)."""
    table = _TABLE
    if any(text.endswith(w, 0, start) for w in table["not_after_words"]):
        return True
    return unit in table["group_units"] and any(text.endswith(w, 0, start) for w in table["group_words"])


def _count(text: str, m: re.Match, original: str) -> dict | None:
    """The count of one regex match on the masked ``text``, or None if it is none."""
    arabic = m.group("a1") is not None
    unit_group = "unit" if m.group("unit") else "aunit" if m.group("aunit") else None
    unit = original[m.start(unit_group):m.end(unit_group)] if unit_group else None
    if m.group("aunit") and not arabic:
        return None  # "十分重要": 分 counts only after Arabic digits
    if unit is None and "余" not in (m.group("q2"), m.group("q3")):
        return None  # a bare number (enumerator, code, year) is no count
    num_start = m.start("a1" if arabic else "c1")
    if _preceded_by_ordinal(text, num_start, unit):
        return None
    if m.group("c1") in _TABLE["lone_a"] and not m.group("c2") and not _lone_a_is_one(original, m):
        return None
    low = _number(m.group("a1"), m.group("c1"))
    high = _number(m.group("a2"), m.group("c2")) if (m.group("a2") or m.group("c2")) else None
    if low is None or (high is None and (m.group("a2") or m.group("c2"))):
        return None
    scale = Decimal(_TABLE["scales"][m.group("scale")]) if m.group("scale") else Decimal(1)
    if m.group("scale") and not arabic:
        return None  # a Chinese numeral already holds its 万 (三万); 千/万 after it is a word
    value = _plain(low * scale) if high is None else [_plain(low * scale), _plain(high * scale)]
    end = m.end()
    while end > m.start() and text[end - 1] in " \u3000":
        end -= 1
    return {"start": m.start(), "end": end, "text": text[m.start():end], "value": value,
            "unit": unit, "qualifier": _qualifier(m)}


def extract_counts(text: str) -> list[dict]:
    """Count spans of ``text``: dicts with start, end (exclusive), text, value (a
    number, or [low, high] for a range), unit (as written; money in 元) and
    qualifier (more_than, about, nearly, at_least, at_most or None); docs/taxonomy.md §4.
    Offsets index ``text``. Raises NoticeTypeError for a non-str.

    >>> [(c["text"], c["value"], c["unit"]) for c in extract_counts("追回资金27.46万元，培训3.8万余人")]
    [('27.46万元', 274600, '元'), ('3.8万余人', 38000, '人')]
    """
    if not isinstance(text, str):
        raise NoticeTypeError(
            f"expected the text as str, got {type(text).__name__}; decode bytes first "
            "(e.g. data.decode('utf-8'))")
    if not _any_number().search(text):
        return []
    masked = _masked(text)
    out = []
    for m in _count_re().finditer(masked):
        count = _count(masked, m, text)
        if count is not None:
            count["text"] = text[count["start"]:count["end"]]
            out.append(count)
    return out
