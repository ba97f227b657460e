"""Co-building (共驻共建): units, agreements, the joint committee, needy households, pairings,
contributions, and the needs / resources / projects lists (三单)."""
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.pinyin import NameKeyed, NameKeyedQuerySet
from kernel.uploads import (DocumentUploadField, ImageUploadField, UploadTo, validate_document,
                            validate_image)
# The co-building unit is a model of the area, kept in organizations so that members (the
# employer, the registration unit) and activities can name it without importing pairing; it is
# re-exported here, where the co-building features that shape it live.
from organizations.models import ScopedQuerySet, Unit
from organizations.scope import STAFF_ROLES, STREET_ROLES, scope_q

# An agreement counts as "expiring" this many days before its end; the activities app's
# reminder scan uses the same window through Agreement.objects.expiring_between().
EXPIRING_WITHIN_DAYS = 30


class CommunityScopedQuerySet(ScopedQuerySet):
    """Records held by one community: street officials read them, that community's staff write."""

    scope_path = "community__path"
    secretaries_write = False


class AgreementArea(models.Model):
    """One of the 五联/六联 co-building areas; shipped in a data migration, editable in admin."""

    name = models.CharField(_("名称"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("共建领域")
        verbose_name_plural = _("共建领域")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class AgreementQuerySet(CommunityScopedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(ended_on__isnull=True, starts_on__lte=on, ends_on__gte=on)

    def expiring_between(self, start, end):
        """Agreements still running whose term ends between `start` and `end` (both included)."""
        return self.filter(ended_on__isnull=True, ends_on__gte=start, ends_on__lte=end)


class Agreement(models.Model):
    """共建协议 between a community and a unit for a term."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未生效")
        ACTIVE = "active", _("履行中")
        EXPIRING = "expiring", _("即将到期")
        EXPIRED = "expired", _("已到期")
        ENDED = "ended", _("已终止")

    STATUS_CLASS = {"pending": "status-grey", "active": "status-green",
                    "expiring": "status-amber", "expired": "status-red", "ended": "status-grey"}

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="agreements", verbose_name=_("社区"),
                                  limit_choices_to={"kind": "community"})
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="agreements",
                             verbose_name=_("共建单位"))
    signed_on = models.DateField(_("签订日期"))
    starts_on = models.DateField(_("生效日期"))
    ends_on = models.DateField(_("到期日期"))
    areas = models.ManyToManyField(AgreementArea, blank=True, verbose_name=_("共建领域"))
    commitments = models.TextField(_("共建承诺"), blank=True)
    document = DocumentUploadField(_("协议扫描件"), upload_to=UploadTo("agreements"), blank=True,
                                   validators=[validate_document])
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=200, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建协议")
        verbose_name_plural = _("共建协议")
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["ended_on", "ends_on"])]

    def __str__(self):
        return f"{self.community} — {self.unit}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("pairing:agreement_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            errors["ends_on"] = _("到期日期必须晚于生效日期。")
        if self.signed_on and self.ends_on and self.signed_on > self.ends_on:
            errors["signed_on"] = _("签订日期不能晚于到期日期。")
        if errors:
            raise ValidationError(errors)

    def status_on(self, day=None):
        day = day or timezone.localdate()
        if self.ended_on:
            return self.Status.ENDED
        if day < self.starts_on:
            return self.Status.PENDING
        if day > self.ends_on:
            return self.Status.EXPIRED
        if self.ends_on - day <= timedelta(days=EXPIRING_WITHIN_DAYS):
            return self.Status.EXPIRING
        return self.Status.ACTIVE

    @property
    def status(self):
        return self.status_on()

    @property
    def status_label(self):
        return self.Status(self.status).label

    @property
    def status_class(self):
        return self.STATUS_CLASS[self.status]


class JointSeatQuerySet(CommunityScopedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), term_start__lte=on)


class JointCommitteeSeat(models.Model):
    """大党委: a unit's leader seated as a concurrent member (兼职委员) of a community's committee."""

    class Role(models.TextChoices):
        DEPUTY_SECRETARY = "deputy_secretary", _("兼职副书记")
        COMMITTEE_MEMBER = "committee_member", _("兼职委员")

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="joint_seats", verbose_name=_("社区"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="joint_seats",
                             verbose_name=_("所在单位"))
    person_name = models.CharField(_("姓名"), max_length=50)
    unit_position = models.CharField(_("单位职务"), max_length=50, blank=True)
    role = models.CharField(_("大党委职务"), max_length=20, choices=Role.choices,
                            default=Role.COMMITTEE_MEMBER)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期届满"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    objects = JointSeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("大党委兼职委员")
        verbose_name_plural = _("大党委兼职委员")
        ordering = ["community", F("ended_on").asc(nulls_first=True), "role", "term_start"]

    def __str__(self):
        return f"{self.person_name}（{self.unit}）"

    def clean(self):
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            raise ValidationError({"term_end": _("任期届满日期必须晚于任期开始日期。")})
        if self.ended_on and self.term_start and self.ended_on < self.term_start:
            raise ValidationError({"ended_on": _("离任日期不能早于任期开始日期。")})


class HouseholdQuerySet(NameKeyedQuerySet, CommunityScopedQuerySet):
    def visible_to(self, user):
        # Personal data: only the holding community's staff, never the street or secretaries.
        return self.managed_by_staff(user)

    def countable_by(self, user):
        """Households the user may count (not read): their street's or community's."""
        return self.filter(scope_q(user, self.scope_path, STREET_ROLES | STAFF_ROLES))

    def active(self):
        return self.filter(closed_on__isnull=True)


class NeedyHousehold(NameKeyed):
    """困难家庭 held by one community, found by the head's name in pinyin too."""

    name_keys_source = "head_name"

    class Kind(models.TextChoices):
        SUBSISTENCE = "subsistence", _("低保户")
        EXTREME_POVERTY = "extreme_poverty", _("特困户")
        DISABILITY = "disability", _("残疾人家庭")
        LONELY_ELDERLY = "lonely_elderly", _("孤寡老人")
        NEEDY_MEMBER = "needy_member", _("困难党员")
        OTHER = "other", _("其他困难家庭")

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="needy_households", verbose_name=_("社区"))
    kind = models.CharField(_("困难类型"), max_length=20, choices=Kind.choices)
    head_name = models.CharField(_("户主姓名"), max_length=50)
    address = models.CharField(_("住址"), max_length=200)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("家庭人口"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)])
    family_members = models.TextField(_("家庭成员"), blank=True,
                                      help_text=_("姓名、关系、年龄、健康状况等。"))
    situation = models.TextField(_("困难情况"))
    needs = models.TextField(_("主要需求"), blank=True)
    registered_on = models.DateField(_("登记日期"), default=timezone.localdate)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    close_reason = models.CharField(_("销号原因"), max_length=200, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("困难家庭")
        verbose_name_plural = _("困难家庭")
        ordering = ["community", "name_pinyin", "head_name"]

    def __str__(self):
        return f"{self.head_name}（{self.get_kind_display()}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("pairing:household_detail", args=[self.pk])


class PairingQuerySet(CommunityScopedQuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), started_on__lte=on)


