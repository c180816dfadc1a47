"""Date and count spans: notice_nlp's rule taggers against off-the-shelf peers.

    pip install -e '.[peers]'            # jionlp (pinned); cn2an is a core dependency
    python bench/peer_comparison.py [--split test|dev|train|all]

Scores, on the labeled sentences of one split (default: test — the taggers'
rules were tuned on train+dev, so test is the honest figure), exact-offset span
precision/recall/F1 and value accuracy (``notice_nlp.evaluate.span_scores``:
dates compare (type, value), counts (value, unit)) of

1. notice_nlp: ``extract_dates(text, doc_date, year=year)``, ``extract_counts(text)``;
2. JioNLP: ``jionlp.ner.extract_time`` (time points, spans, periods, deltas, with
   ``jionlp.parse_time`` for the context year) and ``jionlp.ner.extract_money``;
   JioNLP has no general quantity extractor, so its count row is money only;
3. cn2an: it has no span extraction — ``cn2an.transform`` rewrites numerals in
   place and returns no offsets. Its spans here are *derived*: the numeral and
   date regexes of ``cn2an.Transform`` find the runs, ``cn2an.cn2an(run, "smart")``
   gives the number, and a measure word right after the numeral (cn2an's own
   list, or that list plus common Chinese classifiers) makes it a count.

Peer output is mapped to the span format of taxonomy.md §3–§4 as closely as the
peer's output allows (see ``_jio_date`` and ``_cn2an_counts`` for the rules).
Each system is scored on every span, and again on the subsets a peer can
address (dates without ``relative``; numeral 年/月/日 dates; money), so the
comparison is not unfair in either direction. Lines marked ``not ahead`` list
every figure where notice_nlp is not strictly ahead of a peer.
"""
from __future__ import annotations

import argparse
import calendar
import contextlib
import datetime as dt
import io
import logging
import platform
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import notice_nlp  # noqa: E402
from notice_nlp.dataset import load_records, split_records  # noqa: E402
from notice_nlp.evaluate import _same, span_scores  # noqa: E402

DATE_KEYS = ("type", "value")
COUNT_KEYS = ("value", "unit")


def _load_peers():
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            import jionlp  # prints a banner on import
    except ImportError:
        sys.exit("jionlp is not installed: pip install -e '.[peers]'")
    import cn2an
    return jionlp, cn2an


jio, cn2an = _load_peers()
_CN2AN = cn2an.Transform()


# ------------------------------------------------------------------ context

def _parse_day(value) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d") if value else None
    except ValueError:
        return None


class _Context:
    """What every system is given: the document date and the nearest explicit
    year before the sentence (the record's ``year``)."""

    PLACEHOLDER_YEAR = 2000  # leap year; written "--" in values (the gold's unknown-year form)

    def __init__(self, record: dict):
        self.doc = _parse_day(record.get("doc_date"))
        self.year = record.get("year")
        self.unknown = self.doc is None and self.year is None

    def base(self, year: int | None = None) -> dt.datetime:
        """Time base for JioNLP: the document date, moved to ``year`` if given."""
        year = year or (self.doc.year if self.doc else None) or self.year or self.PLACEHOLDER_YEAR
        if self.doc:
            return self.doc.replace(year=year, day=min(self.doc.day, calendar.monthrange(year, self.doc.month)[1]))
        return dt.datetime(year, 1, 1)

    def context_year(self) -> int | None:
        return self.year or (self.doc.year if self.doc else None)


# ------------------------------------------------------------------ JioNLP dates

_RANGE_JOIN = re.compile(r"至|到|[—–\-~～－]")
_EXPLICIT_YEAR = re.compile(r"\d{4}\s*(年|[-./—－])|[〇零一二三四五六七八九]{4}\s*年|\d{4}$")
_RELATIVE_YEAR = re.compile(r"今|本年|去年|上年|明年|前年|来年|至今|目前|现在|当前")
_DEADLINE = re.compile(r"(之前|以前|前)$")
_SINCE = re.compile(r"(以来|开始|起|之后|以后|后)$")


