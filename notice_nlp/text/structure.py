"""Stage 3: parse the structure of a normalised notice.

Lines are read once, top to bottom. Enumerated short lines are headings; the
depth of each enumerator style is the order in which the document first uses
it (documents nest 一、/（一）/1./1) differently). Depth-0 headings are
sections. Below them a heading is an issue only if it names a problem, and
the issue is the innermost such heading (taxonomy §2.3); a sub-heading that
names a topic groups what follows, one that names an action is a measure
sentence (§2.2; ``headings``). Every other line is measure text, split into
sentences; a new measure starts with each paragraph and each inline
enumerator (一是, （1）, 1.), and a run-in label (整改情况：) belongs to no sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..doc import Document, Issue, Measure, Section, Sentence
from .headings import (ACTION, PROBLEM, SECTION, UNNUMBERED_PROBLEM, heading_kind, names_problem, problem_shaped,
                       sentence_names_problem, states_problem)
from .layout import (ENUMERATOR_ALIASES, INLINE_MEASURE_ENUM, ISSUER_LINE, SENTENCE_END, Enumerator, compiled,
                     date_only_line, inline_marker_re, marker_re, match_enumerator, regex, rules, strip_enumerator)
from .sentences import sentence_spans
from ..tagging.status import detect_issue_status

MAX_HEADING_CHARS = 60
# How long a top-level section heading may be (see _Reach): elsewhere such a line is a measure.
MAX_TOP_HEADING_CHARS = 100
MAX_PROBLEM_HEADING_CHARS = 150
MAX_CLOSING_CHARS = 200
GROUP_SEPARATOR = " / "  # between the titles of Issue.group
# Patterns of rules/layout.yaml: the preamble's opening line (根据……部署) and issue status
# lines (以上问题……).
_PREAMBLE_START = regex("preamble_start")
_STATUS_LINE_START = regex("status_line_start")
# Enumerator styles that number sections: a top-level heading in one may be long, or a sentence.
_SECTION_STYLES = frozenset(rules()["section_styles"])


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
    kind: str  # SECTION, PROBLEM or TOPIC (an ACTION heading is measure text, never on the stack)
    problem: bool  # names a problem (a section can)
    has_issue: bool = False  # an issue was made with this heading as its title
    problem_below: bool = False  # a problem heading was read under it: it is no innermost problem


@dataclass(frozen=True)
class _HeadingCut:
    style: str  # enumerator style (UNNUMBERED_PROBLEM for a problem heading without one)
    end: int  # where the heading ends
    body_start: int | None  # where measure text on the same line starts


@dataclass(frozen=True)
class _Reach:
    """How far a heading line may stretch: a top-level section heading (``section_styles``)
    may be a long slogan, and one sentence ending in 。 when sub-headings follow it
    ("一、以政治建设为统领,…抓紧抓实。" above "（一）加强组织领导,…")."""
    long: bool = False
    sentence: bool = False


@dataclass
class StructureParser:
    """Builds sections → issues → measures → sentences over ``doc.text``."""
    text: str
    sections: list[Section] = field(default_factory=list)
    _styles: list[str] = field(default_factory=list)
    _stack: list[_Heading] = field(default_factory=list)
    _containers: dict = field(default_factory=dict)
    _sentence_count: int = 0
    _measure_open: bool = False  # an action sub-heading opened a measure: the next text goes on with it

    def parse(self) -> list[Section]:
        lines = self._lines()
        first, last = _body_bounds(lines)
        body = lines[first:last]
        for line, after in zip(body, body[1:] + [None]):
            self._read_line(line, after)
        self._pop_to(0)
        return self.sections

    def _lines(self) -> list[Line]:
        out, offset = [], 0
        for raw in self.text.split("\n"):
            if raw.strip():
                out.append(Line(offset, offset + len(raw), raw))
            offset += len(raw) + 1
        return out

    def _read_line(self, line: Line, after: Line | None = None) -> None:
        """``after``: the next line (a top line that is a sentence is a heading only above sub-headings)."""
        measure_open, self._measure_open = self._measure_open, False
        status_marker = marker_re("status_markers").match(line.text)
        if status_marker or _is_status_line(line.text):
            self._take_issue_status(line.text[status_marker.end() if status_marker else 0:])
            return
        heading = self._heading(line, after is not None and match_enumerator(after.text) is not None)
        if heading is None:
            self._take_measures(line.start, line.end, go_on=measure_open)
            return
        head = Line(line.start, heading.end, self.text[line.start:heading.end])
        if not self._push_heading(head, heading.style):
            self._take_measures(head.start, head.end)  # an action sub-heading: the first sentence of its measure
            self._measure_open = True
        if heading.body_start is not None:
            self._take_measures(heading.body_start, line.end, go_on=self._measure_open)

    def _heading(self, line: Line, above_subheading: bool = False) -> _HeadingCut | None:
        """Where the heading ends and the measure text on its line starts, if the line is a heading."""
        enum = match_enumerator(line.text)
        marker = inline_marker_re().search(line.text)
        if enum is None:
            return _unnumbered_problem(line, marker)
        top = self._depth(enum.style) == 0 and enum.style in _SECTION_STYLES
        reach = _Reach(long=top, sentence=top and above_subheading)
        if marker:  # "1.关于医疗服务方面。整改情况：一是……"
            head_len = marker.start() + (1 if line.text[marker.start()] in "。." else 0)
            if _looks_like_heading(line.text[len(enum.text):head_len], reach, enum.style):
                return _HeadingCut(enum.style, line.start + head_len, line.start + marker.end())
            return None
        if _looks_like_heading(line.text[len(enum.text):], reach, enum.style):
            return _HeadingCut(enum.style, line.end, None)
        return _problem_run_in(line, enum)

    def _depth(self, style: str) -> int:
        """The depth a heading of ``style`` has (or would have: styles count in order of first use)."""
        style = ENUMERATOR_ALIASES.get(style, style)
        return self._styles.index(style) if style in self._styles else len(self._styles)

    def _push_heading(self, line: Line, style: str) -> bool:
        """Put a heading on the stack; False for an action sub-heading (measure text, not pushed)."""
        depth = self._depth(style)
        if depth == len(self._styles):
            self._styles.append(ENUMERATOR_ALIASES.get(style, style))
        self._pop_to(depth)
        title = strip_enumerator(line.text)
        kind = heading_kind(title, style, depth)
        if kind == ACTION:
            return False
        head = _Heading(depth, line, title, kind, kind == PROBLEM or names_problem(title))
        if head.problem:
            for outer in self._stack:
                outer.problem_below = True
        self._stack.append(head)
        if kind == SECTION:
            self._section(head)  # a titled section counts even when the page is cut right after it
        return True

    def _pop_to(self, depth: int) -> None:
        """Close the headings at ``depth`` and deeper; an innermost problem heading with nothing
        under it (a cut page, measures elsewhere) is still an issue."""
        while self._stack and self._stack[-1].depth >= depth:
            head = self._stack[-1]
            if head.problem and not head.has_issue and not head.problem_below:
                self._current_issue()
            self._stack.pop()

    def _current_issue(self) -> Issue:
        section_head = self._stack[0] if self._stack and self._stack[0].kind == SECTION else None
        section = self._section(section_head)
        below = self._stack[1 if section_head else 0:]
        issue_head = next((h for h in reversed(self._stack) if h.problem), None)
        if issue_head is None:  # under topic sub-headings only: an untitled issue of their own
            between, key = below, ("topic", _key(below[-1] if below else None))
        else:
            between, key = below[:below.index(issue_head)] if issue_head in below else [], _key(issue_head)
        group = GROUP_SEPARATOR.join(h.title for h in between) or None
        return self._container(("issue", section.index, key), lambda: self._new_issue(section, issue_head, group))

    def _section(self, head: _Heading | None) -> Section:
        return self._container(("section", _key(head)), lambda: self._new_section(head))

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
        大项 "1.关于…" between 方面 "（一）…" and "1）针对…"), titles joined with " / "; for an
        untitled issue, the topic sub-headings its measures stand under."""
        if head is not None:
            head.has_issue = True
        issue = Issue(index=len(section.issues) + 1, title=head.title if head else None, group=group)
        section.issues.append(issue)
        return issue

    def _take_issue_status(self, text: str) -> None:
        status = detect_issue_status(text)
        if status:
            self._current_issue().status = status

    def _take_measures(self, start: int, end: int, go_on: bool = False) -> None:
        """Sentences of text[start:end]; a paragraph opens a new measure unless ``go_on`` (the
        text under an action sub-heading belongs to the measure the sub-heading opened)."""
        if end - start <= MAX_CLOSING_CHARS and _holds_contact_details(self.text[start:end]):
            return  # the closing paragraph with contact details
        issue = None
        measure = None
        for s, e in sentence_spans(self.text, start, end):
            label = marker_re("measure_markers").match(self.text[s:e])
            s = s + label.end() if label else s  # a run-in label (整改情况：) belongs to no sentence
            sentence_text = self.text[s:e]
            if s >= e or _not_a_measure(sentence_text, before_headings=not self._styles):
                continue
            issue = issue or self._current_issue()
            if measure is None and go_on and issue.measures:
                measure = issue.measures[-1]
            if measure is None or INLINE_MEASURE_ENUM.match(sentence_text):
                measure = Measure(index=len(issue.measures) + 1)
                issue.measures.append(measure)
            self._sentence_count += 1
            measure.sentences.append(Sentence(
                id=f"s{self._sentence_count:04d}", text=sentence_text, start=s, end=e,
                context=issue.title or self._context_heading()))

    def _context_heading(self) -> str | None:
        """Context outside any problem: the innermost topic sub-heading, else the section title."""
        return self._stack[-1].title if self._stack else None