class Pairing(models.Model):
    """帮扶对子 / 结对: who helps whom, from a start date until it ends (the row stays)."""

    class Kind(models.TextChoices):
        UNIT_HOUSEHOLD = "unit_household", _("单位结对困难家庭")
        MEMBER_HOUSEHOLD = "member_household", _("党员结对困难家庭")
        MEMBER_MEMBER = "member_member", _("新老党员一对一")

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="pairings", verbose_name=_("社区"))
    kind = models.CharField(_("结对类型"), max_length=20, choices=Kind.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="pairings", verbose_name=_("帮扶单位"))
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="pairings_as_helper",
                               verbose_name=_("帮扶党员（老党员）"))
    household = models.ForeignKey(NeedyHousehold, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="pairings",
                                  verbose_name=_("困难家庭"))
    partner = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="pairings_as_partner",
                                verbose_name=_("结对党员（新党员）"))
    started_on = models.DateField(_("结对日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶对子")
        verbose_name_plural = _("帮扶对子")
        ordering = ["-started_on", "pk"]

    def __str__(self):
        return f"{self.helper_name} → {self.helped_label}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("pairing:pairing_detail", args=[self.pk])

    @property
    def helper_name(self):
        return self.unit.name if self.kind == self.Kind.UNIT_HOUSEHOLD else self.member.name

    @property
    def helped_label(self):
        """What the pairing helps, without a household's personal data."""
        if self.kind == self.Kind.MEMBER_MEMBER:
            return self.partner.name
        return _("困难家庭（%(kind)s）") % {"kind": self.household.get_kind_display()}

    @property
    def is_active(self):
        return self.ended_on is None or self.ended_on > timezone.localdate()

    def clean(self):
        errors = {}
        required = {self.Kind.UNIT_HOUSEHOLD: ["unit", "household"],
                    self.Kind.MEMBER_HOUSEHOLD: ["member", "household"],
                    self.Kind.MEMBER_MEMBER: ["member", "partner"]}.get(self.kind, [])
        for name in required:
            if getattr(self, f"{name}_id") is None:
                errors[name] = _("此类结对必须填写该项。")
        community = self.community if self.community_id else None
        if community is not None:
            if self.household_id and self.household.community_id != community.pk:
                errors["household"] = _("只能与本社区登记的困难家庭结对。")
            for name in ("member", "partner"):
                person = getattr(self, name) if getattr(self, f"{name}_id") else None
                if person is not None and not person.branch.path.startswith(community.path):
                    errors[name] = _("只能选择本社区的党员。")
            if self.unit_id and not self.unit.communities.filter(pk=community.pk).exists():
                errors["unit"] = _("该单位不是本社区的共建单位。")
        if self.member_id and self.member_id == self.partner_id:
            errors["partner"] = _("不能与自己结对。")
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("结束日期不能早于结对日期。")
        if errors:
            raise ValidationError(errors)


class CareVisitQuerySet(CommunityScopedQuerySet):
    scope_path = "pairing__community__path"


class CareVisit(models.Model):
    """慰问 / 走访 logged on a pairing."""

    pairing = models.ForeignKey(Pairing, on_delete=models.PROTECT, related_name="visits",
                                verbose_name=_("帮扶对子"))
    visited_on = models.DateField(_("走访日期"))
    visitors = models.CharField(_("走访人"), max_length=100)
    given = models.TextField(_("送去的物品或办的事"))

    objects = CareVisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访慰问")
        verbose_name_plural = _("走访慰问")
        ordering = ["-visited_on", "-pk"]

    def __str__(self):
        return f"{self.visited_on} {self.visitors}"


class Contribution(models.Model):
    """One line of the co-building ledger: money, goods, volunteers or project investment."""

    class Kind(models.TextChoices):
        MONEY = "money", _("捐款")
        GOODS = "goods", _("捐物")
        VOLUNTEERS = "volunteers", _("志愿服务")
        INVESTMENT = "investment", _("项目投入")

    UNIT_OF_KIND = {"money": _("元"), "goods": _("元（折价）"), "volunteers": _("人次"),
                    "investment": _("元")}

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="contributions", verbose_name=_("社区"))
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="contributions", verbose_name=_("共建单位"))
    pairing = models.ForeignKey(Pairing, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="contributions", verbose_name=_("帮扶对子"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(
        _("数额"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("捐款、项目投入填金额（元）；捐物填折价（元）；志愿服务填人次。"))
    given_on = models.DateField(_("日期"))
    description = models.CharField(_("说明"), max_length=200)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建贡献")
        verbose_name_plural = _("共建贡献")
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["community", "given_on"]),
                   models.Index(fields=["unit", "given_on"])]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="contribution_amount_positive")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    @property
    def amount_unit(self):
        return self.UNIT_OF_KIND[self.kind]

    @property
    def amount_display(self):
        """The amount as people read it: 人次 are whole (12, not 12.00), money has its cents."""
        from django.template.defaultfilters import floatformat

        return floatformat(self.amount, "0g" if self.kind == self.Kind.VOLUNTEERS else "2g")

    def clean(self):
        if self.kind == self.Kind.VOLUNTEERS and self.amount is not None \
                and self.amount != self.amount.to_integral_value():
            raise ValidationError({"amount": _("志愿服务人次必须是整数。")})
        if self.unit_id and self.community_id and \
                not self.unit.communities.filter(pk=self.community_id).exists():
            raise ValidationError({"unit": _("该单位不是本社区的共建单位。")})
        if self.pairing_id and self.pairing.community_id != self.community_id:
            raise ValidationError({"pairing": _("只能选择本社区的帮扶对子。")})