def _ts(s: str) -> dt.datetime | None:
    return None if "inf" in s else dt.datetime.strptime(s, "%Y-%m-%d %H:%M:%S")


def _month_end(t: dt.datetime) -> bool:
    return t.day == calendar.monthrange(t.year, t.month)[1]


def _day_start(t: dt.datetime) -> bool:
    return (t.hour, t.minute, t.second) == (0, 0, 0)


def _day_end(t: dt.datetime) -> bool:
    return (t.hour, t.minute, t.second) == (23, 59, 59)


def _iso(t: dt.datetime, gran: str) -> str:
    return {"year": f"{t.year:04d}", "month": f"{t.year:04d}-{t.month:02d}",
            "day": f"{t.year:04d}-{t.month:02d}-{t.day:02d}"}[gran]


def _duration(delta: dict) -> str | None:
    """JioNLP's period delta → ISO 8601 duration (P1Y, P6M, P3M, P15D, P1W, PT1H)."""
    if len(delta) != 1:
        return None
    (unit, n), = delta.items()
    if unit == "year":
        return f"P{int(n)}Y" if float(n).is_integer() else f"P{round(n * 12)}M"
    if unit == "month":
        return f"P{int(n)}M" if float(n).is_integer() else f"P{round(n * 30)}D"
    if unit == "day":
        return f"P{int(n) // 7}W" if n % 7 == 0 else f"P{int(n)}D"
    if unit in ("hour", "minute", "second"):
        return f"PT{int(n)}{unit[0].upper()}"
    return None


def _jio_date(text: str, detail: dict, ctx: _Context) -> tuple[str, str | None] | None:
    """(type, value) of one JioNLP time entity in taxonomy §3 terms; None = not a date.

    - time_delta (3天, 任职满5年) → not a date (§3: durations are counts);
    - time_period (每季度, 每半年, 每周一) → frequency, its delta as an ISO duration;
    - an instant: with digits, its day → date; without (现在) → relative, the
      document date;
    - text ending in 前/之前/以前, or an interval open to the past → deadline ``../end-day``;
    - a festival (春节, 2021年春节前) → part, the festival's month;
    - text with a range joiner (至, 到, —, -) → range (``_range_value``);
    - one whole day → date; one whole month → month (part if the text has no 月:
      a seasonal word); one whole year → year; Jan–Jun / Jul–Dec → part H1/H2;
      a calendar quarter → part Qn;
    - a fuzzy stretch without a joiner (年底 = Nov–Dec, 3月底 = 25–31 Mar, 年初)
      → part, the month of its end (of its start for 初/上旬 words);
    - anything else (前三季度) → range (``_range_value``).
    """
    kind = detail.get("type")
    if kind == "time_delta":
        return None
    if kind == "time_period":
        value = _duration((detail.get("time") or {}).get("delta") or {})
        return ("frequency", value) if value else None
    start, end = (_ts(x) for x in detail["time"])
    if start is not None and start == end:  # an instant: a clock time, or "now" (现在)
        if re.search(r"\d", text):
            return "date", _iso(start, "day")
        return "relative", ctx.doc.strftime("%Y-%m-%d") if ctx.doc else None
    if "节" in text and end is not None:
        return "part", _iso(end, "month")
    if start is None or (_DEADLINE.search(text) and end is not None):
        return "deadline", "../" + _iso(end, "day")
    if end is None:
        return None
    whole_days = _day_start(start) and _day_end(end)
    if _RANGE_JOIN.search(text) and not (start.date() == end.date()):
        return "range", _range_value(start, end, text)
    if not whole_days:
        return None  # clock times (一时 of 第一时间): no §3 type
    if start.date() == end.date():
        return "date", _iso(start, "day")
    same_year = start.year == end.year
    if same_year and start.day == 1 and _month_end(end):
        if start.month == end.month:
            return ("month" if "月" in text else "part"), _iso(start, "month")
        if (start.month, end.month) == (1, 12):
            return "year", _iso(start, "year")
        if (start.month, end.month) in ((1, 6), (7, 12)):
            return "part", f"{start.year}-H{1 if start.month == 1 else 2}"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return "part", f"{start.year}-Q{start.month // 3 + 1}"
    if same_year and detail.get("definition") == "blur":
        anchor = start if re.search(r"初|上旬", text) else end
        return "part", _iso(anchor, "month")
    return "range", _range_value(start, end, text)


