"""What a numbered heading names (taxonomy §2.2, §2.3), from the layout table's wording.

A heading names a **problem** (关于“……”的问题, 针对……, ……方面, ……不到位, 问题1:……): it is an
issue. A sub-heading that names a **topic** (（一）党组织整改落实情况, （一）聚焦……方面) groups
what follows and is no sentence. Any other sub-heading names an **action** (（一）压实主体责任,
强化组织保障): it is a measure sentence, not an issue. Top-level headings are sections,
whatever they name; one that names a problem is an issue as well.
"""
from __future__ import annotations

from .layout import regex, rules

SECTION, PROBLEM, TOPIC, ACTION = "section", "problem", "topic", "action"
# The style of a problem heading without an enumerator ("针对“……”的问题整改进展情况："): like a
# problem label, it heads an issue at whatever depth it is first used.
UNNUMBERED_PROBLEM = "unnumbered_problem"

_PROBLEM_SHAPE = regex("problem_heading")
_SHORTCOMING = regex("problem_wording")
_SHORTCOMING_PREDICATE = regex("problem_predicate")
_PROBLEM_END = regex("problem_statement_end")
_TOPIC = regex("topic_heading")
_PROBLEM_LABEL_STYLES = frozenset(rules()["problem_label_styles"]) | {UNNUMBERED_PROBLEM}
_CLAUSE_MARKS = "，,、；;"
_SENTENCE_MARKS = "。.；;！!？?"
# A heading that is a sentence and states its problem in its own words is short; a measure
# that names the shortcoming it deals with is longer.
MAX_STATED_PROBLEM_CHARS = 50


def heading_kind(title: str, style: str, depth: int) -> str:
    """SECTION, PROBLEM, TOPIC or ACTION for a heading line's title (enumerator removed)."""
    if depth == 0 and style not in _PROBLEM_LABEL_STYLES:
        return SECTION  # a problem label ("问题：……") heads an issue even at the top
    if names_problem(title, style):
        return PROBLEM
    return TOPIC if _TOPIC.search(title) else ACTION


def names_problem(title: str, style: str | None = None) -> bool:
    """The title of a heading line names a problem (shape, label or shortcoming wording)."""
    return style in _PROBLEM_LABEL_STYLES or bool(_PROBLEM_SHAPE.search(title) or _SHORTCOMING.search(title))


def problem_shaped(title: str) -> bool:
    """关于“……”的问题, 针对……问题, ……方面 and the like (rules/layout.yaml ``problem_heading``)."""
    return bool(_PROBLEM_SHAPE.search(title))


def sentence_names_problem(sentence: str, style: str | None = None) -> bool:
    """A heading shaped like a sentence ("领会黄河国家战略不深入。", or text follows it on its
    line) names a problem: by its label or shape, or, when short, by a shortcoming in the
    predicate of its last clause (a measure such as "……,切实解决整改工作不规范问题。" is longer)."""
    inner = sentence.rstrip(_SENTENCE_MARKS)
    if style in _PROBLEM_LABEL_STYLES or _PROBLEM_SHAPE.search(inner):
        return True
    return len(inner) <= MAX_STATED_PROBLEM_CHARS and bool(_SHORTCOMING_PREDICATE.search(_last_clause(inner)))


def states_problem(title: str) -> bool:
    """A heading with problem headings under it is one itself only if it states a problem:
    "（一）关于……方面问题" does, the topic group "（一）关于……方面" does not."""
    return bool(_SHORTCOMING.search(title) or (_PROBLEM_SHAPE.search(title) and _PROBLEM_END.search(title)))


def _last_clause(text: str) -> str:
    cut = max(text.rfind(mark) for mark in _CLAUSE_MARKS)
    return text[cut + 1:]
