"""Status rules (taxonomy.md §2, §6): every cue and example of the spec, plus
sentences quoted verbatim from the seed notices and the web corpus."""
import pytest

from notice_nlp.errors import NoticeError, NoticeTypeError
from notice_nlp.tagging.status import STATUSES, detect_issue_status, detect_status

SENTENCES = [
    # ---- unfinished (§2 cues)
    ("该问题尚未完成整改。", "unfinished"),
    ("尚有2个问题未完成整改。", "unfinished"),
    ("以上问题需继续整改，2025年7月底前整改完成。", "unfinished"),
    ("部分科室考勤制度执行未整改到位。", "unfinished"),
    ("仍需加强与上级部门沟通协调。", "unfinished"),
    # seed 004, verbatim
    ("二是“卫生室一体化管理制度落实有差距”问题,需进一步研究对策、改进措施。", "unfinished"),
    # ---- in_progress (§2 cues)
    ("建投集团经过多方努力,与监理公司已达成可行的支付比例,正在对3个未决算项目进行报决审批;", "in_progress"),
    ("医养结合项目报批推进中。", "in_progress"),
    ("二是稳步推进院内制剂申报工作，2025年12月25日对接合作方洽谈院内制剂合作事宜，优化中药代茶饮外包装设计，"
     "优化产品陈列布局，加大院内宣传推广力度。", "in_progress"),
    ("有序推进病区布局调整。", "in_progress"),
    ("逐步提升青年执业乡医占比。", "in_progress"),
    ("新院区建设项目已启动。", "in_progress"),
    ("锚定项目，统筹推进服务提升，正式启动“精神卫生服务能力提升项目”，此项目已获市发改委批复，关键招标均已完成，"
     "目前施工前准备基本就绪。", "in_progress"),
    ("病房改造工程接近尾声。", "in_progress"),
    ("专项整治取得阶段性成效。", "in_progress"),
    # a done part and a future part
    ("分步实施水电分离改造，家属区供电改造已完成立项报批，水改造已完成预算编制，正对接相关单位，"
     "两项分离改造将随医院整体工程同步实施。", "in_progress"),
    ("已完成立项报批，将于年底前开工建设。", "in_progress"),
    ("系统研读医养结合政策规范及建设标准，配齐专项工作人员，编制医养结合专项实施方案，待应急影像楼验收合格后，"
     "依规报批启动医养结合项目建设。", "in_progress"),
    # §6 推进: manner word + 推进 in a body sentence; a slogan heading is none
    ("扎实推进医疗质量安全专项行动。", "in_progress"),
    ("(三)全力推进整改。", "none"),
    # ---- planned (§2 cues)
    ("拟于下半年召开专题民主生活会。", "planned"),
    ("将于2026年6月底前完成改造。", "planned"),
    ("一是规范意识形态专题议事，2026年度计划召开2次意识形态专题党委会议，从严审核班子述职材料，"
     "班子年度民主生活会必须专项检视意识形态履职成效。", "planned"),
    ("准备开展第二轮专项督查。", "planned"),
    ("下一步，东昌府区中医院党委将以此次巡察整改为契机，坚持目标不变、标准不降、力度不减，持续巩固整改成效。", "planned"),
    ("待应急影像楼验收合格后，依规报批启动医养结合项目建设。", "planned"),
    ("力争2026年底前建成投用。", "planned"),
    ("预计6月底前会有陆续回款。", "planned"),
    ("确保2025年12月底前完成整改。", "planned"),
    # ---- ongoing (§2 cues, §6 坚持 and frequencies)
    ("常态化开展心肺复苏专项培训应急演练。", "ongoing"),
    ("对已完成的整改事项常态化“回头看”，严防问题反弹。", "ongoing"),
    ("对长期坚持的任务紧盯不放、一抓到底。", "ongoing"),
    ("持续开展心理健康“五进”活动。", "ongoing"),
    ("定期通报未履约事项并督办整改。", "ongoing"),
    ("每季度至少召开1次专项推进会。", "ongoing"),
    ("每月发布质量管理通讯。", "ongoing"),
    ("每年对直属单位开展2次以上的现场指导。", "ongoing"),
    ("坚持每月调度整改进展。", "ongoing"),
    ("坚持挂图作战、销号管理。", "ongoing"),
    ("定期组织财务人员学习财经法规。", "ongoing"),
    ("建立每周一学习例会制度。", "ongoing"),
    # seed 000, verbatim
    ("强化监督检查，严肃劳动纪律，成立联合巡查小组，不定期查岗，重点整治迟到早退等行为，严肃工作纪律。", "ongoing"),
    # w010, verbatim
    ("中心党总支始终把彻底解决巡察反馈问题作为整改工作的核心抓紧抓实,坚持每周一调度,每半月一督查,每月一过堂。", "ongoing"),
    # ---- completed (§2 cues)
    ("已完成公车定位装置恢复。", "completed"),
    ("中心党委对市委巡察组反馈的问题进行了认真整改，目前已经完成阶段性整改任务。", "completed"),
    ("完成诊室改造，实行亚专科独立诊室。", "completed"),
    ("岱山鱼山、普陀虾峙、定海小沙急救点已建成并投入使用。", "completed"),
    ("2026年5月18日无陪护病区正式投入使用。", "completed"),
    ("巡察移交的6个立行立改问题和15件信访件，均已全部办结。", "completed"),
    ("与山东健康集团淄博医院签订合作协议。", "completed"),
    ("4 项新技术转为常规技术，3 项通过中期验收。", "completed"),
    ("儿童青少年心理科、精神康复科、临床心理科先后获批市级临床重点专科。", "completed"),
    ("2021年1月，形成《整改工作台账》。", "completed"),
    ("2026年3月6日，医务科、护理部联合举办医德医风及规范诊疗服务专题培训班。", "completed"),
    ("医院开展了家属区费用清缴。", "completed"),
    ("制定《廉政谈话实施办法》。", "completed"),
    ("修订《问责管理办法》，细化问责情形。", "completed"),
    ("印发《巡察整改责任清单》《巡察整改任务清单》。", "completed"),
    ("成立巡察整改工作领导小组。", "completed"),
    ("召开全面从严治党专题会议听取履责汇报。", "completed"),
    ("对中层干部队伍进行岗位优化调整。", "completed"),
    # §6 坚持 as an attitude + a finished action
    ("坚持刀刃向内，迅速成立了巡察整改工作领导小组。", "completed"),
    # §6 bare activity verbs + a named activity
    ("开展纪律作风专项督查。", "completed"),
    ("组织财务人员学习《政府会计制度》。", "completed"),
    # §6 preamble sentences that report something done
    ("巡察反馈会议后，我院高度重视，迅速组织召开班子成员、院委会成员和全院职工会议，深入传达巡察组反馈意见。", "completed"),
    ("巡察反馈会后，我院第一时间成立巡察整改工作领导小组，全面统筹推进整改工作。", "completed"),
    # seed 002 / w020, verbatim
    ("三是2026年1月修订印发《职工外出进修学习管理规定》，规范线上钉钉端OA事前报备、科教科备案流程。", "completed"),
    ("整改情况:一是于2023年10月10日组织对习近平总书记重要讲话和重要指示精神进行专题集中学习。", "completed"),
    ("2025年引进多名本科生、硕士研究生，保障人才队伍可持续发展。", "completed"),
    # ---- none (§2: slogans, aims, bare intentions; §6 generic verbs and sub-headings)
    ("提高站位，强化政治担当。", "none"),
    ("坚持问题导向，强化跟踪问效。", "none"),
    ("坚持刀刃向内。", "none"),
    ("加强财务管理。", "none"),
    ("严格执行《第二类精神药品使用管理制度》。", "none"),
    ("健全完善工程监管长效机制。", "none"),
    ("进一步规范招标采购管理。", "none"),
    ("(一)加强组织领导。", "none"),
    ("（二）压实整改责任", "none"),
    ("一是转变思想观念，深耕心理健康服务。", "none"),
    ("全力争创山东省中医重点专科。", "none"),
    ("", "none"),
    # ---- rules learned from the labeled training documents (verbatim)
    # 将 after its subject is "will", and what follows it is planned, not done
    ("针对此问题,我院将吸取上次巡察整改工作教训,在本轮巡察整改组织生活会上,对这一问题进行剖析检查。", "planned"),
    ("我院三辆救护车处置问题,将向区卫健局请示,按照有关程序妥善处置。", "planned"),
    # 将 + noun + 纳入 is the disposal construction: a done action
    ("将骨伤专科提质建设纳入《东昌府区中医院十五五发展规划(2026-2030年)》。", "completed"),
    # a result with its number reports what was done
    ("诫勉8人,谈话提醒或批评教育20人。", "completed"),
    ("组织处理0人;", "completed"),
    ("建设数据查询平台，增加数据查询报表 40 余项，实现数据信息共享。", "completed"),  # converted-document spacing
    ("2.对2020年度民主评议党员让出“优秀”的情况进行撤销并报区卫健局机关党委备案;", "completed"),
    # negated done-verbs describe the problem; 确保……完成 is an aim
    ("局党组未组织学习2021年《关于高质量打造新时代文化高地推进共同富裕示范区建设行动方案》", "none"),
    ("各相关单位坚持早改、快改、彻底改,确保整改任务按期高质量完成。", "none"),
    # problem titles and one-clause sub-headings
    ("(1)关于党组未对习近平总书记在中央全面依法治国工作会议上的重要讲话进行学习的问题。", "none"),
    ("(三)大力推进中医药传承创新发展。", "none"),
    ("2.构建常态化学习制度。", "none"),
    ("(一)坚持高位部署,强力推进巡察整改工作。", "none"),
    ("(二)正在推进病房改造", "in_progress"),
    # a ；-ended list item or a longer slogan still reports actions when it names them
    ("1.召开乡医例会,通报相关村室,要求其他村室引以为鉴;", "completed"),
    ("三是主持召开民主生活会,主动认领问题,深刻剖析根源。", "completed"),
    # a two-clause slogan heading is a sub-heading (§6): strong cues only
    ("(二)制定方案,明确任务。", "none"),
    ("三是强化监督检查,建立长效机制。", "none"),
    ("(二)成立领导小组,强化组织保障", "none"),
    ("(二)已成立领导小组,强化组织保障。", "completed"),
    # the inspection's judgement (体现了/指出了) and an aim (坚决完成) report nothing done
    ("省委巡视是对龙华的全面政治体检,体现了省委对龙华工作的关心支持。", "none"),
    ("区委主要领导切实履行第一责任人职责,坚决完成巡视整改政治任务。", "none"),
    ("积极落实市委、市政府两办印发的《关于进一步完善审计整改落实工作机制的意见》。", "none"),
    ("2024年3月印发《关于进一步完善审计整改落实工作机制的意见》。", "completed"),
    # purpose clauses are no progress report
    ("成立巡察整改工作领导小组,为全面推进整改奠定坚实基础。", "completed"),
]


