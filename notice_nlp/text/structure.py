"""Stage 3: parse the structure of a normalised notice.

Lines are read once, top to bottom. Enumerated short lines are headings; the
depth of each enumerator style is the order in which the document first uses
it (documents nest 一、/（一）/1./1) differently). Depth-0 headings are
sections; the deepest heading below a section is the issue (taxonomy §6:
the innermost problem heading). Every other line is measure text, split into
sentences; a new measure starts with each paragraph and each inline
enumerator (一是, （1）, 1.).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..doc import Document, Issue, Measure, Section, Sentence
from .layout import (ENUMERATOR_ALIASES, INLINE_MEASURE_ENUM, ISSUER_LINE, SENTENCE_END, compiled, date_only_line,
                     inline_marker_re, marker_re, match_enumerator, regex, strip_enumerator)
from .sentences import sentence_spans
from ..tagging.status import detect_issue_status

MAX_HEADING_CHARS = 60
MAX_PROBLEM_HEADING_CHARS = 150
MAX_CLOSING_CHARS = 200
# Patterns of rules/layout.yaml: problem headings (关于…问题), the preamble's opening line
# (根据……部署) and issue status lines (以上问题……).
_PROBLEM = regex("problem_heading")
_PREAMBLE_START = regex("preamble_start")
_STATUS_LINE_START = regex("status_line_start")


@dataclass
class Line:
    start: int
    end: int
    text: str


@dataclass
class _Heading:
    depth: int
    line: Line
    title: str


@dataclass
class StructureParser:
    """Builds sections → issues → measures → sentences over ``doc.text``."""
    text: str
    sections: list[Section] = field(default_factory=list)
    _styles: list[str] = field(default_factory=list)
    _stack: list[_Heading] = field(default_factory=list)
    _containers: dict = field(default_factory=dict)
    _sentence_count: int = 0

    def parse(self) -> list[Section]:
        lines = self._lines()
        first, last = _body_bounds(lines)
        for line in lines[first:last]:
            self._read_line(line)
        return self.sections

    def _lines(self) -> list[Line]:
        out, offset = [], 0
        for raw in self.text.split("\n"):
            if raw.strip():
                out.append(Line(offset, offset + len(raw), raw))
            offset += len(raw) + 1
        return out

    def _read_line(self, line: Line) -> None:
        status_marker = marker_re("status_markers").match(line.text)
        if status_marker or _is_status_line(line.text):
            self._take_issue_status(line.text[status_marker.end() if status_marker else 0:])
            return
        heading = self._heading(line)
        if heading is None:
            self._take_measures(line.start, line.end)
            return
        head_end, body_start = heading
        self._push_heading(Line(line.start, head_end, self.text[line.start:head_end]))
        if body_start is not None:
            self._take_measures(body_start, line.end)

    def _heading(self, line: Line) -> tuple[int, int | None] | None:
        """(heading end, start of measure text on the same line) if the line is a heading."""
        enum = match_enumerator(line.text)
        if enum is None:
            return None
        cut = inline_marker_re().search(line.text)
        head_len = cut.start() + (1 if line.text[cut.start()] in "。." else 0) if cut else len(line.text)
        body = line.text[len(enum.text):head_len]
        if not _looks_like_heading(body):
            return None
        if cut:
            return line.start + head_len, line.start + cut.end()
        return line.end, None

    def _push_heading(self, line: Line) -> None:
        style = match_enumerator(line.text).style
        style = ENUMERATOR_ALIASES.get(style, style)
        if style not in self._styles:
            self._styles.append(style)
        depth = self._styles.index(style)
        while self._stack and self._stack[-1].depth >= depth:
            self._stack.pop()
        self._stack.append(_Heading(depth, line, strip_enumerator(line.text)))

    def _current_issue(self) -> Issue:
        section_head = self._stack[0] if self._stack and self._stack[0].depth == 0 else None
        deeper = [h for h in self._stack if h is not section_head]
        issue_head = deeper[-1] if deeper else None
        section = self._container(("section", _key(section_head)),
                                  lambda: self._new_section(section_head))
        if issue_head is None and section_head is not None and _PROBLEM.search(section_head.title):
            issue_head = section_head  # a problem heading at the top: section and issue at once
        between = deeper[:-1] if issue_head is not None and deeper and issue_head is deeper[-1] else []
        group = " / ".join(h.title for h in between) or None
        return self._container(("issue", section.index, _key(issue_head)),
                               lambda: self._new_issue(section, issue_head, group))

    def _container(self, key, make):
        if key not in self._containers:
            self._containers[key] = make()
        return self._containers[key]

    def _new_section(self, head: _Heading | None) -> Section:
        section = Section(index=len(self.sections) + 1, title=head.title if head else None)
        self.sections.append(section)
        return section

    def _new_issue(self, section: Section, head: _Heading | None, group: str | None = None) -> Issue:
        """``group``: the headings between the section head and the issue head (seed004's
        大项 "1.关于…" between 方面 "（一）…" and "1）针对…"), titles joined with " / "."""
        issue = Issue(index=len(section.issues) + 1, title=head.title if head else None, group=group)
        section.issues.append(issue)
        return issue

    def _take_issue_status(self, text: str) -> None:
        status = detect_issue_status(text)
        if status:
            self._current_issue().status = status

    def _take_measures(self, start: int, end: int) -> None:
        if end - start <= MAX_CLOSING_CHARS and _holds_contact_details(self.text[start:end]):
            return  # the closing paragraph with contact details
        marker = marker_re("measure_markers").match(self.text[start:end])
        start = start + marker.end() if marker else start
        measure = None
        issue = None
        for s, e in sentence_spans(self.text, start, end):
            sentence_text = self.text[s:e]
            if _not_a_measure(sentence_text, before_headings=not self._styles):
                continue
            issue = issue or self._current_issue()
            if measure is None or INLINE_MEASURE_ENUM.match(sentence_text):
                measure = Measure(index=len(issue.measures) + 1)
                issue.measures.append(measure)
            self._sentence_count += 1
            measure.sentences.append(Sentence(
                id=f"s{self._sentence_count:04d}", text=sentence_text, start=s, end=e,
                context=issue.title or self._section_title()))

    def _section_title(self) -> str | None:
        if self._stack and self._stack[0].depth == 0:
            return self._stack[0].title
        return None


def _not_a_measure(sentence: str, before_headings: bool) -> bool:
    if compiled("closing_patterns").search(sentence) or _holds_contact_details(sentence):
        return True
    return before_headings and bool(compiled("preamble_patterns").search(sentence))


# A contact label gives details when a colon or a number follows within this many characters.
_LABEL_REACH = 8
_COLON_OR_DIGIT = re.compile(r"[:：\d０-９]")


def _holds_contact_details(text: str) -> bool:
    """An e-mail address, or a contact label with its value ("联系电话：0533…",
    "联系方式(电话):…"). A label only named in a measure ("开通举报邮箱，接受群众
    监督。") is no contact detail: that sentence is a measure and must not be lost."""
    for found in compiled("contact_patterns").finditer(text):
        if "@" in found.group() or \
                _COLON_OR_DIGIT.search(text, found.end() - 1, found.end() + _LABEL_REACH):
            return True
    return False


def _key(head: _Heading | None) -> int:
    """Headings are told apart by where they stand (objects come and go)."""
    return -1 if head is None else head.line.start


def _looks_like_heading(body: str) -> bool:
    """Short and unpunctuated, or a problem title ("关于“……”的问题。")."""
    body = body.strip()
    if not body:
        return False
    if not any(ch in SENTENCE_END for ch in body) and len(body) <= MAX_HEADING_CHARS:
        return True
    inner = body.rstrip("。.")
    return (len(body) <= MAX_PROBLEM_HEADING_CHARS and bool(_PROBLEM.search(inner))
            and not any(ch in SENTENCE_END for ch in inner))


def _is_status_line(text: str) -> bool:
    """"以上问题已整改完成。" and the like: a short line about the issue as a whole."""
    return len(text) <= 40 and bool(_STATUS_LINE_START.match(text))


def _body_bounds(lines: list[Line]) -> tuple[int, int]:
    """Index of the first body line (after title, issuer, widgets) and one past the last."""
    first = 0
    for i, line in enumerate(lines[:12]):
        if _PREAMBLE_START.match(line.text) or match_enumerator(line.text):
            first = i
            break
        if any(ch in SENTENCE_END for ch in line.text):
            first = i  # titles carry no 。；！？: a punctuated line is text, short or not
            break
    last = len(lines)
    while last > first and (ISSUER_LINE.match(lines[last - 1].text) or date_only_line().match(lines[last - 1].text)):
        last -= 1
    return first, last


def parse_structure(text: str) -> list[Section]:
    """Sections → issues → measures → sentences of a normalised text."""
    return StructureParser(text).parse()


def build_document(text: str, meta: dict, source: str | None = None) -> Document:
    return Document(text=text, meta=meta, sections=parse_structure(text), source=source)
