"""Shared layout knowledge, compiled from the layout table (rules/layout.yaml).

Normaliser, structure parser, sentence splitter and meta all need to recognise
"一、", "（一）", "1." … in the same way: the patterns are written once in the table
(named pieces as $NAME fragments) and compiled here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .. import rules as _rules

# Loaded (and checked) on import: a broken table fails here, naming its key.
_TABLE = _rules.load("layout")

SENTENCE_END = "。！？；!?;"


def regex(name: str) -> re.Pattern:
    """The pattern ``name`` of the layout table, fragments put in, compiled."""
    return _rules.layout_regex(_TABLE[name])


def alternation(name: str) -> str:
    """One regex (text) matching any pattern of the list ``name`` of the layout table."""
    return "|".join(f"(?:{_rules.expand(p, _TABLE['fragments'])})" for p in _TABLE[name])


# Heading enumerator styles in table order (first match names the style): each document
# uses its own nesting of them, so depth is decided per document by order of first use.
ENUMERATOR_STYLES: dict[str, str] = {
    name: _rules.expand(pattern, _TABLE["fragments"]) for name, pattern in _TABLE["enumerator_styles"].items()
}
# A style that counts as another for depth (")主要负责人…" lost its "（二").
ENUMERATOR_ALIASES: dict[str, str] = dict(_TABLE["enumerator_aliases"])
_ENUM_RE = {name: re.compile(r"^\s*(" + pat + r")") for name, pat in ENUMERATOR_STYLES.items()}


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


def rules() -> dict:
    """The layout table (rules/layout.yaml), loaded and checked once."""
    return _TABLE


@cache
def compiled(name: str) -> re.Pattern:
    """One alternation regex over a list of patterns of the layout table."""
    return re.compile(alternation(name))


def date_only_line() -> re.Pattern:
    """A line that is nothing but a date (and perhaps a time): rules/layout.yaml ``date_only_line``."""
    return regex("date_only_line")


@cache
def marker_re(name: str) -> re.Pattern:
    """Leading label such as "整改情况：" (optionally after an enumerator)."""
    labels = sorted(_TABLE[name], key=len, reverse=True)
    return re.compile(r"^\s*(?:" + "|".join(map(re.escape, labels)) + r")\s*[:：]\s*")


@cache
def inline_marker_re() -> re.Pattern:
    """"。整改情况：" inside a heading line, where the measure text begins."""
    labels = sorted(_TABLE["measure_markers"], key=len, reverse=True)
    return re.compile(r"[。.]?\s*(?:" + "|".join(map(re.escape, labels)) + r")\s*[:：]")


# Enumerators that open a new measure inside running text (taxonomy §5).
INLINE_MEASURE_ENUM = compiled("inline_measure_enumerators")
# A line holding nothing but the name of a reporting body (above the title, or a signature).
ISSUER_LINE = regex("issuer_line")
