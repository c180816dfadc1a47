"""Meta on layouts the seed notices do not show (issue: reading unfamiliar layouts)."""
import datetime as dt

import pytest

import notice_nlp

BODY = "一、整改情况\n目前已完成整改3项。"
TITLE = "关于巡察整改进展情况的通报\n"


@pytest.mark.parametrize("head,doc_date", [
    ("发布时间：2024-11-03 09:12:40\n", "2024-11-03"),
    ("更新时间：2024-06-18\n", "2024-06-18"),
    ("2024-10-15 16:30\n", "2024-10-15"),
    ("2024年10月15日\n", "2024-10-15"),
    ("来源:市教育局组织处 | 发布时间:2024-05-28 17:04 | 字号:\n", "2024-05-28"),  # several labels, one line
    ("来源:本网   时间:2023-02-09 18:18:56   浏览:-\n", "2023-02-09"),
    ("时间:2025年09月04日\n", "2025-09-04"),
    ("【信息来源:【信息时间:2023-07-18 17:38  阅读次数: 】【字号 】\n", "2023-07-18"),
    ("2025年02月17日 17:21    来源:莆田市司法局     字号:\n", "2025-02-17"),  # a byline in 年月日
])
def test_publication_date_in_page_chrome(head, doc_date):
    doc = notice_nlp.tag(TITLE + head + BODY, model="keywords")
    assert doc.meta["doc_date"] == doc_date
    assert doc.sentences[0].dates[0]["value"] == doc_date  # 目前 resolves against it
    assert all("16:30" not in s.text and "2024" not in s.text for s in doc.sentences)


@pytest.mark.parametrize("title,issuer", [
    ("中共广州市某新区开发建设管理局(简称某管理局)党组关于巡察整改情况的通报", "中共广州市某新区开发建设管理局党组"),
    ("中共深圳市罗湖区委 关于巡视整改进展情况的通报", "中共深圳市罗湖区委"),
])
def test_issuer_in_the_title_without_short_names_or_spaces(title, issuer):
    assert notice_nlp.tag(title + "\n" + BODY, model="keywords").meta["issuer"] == issuer


@pytest.mark.parametrize("preamble", [
    "根据区委统一安排,2024年3月27日至6月7日,区委第二巡察组对区司法局党组开展了巡察。7月6日,区委巡察组向区司法局党组反馈了巡察意见。",
    "2024年3月27日至6月7日,区委第二巡察组对区司法局党组开展了常规巡察。2024年7月6日,区委第二巡察组向区司法局党组反馈了巡察意见。",
])
def test_inspection_dates_from_a_preamble_without_bushu(preamble):
    meta = notice_nlp.tag(TITLE + preamble + "\n" + BODY, model="keywords").meta
    assert (meta["inspection_period"], meta["feedback_date"]) == ("2024-03-27/2024-06-07", "2024-07-06")


def test_a_news_lead_is_no_preamble():
    lead = "10月10日上午,某部网站发布通报称,针对7月9日中央第十巡视组反馈的巡视意见中指出的问题,已做出整改。"
    assert notice_nlp.tag(lead + "\n" + BODY, model="keywords").meta["feedback_date"] is None


@pytest.mark.parametrize("above", ["第A11版:发布厅", "龙华新闻", "公告公示"])
def test_a_title_line_is_not_glued_to_the_page_chrome_above_it(above):
    title = "中共无锡市公安局委员会关于巡察整改情况的通报"
    meta = notice_nlp.tag(above + "\n" + title + "\n" + BODY, model="keywords").meta
    assert (meta["title"], meta["issuer"]) == (title, "中共无锡市公安局委员会")


def test_a_notice_in_traditional_script():
    text = ("中共某市婦女聯合會黨組關于五屆市委第四輪巡察整改進展情況的通報\n"
            "根據市委統一部署,2024年5月8日—5月24日,市委第二巡察組對市婦聯黨組進行了巡察。"
            "2024年10月10日,市委巡察組向市婦聯黨組反饋了巡察意見。\n" + BODY)
    meta = notice_nlp.tag(text, model="keywords").meta
    assert meta["title"] == text.split("\n")[0]
    assert (meta["issuer"], meta["inspector"], meta["feedback_date"]) == ("中共某市婦女聯合會黨組", "市委第二巡察組", "2024-10-10")


