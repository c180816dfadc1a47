"""Shared layout knowledge: the layout rule table and the enumerator styles.

Normaliser, structure parser and sentence splitter all need to recognise
"一、", "（一）", "1." … in the same way, so the patterns live here once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

CN_NUM = "一二三四五六七八九十百零〇两"

# Heading enumerator styles, in no particular order: each document uses its own
# nesting of them, so depth is decided per document by order of first use.
ENUMERATOR_STYLES: dict[str, str] = {
    "cn_dun": rf"[{CN_NUM}]+\s*[、，,]",
    "cn_paren": rf"[（(]\s*[{CN_NUM}]+\s*[）)]、?",
    "ar_paren": r"[（(]\s*\d{1,3}\s*[）)]、?",
    "ar_dot": r"\d{1,3}\s*[\.．、](?![\d．.])",
    "ar_half_paren": r"\d{1,3}\s*[）)]",
    "circled": r"[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]",
    # ")主要负责人…" — a heading whose "(二" was lost in conversion
    "lost_paren": r"[）)](?=[\u4e00-\u9fff])",
}
_ENUM_RE = {name: re.compile(r"^\s*(" + pat + r")") for name, pat in ENUMERATOR_STYLES.items()}

# Enumerators that open a new measure inside running text (taxonomy §5).
INLINE_MEASURE_ENUM = re.compile(
    rf"[{CN_NUM}]+是(?=[\u4e00-\u9fff“\"（(《])"
    r"|[（(]\d{1,2}[）)]"
    r"|(?<![\d.．%])\d{1,2}[\.．](?![\d．.])"
)

SENTENCE_END = "。！？；!?;"

# How the name of a reporting body ends (中共…委员会, …党组, …党工委, …党支部): one list for the
# normaliser, the structure parser and meta.
ISSUER_SUFFIX = "(?:委员会|党委|党组|工委|党总支|支部)"
# A line holding nothing but such a name ("中共临沂市交通运输局党组" above the title, or a signature).
ISSUER_LINE = re.compile(rf"^(?:中共)?\S{{2,40}}{ISSUER_SUFFIX}$")


@dataclass(frozen=True)
class Enumerator:
    style: str
    text: str  # the enumerator as written, e.g. "（一）"


def match_enumerator(line: str) -> Enumerator | None:
    """The heading enumerator a line starts with, if any."""
    for style, pattern in _ENUM_RE.items():
        found = pattern.match(line)
        if found:
            return Enumerator(style, found.group(1))
    return None


def strip_enumerator(title: str) -> str:
    """Title without its leading enumerator and final 。 (taxonomy §6 context)."""
    enum = match_enumerator(title)
    if enum:
        title = title.lstrip()[len(enum.text):]
    return title.strip().rstrip("。.；;").strip()


@cache
def rules() -> dict:
    """The layout table (rules/layout.yaml), loaded once."""
    text = resources.files("notice_nlp").joinpath("rules/layout.yaml").read_text("utf-8")
    return yaml.safe_load(text)


@cache
def compiled(name: str) -> re.Pattern:
    """One alternation regex over a list of patterns of the layout table."""
    return re.compile("|".join(f"(?:{p})" for p in rules()[name]))


@cache
def date_only_line() -> re.Pattern:
    """A line that is nothing but a date (and perhaps a time): rules/layout.yaml ``date_only_line``."""
    return re.compile(rules()["date_only_line"])


@cache
def marker_re(name: str) -> re.Pattern:
    """Leading label such as "整改情况：" (optionally after an enumerator)."""
    labels = sorted(rules()[name], key=len, reverse=True)
    return re.compile(r"^\s*(?:" + "|".join(map(re.escape, labels)) + r")\s*[:：]\s*")


@cache
def inline_marker_re() -> re.Pattern:
    """"。整改情况：" inside a heading line, where the measure text begins."""
    labels = sorted(rules()["measure_markers"], key=len, reverse=True)
    return re.compile(r"[。.]?\s*(?:" + "|".join(map(re.escape, labels)) + r")\s*[:：]")