class Category(models.TextChoices):
    """Categories shared by needs and resources: matching compares them."""

    ELDERLY_CARE = "elderly_care", _("助老助残")
    ENVIRONMENT = "environment", _("环境整治")
    EDUCATION = "education", _("文化教育")
    HEALTH = "health", _("医疗健康")
    SAFETY = "safety", _("治安消防")
    EMPLOYMENT = "employment", _("就业帮扶")
    LEGAL = "legal", _("法律服务")
    FACILITIES = "facilities", _("设施建设")
    FUNDING = "funding", _("资金物资")
    OTHER = "other", _("其他")


class NeedQuerySet(CommunityScopedQuerySet):
    def open(self):
        return self.filter(closed_on__isnull=True)


class Need(models.Model):
    """需求清单: what a community needs."""

    class Urgency(models.IntegerChoices):
        LOW = 1, _("一般")
        MEDIUM = 2, _("较急")
        HIGH = 3, _("紧急")

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="needs", verbose_name=_("社区"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    title = models.CharField(_("需求"), max_length=100)
    description = models.TextField(_("详细说明"), blank=True)
    urgency = models.PositiveSmallIntegerField(_("紧急程度"), choices=Urgency.choices,
                                               default=Urgency.MEDIUM)
    posted_on = models.DateField(_("提出日期"), default=timezone.localdate)
    closed_on = models.DateField(_("关闭日期"), null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("需求")
        verbose_name_plural = _("需求清单")
        ordering = [F("closed_on").asc(nulls_first=True), "-urgency", "-posted_on"]

    def __str__(self):
        return self.title


class ResourceQuerySet(models.QuerySet):
    """Resources are scoped through their unit."""

    def visible_to(self, user):
        return self.filter(unit__in=Unit.objects.visible_to(user))

    def managed_by_staff(self, user):
        return self.filter(unit__in=Unit.objects.managed_by_staff(user))

    def available(self):
        return self.filter(withdrawn_on__isnull=True, unit__archived_at__isnull=True)


class Resource(models.Model):
    """资源清单: what a unit can offer."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="resources",
                             verbose_name=_("共建单位"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    title = models.CharField(_("资源"), max_length=100)
    capacity = models.CharField(_("可提供的量"), max_length=100, blank=True,
                                help_text=_("如：每月2次义诊、20名志愿者。"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("资源")
        verbose_name_plural = _("资源清单")
        ordering = ["unit", "category", "title"]

    def __str__(self):
        return f"{self.unit}：{self.title}"


class Project(models.Model):
    """项目清单: a need met by a unit's resource, tracked to done or dropped."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        IN_PROGRESS = "in_progress", _("实施中")
        DONE = "done", _("已完成")
        DROPPED = "dropped", _("已放弃")

    STATUS_CLASS = {"planned": "status-grey", "in_progress": "status-amber",
                    "done": "status-green", "dropped": "status-red"}

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="projects", verbose_name=_("社区"))
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="projects",
                             verbose_name=_("需求"))
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="projects",
                                 verbose_name=_("资源"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="projects",
                             verbose_name=_("共建单位"))
    title = models.CharField(_("项目名称"), max_length=100)
    owner = models.CharField(_("负责人"), max_length=50)
    deadline = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.PLANNED)
    drop_reason = models.CharField(_("放弃原因"), max_length=200, blank=True)
    outcome = models.TextField(_("成效"), blank=True)
    finished_on = models.DateField(_("完成日期"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("居民评价（1–5分）"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_note = models.CharField(_("评价说明"), max_length=200, blank=True)

    objects = CommunityScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("共建项目")
        verbose_name_plural = _("项目清单")
        ordering = ["deadline", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("pairing:project_detail", args=[self.pk])

    @property
    def status_class(self):
        return self.STATUS_CLASS[self.status]

    def clean(self):
        errors = {}
        if self.status == self.Status.DONE and not self.outcome.strip():
            errors["outcome"] = _("标记为已完成前请填写项目成效。")
        if self.status == self.Status.DROPPED and not self.drop_reason.strip():
            errors["drop_reason"] = _("放弃项目须说明原因。")
        if self.rating is not None and self.status != self.Status.DONE:
            errors["rating"] = _("项目完成后才能记录居民评价。")
        if errors:
            raise ValidationError(errors)


class ProjectPhoto(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="photos",
                                verbose_name=_("项目"))
    image = ImageUploadField(_("照片"), upload_to=UploadTo("projects"),
                             validators=[validate_image])
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("项目照片")
        verbose_name_plural = _("项目照片")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.caption or str(self.pk)
