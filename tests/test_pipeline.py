"""The public API end to end: tag / tag_file / classify and the Document JSON of interface.md."""
import json

import pytest

import notice_nlp
from notice_nlp import errors
from notice_nlp.taxonomy import STATUSES, is_valid

from conftest import SAMPLES

SENTENCE_KEYS = {"id", "text", "start", "end", "category", "subcategory", "score", "categories",
                 "status", "dates", "counts"}


@pytest.fixture(scope="module")
def seed_doc():
    return notice_nlp.tag_file(SAMPLES / "seed000.txt")


def test_document_json_has_the_contract_shape(seed_doc):
    out = json.loads(json.dumps(seed_doc.to_dict(), ensure_ascii=False))
    assert set(out) >= {"schema_version", "source", "meta", "sections", "summary"}
    assert set(out["meta"]) >= {"title", "issuer", "inspector", "inspection_period", "feedback_date",
                                "doc_date", "contact"}
    sentences = [s for sec in out["sections"] for iss in sec["issues"] for m in iss["measures"]
                 for s in m["sentences"]]
    assert len(sentences) == out["summary"]["sentences"] == len(seed_doc.sentences)
    for s in sentences:
        assert set(s) >= SENTENCE_KEYS
        assert seed_doc.text[s["start"]:s["end"]] == s["text"]
        assert is_valid(s["category"], s["subcategory"]) and s["status"] in STATUSES
        assert 0.0 <= s["score"] <= 1.0 and s["categories"][0] == s["category"]
        for span in s["dates"] + s["counts"]:
            assert seed_doc.text[span["start"]:span["end"]] == span["text"]
    assert sum(out["summary"]["by_category"].values()) == len(sentences)


def test_meta_of_a_seed_matches_its_preamble(seed_doc):
    # the oracle is the source text: 2025年3月28日至2025年6月30日 … 8月28日 … 反馈
    meta = seed_doc.meta
    assert meta["inspection_period"] == "2025-03-28/2025-06-30"
    assert meta["feedback_date"] == "2025-08-28"
    assert meta["inspector"] == "市委第四巡察组"
    assert meta["issuer"] == "中共淄博市精神卫生中心委员会"
    assert meta["doc_date"] == "2026-06-02"  # the sign-off date
    assert meta["contact"]["email"] == "zbwydb@163.com"


def test_tag_is_deterministic_and_takes_doc_date():
    text = (SAMPLES / "seed002.txt").read_text("utf-8")
    first = notice_nlp.tag(text, doc_date="2026-07-01").to_dict()
    assert first == notice_nlp.tag(text, doc_date="2026-07-01").to_dict()
    assert first["meta"]["doc_date"] == "2026-07-01"


@pytest.mark.parametrize("bad, error", [
    (b"bytes", errors.NoticeTypeError), (None, errors.NoticeTypeError), ("", errors.EmptyDocument),
    ("   \n ", errors.EmptyDocument),
])
def test_bad_input(bad, error):
    with pytest.raises(error):
        notice_nlp.tag(bad)


def test_bad_doc_date():
    with pytest.raises(errors.NoticeError, match="ISO date"):
        notice_nlp.tag("成立领导小组。", doc_date="June 2")


def test_issue_status_lines_reach_the_issues():
    doc = notice_nlp.tag_file(SAMPLES / "seed004.txt")
    done = [i for i in doc.issues if i.status == "completed"]
    source = (SAMPLES / "seed004.txt").read_text("utf-8")
    assert len(done) == source.count("以上问题已整改完成") > 0
    assert doc.summary()["issues_completed"] == len(done)


def test_classify_api():
    preds = notice_nlp.classify(["严格执行政府采购制度，规范招标流程。", "召开巡察整改专题民主生活会。"],
                                context="关于“采购管理不规范”的问题")
    assert len(preds) == 2 and all(is_valid(p.category, p.subcategory) for p in preds)
    assert preds[0].category == "finance"
    with pytest.raises(errors.NoticeError):
        notice_nlp.classify("not a list")
    with pytest.raises(errors.NoticeError, match="contexts"):
        notice_nlp.classify(["a", "b"], context=["only one"])


def test_keyword_baseline_stays_available():
    doc = notice_nlp.tag("一、整改情况\n严格执行政府采购制度，规范招标流程。", model="keywords")
    assert doc.sentences[0].category == "finance"


def test_one_offset_convention_objects_and_json_index_doc_text():
    doc = notice_nlp.tag_file(SAMPLES / "seed000.txt", model="keywords")
    out = [s for sec in doc.to_dict()["sections"] for i in sec["issues"] for m in i["measures"] for s in m["sentences"]]
    spans = [span for s in doc.sentences for span in s.dates + s.counts]
    assert spans and spans == [span for s in out for span in s["dates"] + s["counts"]]
    assert all(doc.text[span["start"]:span["end"]] == span["text"] for span in spans)
    first = next(s for s in doc.sentences if s.dates)
    assert [first.text[d["start"]:d["end"]] for d in first.in_sentence(first.dates)] == [d["text"] for d in first.dates]