def _range_value(start: dt.datetime, end: dt.datetime, text: str) -> str:
    """"a/b", each end at the precision its interval shows: 1 Jan…31 Dec → year,
    1st…month end → month, else day; whole quarters of a 季度 text → Qn."""
    year_span = _day_start(start) and _day_end(end) and (start.month, start.day) == (1, 1) \
        and (end.month, end.day) == (12, 31)
    first = ("year" if (start.month, start.day) == (1, 1) and ("月" not in text or year_span)
             else "month" if start.day == 1 else "day")
    last = ("year" if year_span and first == "year" else
            "month" if _day_end(end) and _month_end(end) and first != "day" else "day")
    if first == "year" and last == "month" and "月" not in text:
        last = "year"
    if "季度" in text and first in ("year", "month") and last in ("year", "month") \
            and start.day == 1 and start.month % 3 == 1 and _month_end(end) and end.month % 3 == 0:
        return f"{start.year}-Q{start.month // 3 + 1}/{end.year}-Q{end.month // 3}"
    return f"{_iso(start, first)}/{_iso(end, last)}"


def _unknown_year(value: str | None, text: str) -> str | None:
    """With no year anywhere in the context, write the gold's "--MM(-DD)" form."""
    if value is None or _EXPLICIT_YEAR.search(text):
        return value
    return re.sub(rf"\b{_Context.PLACEHOLDER_YEAR}-", "--", value)


def jionlp_dates(record: dict) -> list[dict]:
    """JioNLP time entities → §3 spans.

    Time base: the document date for text with a relative year word (今年, 至今,
    现在) or an explicit year; yearless text (12月30日) is parsed again with
    ``jio.parse_time`` on a base in the year §3 gives it — the nearest explicit
    year before it in the sentence (an earlier JioNLP entity), else the record's
    ``year``, else the document's year. 年度/月份: an entity that stops right
    before 度 (after 年) or 份 (after 月) is widened by that character, as §3
    spans include it. "Since X" (2024年以来, 2024年6月起, 2021年2月份后): JioNLP's
    entity runs from X to now; §3 tags the anchor X alone, so the suffix is cut
    and X parsed again.
    """
    ctx, text = _Context(record), record["text"]
    with _quiet():
        try:
            found = jio.ner.extract_time(text, time_base=ctx.base(), with_parsing=True)
        except Exception:  # noqa: BLE001 - a peer failure is a miss, not a crash
            found = []
    out, sentence_year = [], None
    for ent in sorted(found, key=lambda e: e["offset"][0]):
        start, end = ent["offset"]
        detail, reparse = ent["detail"], False
        since = _SINCE.search(text[start:end])
        if since and detail.get("type") == "time_span" and since.start() > 0:
            end, reparse = start + since.start(), True  # "2024年以来" → the anchor "2024年"
        entity = text[start:end]
        if text[end - 1:end] == "年" and text[end:end + 1] == "度" or \
                text[end - 1:end] == "月" and text[end:end + 1] == "份":
            end += 1
        span_text = text[start:end]
        explicit = _EXPLICIT_YEAR.search(span_text)
        base = ctx.base()
        if explicit is None and not _RELATIVE_YEAR.search(span_text) and detail.get("type") in (
                "time_point", "time_span"):
            year = sentence_year or ctx.context_year()
            if year:
                base, reparse = ctx.base(year), True
        if reparse:
            with _quiet():
                try:
                    detail = jio.parse_time(entity, time_base=base)
                except Exception:  # noqa: BLE001
                    continue
        mapped = _jio_date(span_text, detail, ctx)
        if explicit is not None and isinstance(detail.get("time"), list) and "inf" not in detail["time"][0]:
            sentence_year = int(detail["time"][0][:4])
        if mapped is None:
            continue
        kind, value = mapped
        if ctx.unknown:
            value = _unknown_year(value, span_text)
        out.append({"start": start, "end": end, "text": span_text, "type": kind, "value": value})
    return out


