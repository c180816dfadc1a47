"""Date spans (docs/taxonomy.md §3, §6): a small engine over rules/dates.yaml.

    >>> extract_dates("2025年3月28日至6月30日，市委第四巡察组开展了巡察")
    [{'start': 0, 'end': 16, 'text': '2025年3月28日至6月30日', 'type': 'range', 'value': '2025-03-28/2025-06-30'}]

How it works: the shapes of the table are compiled into one alternation regex
that finds *atoms* (single time expressions) in one pass. A second pass joins
neighbours: ``A至B`` → range, ``A前`` → deadline ("2023年11月以来" keeps
the date alone; 至今 is a relative word of its own). Values are then
resolved left to right, so a yearless date takes the nearest explicit year
before it in the text.

Year of a yearless date, in order: the nearest explicit year before it in
``text``; the ``year`` argument (the caller passes the nearest explicit year
before this text in the document); the year of ``ref_date``. With none of
these the year is written ``XXXX`` ("XXXX-03-28", "../XXXX-07-31"): the
ISO 8601-2 notation for an unspecified digit, so the month and day survive.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .. import rules
from ..errors import NoticeError, NoticeTypeError

__all__ = ["extract_dates", "explicit_years", "InvalidDateError"]

UNKNOWN_YEAR = "XXXX"
_CALENDAR_TYPES = frozenset({"date", "month", "year", "part"})
# Full-width digits and separators read like half-width ones; a 1:1 map keeps offsets.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．－／～", "0123456789.-/~")


class InvalidDateError(NoticeError, ValueError):
    """``ref_date`` is a string that is not an ISO date (YYYY-MM-DD)."""


# ---------------------------------------------------------------- the table

# Loaded (and checked) on import: a broken table fails here, naming its key.
_TABLE = rules.load("dates")


_CLAUSE_START = r"(?:^|(?<=[，,。；;：:、\s)）])|(?<=是))"


def _alternation(words, not_before=(), not_before_digit=False, at_clause_start=False) -> str:
    """Longest word first, so 上年度 wins over 上年."""
    guards = "".join(f"(?<!{re.escape(c)})" for c in not_before)
    if not_before_digit:
        guards += r"(?<!\d)"
    if at_clause_start:
        guards = _CLAUSE_START + guards
    return "|".join(guards + re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _words(entries, key="words"):
    return [w for e in entries for w in e[key]]


@cache
def _lookups() -> dict:
    """Word → table entry maps used when resolving values."""
    t = _TABLE
    return {
        "year_parts": {w: e for e in t["year_parts"] for w in e["words"] + e.get("after_year", [])},
        "month_parts": {w: e for e in t["month_parts"] for w in e["words"]},
        "festivals": {w: e for e in t["festivals"] for w in e["words"]},
        "relative_years": {w: e["offset"] for e in t["relative_years"] for w in e["words"]},
        "frequency_units": {w: e for e in t["frequency_units"] for w in e["words"]},
        "frequency_words": {w: e["value"] for e in t["frequency_words"] for w in e["words"]},
    }


def _placeholders() -> dict[str, str]:
    t = _TABLE
    p = dict(t["fragments"])
    ry = "|".join(_alternation(e["words"], e.get("not_before", ())) for e in t["relative_years"])
    p["RYEAR"] = ry
    # A year written with 年 is never a decimal fraction, so "1.2024年" (enumerator
    # "1." + year) is a year: only a digit right before it rules it out.
    p["YHEAD"] = f"(?:(?<!\\d){p['Y']}{p['_']}年度?|(?P<ry>{ry}))"
    p["YPART"] = _alternation(_words(t["year_parts"]))
    p["YPART_AFTER"] = _alternation(_words(t["year_parts"]) + [w for e in t["year_parts"] for w in e.get("after_year", [])])
    p["MPART"] = _alternation(_words(t["month_parts"]))
    p["FEST"] = _alternation(_words(t["festivals"]))
    p["FSUF"] = _alternation(t["festival_suffixes"])
    p["COMPACT_STOP"] = f"(?:{_alternation(t['compact_not_before'])})"
    p["REL"] = "|".join(_alternation(e["words"], e.get("not_before", ()), e.get("not_before_digit", False),
                                     e.get("at_clause_start", False))
                        for e in t["relative_words"])
    p["FREQ_WORD"] = _alternation(_words(t["frequency_words"]))
    p["FREQ"] = _frequency_pattern(t, p["_"])
    return p


def _frequency_pattern(t: dict, gap: str) -> str:
    numbers = _alternation(t["frequency_numbers"]) + r"|\d{1,2}"
    week = [w for e in t["frequency_units"] if e.get("weekday") for w in e["words"]]
    other = [w for e in t["frequency_units"] if not e.get("weekday") for w in e["words"]]
    weekday = f"(?:(?P<wd>[{''.join(t['weekdays'])}])(?!{_alternation(t['weekday_not_before'])}))?"
    part = f"(?:{_alternation(t['frequency_part_suffixes'])})?"
    return (f"{re.escape(t['frequency_prefix'])}{gap}(?P<fn>{numbers})?{gap}"
            f"(?:(?P<fu>{_alternation(week)}){weekday}|(?P<fu2>{_alternation(other)}){part})")


@cache
def _scanner() -> tuple[re.Pattern, list[dict]]:
    """One regex for all shapes; group k<i> marks shape i, k<i>_<g> its named pieces."""
    placeholders = _placeholders()
    shapes = _TABLE["shapes"]
    parts = []
    for i, shape in enumerate(shapes):
        body = rules.expand(shape["pattern"], placeholders)
        body = re.sub(r"\(\?P<(\w+)>", rf"(?P<k{i}_\1>", body)
        parts.append(f"(?P<k{i}>{body})")
    # Every shape starts with a digit or a word of the tables: checking that one
    # character first lets the scan skip most positions without trying each shape.
    first = re.escape("".join(sorted(_first_chars())))
    return re.compile(f"(?=[0-9{first}])(?:{'|'.join(parts)})"), shapes


def _first_chars() -> set[str]:
    t = _TABLE
    words = (_words(t["year_parts"]) + _words(t["festivals"]) + _words(t["relative_years"])
             + _words(t["relative_words"]) + _words(t["frequency_words"]) + [t["frequency_prefix"]])
    return {w[0] for w in words}


@cache
def _joiners() -> dict[str, re.Pattern]:
    t = _TABLE
    gap = t["fragments"]["_"]
    not_after = "".join(f"(?!{re.escape(w)})" for w in t["deadline_not_after"])
    return {
        "connector": re.compile(f"{gap}(?:{_alternation(t['range_connectors'])}){gap}"),
        "deadline": re.compile(f"(?:{_alternation(t['deadline_suffixes'])}){not_after}"),
    }


# ---------------------------------------------------------------- atoms

@dataclass
class _Atom:
    start: int
    end: int
    type: str
    y: int | None = None          # explicit year
    ry: int | None = None         # relative year offset
    m: int | None = None
    d: int | None = None
    yp: dict | None = None
    mp: dict | None = None
    fest: dict | None = None
    value: str | None = None      # fixed value (frequency)
    relative: bool = False
    malformed: bool = False
    range_end_only: bool = False
    range_start_only: bool = False
    year_end: int = 0             # end offset of the explicit year digits

    @property
    def calendar(self) -> bool:
        return self.type in _CALENDAR_TYPES


def _valid(m: int, d: int) -> bool:
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(2000, m)[1]  # 2000: Feb 29 exists


def _split_compact(digits: str) -> tuple[int, int] | None:
    """"56" → (5, 6), "717" → (7, 17), "1120" → (11, 20). Three digits try a
    one-digit month first (M DD is far likelier than MM D); None when no split
    is a valid month and day."""
    cuts = {2: (1,), 3: (1, 2), 4: (2,)}[len(digits)]
    for cut in cuts:
        m, d = int(digits[:cut]), int(digits[cut:])
        if _valid(m, d):
            return m, d
    return None


def _atom_from_match(match: re.Match, shapes: list[dict]) -> _Atom | None:
    """The atom of one scanner match, or None when its numbers are no valid date."""
    name = match.lastgroup
    shape = shapes[int(name[1:])]
    prefix = name + "_"
    g = {k[len(prefix):]: v for k, v in match.groupdict().items() if v is not None and k.startswith(prefix)}
    atom = _Atom(match.start(), match.end(), shape["type"], malformed=bool(shape.get("malformed")),
                 range_end_only=bool(shape.get("range_end_only")),
                 range_start_only=bool(shape.get("range_start_only")))
    if "y" in g:
        atom.y, atom.year_end = int(g["y"]), match.end(prefix + "y")
    if not _set_month_day(atom, g):
        return None
    _set_words(atom, g)
    _refine_type(atom)
    return atom


def _set_month_day(atom: _Atom, g: dict) -> bool:
    if "cmd" in g:
        split = _split_compact(g["cmd"])
        if split is None:
            return False
        atom.m, atom.d = split
    else:
        atom.m = int(g["m"]) if "m" in g else None
        atom.d = int(g["d"]) if "d" in g else None
    return atom.m is None or atom.d is None or _valid(atom.m, atom.d)


def _set_words(atom: _Atom, g: dict) -> None:
    """Table words of the match: relative year, parts, festival, relative, frequency."""
    lk = _lookups()
    atom.ry = lk["relative_years"][g["ry"]] if "ry" in g else None
    atom.yp = lk["year_parts"][g["yp"]] if "yp" in g else None
    atom.mp = lk["month_parts"][g["mp"]] if "mp" in g else None
    atom.fest = lk["festivals"][g["fest"]] if "fest" in g else None
    atom.relative = "rel" in g
    if atom.type == "frequency":
        atom.value = _frequency_value(g, lk)


def _refine_type(atom: _Atom) -> None:
    """A year/month atom with a part word or a day is a part/date."""
    if atom.type not in _CALENDAR_TYPES:
        return
    if atom.fest or atom.yp or atom.mp:
        atom.type = "part" if atom.d is None else "date"
    elif atom.d is not None:
        atom.type = "date"
    elif atom.m is not None:
        atom.type = "month"


def _frequency_value(g: dict, lk: dict) -> str:
    if "fw" in g:
        return lk["frequency_words"][g["fw"]]
    unit = lk["frequency_units"][g.get("fu") or g["fu2"]]
    count = 1
    if "fn" in g and unit.get("countable", True):
        fn = g["fn"]
        count = int(fn) if fn.isdigit() else _TABLE["frequency_numbers"][fn]
    return f"P{max(count, 1) * unit['n']}{unit['unit']}"


def _scan(text: str) -> list[_Atom]:
    regex, shapes = _scanner()
    atoms = []
    for match in regex.finditer(text):
        atom = _atom_from_match(match, shapes)
        if atom is not None:
            atoms.append(atom)
    return atoms


# ---------------------------------------------------------------- joining

@dataclass
class _Span:
    start: int
    end: int
    type: str
    atoms: tuple  # one atom, or two for a range
    malformed: bool = False


def _join(text: str, atoms: list[_Atom]) -> list[_Span]:
    j = _joiners()
    spans: list[_Span] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        if spans and a.start < spans[-1].end:  # eaten by the previous span's suffix (上年之前年)
            i += 1
            continue
        b = atoms[i + 1] if i + 1 < len(atoms) else None
        if _can_range(a, b) and _connected(text, a, b, j["connector"]):
            spans.append(_with_suffix(text, _Span(a.start, b.end, "range", (a, b), a.malformed or b.malformed), j))
            i += 2
            continue
        if a.range_end_only or a.range_start_only:
            i += 1
            continue
        span = _Span(a.start, a.end, a.type, (a,), a.malformed)
        spans.append(_with_suffix(text, span, j) if a.calendar else span)
        i += 1
    return spans


def _can_range(a: _Atom, b: _Atom | None) -> bool:
    if b is None or not (a.calendar and b.calendar) or a.range_end_only or b.range_start_only:
        return False
    # A bare-digit end ("56" of "2025324日至56") only follows a start that lost its 年月日 too.
    return a.malformed or not (b.range_end_only and b.malformed)


def _connected(text: str, a: _Atom, b: _Atom, connector: re.Pattern) -> bool:
    m = connector.match(text, a.end)
    return m is not None and m.end() == b.start


def _with_suffix(text: str, span: _Span, j: dict) -> _Span:
    """"A前" → deadline (festivals keep their own suffix: 春节前 is a part)."""
    if span.atoms[-1].fest is not None:
        return span
    m = j["deadline"].match(text, span.end)
    if m:
        return _Span(span.start, m.end(), "deadline", span.atoms, span.malformed)
    return span


# ---------------------------------------------------------------- values

@dataclass(frozen=True)
class _Ref:
    """The document date at the precision known: ``iso`` is ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    year: int
    iso: str


