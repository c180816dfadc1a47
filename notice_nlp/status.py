"""Sentence and issue status (taxonomy.md §2, §6): an engine over rules/status.yaml.

    >>> detect_status("目前施工前准备基本就绪。")
    'in_progress'
    >>> detect_issue_status("以上问题已整改完成。")
    'completed'

The table's cues are compiled into one regex with a named group per status;
one scan collects the statuses with a cue, two date checks add "dated past
action" (completed) and "……前完成" (planned), and the precedence of §2 decides.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache
from importlib import resources

import yaml

from .dates import extract_dates
from .errors import NoticeTypeError

__all__ = ["STATUSES", "detect_status", "detect_issue_status"]

STATUSES = ("unfinished", "in_progress", "planned", "ongoing", "completed", "none")
_CLAUSE_BREAKS = frozenset("，,；;：:。！!？?")
_CLAUSE_START = r"(?:^|(?<=[，,。；;：:、\s)）])|(?<=是))"
# Worth running the date checks only when the sentence can hold a dated span.
_DATE_HINT = re.compile(r"[0-9０-９]|季度|半年|年底|年初|年末|春节|国庆|元旦")


@cache
def _table() -> dict:
    text = resources.files("notice_nlp").joinpath("rules/status.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _cue_regex(cue) -> str:
    """One cue of the table as a regex (see the table's header for the fields)."""
    if isinstance(cue, str):
        return re.escape(cue)
    body = cue["pattern"] if "pattern" in cue else re.escape(cue["word"])
    guards = "".join(f"(?<!{re.escape(w)})" for w in cue.get("not_before", ()))
    if cue.get("at_clause_start"):
        guards = _CLAUSE_START + guards
    tail = f"(?={_alt(cue['after'])})" if cue.get("after") else ""
    if cue.get("not_after"):
        tail += f"(?!{_alt(cue['not_after'])})"
    return f"{guards}(?:{body}){tail}"


@cache
def _cue_scanner(heading: bool) -> re.Pattern:
    """All cues in one regex, a group per status in precedence order (so at one
    position 已启动 (in_progress) wins over 已 (completed))."""
    groups, first = [], set()
    for status in _table()["precedence"]:
        cues = [c for c in _table()["cues"][status]
                if not (heading and isinstance(c, dict) and c.get("in_headings") is False)]
        groups.append(f"(?P<{status}>{'|'.join(_cue_regex(c) for c in cues)})")
        first |= {ch for c in cues for ch in _first_chars(c)}
    # One cheap character check per position before trying every cue.
    return re.compile(f"(?=[{re.escape(''.join(sorted(first)))}])(?:{'|'.join(groups)})")


def _first_chars(cue) -> str:
    if isinstance(cue, str):
        return cue[0]
    return cue["starts"] if "pattern" in cue else cue["word"][0]


@cache
def _heading_re() -> re.Pattern:
    return re.compile(_table()["heading"]["enumerator"])


def _is_heading(sentence: str) -> bool:
    """A short enumerated sub-heading such as "(三)全力推进整改。" (§6)."""
    enum = _heading_re().match(sentence)
    if not enum:
        return False
    body = sentence[enum.end():].strip().rstrip("。.；;！!？?")
    limits = _table()["heading"]
    clauses = re.split(r"[，,]", body)
    return len(body) <= limits["max_chars"] and all(len(c) <= limits["max_clause_chars"] for c in clauses)


def _check(text) -> None:
    if not isinstance(text, str):
        raise NoticeTypeError(
            f"expected one sentence as str, got {type(text).__name__}; "
            "split a document with notice_nlp.split_sentences first")


def _opens_clause(sentence: str, start: int) -> bool:
    """The date opens the sentence or a clause (after 于/在… and an enumerator)."""
    prefix = sentence[:start]
    for lead in _table()["dated_action"]["lead_in"]:
        if prefix.endswith(lead):
            prefix = prefix[:-len(lead)]
            break
    prefix = prefix.rstrip()
    if not prefix or prefix[-1] in "，,。；;：:、)）是":
        return True
    enum = _heading_re().match(prefix)
    return enum is not None and enum.end() == len(prefix)


def _date_cues(sentence: str) -> list[tuple[str, int]]:
    """§2: a dated past action → completed; a deadline + 完成 (no 已) → planned."""
    if not _DATE_HINT.search(sentence):
        return []
    found = []
    dated = _table()["dated_action"]
    soon = _table()["deadline_completion"]
    for span in extract_dates(sentence):
        if span["type"] in dated["types"] and _opens_clause(sentence, span["start"]):
            found.append(("dated", span["start"]))
        elif span["type"] == "deadline" and "已" not in sentence:
            after = sentence[span["end"]:span["end"] + soon["window"]]
            if any(verb in after for verb in soon["verbs"]):
                found.append(("planned", span["start"]))
    return found


def _drop_planned_objects(sentence: str, cues: list[tuple[str, int]]) -> set[str]:
    """A done-verb after a plan word in the same clause is what is planned
    ("计划召开2次会议", "将于年底前完成"), and so is the date of a clause
    that holds a plan ("2026年度计划召开……"): neither reports something done."""
    plans = [pos for status, pos in cues if status == "planned"]
    breaks = [i for i, ch in enumerate(sentence) if ch in _CLAUSE_BREAKS] if plans else []
    first_plan = {}
    for pos in plans:
        first_plan.setdefault(bisect_right(breaks, pos), pos)
    found = set()
    for status, pos in cues:
        plan = first_plan.get(bisect_right(breaks, pos)) if plans else None
        if status == "dated":
            status = "completed" if plan is None else None
        elif status == "completed" and plan is not None and pos > plan:
            status = None
        if status:
            found.add(status)
    return found


def _decide(found: set[str]) -> str:
    """§2 precedence, plus: a done part and a future part together → in_progress."""
    if "unfinished" in found:
        return "unfinished"
    if "in_progress" in found or {"completed", "planned"} <= found:
        return "in_progress"
    for status in ("planned", "ongoing", "completed"):
        if status in found:
            return status
    return "none"


def detect_status(sentence: str) -> str:
    """The status code of one measure sentence: unfinished, in_progress, planned,
    ongoing, completed or none (taxonomy §2, with the §6 clarifications)."""
    _check(sentence)
    if not sentence:
        return "none"
    scanner = _cue_scanner(_is_heading(sentence))
    cues = [(m.lastgroup, m.start()) for m in scanner.finditer(sentence)]
    cues += _date_cues(sentence)
    return _decide(_drop_planned_objects(sentence, cues))


# ---------------------------------------------------------------- issue status

@cache
def _issue_res() -> dict:
    t = _table()["issue_status"]
    rules = []
    for rule in t["rules"]:
        parts = [re.escape(c) for c in rule.get("cues", ())] + list(rule.get("patterns", ()))
        rules.append((rule["status"], re.compile("|".join(parts))))
    return {
        "label": re.compile(rf"^(?:{_alt(t['labels'])})\s*[:：]?\s*"),
        "subject": re.compile(rf"^(?:{_alt(t['subjects'])})"),
        "bare": re.compile(t["bare_start"]),
        "rules": rules,
    }


def detect_issue_status(line: str) -> str | None:
    """Status of an issue-level status line ("以上问题已整改完成。", "整改状态：完成",
    "……长期坚持", "需继续整改，2025年7月底前整改完成"); None if ``line`` is not one."""
    _check(line)
    res = _issue_res()
    text = line.strip().lstrip("*").strip()
    label = res["label"].match(text)
    if label:
        text = text[label.end():]
    elif not res["subject"].match(text):
        bare_ok = len(text) <= _table()["issue_status"]["max_bare_chars"] and res["bare"].match(text)
        if not bare_ok:
            return None
    for status, regex in res["rules"]:
        if regex.search(text):
            return status
    return None
