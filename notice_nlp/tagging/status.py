"""Sentence and issue status (docs/taxonomy.md §2, §6): an engine over rules/status.yaml.

    >>> detect_status("目前施工前准备基本就绪。")
    'in_progress'
    >>> detect_issue_status("以上问题已整改完成。")
    'completed'

The table's cues are compiled into one regex with a named group per status;
one scan collects the statuses with a cue, two date checks add "dated past
action" (completed) and "……前完成" (planned), cues that are the object of a
plan word are dropped (计划召开 is no report of a meeting), and the
precedence of §2 decides. Short enumerated sub-headings are none unless they
carry an explicit status word (§6).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import cache

from .dates import extract_dates
from .. import rules
from ..errors import NoticeTypeError

__all__ = ["STATUSES", "detect_status", "detect_issue_status"]

STATUSES = ("unfinished", "in_progress", "planned", "ongoing", "completed", "none")
_CLAUSE_BREAKS = frozenset("，,；;：:。！!？?")
_CLAUSE_START = r"(?:^|(?<=[，,。；;：:、\s)）])|(?<=是))"
# Worth running the date checks only when the sentence can hold a dated span.
_DATE_HINT = re.compile(r"[0-9０-９]|季度|半年|年底|年初|年末|春节|国庆|元旦")


# Loaded (and checked) on import: a broken table fails here, naming its key.
_TABLE = rules.load("status")


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _cue_regex(cue, negations=()) -> str:
    """One cue of the table as a regex (see the table's header for the fields)."""
    if isinstance(cue, str):
        cue = {"word": cue}
    body = cue["pattern"] if "pattern" in cue else re.escape(cue["word"])
    guards = "".join(f"(?<!{re.escape(w)})" for w in (*cue.get("not_before", ()), *negations))
    if cue.get("at_clause_start"):
        guards = _CLAUSE_START + guards
    tail = f"(?={_alt(cue['after'])})" if cue.get("after") else ""
    if cue.get("not_after"):
        tail += f"(?!{_alt(cue['not_after'])})"
    return f"{guards}(?:{body}){tail}"


@cache
def _cue_scanner(in_heading: bool) -> tuple[re.Pattern, dict[str, tuple[str, tuple, bool]]]:
    """All cues in one regex, groups in precedence order (so at one position
    已启动 (in_progress) wins over 已 (completed)). Plain cues share a group per
    status; a cue with a guard or a plan flag gets its own group. Returns the
    regex and group name → (status, clause guard words, plan_object)."""
    groups, names, first = [], {}, set()
    for status in _TABLE["precedence"]:
        negations = _TABLE["negations"] if status == "completed" else ()
        cues = [c for c in _TABLE["cues"][status]
                if not (in_heading and isinstance(c, dict) and c.get("in_headings") is False)]
        plain = [c for c in cues if not (isinstance(c, dict) and (c.get("not_in_clause") or c.get("plan_object")))]
        groups.append(f"(?P<{status}>{'|'.join(_cue_regex(c, negations) for c in plain)})")
        names[status] = (status, (), status == "completed")
        for i, cue in enumerate(c for c in cues if c not in plain):
            name = f"{status}__{i}"
            groups.append(f"(?P<{name}>{_cue_regex(cue, negations)})")
            plan_object = bool(cue.get("plan_object")) or status == "completed"
            names[name] = (status, tuple(cue.get("not_in_clause", ())), plan_object)
        first |= {ch for c in cues for ch in _first_chars(c)}
    # One cheap character check per position before trying every cue.
    regex = re.compile(f"(?=[{re.escape(''.join(sorted(first)))}])(?:{'|'.join(groups)})")
    return regex, names


@cache
def _problem_title_re() -> re.Pattern:
    return rules.layout_regex(_TABLE["problem_title"])  # $NAME pieces of rules/layout.yaml


@cache
def _strong_res() -> list[tuple[str, re.Pattern]]:
    """Status words that still count in a one-clause sub-heading, in precedence order."""
    strong = _TABLE["heading"]["strong_cues"]
    return [(status, re.compile(_alt(strong[status]))) for status in _TABLE["precedence"] if status in strong]


def _first_chars(cue) -> str:
    if isinstance(cue, str):
        return cue[0]
    return cue["starts"] if "pattern" in cue else cue["word"][0]


@cache
def _heading_re() -> re.Pattern:
    return rules.layout_regex(_TABLE["heading"]["enumerator"])  # $NAME pieces of rules/layout.yaml


def _heading_kind(sentence: str) -> str | None:
    """"single" for a sub-heading ("(三)全力推进整改。", "(二)制定方案,明确任务。"), "pair"
    for a longer enumerated slogan of short clauses or a ；-ended list item, else None."""
    enum = _heading_re().match(sentence)
    if not enum:
        return None
    body = sentence[enum.end():].strip().rstrip("。.；;！!？?")
    limits = _TABLE["heading"]
    clauses = re.split(r"[，,]", body)
    if len(clauses) == 1:
        return "single" if len(body) <= limits["max_chars"] else None
    if not all(len(c) <= limits["max_clause_chars"] for c in clauses):
        return None
    list_item = sentence.rstrip().endswith(("；", ";"))
    return "single" if len(clauses) <= limits["slogan_max_clauses"] and not list_item else "pair"


def _check(text, what: str) -> None:
    if not isinstance(text, str):
        raise NoticeTypeError(
            f"expected {what} as str, got {type(text).__name__}; decode bytes first, and "
            "split a document with notice_nlp.split_sentences")


def _opens_clause(sentence: str, start: int) -> bool:
    """The date opens the sentence or a clause (after 于/在… and an enumerator)."""
    prefix = sentence[:start]
    for lead in _TABLE["dated_action"]["lead_in"]:
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
    dated = _TABLE["dated_action"]
    soon = _TABLE["deadline_completion"]
    for span in extract_dates(sentence):
        if span["type"] in dated["types"] and _opens_clause(sentence, span["start"]):
            found.append(("dated", span["start"]))
        elif span["type"] == "deadline" and "已" not in sentence:
            after = sentence[span["end"]:span["end"] + soon["window"]]
            if any(verb in after for verb in soon["verbs"]):
                found.append(("planned", span["start"]))
    return found


def _drop_planned_objects(sentence: str, cues: list[tuple[str, int, bool]]) -> set[str]:
    """What follows a plan word is what is planned ("计划召开2次会议", "我院将……
    对这一问题进行剖析检查"), and so is the date of a clause that holds a plan
    ("2026年度计划召开……"): neither reports something done or under way."""
    plans = [pos for status, pos, _ in cues if status == "planned"]
    if not plans:
        return {"completed" if status == "dated" else status for status, _, _ in cues}
    first_plan = min(plans)
    breaks = [i for i, ch in enumerate(sentence) if ch in _CLAUSE_BREAKS]
    plan_clauses = {bisect_right(breaks, pos) for pos in plans}
    found = set()
    for status, pos, plan_object in cues:
        if status == "dated":
            if bisect_right(breaks, pos) in plan_clauses:
                continue
            status = "completed"
        elif plan_object and pos > first_plan:
            continue
        found.add(status)
    return found


def _clause_at(sentence: str, pos: int) -> str:
    start = max(sentence.rfind(ch, 0, pos) for ch in "，,；;。：:") + 1
    ends = [i for i in (sentence.find(ch, pos) for ch in "，,；;。") if i != -1]
    return sentence[start:min(ends) if ends else len(sentence)]


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
    """The status code of one measure sentence from its rule cues: unfinished, in_progress,
    planned, ongoing, completed or none (docs/taxonomy.md §2, with the §6 clarifications;
    cues in rules/status.yaml). Raises NoticeTypeError for a non-str.

    >>> detect_status("已完成诊室改造，投入使用。"), detect_status("拟于年底前完成。")
    ('completed', 'planned')
    """
    _check(sentence, "one sentence")
    if not sentence:
        return "none"
    if _problem_title_re().match(sentence):
        return "none"
    heading = _heading_kind(sentence)
    if heading == "single":
        # §6: a sub-heading is usually none; only an explicit status word counts.
        return _decide({status for status, regex in _strong_res() if regex.search(sentence)})
    scanner, names = _cue_scanner(heading == "pair")
    cues = []
    for m in scanner.finditer(sentence):
        status, guard, plan_object = names[m.lastgroup]
        if not guard or not any(w in _clause_at(sentence, m.start()) for w in guard):
            cues.append((status, m.start(), plan_object))
    cues += [(status, pos, True) for status, pos in _date_cues(sentence)]
    return _decide(_drop_planned_objects(sentence, cues))


# ---------------------------------------------------------------- issue status

@cache
def _issue_res() -> dict:
    t = _TABLE["issue_status"]
    ordered = []
    for rule in t["rules"]:
        parts = [re.escape(c) for c in rule.get("cues", ())] + list(rule.get("patterns", ()))
        ordered.append((rule["status"], re.compile("|".join(parts))))
    return {
        "label": re.compile(rf"^(?:{_alt(t['labels'])})\s*[:：]?\s*"),
        "subject": re.compile(rf"^(?:{_alt(t['subjects'])})"),
        "bare": re.compile(t["bare_start"]),
        "rules": ordered,
    }


def detect_issue_status(line: str) -> str | None:
    """Status of an issue-level status line ("以上问题已整改完成。", "整改状态：完成",
    "……长期坚持", "需继续整改，2025年7月底前整改完成"); None if ``line`` is not one."""
    _check(line, "one status line")
    res = _issue_res()
    text = line.strip().lstrip("*").strip()
    label = res["label"].match(text)
    if label:
        text = text[label.end():]
    elif not res["subject"].match(text):
        bare_ok = len(text) <= _TABLE["issue_status"]["max_bare_chars"] and res["bare"].match(text)
        if not bare_ok:
            return None
    for status, regex in res["rules"]:
        if regex.search(text):
            return status
    return None