class _Context:
    """The year a yearless date takes, updated as explicit years go by.

    ``explicit``: (offset, year) of the explicit years of this text. A relative year
    (今年, 去年, 本年度, 当年) counts from an explicit year of the same sentence first —
    the nearest before it, else the first after it — then from the document date, then
    from the nearest explicit year before the sentence (taxonomy §6, "More date words")."""

    def __init__(self, ref: _Ref | None, year: int | None, explicit: list[tuple[int, int]] = ()):
        self.ref, self.explicit = ref, list(explicit)
        self.year = year if year is not None else (ref.year if ref else None)
        self.outer_year = year

    def year_of(self, atom: _Atom) -> int | None:
        if atom.y is not None:
            self.year = atom.y
            return atom.y
        if atom.ry is not None:
            base = self._relative_base(atom.start)
            return None if base is None else base + atom.ry
        return self.year

    def _relative_base(self, at: int) -> int | None:
        before = [y for pos, y in self.explicit if pos < at]
        after = [y for pos, y in self.explicit if pos > at]
        if before or after:
            return before[-1] if before else after[0]
        return self.ref.year if self.ref else self.outer_year


def _ystr(year: int | None) -> str:
    return UNKNOWN_YEAR if year is None else f"{year:04d}"


def _last_day(year: int | None, month: int) -> int:
    # Unknown year: February ends on the 28th (the common case).
    return calendar.monthrange(year if year is not None else 2001, month)[1]