@pytest.mark.parametrize("sentence,expected", SENTENCES)
def test_detect_status(sentence, expected):
    assert detect_status(sentence) == expected


ISSUE_LINES = [
    ("以上问题已整改完成。", "completed"),
    ("以上问题已整改完成并长期坚持。", "completed"),
    ("以上问题整改为长期任务,已取得阶段性成效并长期坚持", "ongoing"),
    ("以上问题需继续整改,20257月底前整改完成", "unfinished"),
    ("需继续整改，2025年7月底前整改完成", "unfinished"),
    ("整改状态:完成", "completed"),
    ("整改状态:阶段性完成", "in_progress"),
    ("整改结果：已整改完成。", "completed"),
    ("完成情况:已完成", "completed"),
    # what the structure parser passes after stripping a label
    ("完成", "completed"),
    ("阶段性完成", "in_progress"),
    ("长期坚持", "ongoing"),
    ("已整改完成。", "completed"),
    # not status lines
    ("整改情况：一是加强中心组学习", None),
    ("1.制定系统学习计划。", None),
    ("整改时限：2025年12月底前", None),
    ("对接“12356”心理援助热线并成立热线党小组。", None),
    ("", None),
]


@pytest.mark.parametrize("line,expected", ISSUE_LINES)
def test_detect_issue_status(line, expected):
    assert detect_issue_status(line) == expected


@pytest.mark.parametrize("bad", [None, b"\xe5\xb7\xb2", 3, ["已完成"]])
def test_non_str_raises(bad):
    for fn in (detect_status, detect_issue_status):
        with pytest.raises(NoticeTypeError) as err:
            fn(bad)
        assert isinstance(err.value, NoticeError)
        assert type(bad).__name__ in str(err.value) and "str" in str(err.value)


def test_codes_are_the_taxonomy_codes():
    assert set(STATUSES) == {"unfinished", "in_progress", "planned", "ongoing", "completed", "none"}
