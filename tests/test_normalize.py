import pytest

from notice_nlp.text.normalize import normalise

from conftest import seed_texts, web_records

ALL = {**seed_texts(), **{r["id"]: r["text"] for r in web_records()}}


@pytest.mark.parametrize("doc_id", sorted(ALL))
def test_idempotent_on_every_source(doc_id):
    once = normalise(ALL[doc_id]).text
    assert normalise(once).text == once


@pytest.mark.parametrize("doc_id", sorted(ALL))
def test_no_debris_left(doc_id):
    text = normalise(ALL[doc_id]).text
    assert "[bookmark" not in text and "**" not in text
    assert not any(line.startswith("#") for line in text.split("\n"))
    assert "\n\n" not in text and "\r" not in text


@pytest.mark.parametrize("raw, expected", [
    ("## 一、方面\n\n**整改进展情况：**一是加强。", "一、方面\n整改进展情况：一是加强。"),
    ("[bookmark: heading_0]一、党委履行整改主体责任情况", "一、党委履行整改主体责任情况"),
    # a page break cut the sentence: joined
    ("通过校园驻点、心理\n\n普筛等活动，提升素养。", "通过校园驻点、心理普筛等活动，提升素养。"),
    ("关于十四届区委第九轮巡察整改进展\n情况的通报", "关于十四届区委第九轮巡察整改进展情况的通报"),
    # a heading and the next line stay apart; so do a title and the preamble
    ("一、党委履行整改主体责任情况\n巡察反馈会后，成立小组。", "一、党委履行整改主体责任情况\n巡察反馈会后，成立小组。"),
    ("某某医院关于巡察整改进展情况的通报\n根据区委统一部署，开展巡察。", "某某医院关于巡察整改进展情况的通报\n根据区委统一部署，开展巡察。"),
    # a flattened web page: headings put back on lines of their own
    ("予以公布。 一、整改工作组织领导情况 中心党委切实履行主体责任，成立领导小组。",
     "予以公布。\n一、整改工作组织领导情况\n中心党委切实履行主体责任，成立领导小组。"),
    ("a\r\nb。\rc", "ab。\nc"),
])
def test_cases(raw, expected):
    assert normalise(raw).text == expected


def test_chrome_lines_go_to_meta():
    raw = ("当前位置: 首页 > 信息公开\n字体:[大 中 小]\n发布日期:2026-02-26\n阅读次数:12\n"
           "中共某某委员会关于巡察整改进展情况的通报\n根据市委统一部署，开展巡察。")
    norm = normalise(raw)
    assert norm.chrome["doc_date"] == "2026-02-26"
    assert norm.text == "中共某某委员会关于巡察整改进展情况的通报\n根据市委统一部署，开展巡察。"


def test_widget_line_keeps_its_date():
    raw = "消息来源: 直属机关纪委 作者: 发布时间: 2025- 01- 20 11: 12 阅读次数: 字体:[大 中 ]\n正文。"
    norm = normalise(raw)
    assert norm.chrome["doc_date"] == "2025-01-20" and norm.text == "正文。"


def test_a_decimal_after_a_full_stop_is_no_enumerator():
    from notice_nlp.text.normalize import normalise
    assert normalise("完成整改。 1.5万元已退还个人。").text == "完成整改。 1.5万元已退还个人。"
    assert normalise("完成整改。 2.加强管理。").text == "完成整改。\n2.加强管理。"