def _festival_month(fest: dict, year: int | None) -> int:
    return fest.get("months_by_year", {}).get(year, fest["month"])


def _point(atom: _Atom, year: int | None) -> str:
    """The value of one calendar atom at the precision written."""
    y = _ystr(year)
    if atom.fest is not None:
        return f"{y}-{_festival_month(atom.fest, year):02d}"
    if atom.m is None:
        return f"{y}-{atom.yp['value'].replace('{Y}', y)}" if atom.yp else y
    if atom.d is None:
        return f"{y}-{atom.m:02d}"
    return f"{y}-{atom.m:02d}-{atom.d:02d}"


def _last(atom: _Atom, year: int | None) -> str:
    """The last day an atom covers, for a deadline ("7月底前" → 2025-07-31)."""
    y = _ystr(year)
    if atom.m is None:
        if atom.yp:
            return f"{y}-{atom.yp['last']}"
        return f"{y}-12-31"
    if atom.d is not None:
        return f"{y}-{atom.m:02d}-{atom.d:02d}"
    day = atom.mp["last"] if atom.mp else "end"
    day = _last_day(year, atom.m) if day == "end" else day
    return f"{y}-{atom.m:02d}-{day:02d}"


def _range_end(a: _Atom, b: _Atom, a_year: int | None, ctx: _Context) -> tuple[_Atom, int | None]:
    """The second end inherits what it leaves out from the first ("3月17日至22日")."""
    if b.y is None and b.ry is None:
        if b.m is None and b.yp is None and b.fest is None:
            b = _Atom(b.start, b.end, "date", m=a.m, d=b.d, malformed=b.malformed)
        b_year = a_year
        # "2024年12月至3月": the end is in the following year.
        if b_year is not None and a.m is not None and b.m is not None and b.m < a.m:
            b_year += 1
        return b, b_year
    return b, ctx.year_of(b)


