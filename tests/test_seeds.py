"""The four seed notices, counted by hand from their text and checked against the parser.

Every expected number below comes from reading data/samples/seedNNN.txt, not from
running the parser; the comment above each case says how it was counted.
"""
import pytest

import notice_nlp

from conftest import SAMPLES


@pytest.fixture(scope="module")
def docs() -> dict:
    return {name: notice_nlp.tag_file(SAMPLES / f"{name}.txt", model="keywords")
            for name in ("seed000", "seed002", "seed003", "seed004")}


def _titled(doc) -> list:
    return [i for i in doc.issues if i.title]


# seed000 (markdown export): sections = the three 一、/二、/三、 “…”方面 headings plus the
# preamble section (the preamble's last sentence "中心党委对…已经完成阶段性整改任务。" is read
# as text, so it opens an untitled section). issues = the eight numbered 1.–8.
# 关于“…”的问题 headings (numbering runs on across 方面; some carry ###/#### marks) plus the
# preamble's untitled issue = 9. No level between 方面 and 问题, so no group.
# Meta: title = "# 中共淄博市精神卫生中心委员会" + "## 关于十三届…通报" (an issuer line above a 关于… line is
# the title's first half, as the layout-zoo reader reads it), issuer from "# 中共淄博市精神卫生中心委员会" (and the
# signature), 2025年3月28日至2025年6月30日 市委第四巡察组, feedback 8月28日 (year 2025 from the
# period), signed 2026年6月2日.
# seed002 (docx export with [bookmark: …] marks): sections = 一、党委履行整改主体责任情况,
# 二、巡察反馈重点问题整改情况, 三、下一步工作计划 = 3 (the 根据… preamble is no section).
# issues = the fifteen 1.–15. 关于…方面 headings under 二 (each followed on the same line by
# 整改情况：一是…) plus one untitled issue each for 一 and 三 = 17. Under 二 the four
# （一）–（四） 关于…方面 headings stand between section and issue: the groups, holding
# 7 (1–7), 5 (8–12), 2 (13–14) and 1 (15) issues.
# Meta: title = lines 2–3 joined "关于十四届区委第九轮巡察整改进展"+"情况的通报"; issuer = the
# header line 中共聊城市东昌府区中医院党委 (the signature says …中医院委员会, the same body);
# 2025年8月4日至9月30日 区委第五巡察组, feedback 2025年12月15日, signed 2026年6月22日.
# seed003 (web page): sections = the thirteen 一、–十三、 关于“…”问题的整改情况 headings plus the
# preamble section (its paragraphs after 根据… are text) = 14. Each 一、 heading is itself the
# problem, so it is also the issue; the (一)(二)… lines under it are measures ("(一)认真贯彻实施
# 健康中国战略。委党委专题学习…" — a measure with a lead phrase, not a problem heading).
# issues = 13 + the preamble's untitled issue = 14. (十三、's title is cut short in the source:
# "…问题的整改".) Meta: title line "中共舟山市卫生健康委员会委员会关于巡察整改进展情况的通报",
# issuer = the body named before 关于, 2024年3月26日至5月27日 市委第四巡察组, feedback 2024年8月8日,
# doc date = 发布时间 2025-01-20 (no signature date).
# seed004 (web page, 年/月 lost in places): sections = 一、整改工作基本情况 and
# 二、集中整改落实情况 = 2. Under 二: four （一）–（四） 方面, twelve "1./2./3.关于…问题" 大项
# (three per 方面; the notice itself claims 13大项) and the 1)… 针对“…”问题 headings, each closed
# by its own 以上问题… status line: 4+5+4 / 3+5+4 / 3+4+3 / 1+1+1 = 38 (the notice says 38条).
# issues = 38 + one untitled issue for 一 = 39; completed = 36 (the notice: 已完成整改36条;
# the two open ones are 卫生室一体化 "长期任务" and 绩效工资 "需继续整改"). Each 针对 issue's
# group = "方面 title / 大项 title". Meta: title line, issuer = the body before 关于 (and the
# signature), "20241120日至2025120日" = 2024-11-20/2025-01-20 区委第六巡察组, feedback "319日" =
# 2025-03-19; doc date = the widget's 成文时间/发文时间 2025年09月29日 (the signature "2025920"
# reads 2025-09-20; both stated, the intact widget date is taken).
EXPECTED = {
    "seed000": dict(sections=4, issues=9, titled_issues=8, groups={}, meta=dict(
        title="中共淄博市精神卫生中心委员会关于十三届市委第八轮巡察整改进展情况的通报", issuer="中共淄博市精神卫生中心委员会",
        inspector="市委第四巡察组", inspection_period="2025-03-28/2025-06-30",
        feedback_date="2025-08-28", doc_date="2026-06-02")),
    "seed002": dict(sections=3, issues=17, titled_issues=15, groups={
        "关于统筹指导学习贯彻习近平新时代中国特色社会主义思想和党的二十大精神方面": 7,
        "关于贯彻全面从严治党方面": 5,
        "关于扛牢党建主体责任，夯实干部人才队伍建设方面": 2,
        "关于强化政治执行力，提升巡察审计整改质效方面": 1}, meta=dict(
        title="中共聊城市东昌府区中医院党委关于十四届区委第九轮巡察整改进展情况的通报", issuer="中共聊城市东昌府区中医院党委",
        inspector="区委第五巡察组", inspection_period="2025-08-04/2025-09-30",
        feedback_date="2025-12-15", doc_date="2026-06-22")),
    "seed003": dict(sections=14, issues=14, titled_issues=13, groups={}, meta=dict(
        title="中共舟山市卫生健康委员会委员会关于巡察整改进展情况的通报",
        issuer="中共舟山市卫生健康委员会委员会", inspector="市委第四巡察组",
        inspection_period="2024-03-26/2024-05-27", feedback_date="2024-08-08", doc_date="2025-01-20")),
    "seed004": dict(sections=2, issues=39, titled_issues=38, groups=None, meta=dict(
        title="张范街道社区卫生服务中心关于十一届区委第九轮巡察整改进展情况的通报",
        issuer="张范街道社区卫生服务中心", inspector="区委第六巡察组",
        inspection_period="2024-11-20/2025-01-20", feedback_date="2025-03-19", doc_date="2025-09-29")),
}
SEEDS = sorted(EXPECTED)
META_FIELDS = ["title", "issuer", "inspector", "inspection_period", "feedback_date", "doc_date"]