def _problem_run_in(line: Line, enum: Enumerator) -> _HeadingCut | None:
    """"(一)关于少数领导干部不守政治规矩的问题。一是……": a problem heading, then measure text."""
    body_at = len(enum.text)
    cut = next((i + 1 for i in range(body_at, len(line.text)) if line.text[i] in SENTENCE_END), None)
    if cut is None or line.text[cut - 1] not in "。." or cut - body_at > MAX_PROBLEM_HEADING_CHARS or \
            not sentence_names_problem(line.text[body_at:cut], enum.style):
        return None
    return _HeadingCut(enum.style, line.start + cut, line.start + cut)


def _unnumbered_problem(line: Line, marker: re.Match | None) -> _HeadingCut | None:
    """"针对“……”的问题整改进展情况：……": a problem heading without an enumerator, known by its
    shape and the run-in label after it; it nests below the headings before it."""
    if marker is None or not 0 < marker.start() <= MAX_PROBLEM_HEADING_CHARS or \
            not problem_shaped(line.text[:marker.start()].rstrip("。.，,")):
        return None
    return _HeadingCut(UNNUMBERED_PROBLEM, line.start + marker.start(), line.start + marker.end())


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


def _looks_like_heading(body: str, reach: _Reach, style: str) -> bool:
    """Short and unpunctuated (a top section heading may be longer), or one sentence that names
    a problem ("关于“……”的问题。", "领会黄河国家战略不深入。") or heads a top section."""
    body = body.strip()
    inner = body.rstrip("。.")
    if not body or any(ch in SENTENCE_END for ch in inner):
        return False
    if inner == body:
        return len(body) <= (MAX_TOP_HEADING_CHARS if reach.long else MAX_HEADING_CHARS)
    if reach.sentence and len(body) <= MAX_TOP_HEADING_CHARS:
        return True
    return len(body) <= MAX_PROBLEM_HEADING_CHARS and sentence_names_problem(body, style)


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


def problem_headings(sections: list[Section]) -> list[str]:
    """Every problem heading read, in document order: each titled issue, and each heading above
    one (its section, a group) that states a problem itself. The issue is the innermost problem
    heading (taxonomy §2.3), but "（一）关于……方面问题" over "1.关于……问题" names a problem too."""
    seen: dict[tuple, str] = {}
    for section in sections:
        for issue in (i for i in section.issues if i.title is not None):
            outer = ([section.title] if section.title else []) + \
                (issue.group.split(GROUP_SEPARATOR) if issue.group else [])
            for depth, title in enumerate(outer):
                if states_problem(title):
                    seen.setdefault((section.index, *outer[:depth + 1]), title)
            own = outer if outer == [issue.title] else outer + [issue.title]  # a section that is its issue
            seen.setdefault((section.index, *own), issue.title)
    return list(seen.values())


def parse_structure(text: str) -> list[Section]:
    """Sections → issues → measures → sentences of a normalised text."""
    return StructureParser(text).parse()


def build_document(text: str, meta: dict, source: str | None = None) -> Document:
    return Document(text=text, meta=meta, sections=parse_structure(text), source=source)