def _value(span: _Span, ctx: _Context) -> str | None:
    first = span.atoms[0]
    if first.type == "frequency":
        return first.value
    if first.relative:
        return ctx.ref.iso if ctx.ref else None
    year = ctx.year_of(first)
    if len(span.atoms) == 1:
        return "../" + _last(first, year) if span.type == "deadline" else _point(first, year)
    second, second_year = _range_end(first, span.atoms[1], year, ctx)
    if span.type == "deadline":  # "2025年3月至6月底前": the range's end is the deadline
        return "../" + _last(second, second_year)
    return f"{_point(first, year)}/{_point(second, second_year)}"


# ---------------------------------------------------------------- public API

def _check_text(text) -> None:
    if not isinstance(text, str):
        raise NoticeTypeError(
            f"expected the text as str, got {type(text).__name__}; decode bytes first "
            "(e.g. data.decode('utf-8')) or use notice_nlp.tag_file for files")


_PARTIAL_ISO = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _parse_ref(ref_date) -> _Ref | None:
    """``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (a longer ISO datetime string is cut to its
    date), ``datetime.date`` or ``datetime.datetime`` → the reference at its precision."""
    if ref_date is None:
        return None
    if isinstance(ref_date, (_dt.date, _dt.datetime)):
        day = ref_date.date() if isinstance(ref_date, _dt.datetime) else ref_date
        return _Ref(day.year, day.isoformat())
    if isinstance(ref_date, str):
        iso = normalise_date(ref_date)
        if iso is None:
            raise InvalidDateError(f"ref_date {ref_date!r} is not an ISO date; give it as 'YYYY-MM-DD', "
                                   "'YYYY-MM' or 'YYYY', or as a datetime.date")
        return _Ref(int(iso[:4]), iso)
    raise NoticeTypeError(
        f"ref_date must be a datetime.date, an ISO string ('YYYY-MM-DD', 'YYYY-MM', 'YYYY') or None, "
        f"got {type(ref_date).__name__}")