@contextlib.contextmanager
def _quiet():
    """JioNLP logs a traceback for strings it cannot parse (每年末); keep the table clean."""
    logging.disable(logging.CRITICAL)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        logging.disable(logging.NOTSET)


# ------------------------------------------------------------------ JioNLP money

def _number(x: str) -> float | int:
    f = float(x)
    return int(f) if f.is_integer() else f


def jionlp_money(record: dict) -> list[dict]:
    """JioNLP money entities → §4 count spans, money normalised to 元.

    JioNLP writes "3.8万余元" as the interval [38000, 39000]; §4 writes it as
    38000 with qualifier more_than, so an interval from 余/多/以上 takes its low
    end. A true range (2-3万元) stays [low, high]. Currency (``case``) is the
    unit: 元 for renminbi.
    """
    text = record["text"]
    with _quiet():
        try:
            found = jio.ner.extract_money(text, with_parsing=True)
        except Exception:  # noqa: BLE001
            found = []
    out = []
    for ent in found:
        start, end = ent["offset"]
        span_text, detail = text[start:end], ent["detail"]
        num = detail.get("num")
        qualifier = None
        if re.search(r"余|多|以上", span_text):
            qualifier = "more_than"
        elif re.search(r"约|左右", span_text):
            qualifier = "about"
        elif span_text.startswith("近"):
            qualifier = "nearly"
        if isinstance(num, list):
            value = _number(num[0]) if qualifier == "more_than" else [_number(n) for n in num]
        else:
            value = _number(num)
        out.append({"start": start, "end": end, "text": span_text, "value": value,
                    "unit": detail.get("case") or "元", "qualifier": qualifier})
    return out


# ------------------------------------------------------------------ cn2an (derived spans)

_CN_NUM = "".join(sorted(set(_CN2AN.all_num)))
_CN_UNIT = "".join(sorted(set(_CN2AN.all_unit)))
# cn2an.Transform's own date patterns: Arabic (its an2cn direction) and Chinese (its cn2an direction)
_CN2AN_DATE_AN = re.compile(r"(\d{2,4}年)?(\d{1,2}月)?(\d{1,2}日)?")
_CN2AN_DATE_CN = re.compile(
    rf"((({_CN2AN.smart_cn_pattern})|({_CN2AN.cn_pattern}))年)?"
    rf"([{_CN_NUM}{_CN_UNIT}]+月)?([{_CN_NUM}{_CN_UNIT}]+日)?")
# numeral runs: Arabic (with cn2an's "smart" unit characters: 3.8万) or Chinese (cn2an's cn_pattern)
_ARABIC_RUN = re.compile(rf"(?<![\d.])\d+(?:[.,]\d+)*[{_CN_UNIT}]*")
_CHINESE_RUN = re.compile(_CN2AN.cn_pattern)
_PERCENT_CN = re.compile(rf"百分之({_CN2AN.cn_pattern})")

CN2AN_MEASURE_WORDS = tuple(_CN2AN.measure_words.split("|")) + ("%",)
# Common Chinese classifiers and units: a general list, generous to the peer (it has the
# labeled set's 人次/场次/批次/个月 but none of its idiosyncratic units such as 个方面, 县).
COMMON_CLASSIFIERS = (
    "人次", "场次", "批次", "个月", "人", "名", "位", "次", "项", "件", "家", "所", "场", "篇", "批", "起",
    "部", "种", "类", "套", "间", "座", "户", "处", "支", "组", "队", "轮", "期", "遍", "回", "笔",
    "页", "册", "卷", "封", "盒", "箱", "袋", "年", "周", "岁", "例", "床",
)


def _cn2an_value(run: str):
    run = run.replace(",", "")
    try:
        return cn2an.cn2an(run, "smart")
    except Exception:  # noqa: BLE001
        try:
            return cn2an.cn2an(run, "direct")
        except Exception:  # noqa: BLE001
            return None