@pytest.mark.parametrize("name", SEEDS)
def test_section_count(name, docs):
    assert len(docs[name].sections) == EXPECTED[name]["sections"]


@pytest.mark.parametrize("name", SEEDS)
def test_issue_count(name, docs):
    doc = docs[name]
    assert len(doc.issues) == EXPECTED[name]["issues"]
    assert len(_titled(doc)) == EXPECTED[name]["titled_issues"]


@pytest.mark.parametrize("field", META_FIELDS)
@pytest.mark.parametrize("name", SEEDS)
def test_meta(name, field, docs):
    assert docs[name].meta.get(field) == EXPECTED[name]["meta"][field]


@pytest.mark.parametrize("name", ["seed000", "seed002", "seed003"])
def test_groups(name, docs):
    groups: dict = {}
    for issue in docs[name].issues:
        if issue.group is not None:
            groups[issue.group] = groups.get(issue.group, 0) + 1
    assert groups == EXPECTED[name]["groups"]


FANGMIAN_004 = ["关于聚焦贯彻落实党的路线方针政策和党中央决策部署情况方面问题",
                "关于“聚焦群众身边腐败和不正之风问题”方面问题",
                "关于“基层党组织领导班子和干部队伍建设方面”方面问题",
                "关于“聚焦上一轮巡察、审计发现问题整改情况”方面问题"]
# issues per 大项, 方面 by 方面, in document order (counted from the 1)/2)… headings)
PER_DAXIANG_004 = [[4, 5, 4], [3, 5, 4], [3, 4, 3], [1, 1, 1]]


def test_seed004_three_levels_under_a_section(docs):
    doc = docs["seed004"]
    first, second = doc.sections
    assert first.title == "整改工作基本情况" and [i.title for i in first.issues] == [None]
    assert second.title == "集中整改落实情况"
    issues = second.issues
    assert all(i.title.startswith("针对") for i in issues)
    assert issues[0].group == (FANGMIAN_004[0] + " / 关于“学习贯彻习近平新时代中国特色社会主义思想"
                               "特别是关于医疗卫生领域重要讲话精神不深不透”问题")
    assert issues[-1].group == FANGMIAN_004[3] + " / 关于“整改措施不力、延期整改”问题"
    runs: list[list] = []  # consecutive issues sharing a group, split by 方面
    for issue in issues:
        fangmian, daxiang = issue.group.split(" / ")
        if not runs or runs[-1][0] != issue.group:
            runs.append([issue.group, fangmian, 0])
        runs[-1][2] += 1
    assert [r[1] for r in runs] == [f for f, n in zip(FANGMIAN_004, PER_DAXIANG_004) for _ in n]
    assert [r[2] for r in runs] == [k for n in PER_DAXIANG_004 for k in n]
    assert len(runs) == 12 and sum(r[2] for r in runs) == 38


def test_seed004_issue_statuses(docs):
    statuses = [i.status for i in docs["seed004"].sections[1].issues]
    assert statuses.count("completed") == 36
    open_ones = [i.title for i in docs["seed004"].sections[1].issues if i.status != "completed"]
    assert open_ones == ["针对“卫生室一体化管理制度落实有差距”问题",
                         "针对“未按照绩效工资考核分配方案发放绩效工资,工资发放附件不全”问题"]
    assert docs["seed004"].summary()["issues_completed"] == 36
