"""Document facts for ``Document.meta``: title, issuer, inspector, dates, contact.

Read from the lines before the first measure (title block and the 根据……部署
preamble), from web-page chrome kept by the normaliser, and from the sign-off.
"""
from __future__ import annotations

import datetime as dt
import re

from .. import rules
from .layout import ISSUER_LINE, match_enumerator
from .normalize import NormalisedText

# Loaded (and checked) on import: rules/meta.yaml, its $NAME pieces from rules/layout.yaml.
_TABLE = rules.load("meta")


def _pattern(name: str) -> re.Pattern:
    return rules.layout_regex(_TABLE[name])


_TITLE = _pattern("title")  # a whole line, no clause punctuation, …整改…通报/情况
_INDEX_NUMBER = _pattern("index_number")
_ISSUER = _pattern("issuer")  # 中共……党委/党组/委员会
_ISSUER_SHORT = _pattern("issuer_before_title")  # whoever speaks before 关于 in the title
_INSPECTOR = _pattern("inspector")  # 市委第一巡察组, 县委第二机动巡察组, 市委提级巡察组 …
_PREAMBLE_ISSUER = _pattern("preamble_issuer")  # ……巡察组对【X】开展了巡察
_ISSUER_TAIL = _pattern("issuer_tail")
_SHORT_NAME = _pattern("short_name")  # （以下简称“中心”）
_FEEDBACK_WORDS = tuple(_TABLE["feedback_words"])  # 反馈, 反饋
_PREAMBLE_LINES = [rules.layout_regex(p) for p in _TABLE["preamble_lines"]]  # tried in order
_PHONE = _pattern("phone")
_EMAIL = _pattern("email")
_ADDRESS = _pattern("address")
_ISO_DAY = _pattern("chrome_date")


def extract_meta(norm: NormalisedText, doc_date: str | None = None) -> dict:
    text = norm.text
    head = text[:1500]
    title = _title(head)
    meta = {
        "title": title,
        "issuer": _issuer(title or "", head),
        "inspector": _first(_INSPECTOR, head),
        "inspection_period": None,
        "feedback_date": None,
        "doc_date": doc_date or _iso_day(norm.chrome.get("doc_date")) or _signature_date(text),
        "contact": _contact(text[-1500:]),
    }
    if norm.chrome.get("publisher"):
        meta["publisher"] = norm.chrome["publisher"]
    meta.update(_preamble_dates(head, meta["doc_date"]))
    return meta


def _first(pattern: re.Pattern, text: str) -> str | None:
    found = pattern.search(text)
    return found.group(found.lastindex or 0).strip() if found else None


def _title(head: str) -> str | None:
    found = next((m for m in _TITLE.finditer(head) if not match_enumerator(m.group(0))), None)  # not "一、…情况"
    if not found:
        return None
    chunks = found.group(0).split()  # page chrome before it on the line ("…门户网站 政务公告 中共…")
    start = next((i for i, c in enumerate(chunks) if c.startswith(("中共", "【")) or ISSUER_LINE.match(c)),
                 len(chunks) - 1)
    title = " ".join(chunks[start:])
    title = _INDEX_NUMBER.sub("", title)  # an index number glued before it ("1133…/2023-46395中共…")
    above = head[:found.start()].rstrip("\n").rsplit("\n", 1)[-1].strip()
    # "中共临沂市交通运输局党组" on the line above "关于……的通报": one title over two lines
    if title.startswith("关于") and ISSUER_LINE.match(above):
        title = above + title
    return title


def _issuer(title: str, head: str) -> str | None:
    """The reporting body as it first appears: in the title, else in the preamble
    (……巡察组对【X】开展了巡察), else the first 中共……党委/党组 of the head."""
    title = _SHORT_NAME.sub("", title)
    found = _ISSUER.search(title) or _ISSUER_SHORT.search(title)
    if not found:
        found = _PREAMBLE_ISSUER.search(_SHORT_NAME.sub("", head)) or _ISSUER.search(head)
    if not found:
        return None
    return _ISSUER_TAIL.sub("", found.group(1)).strip() or None


def _iso_day(value: str | None) -> str | None:
    found = _ISO_DAY.search(value or "")
    if not found:
        return None
    try:
        return dt.date(*map(int, found.groups())).isoformat()
    except ValueError:
        return None


def _signature_date(text: str) -> str | None:
    """The sign-off date: a line holding only a date among the last lines — in digits or
    Chinese numerals (二〇二四年十二月二十日), to the day or to the month (2023年11月 → 2023-11)."""
    from ..tagging.dates import UNKNOWN_YEAR, extract_dates
    for line in reversed(text.split("\n")[-4:]):
        stripped = line.strip()
        spans = extract_dates(stripped) if 0 < len(stripped) <= 20 else []
        if (len(spans) == 1 and spans[0]["text"] == stripped and spans[0]["type"] in ("date", "month")
                and UNKNOWN_YEAR not in spans[0]["value"]):
            return spans[0]["value"]
    return None


def _contact(tail: str) -> dict:
    contact = {}
    for key, pattern in (("phone", _PHONE), ("address", _ADDRESS)):
        found = pattern.search(tail)
        if found:
            contact[key] = found.group(1).strip()
    email = _EMAIL.search(tail)
    if email:
        contact["email"] = email.group(0)
    return contact


def _preamble_dates(head: str, doc_date: str | None) -> dict:
    """Inspection period (the first range) and feedback date (the date of 反馈)."""
    from ..tagging.dates import explicit_years, extract_dates

    lines = head.split("\n")
    first_heading = next((i for i, line in enumerate(lines) if match_enumerator(line)), len(lines))
    lines = lines[:first_heading] or lines  # the preamble stands before the first heading
    preamble = next((line for pattern in _PREAMBLE_LINES for line in lines if pattern.search(line)), "")
    out, year = {}, None
    for sentence in re.split(r"(?<=[。；;])", preamble):
        spans = extract_dates(sentence, doc_date, year=year)
        year = next((y for _, y in reversed(explicit_years(sentence))), year)
        if "inspection_period" not in out:
            period = next((s for s in spans if s["type"] == "range"), None)
            if period:
                out["inspection_period"] = period["value"]
        if any(w in sentence for w in _FEEDBACK_WORDS) and "feedback_date" not in out:
            day = next((s for s in spans if s["type"] == "date"), None)
            if day:
                out["feedback_date"] = day["value"]
    return out
