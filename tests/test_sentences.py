import pytest

from notice_nlp import NoticeError, split_sentences

CASES = [
    # taxonomy §5: split at 。！？； (full and half width)
    ("成立领导小组。召开专题会议！是否完成？制定方案；修订制度", ["成立领导小组。", "召开专题会议！", "是否完成？", "制定方案；", "修订制度"]),
    ("完成整改;落实制度!已办结?继续", ["完成整改;", "落实制度!", "已办结?", "继续"]),
    # never inside quotes, book-title marks or brackets
    ("落实“第一议题。学习”制度。", ["落实“第一议题。学习”制度。"]),
    ("印发《关于加强管理；规范流程的通知》。", ["印发《关于加强管理；规范流程的通知》。"]),
    ("督促市疾控中心(市卫生监督所;普陀山)修订制度。", ["督促市疾控中心(市卫生监督所;普陀山)修订制度。"]),
    ("督促中心（含分院；门诊部）修订制度。", ["督促中心（含分院；门诊部）修订制度。"]),
    # before enumerators that start a new measure; the enumerator stays in the sentence
    ("一是加强学习，二是完善制度", ["一是加强学习，", "二是完善制度"]),
    ("整改情况：一是加强学习。二是完善制度。", ["整改情况：一是加强学习。", "二是完善制度。"]),
    ("开展检查,(1)制定方案;(2)落实责任。", ["开展检查,", "(1)制定方案;", "(2)落实责任。"]),
    ("要求如下，1.制定计划；2.落实到位。", ["要求如下，", "1.制定计划；", "2.落实到位。"]),
    # decimals and counts are no enumerators
    ("平台新增注册3.8万余人，完成率为98.71%。", ["平台新增注册3.8万余人，完成率为98.71%。"]),
    # a sub-heading with its own words is a sentence (§6)
    ("(一)加强组织领导。成立领导小组。", ["(一)加强组织领导。", "成立领导小组。"]),
    # 统一 is no enumerator even before 是
    ("思想统一是前提。", ["思想统一是前提。"]),
    # a closing quote after the end mark belongs to the sentence
    ("提出“全面完成。”下一步继续。", ["提出“全面完成。”", "下一步继续。"]),
    # each line is its own paragraph; blank lines give nothing
    ("第一段\n\n第二段。", ["第一段", "第二段。"]),
    ("", []),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_split(text, expected):
    assert split_sentences(text) == expected


def test_unclosed_quote_does_not_swallow_the_paragraph():
    text = "落实“第一议题制度。" + "召开会议。" * 80
    assert len(split_sentences(text)) > 50


@pytest.mark.parametrize("bad", [None, b"bytes", 3, ["a"]])
def test_non_str_is_a_notice_error(bad):
    with pytest.raises(NoticeError, match="needs a str"):
        split_sentences(bad)


def test_run_in_progress_label_is_not_part_of_the_sentence():
    import notice_nlp
    doc = notice_nlp.tag("一、整改落实情况\n（一）关于考核不完善的问题\n整改进展：一是完善科室考核办法。二是修订绩效方案。",
                         model="keywords")
    assert [s.text for s in doc.sentences] == ["一是完善科室考核办法。", "二是修订绩效方案。"]
    assert all(doc.text[s.start:s.end] == s.text for s in doc.sentences)
