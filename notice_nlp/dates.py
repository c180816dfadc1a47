"""Date spans (taxonomy.md §3, §6): a small engine over rules/dates.yaml.

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
from importlib import resources

import yaml

from .errors import NoticeError, NoticeTypeError

__all__ = ["extract_dates", "explicit_years", "InvalidDateError"]

UNKNOWN_YEAR = "XXXX"
_CALENDAR_TYPES = frozenset({"date", "month", "year", "part"})
# Full-width digits and separators read like half-width ones; a 1:1 map keeps offsets.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．－／～", "0123456789.-/~")


class InvalidDateError(NoticeError, ValueError):
    """``ref_date`` is a string that is not an ISO date (YYYY-MM-DD)."""


# ---------------------------------------------------------------- the table

@cache
def _table() -> dict:
    text = resources.files("notice_nlp").joinpath("rules/dates.yaml").read_text("utf-8")
    return yaml.safe_load(text)


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
    t = _table()
    return {
        "year_parts": {w: e for e in t["year_parts"] for w in e["words"] + e.get("after_year", [])},
        "month_parts": {w: e for e in t["month_parts"] for w in e["words"]},
        "festivals": {w: e for e in t["festivals"] for w in e["words"]},
        "relative_years": {w: e["offset"] for e in t["relative_years"] for w in e["words"]},
        "frequency_units": {w: e for e in t["frequency_units"] for w in e["words"]},
        "frequency_words": {w: e["value"] for e in t["frequency_words"] for w in e["words"]},
    }


def _placeholders() -> dict[str, str]:
    t = _table()
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


def _expand(pattern: str, placeholders: dict[str, str]) -> str:
    return re.sub(r"\$([A-Z_]+)", lambda m: placeholders[m.group(1)], pattern)


@cache
def _scanner() -> tuple[re.Pattern, list[dict]]:
    """One regex for all shapes; group k<i> marks shape i, k<i>_<g> its named pieces."""
    placeholders = _placeholders()
    shapes = _table()["shapes"]
    parts = []
    for i, shape in enumerate(shapes):
        body = _expand(shape["pattern"], placeholders)
        body = re.sub(r"\(\?P<(\w+)>", rf"(?P<k{i}_\1>", body)
        parts.append(f"(?P<k{i}>{body})")
    # Every shape starts with a digit or a word of the tables: checking that one
    # character first lets the scan skip most positions without trying each shape.
    first = re.escape("".join(sorted(_first_chars())))
    return re.compile(f"(?=[0-9{first}])(?:{'|'.join(parts)})"), shapes


def _first_chars() -> set[str]:
    t = _table()
    words = (_words(t["year_parts"]) + _words(t["festivals"]) + _words(t["relative_years"])
             + _words(t["relative_words"]) + _words(t["frequency_words"]) + [t["frequency_prefix"]])
    return {w[0] for w in words}


@cache
def _joiners() -> dict[str, re.Pattern]:
    t = _table()
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
        count = int(fn) if fn.isdigit() else _table()["frequency_numbers"][fn]
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

class _Context:
    """The year a yearless date takes, updated as explicit years go by."""

    def __init__(self, ref: _dt.date | None, year: int | None):
        self.ref = ref
        self.year = year if year is not None else (ref.year if ref else None)

    def year_of(self, atom: _Atom) -> int | None:
        if atom.y is not None:
            self.year = atom.y
            return atom.y
        if atom.ry is not None:
            base = self.ref.year if self.ref else self.year
            return None if base is None else base + atom.ry
        return self.year


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
        return ctx.ref.isoformat() if ctx.ref else None
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


def _parse_ref(ref_date) -> _dt.date | None:
    if ref_date is None:
        return None
    if isinstance(ref_date, _dt.datetime):
        return ref_date.date()
    if isinstance(ref_date, _dt.date):
        return ref_date
    if isinstance(ref_date, str):
        try:
            return _dt.date.fromisoformat(ref_date.strip()[:10])
        except ValueError:
            raise InvalidDateError(
                f"ref_date {ref_date!r} is not an ISO date; give it as 'YYYY-MM-DD' or a datetime.date") from None
    raise NoticeTypeError(
        f"ref_date must be a datetime.date, an ISO string 'YYYY-MM-DD' or None, got {type(ref_date).__name__}")


def _check_year(year) -> int | None:
    if year is None:
        return None
    if isinstance(year, bool) or not isinstance(year, int):
        raise NoticeTypeError(f"year must be an int such as 2025 or None, got {type(year).__name__}")
    return year


@lru_cache(maxsize=4096)
def _spans(text: str) -> tuple[_Span, ...]:
    """Atoms joined into spans; depends on the text only, so it is cached
    (the pipeline and extract_counts ask for the same sentence's dates)."""
    scan_text = text.translate(_HALF_WIDTH)
    return tuple(_join(scan_text, _scan(scan_text)))


def extract_dates(text: str, ref_date=None, *, year: int | None = None) -> list[dict]:
    """Date spans of ``text``: dicts with start, end (exclusive), text, type, value
    and ``"malformed": True`` for dates whose 年/月/日 were lost.

    ``ref_date``: the document date (datetime.date or ISO string) — the value
    of relative words (目前) and the base of 今年/去年. ``year``: the year of
    yearless dates when ``text`` has no explicit year before them.
    """
    _check_text(text)
    ctx = _Context(_parse_ref(ref_date), _check_year(year))
    out = []
    for span in _spans(text):
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