def _cn2an_date_parts(m: re.Match) -> tuple[int | None, int | None, int | None] | None:
    """(year, month, day) of a cn2an date-pattern match, or None when implausible
    (a year outside 1000–2999, a month outside 1–12: 两年, 5年 are durations)."""
    text = m.group(0)
    parts = {}
    for unit in "年月日":
        piece = re.search(rf"([^年月日]+){unit}", text)
        if piece:
            v = _cn2an_value(piece.group(1).strip())
            if v is None:
                return None
            parts[unit] = int(v)
    y, mo, d = parts.get("年"), parts.get("月"), parts.get("日")
    if y is not None and not 1000 <= y <= 2999 or mo is not None and not 1 <= mo <= 12 \
            or d is not None and not 1 <= d <= 31 or (y, mo, d) == (None, None, None):
        return None
    if y is not None and d is not None and mo is None:
        return None
    return y, mo, d


def _cn2an_date_matches(text: str) -> list[tuple[int, int, tuple]]:
    found = []
    for pattern in (_CN2AN_DATE_AN, _CN2AN_DATE_CN):
        for m in pattern.finditer(text):
            if not m.group(0) or any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            if pattern is _CN2AN_DATE_AN and m.start() > 0 and text[m.start() - 1].isdigit():
                continue
            parts = _cn2an_date_parts(m)
            if parts:
                found.append((m.start(), m.end(), parts))
    return sorted(found)


def cn2an_dates(record: dict) -> list[dict]:
    """Spans of cn2an.Transform's own 年/月/日 date regexes, valued by cn2an.

    X年 → year, X年X月 → month, X年X月X日 → date; a yearless X月(X日) takes the
    nearest explicit year before it in the sentence, else the record's year, else
    the document's; a bare X日 takes the document's month. cn2an knows no ranges,
    deadlines, parts, frequencies or relative words.
    """
    ctx, text = _Context(record), record["text"]
    out, sentence_year = [], None
    for start, end, (y, mo, d) in _cn2an_date_matches(text):
        if y is not None:
            sentence_year = y
        year = y or sentence_year or ctx.context_year()
        ys = f"{year:04d}" if year else "--"
        if y is None and mo is None:  # a bare day (10日): the document's month, as for JioNLP
            if ctx.doc is None:
                continue
            kind, value = "date", f"{ctx.doc.year:04d}-{ctx.doc.month:02d}-{d:02d}"
        elif mo is None:
            kind, value = "year", ys
        elif d is None:
            kind, value = "month", f"{ys}-{mo:02d}" if year else f"--{mo:02d}"
        else:
            kind, value = "date", f"{ys}-{mo:02d}-{d:02d}" if year else f"--{mo:02d}-{d:02d}"
        out.append({"start": start, "end": end, "text": text[start:end], "type": kind, "value": value})
    return out


def _cn2an_counts(record: dict, units: tuple[str, ...]) -> list[dict]:
    """Numeral runs (cn2an's regexes) valued by cn2an.cn2an(run, "smart"), kept as a
    count when a measure word of ``units`` follows (after an optional 余/多: §4's
    "570余篇"); 百分之X and X% are percentages. Runs inside a cn2an date match are
    dates, not counts. No qualifier prefixes (约, 不少于), no ordinal or fixed-term
    filters: cn2an has none.
    """
    text = record["text"]
    taken = [(s, e) for s, e, _ in _cn2an_date_matches(text)]
    unit_alt = "|".join(re.escape(u) for u in sorted(set(units), key=len, reverse=True))
    tail = re.compile(rf"\s*(余|多)?\s*({unit_alt})")
    out = []

    def free(s, e):
        return not any(a < e and s < b for a, b in taken)

    for m in _PERCENT_CN.finditer(text):
        v = _cn2an_value(m.group(1))
        if v is not None and free(m.start(), m.end()):
            out.append({"start": m.start(), "end": m.end(), "text": m.group(0), "value": v,
                        "unit": "%", "qualifier": None})
            taken.append((m.start(), m.end()))
    runs = sorted([*_ARABIC_RUN.finditer(text), *_CHINESE_RUN.finditer(text)], key=lambda m: m.start())
    for m in runs:
        if not free(m.start(), m.end()):
            continue
        t = tail.match(text, m.end())
        if not t:
            continue
        value = _cn2an_value(m.group(0))
        if value is None:
            continue
        unit = t.group(2)
        out.append({"start": m.start(), "end": t.end(), "text": text[m.start():t.end()], "value": value,
                    "unit": unit, "qualifier": "more_than" if t.group(1) else None})
        taken.append((m.start(), t.end()))
    return sorted(out, key=lambda s: s["start"])


