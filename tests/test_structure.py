"""Structure parsing on the real notices: the oracle is the source text itself."""
import re

import pytest

from notice_nlp.text.normalize import normalise
from notice_nlp.text.structure import build_document

from conftest import seed_texts, web_records

SEEDS = seed_texts()
ALL = {**SEEDS, **{r["id"]: r["text"] for r in web_records()}}


def parsed(doc_id):
    return build_document(normalise(ALL[doc_id]).text, {})


@pytest.mark.parametrize("doc_id", sorted(ALL))
def test_offsets_index_the_normalised_text(doc_id):
    doc = parsed(doc_id)
    assert doc.sentences, "every source notice has measure sentences"
    for s in doc.sentences:
        assert doc.text[s.start:s.end] == s.text and s.text.strip() == s.text
    starts = [s.start for s in doc.sentences]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)


@pytest.mark.parametrize("doc_id", sorted(ALL))
def test_no_preamble_or_contact_sentence_is_a_measure(doc_id):
    for s in parsed(doc_id).sentences:
        assert not re.search(r"现将.{0,30}予以公布|联系电话|电子邮箱", s.text), s.text
        assert not s.text.startswith(("根据市委统一部署", "根据区委统一部署", "根据中央统一部署"))


def test_seed000_issues_are_its_problem_headings():
    # the 关于“……”的问题 lines of the source are the issues, in order
    expected = re.findall(r"关于“[^”]+”的问题", SEEDS["seed000"])
    doc = parsed("seed000")
    assert [i.title for i in doc.issues if i.title] == expected
    assert [s.title for s in doc.sections if s.title] == re.findall(r"“[^”]+”方面", SEEDS["seed000"])


def test_seed004_nested_issues_take_the_innermost_heading_and_status_lines():
    doc = parsed("seed004")
    innermost = re.findall(r"^\d\)(针对.+?)。?$", SEEDS["seed004"], flags=re.M)
    assert [i.title for i in doc.issues if i.title] == [t.rstrip("。") for t in innermost]
    texts = [s.text for s in doc.sentences]
    assert not any(t.startswith("以上问题") for t in texts)  # issue status lines are not sentences
    assert not any(t in {"整改措施:", "整改措施："} for t in texts)


def test_inline_heading_with_marker_splits_title_from_measures():
    text = "一、整改情况\n1.关于医疗服务方面。整改情况：一是强化统筹，建立机制。二是规范管理。"
    doc = build_document(text, {})
    assert [i.title for i in doc.issues] == ["关于医疗服务方面"]
    assert [s.text for s in doc.sentences] == ["一是强化统筹，建立机制。", "二是规范管理。"]
    assert [len(m.sentences) for m in doc.issues[0].measures] == [1, 1]  # 一是/二是 open measures


def test_context_is_issue_title_else_section_title():
    text = ("一、整改工作组织情况\n成立领导小组。\n二、问题整改情况\n（一）关于“学习不深入”的问题\n"
            "整改情况：开展专题学习。")
    doc = build_document(text, {})
    assert [s.context for s in doc.sentences] == ["整改工作组织情况", "关于“学习不深入”的问题"]


def test_sign_off_is_not_a_measure():
    text = "一、整改情况\n成立领导小组。\n中共某某医院委员会\n2026年6月2日"
    assert [s.text for s in build_document(text, {}).sentences] == ["成立领导小组。"]
