"""Structure parsing on the real notices: the oracle is the source text itself."""
import re

import pytest

from notice_nlp.text.normalize import normalise
from notice_nlp.text.structure import build_document, problem_headings

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


# --- sub-headings: problems are issues, actions are sentences, topics group (taxonomy §2.2) ---

def outline(text):
    """(section title, issue title, group, [sentence texts]) per issue of a parsed text."""
    doc = build_document(text, {})
    return [(section.title, issue.title, issue.group, [s.text for m in issue.measures for s in m.sentences])
            for section in doc.sections for issue in section.issues]


SUBHEADINGS = [
    # an action sub-heading in a section on the rectification work: a measure sentence, no issue
    ("一、巡察整改组织领导情况\n（一）压实主体责任,强化组织保障\n成立领导小组。\n（二）建立问题台账,明确整改时限\n制定台账。",
     [("巡察整改组织领导情况", None, None,
       ["（一）压实主体责任,强化组织保障", "成立领导小组。", "（二）建立问题台账,明确整改时限", "制定台账。"])]),
    # an inline action sub-heading stays the measure's first sentence
    ("一、整改工作开展情况\n（一）加强组织领导。成立领导小组。",
     [("整改工作开展情况", None, None, ["（一）加强组织领导。", "成立领导小组。"])]),
    # problem headings: 关于…问题, a stated shortcoming (with or without 。), a problem label
    ("一、问题整改情况\n（一）关于“学习不深入”的问题\n开展专题学习。\n（二）政治意识不够强\n召开专题会。\n"
     "（三）领会战略部署不深入。\n组织研讨。",
     [("问题整改情况", "关于“学习不深入”的问题", None, ["开展专题学习。"]),
      ("问题整改情况", "政治意识不够强", None, ["召开专题会。"]),
      ("问题整改情况", "领会战略部署不深入", None, ["组织研讨。"])]),
    ("一、问题整改情况\n1.关于“财经纪律不严”方面\n问题1:公务接待超标准。\n清退费用。",
     [("问题整改情况", "公务接待超标准", "关于“财经纪律不严”方面", ["清退费用。"])]),
    # a problem heading with its measure text on the same line
    ("一、问题整改情况\n（一）关于少数干部不守规矩的问题。一是开展警示教育。",
     [("问题整改情况", "关于少数干部不守规矩的问题", None, ["一是开展警示教育。"])]),
    # a topic sub-heading groups its measures: no issue title, no sentence, it is their context
    ("一、组织整改落实情况\n（一）党组织整改落实情况\n召开专题会议。",
     [("组织整改落实情况", None, "党组织整改落实情况", ["召开专题会议。"])]),
    # a measure that names the shortcoming it deals with is no problem heading
    ("一、整改情况\n1.对于未及时召开组织生活会问题,已对相关人员进行组织处理;",
     [("整改情况", None, None, ["1.对于未及时召开组织生活会问题,已对相关人员进行组织处理;"])]),
]


@pytest.mark.parametrize("text, expected", SUBHEADINGS, ids=range(len(SUBHEADINGS)))
def test_a_sub_heading_is_an_issue_only_when_it_names_a_problem(text, expected):
    assert outline(text) == expected


NESTED = [
    # problems at one level, actions below: the problem is the issue, the actions its sentences
    ("一、整改落实情况\n（一）关于“制度执行不严”的问题\n1.完善制度,堵塞漏洞\n修订办法3项。",
     [("整改落实情况", "关于“制度执行不严”的问题", None, ["1.完善制度,堵塞漏洞", "修订办法3项。"])],
     ["关于“制度执行不严”的问题"]),
    # nested problems: the innermost is the issue; an outer one that states a problem is a
    # problem heading too, a topic area (聚焦……方面) is not
    ("一、整改落实情况\n（一）聚焦全面从严治党方面\n1.关于“责任落实不到位”问题\n1)针对“谈话不及时”问题。\n"
     "补谈3人。\n2)针对“记录不全”问题。\n补齐记录。",
     [("整改落实情况", "针对“谈话不及时”问题", "聚焦全面从严治党方面 / 关于“责任落实不到位”问题", ["补谈3人。"]),
      ("整改落实情况", "针对“记录不全”问题", "聚焦全面从严治党方面 / 关于“责任落实不到位”问题", ["补齐记录。"])],
     ["关于“责任落实不到位”问题", "针对“谈话不及时”问题", "针对“记录不全”问题"]),
    # a section heading that names a problem, with problem headings under it
    ("一、在政治意识不够强方面\n（一）关于干部不守规矩的问题\n开展教育。",
     [("在政治意识不够强方面", "关于干部不守规矩的问题", None, ["开展教育。"])],
     ["在政治意识不够强方面", "关于干部不守规矩的问题"]),
    # an innermost problem heading with nothing under it (a cut page) is still an issue
    ("一、整改落实情况\n（一）关于“学习不深入”的问题",
     [("整改落实情况", "关于“学习不深入”的问题", None, [])],
     ["关于“学习不深入”的问题"]),
]


@pytest.mark.parametrize("text, expected, headings", NESTED, ids=range(len(NESTED)))
def test_nested_levels_the_issue_is_the_innermost_problem_heading(text, expected, headings):
    assert outline(text) == expected
    assert problem_headings(build_document(text, {}).sections) == headings


def test_a_section_is_read_even_when_the_page_is_cut_after_its_heading():
    doc = build_document("一、整改工作组织情况\n成立领导小组。\n二、集中整改期内已完成的整改事项", {})
    assert [s.title for s in doc.sections] == ["整改工作组织情况", "集中整改期内已完成的整改事项"]


RUN_IN = [
    ("一、整改情况\n（一）关于考核不完善的问题\n整改进展：一是完善科室考核办法。二是修订方案。",
     ["一是完善科室考核办法。", "二是修订方案。"]),
    ("一、整改情况\n1.关于医疗服务方面。整改情况:一是强化统筹。", ["一是强化统筹。"]),
    ("一、整改情况\n（一）关于“作风不实”问题\n整改措施及成效:收到反馈后立即整改。", ["收到反馈后立即整改。"]),
    # a label after a sentence end, inside the paragraph
    ("一、整改情况\n（一）关于“作风不实”问题\n召开专题会。整改成效：清退资金2万元。", ["召开专题会。", "清退资金2万元。"]),
    # a digest's 问题：……整改：…… pair: the problem is the issue, the label no sentence
    ("问题:落实惠台政策有差距\n整改:一是走访台资企业。", ["一是走访台资企业。"]),
]


@pytest.mark.parametrize("text, expected", RUN_IN, ids=range(len(RUN_IN)))
def test_a_run_in_label_is_no_part_of_a_sentence_and_offsets_stay_exact(text, expected):
    doc = build_document(normalise(text).text, {})
    assert [s.text for s in doc.sentences] == expected
    assert all(doc.text[s.start:s.end] == s.text for s in doc.sentences)