def cn2an_counts_own(record: dict) -> list[dict]:
    return _cn2an_counts(record, CN2AN_MEASURE_WORDS)


def cn2an_counts_common(record: dict) -> list[dict]:
    return _cn2an_counts(record, CN2AN_MEASURE_WORDS + COMMON_CLASSIFIERS)


# ------------------------------------------------------------------ notice_nlp

def ours_dates(record: dict) -> list[dict]:
    return notice_nlp.extract_dates(record["text"], record.get("doc_date"), year=record.get("year"))


def ours_counts(record: dict) -> list[dict]:
    return notice_nlp.extract_counts(record["text"])


# ------------------------------------------------------------------ scoring

_NUMERAL = re.compile(rf"[\d{_CN_NUM}]")


def numeral_ymd(span: dict) -> bool:
    """What cn2an's date regexes can address: date/month/year written with numerals."""
    return span.get("type") in ("date", "month", "year") and bool(_NUMERAL.search(span["text"]))


def not_relative(span: dict) -> bool:
    return span.get("type") != "relative"


def money(span: dict) -> bool:
    return span.get("unit") == "元"


OURS = "notice_nlp"
DATE_SYSTEMS = {OURS: ours_dates, "JioNLP": jionlp_dates, "cn2an (derived)": cn2an_dates}
COUNT_SYSTEMS = {OURS: ours_counts, "JioNLP (money only)": jionlp_money,
                 "cn2an, own measure words": cn2an_counts_own, "cn2an + common classifiers": cn2an_counts_common}
DATE_SUBSETS = [  # (label, span filter, systems scored)
    ("all date spans", None, list(DATE_SYSTEMS)),
    ("without relative (JioNLP has no 目前/下一步)", not_relative, [OURS, "JioNLP"]),
    ("numeral date/month/year (cn2an's reach)", numeral_ymd, list(DATE_SYSTEMS)),
]
COUNT_SUBSETS = [
    ("all count spans", None, list(COUNT_SYSTEMS)),
    ("money, unit 元 (JioNLP's reach)", money, list(COUNT_SYSTEMS)),
]
METRICS = ("precision", "recall", "f1", "value_accuracy", "strict_f1")


def _keep(spans: list[dict], keep) -> list[dict]:
    return spans if keep is None else [s for s in spans if keep(s)]


def strict_f1(gold: list[list[dict]], guess: list[list[dict]], value_keys) -> float:
    """F1 counting a predicted span right only when its offsets *and* value are:
    the end-to-end figure, comparable across systems (value accuracy is over each
    system's own matched spans)."""
    n_gold = sum(map(len, gold))
    n_guess = sum(map(len, guess))
    right = 0
    for g_spans, p_spans in zip(gold, guess):
        by_offsets = {(s["start"], s["end"]): s for s in g_spans}
        for span in p_spans:
            truth = by_offsets.get((span["start"], span["end"]))
            right += truth is not None and all(_same(truth.get(k), span.get(k)) for k in value_keys)
    return round(2 * right / (n_gold + n_guess), 4) if n_gold + n_guess else 0.0


def score_table(records, gold_key, systems, subsets, value_keys):
    predicted = {name: [fn(r) for r in records] for name, fn in systems.items()}
    rows = []
    for label, keep, names in subsets:
        gold = [_keep(r[gold_key], keep) for r in records]
        for name in names:
            guess = [_keep(p, keep) for p in predicted[name]]
            scores = span_scores(gold, guess, value_keys)
            scores["strict_f1"] = strict_f1(gold, guess, value_keys)
            rows.append((label, name, scores))
    return rows


