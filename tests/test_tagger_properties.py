"""Properties of the three rule taggers that hold for any input."""
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notice_nlp.tagging.counts import extract_counts
from notice_nlp.tagging.dates import explicit_years, extract_dates
from notice_nlp.errors import NoticeError
from notice_nlp.tagging.status import STATUSES, detect_issue_status, detect_status

DATE_TYPES = {"date", "month", "year", "part", "range", "deadline", "frequency", "relative"}
QUALIFIERS = {None, "more_than", "about", "nearly", "at_least", "at_most"}

# Pieces of notice text that exercise the rules; random joins of them reach
# the corners (half-lost dates, numbers next to units and connectors).
PIECES = [
    "2025", "2024", "年", "月", "日", "号", "度", "底", "前", "之前", "以来", "至今", "至", "到", "—", "-", "~", ".",
    "上半年", "第一季度", "年底", "年初", "春节", "国庆", "期间", "每", "周", "季度", "半年", "两", "一", "三", "十",
    "二十", "余", "多", "万", "千", "元", "人", "人次", "次", "项", "个", "个百分点", "%", "约", "近", "超过", "不少于",
    "至少", "以上", "左右", "以内", "第", "巡察", "组", "“", "”", "《", "》", "（", "）", "，", "。", "；", " ",
    "目前", "截至目前", "下一步", "今年", "去年", "上年", "已", "完成", "将", "拟", "计划", "正在", "推进", "扎实",
    "坚持", "每月", "定期", "常态化", "待", "后", "了", "尚未", "需继续整改", "以上问题", "整改状态：", "三会一课",
    "12356", "6S", "1", "12", "31", "120", "319", "717", "1120", "0", "99", "3.8", "27.46", "0533", "５", "\n",
]
notice_like = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)
any_text = st.one_of(st.text(max_size=80), notice_like)
non_str = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.binary(max_size=8),
                    st.lists(st.text(max_size=3), max_size=2))
COMMON = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _assert_spans(text, spans):
    previous_end = 0
    for s in spans:
        assert isinstance(s["start"], int) and isinstance(s["end"], int)
        assert 0 <= s["start"] < s["end"] <= len(text)
        assert text[s["start"]:s["end"]] == s["text"]
        assert s["start"] >= previous_end, "spans overlap or are out of order"
        previous_end = s["end"]


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


@COMMON
@given(any_text, st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))),
       st.one_of(st.none(), st.integers(min_value=1900, max_value=2100)))
def test_dates_any_text(text, ref, year):
    spans = extract_dates(text, ref, year=year)
    _assert_spans(text, spans)
    for s in spans:
        assert s["type"] in DATE_TYPES
        assert s["value"] is None or isinstance(s["value"], str)
        assert s["value"] is not None or s["type"] == "relative"
        assert s.get("malformed", True) is True
    for end, y in explicit_years(text):
        assert 0 < end <= len(text) and text[end - 4:end].translate(str.maketrans("０１２３４５６７８９", "0123456789")) == str(y)


@COMMON
@given(any_text)
def test_counts_any_text(text):
    spans = extract_counts(text)
    _assert_spans(text, spans)
    date_spans = [(d["start"], d["end"]) for d in extract_dates(text)]
    for s in spans:
        v = s["value"]
        assert _is_number(v) or (isinstance(v, list) and len(v) == 2 and all(map(_is_number, v)))
        assert s["unit"] is None or (isinstance(s["unit"], str) and s["unit"])
        assert s["qualifier"] in QUALIFIERS
        assert all(s["end"] <= a or s["start"] >= b for a, b in date_spans), "a count inside a date"


@COMMON
@given(any_text)
def test_status_any_text(text):
    assert detect_status(text) in STATUSES
    assert detect_issue_status(text) in set(STATUSES) - {"none"} | {None}


@COMMON
@given(non_str)
def test_non_str_input_raises_notice_error(bad):
    for fn in (detect_status, detect_issue_status, extract_dates, extract_counts, explicit_years):
        try:
            fn(bad)
        except NoticeError as err:
            assert "str" in str(err)
        else:
            raise AssertionError(f"{fn.__name__} accepted {bad!r}")