def normalise_date(value: str) -> str | None:
    """An ISO date string at its own precision (``2025``, ``2025-07``, ``2025-07-01``; a datetime
    string is cut to its date), or None when it is not one (or names no real month/day)."""
    match = _PARTIAL_ISO.fullmatch(value.strip()[:10])
    if not match:
        return None
    year, month, day = match.groups()
    try:
        _dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return match.group(0)


def _check_year(year) -> int | None:
    if year is None:
        return None
    if isinstance(year, bool) or not isinstance(year, int):
        raise NoticeTypeError(f"year must be an int such as 2025 or None, got {type(year).__name__}")
    return year


_CACHED_CHARS = 1000


def _spans(text: str) -> tuple[_Span, ...]:
    """Atoms joined into spans. Sentences are cached (the pipeline and extract_counts ask
    for the same sentence's dates); whole documents are not, so none is kept alive."""
    return _cached_spans(text) if len(text) <= _CACHED_CHARS else _compute_spans(text)


@lru_cache(maxsize=4096)
def _cached_spans(text: str) -> tuple[_Span, ...]:
    return _compute_spans(text)


def _compute_spans(text: str) -> tuple[_Span, ...]:
    view, starts, ends = _digit_view(text.translate(_HALF_WIDTH))
    spans = _join(view, _scan(view))
    if starts is None:
        return tuple(spans)
    return tuple(_remap(span, starts, ends) for span in spans)


# ---------------------------------------------------------------- Chinese numerals

@cache
def _numeral_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    t = _TABLE
    digits, tens = "".join(t["chinese_digits"]), "".join(t["chinese_tens"])
    number = f"[{digits}{tens}]{{1,3}}"
    gap = "[ \u3000]{0,2}"
    year = re.compile(f"(?<![{digits}{tens}])[{digits}]{{4}}(?={gap}年)")
    month = re.compile(f"(?<![{digits}{tens}0-9第每个])({number})(?={gap}月)")
    day = re.compile(f"月{gap}({number})(?={gap}[日号])")
    return year, month, day