@pytest.mark.parametrize("title", ["关于2020年度市本级预算执行和其他财政收支审计查出问题整改情况的报告",
                                   "某市审计局关于2021年度审计工作报告反映问题整改情况的报告"])
def test_an_audit_report_title_stays_one_line(title):
    doc = notice_nlp.tag(title + "\n主任、各位副主任、各位委员:\n" + BODY, model="keywords")
    assert doc.meta["title"] == title


def test_a_date_after_the_title_is_the_pages_not_the_titles():
    doc = notice_nlp.tag("中共某区委员会关于巡视集中整改进展情况的通报 (2024-07-26)\n来源: 某区\n" + BODY, model="keywords")
    assert doc.meta["doc_date"] == "2024-07-26"
    assert doc.meta["title"] == "中共某区委员会关于巡视集中整改进展情况的通报"


@pytest.mark.parametrize("preamble,issuer,inspector", [
    ("根据市委统一部署，市委第一巡察组对某县人民医院党委开展了巡察。", "某县人民医院党委", "市委第一巡察组"),
    ("根据县委统一部署，县委第二机动巡察组对县疾控中心党支部开展了巡察。", "县疾控中心党支部", "县委第二机动巡察组"),
    ("根据市委统一部署，市委提级巡察组对某镇党委开展了巡察。", "某镇党委", "市委提级巡察组"),
    ("根据省委统一部署，省委第三巡视组对省卫生健康委党组进行了巡视。", "省卫生健康委党组", "省委第三巡视组"),
    ("根据市委统一部署，市委医疗卫生领域第六专项巡察组对太和县人民医院党委开展了专项巡察。",
     "太和县人民医院党委", "市委医疗卫生领域第六专项巡察组"),
    ("根据区委统一部署，区委第二巡察组对龙穴街道党工委及延伸对龙穴社区党支部开展了巡察。", "龙穴街道党工委", "区委第二巡察组"),
    ("根据市委统一部署，市委第一巡察组对市文化和旅游局和8个局属单位开展了巡察。", "市文化和旅游局", "市委第一巡察组"),
])
def test_issuer_and_inspector_from_the_preamble(preamble, issuer, inspector):
    doc = notice_nlp.tag(TITLE + preamble + "\n" + BODY, model="keywords")
    assert (doc.meta["issuer"], doc.meta["inspector"]) == (issuer, inspector)


@pytest.mark.parametrize("signature,doc_date", [("2023年11月", "2023-11"), ("二〇二四年十二月二十日", "2024-12-20")])
def test_signature_dated_by_month_or_in_chinese_numerals(signature, doc_date):
    doc = notice_nlp.tag(TITLE + BODY + "\n中共某县人民医院委员会\n" + signature, model="keywords")
    assert doc.meta["doc_date"] == doc_date
    assert doc.sentences[0].dates[0]["value"] == doc_date


@pytest.mark.parametrize("given,expected", [
    (dt.datetime(2025, 7, 1, 9, 30), "2025-07-01"), (dt.date(2025, 7, 1), "2025-07-01"),
    ("2025-07", "2025-07"), ("2025", "2025"), ("2025-07-01T09:30:00", "2025-07-01"),
])
def test_doc_date_accepts_every_precision_and_datetimes(given, expected):
    assert notice_nlp.tag(BODY, doc_date=given, model="keywords").meta["doc_date"] == expected


def test_summary_counts_titled_issues_only():
    text = "一、整改工作基本情况\n成立领导小组。\n二、整改落实情况\n（一）关于学习不深入的问题\n开展专题学习3次。\n（二）关于制度不健全的问题\n修订制度5项。"
    doc = notice_nlp.tag(text, model="keywords")
    assert len(doc.issues) == 3 and doc.summary()["issues"] == 2
