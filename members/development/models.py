"""发展党员: people on their way into the Party, before and until they join the roster.

A `Candidate` is never a `Member`: the pipeline lives in its own table, so no member count,
quorum or ranking can meet it. At the 上级党委's approval the service creates the Member
(probationary, joined on the day of the 支部大会) and the roster's probation takes over.
"""
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kernel.pinyin import NameKeyed, NameKeyedQuerySet
from kernel.uploads import DocumentUploadField, UploadTo, validate_document
from members.development.steps import LIMITS, RECORD_CODES, STEP_BY_CODE
from members.models import Member
from members.validators import mask_id_number, validate_id_number, validate_phone
from organizations.models import ScopedQuerySet
from organizations.rules import NodeRule, PathChains, nearest


class DevelopmentRule(NodeRule):
    """A number of a time rule of the 细则 (steps.LIMITS), overridable per district, street or community."""

    code = models.CharField(_("规则"), max_length=32,
                            choices=[(code, label) for code, (_v, label) in LIMITS.items()])
    value = models.PositiveSmallIntegerField(_("数值"))

    class Meta:
        verbose_name = _("发展党员时限规则")
        verbose_name_plural = _("发展党员时限规则")
        constraints = [models.UniqueConstraint(fields=["node", "code"],
                                               name="development_rule_per_node")]

    def __str__(self):
        return f"{self.get_code_display()}: {self.value}"


class Limits:
    """The time limits for the candidates of many branches, from one query of the rule rows
    (a second for the streets' districts when a row sits on a node)."""

    def __init__(self):
        self.rows = list(DevelopmentRule.objects.all())
        self.chains = PathChains(row.node_id for row in self.rows)
        self.cache = {}

    def for_path(self, path):
        # A city's pipeline holds some 15,000 candidates in 5,000 branches, and only the
        # ancestors holding rows decide: most branches share one answer.
        if path not in self.cache:
            holders = tuple(pk for pk in self.chains(path) if pk in self.chains.rule_node_ids)
            if holders not in self.cache:
                self.cache[holders] = self.for_ancestors(holders)
            self.cache[path] = self.cache[holders]
        return self.cache[path]

    def for_ancestors(self, ancestor_ids):
        chosen = nearest(self.rows, ancestor_ids, key=lambda row: row.code)
        return {code: chosen[code].value if code in chosen else default
                for code, (default, _label) in LIMITS.items()}


def limits_for(node):
    # The node at hand knows its district: no street → district map to read.
    return Limits().for_ancestors(node.ancestor_ids())


class CandidateQuerySet(NameKeyedQuerySet, ScopedQuerySet):
    # Read and written by the branch's keepers; a person in the pipeline has no login. Searched
    # by name, pinyin or initials like the roster (kernel/pinyin.py).
    scope_path = "branch__path"

    def under(self, node):
        return self.filter(branch__path__startswith=node.path)

    def in_pipeline(self):
        """Not yet approved: the people the board's deadlines are about."""
        return self.exclude(stage=Candidate.Stage.APPROVED)

    def with_last_records(self):
        from django.db.models import Max, Q

        from members.development.steps import REPORT, REVIEW

        return self.annotate(
            last_report_on=Max("records__done_on", filter=Q(records__code=REPORT)),
            last_review_on=Max("records__done_on", filter=Q(records__code=REVIEW)))


class Candidate(NameKeyed):
    class Stage(models.TextChoices):
        APPLICANT = "applicant", _("入党申请人")
        ACTIVIST = "activist", _("入党积极分子")
        OBJECT = "object", _("发展对象")
        VOTED = "voted", _("支部大会已通过，待上级审批")
        APPROVED = "approved", _("已批准为预备党员")

    branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                               related_name="candidates", verbose_name=_("所在支部"),
                               limit_choices_to={"kind": "branch"})
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=8, choices=Member.Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(_("身份证号"), max_length=18, validators=[validate_id_number])
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    education = models.CharField(_("学历"), max_length=16, choices=Member.Education.choices,
                                 blank=True)
    employer_name = models.CharField(_("工作单位"), max_length=100, blank=True)
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices,
                             default=Stage.APPLICANT, db_index=True)
    applied_on = models.DateField(_("递交入党申请书日期"))
    talked_on = models.DateField(_("谈话日期"), null=True, blank=True)
    activist_on = models.DateField(_("确定为入党积极分子日期"), null=True, blank=True)
    contacts = models.ManyToManyField(Member, blank=True, related_name="+",
                                      verbose_name=_("培养联系人"))
    object_on = models.DateField(_("确定为发展对象日期"), null=True, blank=True)
    introducers = models.ManyToManyField(Member, blank=True, related_name="+",
                                         verbose_name=_("入党介绍人"))
    political_review_on = models.DateField(_("政治审查日期"), null=True, blank=True)
    training_start = models.DateField(_("集中培训开始"), null=True, blank=True)
    training_end = models.DateField(_("集中培训结束"), null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField(_("培训学时"), null=True, blank=True)
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束"), null=True, blank=True)
    volunteer_form_on = models.DateField(_("填写入党志愿书日期"), null=True, blank=True)
    meeting_on = models.DateField(_("支部大会日期"), null=True, blank=True)
    voters_with_right = models.PositiveSmallIntegerField(_("有表决权的党员人数"), null=True,
                                                         blank=True)
    voters_present = models.PositiveSmallIntegerField(_("到会有表决权的党员人数"), null=True,
                                                      blank=True)
    votes_for = models.PositiveSmallIntegerField(_("赞成票"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("反对票"), null=True, blank=True)
    approved_on = models.DateField(_("上级党委审批日期"), null=True, blank=True)
    approval_special = models.BooleanField(_("特殊情况延长审批"), default=False)
    member = models.OneToOneField(Member, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="development_file", verbose_name=_("党员名册记录"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展党员对象")
        verbose_name_plural = _("发展党员对象")
        ordering = ["branch", "applied_on", "pk"]
        indexes = [models.Index(fields=["branch", "stage"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("development:candidate_detail", args=[self.pk])

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def stage_label(self):
        """The stage of the 细则: after the approval, read from the roster."""
        if self.stage == self.Stage.APPROVED and self.member_id:
            return self.member.get_status_display()
        # Not get_stage_display(), which rebuilds the choices for each call: a street's board
        # names hundreds of candidates.
        return STAGE_LABELS.get(self.stage, self.stage)


STAGE_LABELS = dict(Candidate.Stage.choices)


class StepRecordQuerySet(ScopedQuerySet):
    scope_path = "candidate__branch__path"


class StepRecord(models.Model):
    """One step done: its date, who was responsible and the document that proves it."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="records",
                                  verbose_name=_("发展党员对象"))
    code = models.CharField(_("步骤"), max_length=32, choices=RECORD_CODES)
    done_on = models.DateField(_("日期"))
    responsible = models.CharField(_("经办人/责任人"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    document = DocumentUploadField(_("材料"), upload_to=UploadTo("development"), blank=True,
                                   validators=[validate_document])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = StepRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("发展党员步骤记录")
        verbose_name_plural = _("发展党员步骤记录")
        ordering = ["done_on", "pk"]
        indexes = [models.Index(fields=["candidate", "code", "done_on"])]

    @property
    def number(self):
        step = STEP_BY_CODE.get(self.code)
        return step.number if step else 6