def _numeral_value(word: str) -> int | None:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十一 → 21, 廿一 → 21, 卅一 → 31; None otherwise."""
    t = _TABLE
    digits, tens = t["chinese_digits"], t["chinese_tens"]
    if word in digits or word in tens:
        return digits.get(word) or tens.get(word)
    if word[0] in tens:
        head, rest = tens[word[0]], word[1:]
    elif len(word) >= 2 and word[1] == "十" and word[0] in digits:
        head, rest = digits[word[0]] * 10, word[2:]
    else:
        return None
    if not rest:
        return head
    return head + digits[rest] if len(rest) == 1 and digits.get(rest) else None


def _digit_view(text: str) -> tuple[str, list[int] | None, list[int] | None]:
    """``text`` with Chinese-numeral years, months and days written as digits, and per view
    character its original start and end offsets (None, None when nothing changed)."""
    year, month, day = _numeral_patterns()
    digits = _TABLE["chinese_digits"]
    swaps = [(m.start(), m.end(), "".join(str(digits[c]) for c in m.group())) for m in year.finditer(text)]
    for pattern, top in ((month, 12), (day, 31)):
        for m in pattern.finditer(text):
            value = _numeral_value(m.group(1))
            if value is not None and 1 <= value <= top:
                swaps.append((m.start(1), m.end(1), str(value)))
    if not swaps:
        return text, None, None
    view, starts, ends, at = [], [], [], 0
    for start, end, digits_text in sorted(swaps):
        if start < at:
            continue
        view.append(text[at:start])
        starts += range(at, start)
        ends += range(at + 1, start + 1)
        view.append(digits_text)
        starts += [start] * len(digits_text)
        ends += [end] * len(digits_text)
        at = end
    view.append(text[at:])
    starts += range(at, len(text))
    ends += range(at + 1, len(text) + 1)
    return "".join(view), starts, ends


def _remap(span: _Span, starts: list[int], ends: list[int]) -> _Span:
    from dataclasses import replace
    atoms = tuple(replace(a, start=starts[a.start], end=ends[a.end - 1],
                          year_end=ends[a.year_end - 1] if a.year_end else 0) for a in span.atoms)
    return replace(span, start=starts[span.start], end=ends[span.end - 1], atoms=atoms)


def extract_dates(text: str, ref_date=None, *, year: int | None = None) -> list[dict]:
    """Date spans of ``text``: dicts with start, end (exclusive), text, type, value
    and ``"malformed": True`` for dates whose 年/月/日 were lost.

    ``ref_date``: the document date (datetime.date/datetime, or an ISO string of
    precision ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``) — the value of relative words
    (目前), at the precision known, and a base of 今年/去年 when the sentence has no
    explicit year. ``year``: the year of yearless dates when ``text`` has no explicit
    year before them. Raises InvalidDateError (a NoticeError) for a bad ``ref_date`` string,
    NoticeTypeError for wrong types.

    >>> [(d["text"], d["type"], d["value"]) for d in extract_dates("二〇二四年十二月二十日前完成，较去年增长", "2025-06-30")]
    [('二〇二四年十二月二十日前', 'deadline', '../2024-12-20'), ('去年', 'year', '2023')]
    """
    _check_text(text)
    spans = _spans(text)
    explicit = [(atom.start, atom.y) for span in spans for atom in span.atoms if atom.y is not None]
    ctx = _Context(_parse_ref(ref_date), _check_year(year), explicit)
    out = []
    for span in spans:
        item = {"start": span.start, "end": span.end, "text": text[span.start:span.end],
                "type": span.type, "value": _value(span, ctx)}
        if span.malformed:
            item["malformed"] = True
        out.append(item)
    return out


def explicit_years(text: str) -> list[tuple[int, int]]:
    """(end offset of the year's digits, year) for every explicit 4-digit year in
    a date of ``text``, in order — the pipeline's "nearest explicit year before"."""
    _check_text(text)
    out = []
    for span in _spans(text):
        for atom in span.atoms:
            if atom.y is not None:
                out.append((atom.year_end, atom.y))
    return out
