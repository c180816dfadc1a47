"""Property-based tests: any input gives a result or a NoticeError, and no text is lost.

The budgets (max_examples, deadline) keep the whole file well under a minute.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import notice_nlp
from notice_nlp import detect_status, errors, extract_counts, extract_dates, split_sentences
from notice_nlp.text.normalize import normalise

from test_robustness import NOTICE, NOTICE_LINES, make_docx, make_html, make_pdf, paragraphs, time_limit

MODEL = "keywords"
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of notices: headings, enumerators, labels, dates, counts, quotes and brackets of both
# widths, line ends of all kinds. Random joins of them reach the structure parser's corners.
PIECES = [
    "一、", "二、", "（一）", "(二)", "1.", "2．", "3)", "①", "一是", "二是", "）", "关于", "问题", "的问题",
    "整改情况：", "整改结果：已整改完成。", "以上问题已整改完成。", "根据市委统一部署", "现将整改情况予以公布。",
    "联系电话：0533-1234567", "a@b.cn", "成立领导小组", "召开专题会议", "完善制度", "开展培训", "建立台账",
    "2025年3月28日", "20241120日", "319日", "2025920", "3次", "8项", "27.46万元", "99%", "三会一课",
    "“", "”", "《", "》", "（", "）", "(", ")", '"', "。", "；", ";", "！", "!", "？", "?", "，", ",", "：", ":",
    "、", " ", "\u3000", "\t", "\n", "\n", "\r\n", "\r", "\u200b", "\ufeff", "麗水市婦聯", "通報", "**", "#",
    "\ud800", "\udfff", "\x00", "\ufffd", "(cid:12)",
]
notice_text = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
any_text = st.one_of(st.text(max_size=120), notice_text,
                     st.lists(st.one_of(st.text(max_size=6), st.sampled_from(PIECES)), max_size=30).map("".join))
non_str = st.one_of(st.none(), st.integers(), st.binary(max_size=8), st.lists(st.text(max_size=3), max_size=2))


def _no_space(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def _check_spans(text: str, spans: list[dict]) -> None:
    for span in spans:
        assert 0 <= span["start"] < span["end"] <= len(text)
        assert text[span["start"]:span["end"]] == span["text"]


# --------------------------------------------------------------------------- tag


@FAST
@given(any_text, st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1))))
def test_tag_any_text(text, doc_date):
    try:
        doc = notice_nlp.tag(text, doc_date=doc_date, model=MODEL)
    except errors.NoticeError:
        assert not normalise(text).text.strip()  # only an empty document is refused
        return
    previous = 0
    for s in doc.sentences:
        assert s.text and s.text == s.text.strip()
        assert doc.text[s.start:s.end] == s.text and s.start >= previous  # ordered, disjoint
        previous = s.end
        _check_spans(doc.text, s.dates + s.counts)  # one offset convention: doc.text
        _check_spans(s.text, s.in_sentence(s.dates) + s.in_sentence(s.counts))
    out = doc.to_dict()
    json.dumps(out, ensure_ascii=False).encode("utf-8")  # writable as UTF-8 (no lone surrogates)
    for s in (s for sec in out["sections"] for i in sec["issues"] for m in i["measures"] for s in m["sentences"]):
        _check_spans(doc.text, s["dates"] + s["counts"])
    assert notice_nlp.tag(text, doc_date=doc_date, model=MODEL).to_dict() == out  # deterministic


@FAST
@given(non_str)
def test_public_functions_refuse_non_text_with_a_notice_error(value):
    for function in (notice_nlp.tag, split_sentences, extract_dates, extract_counts, detect_status):
        with pytest.raises(errors.NoticeError):
            function(value)


@FAST
@given(any_text)
def test_normalise_is_idempotent(text):
    once = normalise(text).text
    assert normalise(once).text == once


# --------------------------------------------------------------------------- no text lost


@FAST
@given(any_text)
def test_split_sentences_loses_no_character(text):
    """For ANY str: the sentences hold every non-space character of every line that has a
    letter or digit, in order; lines of only punctuation/space are not sentences."""
    sentences = split_sentences(text)
    assert all(s and s == s.strip() and any(ch.isalnum() for ch in s) for s in sentences)
    expected = "".join(line for line in text.split("\n") if any(ch.isalnum() for ch in line))
    assert _no_space("".join(sentences)) == _no_space(expected)


# Measure text with no headings, labels, chrome, preamble, closing or contact words:
# characters that cannot form any of those (no 一二三…, 以上, 根据, 现将, 邮箱, 来源, >, *, #, -).
SAFE_CJK = "成立领导小组召开专题会议完善制度培训整改落实推进加强管理资金项目人员检查规范明确责任清单台账"
measure_token = st.one_of(
    st.sampled_from(list(SAFE_CJK)), st.sampled_from(list(SAFE_CJK)),
    st.sampled_from(["ab", "X", "3项", "12人", "2025年", "一是", "二是", "27.46万元", "99%"]),
    st.sampled_from(list("。！？；!?;，,、：:…—“”‘’《》（）()【】「」\"' \t\u3000\u200b")),
)
paragraph = st.lists(measure_token, min_size=1, max_size=25).map(lambda t: "".join(t).strip() + "。")
measure_text = st.tuples(st.lists(paragraph, min_size=1, max_size=6),
                         st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\n \n"])).map(lambda p: p[1].join(p[0]))


@FAST
@given(measure_text)
def test_tag_loses_no_character_of_measure_text(text):
    """Text with no headings/markers: the sentences, joined, are the normalised text with its
    whitespace removed — except paragraphs with no letter or digit at all (e.g. "“。")."""
    assume(text.strip())
    try:
        doc = notice_nlp.tag(text, model=MODEL)
    except errors.EmptyDocument:
        assert not normalise(text).text.strip()
        return
    expected = [line for line in doc.text.split("\n") if any(ch.isalnum() for ch in line)]
    assert _no_space("".join(s.text for s in doc.sentences)) == _no_space("".join(expected))
    assert not doc.sentences or all(s.context is None for s in doc.sentences)


# --------------------------------------------------------------------------- the taggers


@FAST
@given(any_text, st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 1, 1))))
def test_taggers_any_text(text, ref):
    _check_spans(text, extract_dates(text, ref))
    _check_spans(text, extract_counts(text))
    assert isinstance(detect_status(text), str)


# --------------------------------------------------------------------------- the reader


def _seeds() -> dict[str, bytes]:
    return {
        ".txt": NOTICE.encode("utf-8"),
        ".md": NOTICE.encode("gbk"),
        ".html": make_html(paragraphs()),
        ".docx": make_docx(),
        ".pdf": make_pdf(NOTICE_LINES),
    }


SEEDS = _seeds()

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 20), st.integers(0, 7)),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 20), st.just(0)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 20), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("delete"), st.integers(0, 1 << 20), st.integers(1, 64)),
)


def _mutate(data: bytes, mutations) -> bytes:
    buffer = bytearray(data)
    for kind, at, arg in mutations:
        if not buffer:
            break
        at %= len(buffer)
        if kind == "flip":
            buffer[at] ^= 1 << arg
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "insert":
            buffer[at:at] = arg
        else:
            del buffer[at:at + arg]
    return bytes(buffer)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.sampled_from(sorted(SEEDS)), st.lists(mutation, min_size=1, max_size=4))
def test_reader_on_mutated_files(tmp_path, suffix, mutations):
    path = tmp_path / f"notice{suffix}"
    path.write_bytes(_mutate(SEEDS[suffix], mutations))
    with time_limit(20):
        try:
            doc = notice_nlp.tag_file(path, model=MODEL)
        except errors.NoticeError as exc:
            assert str(path) in str(exc)  # the message names the file
            return
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text
    assert all(isinstance(w, str) for w in doc.warnings)
    if "\ufffd" in doc.text and suffix in {".txt", ".md"}:
        assert doc.warnings  # damaged bytes are replaced and flagged, never silently