def print_table(title: str, rows) -> list[str]:
    print(f"\n{title}")
    header = (f"  {'subset':<44} {'system':<28} {'gold':>5} {'pred':>5} {'match':>5}  "
              f"{'P':>6} {'R':>6} {'F1':>6} {'value':>6} {'F1+val':>7}")
    print(header)
    print("  " + "-" * (len(header) - 2))
    last = None
    for label, name, s in rows:
        shown = label if label != last else ""
        last = label
        print(f"  {shown:<44} {name:<28} {s['gold']:>5} {s['predicted']:>5} {s['matched']:>5}  "
              f"{s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['value_accuracy']:>6.3f} "
              f"{s['strict_f1']:>7.3f}")
    by_subset: dict[str, dict[str, dict]] = {}
    for label, name, s in rows:
        by_subset.setdefault(label, {})[name] = s
    notes = []
    for label, systems in by_subset.items():
        ours = systems[OURS]
        for name, s in systems.items():
            if name == OURS:
                continue
            behind = []
            for m in METRICS:
                if m == "value_accuracy" and not s["matched"]:
                    continue
                if s[m] >= ours[m]:
                    sign = "=" if s[m] == ours[m] else "<"
                    what = f"{m} {ours[m]:.3f} {sign} {s[m]:.3f}"
                    if m == "value_accuracy":
                        what += f" (over {ours['matched']} vs {s['matched']} matched spans)"
                    behind.append(what)
            if len(behind) == len(METRICS) and all(s[m] == ours[m] for m in METRICS):
                notes.append(f"  not ahead [{label}] vs {name}: tied on every figure "
                             f"({s['matched']}/{s['gold']} gold spans found by both)")
            elif behind:
                notes.append(f"  not ahead [{label}] vs {name}: " + "; ".join(behind))
    for n in notes:
        print(n)
    if not notes:
        print(f"  {OURS} is strictly ahead of every peer on every figure above.")
    return notes


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test", choices=["test", "dev", "train", "all"],
                        help="test (default; the honest figure) or all labeled sentences")
    args = parser.parse_args(argv)
    records = load_records()
    if args.split != "all":
        records = split_records(records, args.split)
    docs = len({r["doc_id"] for r in records})
    print(f"peer comparison of date and count spans — split {args.split}: "
          f"{len(records)} sentences, {docs} documents (data/labeled.jsonl, data/splits.json)")
    print(f"command: python bench/peer_comparison.py --split {args.split}")
    print(f"versions: python {platform.python_version()}, notice_nlp {_version('notice_nlp')}, "
          f"jionlp {_version('jionlp')} (pip install -e '.[peers]'), cn2an {_version('cn2an')}")
    print("calls: notice_nlp.extract_dates(text, doc_date, year=year), notice_nlp.extract_counts(text); "
          "jionlp.ner.extract_time(text, time_base=<doc date>, with_parsing=True) + "
          "jionlp.parse_time(entity, time_base=<context year>) for yearless entities, "
          "jionlp.ner.extract_money(text, with_parsing=True); "
          "cn2an.cn2an(run, 'smart') over runs found with cn2an.Transform's numeral/date regexes "
          "(cn2an has no span extractor: its spans are derived)")
    print("scores: notice_nlp.evaluate.span_scores — P/R/F1 on exact offsets; value = share of a system's "
          "own matched spans with the right (type, value) for dates, (value, unit) for counts; "
          "F1+val = F1 counting a span right only when its value is right too (comparable across systems)")
    notes = print_table("DATES", score_table(records, "dates", DATE_SYSTEMS, DATE_SUBSETS, DATE_KEYS))
    notes += print_table("COUNTS", score_table(records, "counts", COUNT_SYSTEMS, COUNT_SUBSETS, COUNT_KEYS))
    if args.split in ("train", "dev", "all"):
        print("\nnote: notice_nlp's rules were tuned on train+dev; only the test split is a held-out figure.")


if __name__ == "__main__":
    main()
