"""The 5 stages and 25 steps of 《中国共产党发展党员工作细则》 (2014), and the default time
limits of the steps, as shipped with the portal (docs/RULES.md, 发展党员).

The steps are fixed by the 细则 and describe what each one records; the numbers in its time
rules are `DevelopmentRule` rows, a default per code written by the data migration and
overridable on a street or community (the most specific node wins, organizations/rules.py).
"""
from dataclasses import dataclass

from django.utils.translation import gettext_noop


@dataclass(frozen=True)
class Step:
    code: str
    stage: str
    number: int
    name: str
    records: str
    time_rule: str = ""


STAGES = [
    ("applicant", gettext_noop("入党申请人")),
    ("activist", gettext_noop("入党积极分子")),
    ("object", gettext_noop("发展对象")),
    ("probationary", gettext_noop("预备党员")),
    ("full", gettext_noop("正式党员")),
]

STEPS = [
    Step("application", "applicant", 1, gettext_noop("递交入党申请书"),
         gettext_noop("收到书面申请的日期、申请书")),
    Step("talk", "applicant", 2, gettext_noop("党组织派人谈话"),
         gettext_noop("谈话日期、谈话人、谈话记录"),
         gettext_noop("收到入党申请书后一个月内")),
    Step("activist", "activist", 3, gettext_noop("推荐和确定入党积极分子"),
         gettext_noop("确定日期、支委会记录")),
    Step("activist_filing", "activist", 4, gettext_noop("上级党委备案"),
         gettext_noop("备案日期")),
    Step("contacts", "activist", 5, gettext_noop("指定培养联系人"),
         gettext_noop("一至两名正式党员"), gettext_noop("一至两名正式党员")),
    Step("cultivation", "activist", 6, gettext_noop("培养教育考察"),
         gettext_noop("半年考察记录、季度思想汇报"),
         gettext_noop("每半年考察一次，每季度递交思想汇报")),
    Step("object", "object", 7, gettext_noop("确定发展对象"),
         gettext_noop("确定日期、支委会记录"),
         gettext_noop("经过一年以上培养考察")),
    Step("object_filing", "object", 8, gettext_noop("报上级党委备案"),
         gettext_noop("备案日期")),
    Step("introducers", "object", 9, gettext_noop("确定入党介绍人"),
         gettext_noop("两名正式党员"), gettext_noop("两名正式党员")),
    Step("political_review", "object", 10, gettext_noop("进行政治审查"),
         gettext_noop("审查日期、政审材料"),
         gettext_noop("政审结论一年内有效")),
    Step("training", "object", 11, gettext_noop("开展集中培训"),
         gettext_noop("培训起止日期、学时、结业证明"),
         gettext_noop("不少于3天或24学时")),
    Step("committee_review", "object", 12, gettext_noop("支部委员会审查并公示"),
         gettext_noop("审查日期、公示起止日期"),
         gettext_noop("公示结束后方可填写入党志愿书")),
    Step("pre_review", "object", 13, gettext_noop("上级党委预审"),
         gettext_noop("预审日期")),
    Step("volunteer_form", "probationary", 14, gettext_noop("填写入党志愿书"),
         gettext_noop("志愿书发放和填写日期")),
    Step("admission_meeting", "probationary", 15, gettext_noop("支部大会讨论"),
         gettext_noop("会议日期、有表决权人数、到会人数、赞成票、反对票"),
         gettext_noop("到会有表决权的党员超过应到会的半数；赞成票超过应到会有表决权党员的半数")),
    Step("committee_talk", "probationary", 16, gettext_noop("上级党委派人谈话"),
         gettext_noop("谈话日期、谈话人")),
    Step("approval", "probationary", 17, gettext_noop("上级党委审批"),
         gettext_noop("审批日期"),
         gettext_noop("支部大会后三个月内，特殊情况不超过六个月")),
    Step("approval_filing", "probationary", 18, gettext_noop("再上一级党组织备案"),
         gettext_noop("备案日期")),
    Step("placement", "probationary", 19, gettext_noop("编入党支部和党小组"),
         gettext_noop("编入日期")),
    Step("oath", "probationary", 20, gettext_noop("入党宣誓"),
         gettext_noop("宣誓日期")),
    Step("probation", "probationary", 21, gettext_noop("继续教育考察"),
         gettext_noop("考察记录"), gettext_noop("预备期一年，自支部大会通过之日算起")),
    Step("conversion_application", "full", 22, gettext_noop("提出转正申请"),
         gettext_noop("转正申请书")),
    Step("conversion_meeting", "full", 23, gettext_noop("支部大会讨论转正"),
         gettext_noop("会议日期，在党员名册办理转正")),
    Step("conversion_approval", "full", 24, gettext_noop("上级党委审批转正"),
         gettext_noop("审批日期")),
    Step("archive", "full", 25, gettext_noop("材料归档"),
         gettext_noop("归档日期")),
]
STEP_BY_CODE = {step.code: step for step in STEPS}

# Records of step 6 that come again and again: a half-yearly review and a quarterly report.
REVIEW = "review"
REPORT = "thought_report"
RECORD_CODES = [(step.code, step.name) for step in STEPS] + [
    (REVIEW, gettext_noop("半年考察")), (REPORT, gettext_noop("思想汇报"))]

# Steps recorded with a date, a responsible person and a document only (no rule of their own):
# the filings, the reviews of the committees and what follows the approval on the roster.
PLAIN_STEPS = ["activist_filing", "object_filing", "pre_review", "committee_talk",
               "approval_filing", "placement", "oath", "probation",
               "conversion_application", "conversion_meeting", "conversion_approval",
               "archive"]

# code → (default value, what it means); DevelopmentRule rows override them per node.
LIMITS = {
    "talk_months": (1, gettext_noop("收到入党申请书后谈话期限（月）")),
    "contacts_max": (2, gettext_noop("培养联系人最多人数")),
    "review_months": (6, gettext_noop("积极分子考察间隔（月）")),
    "report_months": (3, gettext_noop("思想汇报间隔（月）")),
    "cultivation_months": (12, gettext_noop("确定发展对象前最短培养考察期（月）")),
    "political_review_months": (12, gettext_noop("政治审查有效期（月）")),
    "training_days": (3, gettext_noop("集中培训最少天数")),
    "training_hours": (24, gettext_noop("集中培训最少学时")),
    "introducers": (2, gettext_noop("入党介绍人人数")),
    "approval_months": (3, gettext_noop("上级党委审批期限（月）")),
    "approval_max_months": (6, gettext_noop("特殊情况审批最长期限（月）")),
}


def ensure_defaults(apps, schema_editor=None):
    """The default rows (no node); called by the data migration, the demo and tests."""
    DevelopmentRule = apps.get_model("development", "DevelopmentRule")
    for code, (value, _label) in LIMITS.items():
        DevelopmentRule.objects.get_or_create(node=None, code=code, defaults={"value": value})
