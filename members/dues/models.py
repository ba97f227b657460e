"""党费: the rates (rules as data), each member's base (核定), approved exceptions, the ledger
of payments and the closed months. Amounts are Decimal yuan; nothing here is ever a float."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.models import BulkWriteSignallingQuerySet, ScopedQuerySet
from organizations.rules import NodeRule


class DuesCategory(models.TextChoices):
    EMPLOYED = "employed", _("在职党员（按税后固定工资）")
    RETIRED = "retired", _("离退休党员（按离退休费）")
    FARMER = "farmer", _("农民党员")
    STUDENT = "student", _("学生党员")
    UNEMPLOYED = "unemployed", _("下岗失业党员")
    RELIEF = "relief", _("依靠抚恤、救济或低保生活的党员")


# The categories whose dues are a percentage of an income; the others pay a fixed amount.
INCOME_CATEGORIES = frozenset({DuesCategory.EMPLOYED, DuesCategory.RETIRED})


def check_first_of_month(value):
    if value is not None and value.day != 1:
        raise ValidationError(_("请填写某月的第一天。"))


class FromMonthRule(NodeRule):
    """A rule that takes effect from a month on (empty: from the start). A change is a new row
    from a later month, so the months already owed, paid and reported keep the rule they had."""

    from_month = models.DateField(
        _("起始月份"), null=True, blank=True, validators=[check_first_of_month],
        help_text=_("该月第一天；留空表示一直适用。调整标准请新增从以后某月起的一组，勿修改已有的。"))

    class Meta:
        abstract = True


class DuesRate(FromMonthRule):
    """One tier: members of `category` whose monthly base is at most `up_to` (no bound on the
    last tier) pay `percent` % of the whole base, or `fixed_amount` yuan a month.

    A node's tiers for a category from a month replace, as a whole (never mixed tier by tier),
    the tiers of the levels above and the node's own from an earlier month: see `rates.RateBook`."""

    category = models.CharField(_("党费类别"), max_length=16, choices=DuesCategory.choices)
    up_to = models.DecimalField(_("基数上限（含）"), max_digits=10, decimal_places=2, null=True,
                                blank=True, help_text=_("留空表示以上不设上限。"))
    percent = models.DecimalField(_("比例（%）"), max_digits=5, decimal_places=2, null=True,
                                  blank=True)
    fixed_amount = models.DecimalField(_("每月定额（元）"), max_digits=8, decimal_places=2,
                                       null=True, blank=True)

    class Meta:
        verbose_name = _("党费标准")
        verbose_name_plural = _("党费标准")
        ordering = ["node_id", "category", models.F("from_month").asc(nulls_first=True),
                    models.F("up_to").asc(nulls_last=True)]

    def __str__(self):
        return f"{self.get_category_display()} ≤{self.up_to or '∞'}"

    def clean(self):
        if (self.percent is None) == (self.fixed_amount is None):
            raise ValidationError(_("比例和每月定额须填写且只填写一项。"))
        if self.category == DuesCategory.FARMER and self.fixed_amount is not None and not (
                Decimal("0.20") <= self.fixed_amount <= Decimal("1.00")):
            raise ValidationError({"fixed_amount": _("农民党员每月交纳 0.2 元至 1 元。")})


class DuesRounding(FromMonthRule):
    """To what the monthly amount is rounded (half up): the fen by default, the jiao where a
    province's rule says so."""

    unit = models.DecimalField(_("取整到（元）"), max_digits=4, decimal_places=2,
                               choices=[(Decimal("0.01"), _("分")), (Decimal("0.10"), _("角"))])

    class Meta:
        verbose_name = _("党费取整规则")
        verbose_name_plural = _("党费取整规则")

    def __str__(self):
        return str(self.unit)


class DuesQuerySet(ScopedQuerySet):
    """Rows of a member's dues, scoped by the member's branch; a member reads their own."""

    scope_path = "member__branch__path"


class DuesBase(models.Model):
    """核定: the member's category and monthly base from `from_month` on, until the next one."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="dues_bases", verbose_name=_("党员"))
    from_month = models.DateField(_("起始月份"), help_text=_("该月第一天；从该月起按此基数计算。"))
    category = models.CharField(_("党费类别"), max_length=16, choices=DuesCategory.choices)
    income = models.DecimalField(_("月计算基数（元）"), max_digits=10, decimal_places=2,
                                 null=True, blank=True,
                                 help_text=_("在职：税后固定工资；离退休：离退休费或养老金。"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("核定人"))
    set_at = models.DateTimeField(_("核定时间"), auto_now_add=True)

    objects = DuesQuerySet.as_manager()

    class Meta:
        verbose_name = _("党费基数")
        verbose_name_plural = _("党费基数")
        ordering = ["member", "-from_month"]
        constraints = [models.UniqueConstraint(fields=["member", "from_month"],
                                               name="dues_base_one_per_month")]

    def __str__(self):
        return f"{self.member} {self.from_month:%Y-%m}"


class DuesException(models.Model):
    """A reduced or waived amount: the branch's decision, approved by the organization above."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="dues_exceptions", verbose_name=_("党员"))
    from_month = models.DateField(_("起始月份"))
    until_month = models.DateField(_("截止月份"), null=True, blank=True,
                                   help_text=_("留空表示长期有效。"))
    amount = models.DecimalField(_("每月交纳（元）"), max_digits=8, decimal_places=2,
                                 help_text=_("免交填 0。"))
    reason = models.CharField(_("原因"), max_length=200)
    decided_on = models.DateField(_("支部决定日期"))
    approved_by = models.CharField(_("批准的上级党组织"), max_length=100)
    approved_on = models.DateField(_("批准日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = DuesQuerySet.as_manager()

    class Meta:
        verbose_name = _("党费减免")
        verbose_name_plural = _("党费减免")
        ordering = ["member", "-from_month"]

    def __str__(self):
        return f"{self.member} {self.from_month:%Y-%m} {self.amount}"

    def covers(self, month):
        return self.from_month <= month and (self.until_month is None or month <= self.until_month)


class DuesPaymentQuerySet(BulkWriteSignallingQuerySet, DuesQuerySet):
    scope_path = "branch__path"


class DuesPayment(models.Model):
    """One ledger entry. Entries of a closed month never change: a correction is a new entry
    (with its reason) in an open month that points at the one it corrects."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("按月交纳")
        BACK = "back", _("补缴")
        VOLUNTARY = "voluntary", _("自愿多交")
        OPENING = "opening", _("期初（导入的已缴月份）")
        CORRECTION = "correction", _("更正")

    SETTLING_KINDS = (Kind.MONTHLY, Kind.BACK, Kind.OPENING)

    class Way(models.TextChoices):
        CASH = "cash", _("现金")
        TRANSFER = "transfer", _("转账")

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="dues_payments", verbose_name=_("党员"))
    # The branch whose ledger holds the entry, kept when the member later moves.
    branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("支部"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    first_month = models.DateField(_("所交月份（起）"))
    last_month = models.DateField(_("所交月份（止）"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    way = models.CharField(_("交纳方式"), max_length=16, choices=Way.choices, blank=True)
    receipt_number = models.CharField(_("收据号"), max_length=40, blank=True)
    paid_on = models.DateField(_("交纳日期"))
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections", verbose_name=_("更正的记录"))
    voids = models.BooleanField(_("作废原记录"), default=False,
                                help_text=_("原记录所交月份恢复为未交。"))
    reason = models.CharField(_("更正原因"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("登记人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = DuesPaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("党费交纳记录")
        verbose_name_plural = _("党费交纳记录")
        ordering = ["-paid_on", "-pk"]
        indexes = [models.Index(fields=["branch", "paid_on"]),
                   models.Index(fields=["member", "last_month"]),
                   # Months paid in advance (local_rules.repriced_paid_months): few rows
                   # reach past this month, found without reading every payment.
                   models.Index(fields=["last_month"], name="dues_payment_last_month")]

    def __str__(self):
        return f"{self.member} {self.first_month:%Y-%m}–{self.last_month:%Y-%m} {self.amount}"

    @property
    def ledger_month(self):
        return self.paid_on.replace(day=1)

    @property
    def settles_months(self):
        """Whether the months it covers count as paid (unless a correction voids it)."""
        return self.kind in self.SETTLING_KINDS

    def save(self, *args, **kwargs):
        if self.pk and DuesMonthClose.objects.filter(
                branch_id=self.branch_id, month=self.ledger_month).exists():
            raise ValidationError(_("该月账目已结账，不能修改；请登记更正。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("党费记录不能删除；请登记更正。"))


class DuesMonthClose(models.Model):
    """A branch's ledger month, closed: its entries are final."""

    branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("支部"))
    month = models.DateField(_("月份"))
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("结账人"))
    closed_at = models.DateTimeField(_("结账时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("党费结账月份")
        verbose_name_plural = _("党费结账月份")
        constraints = [models.UniqueConstraint(fields=["branch", "month"],
                                               name="dues_close_once")]

    def __str__(self):
        return f"{self.branch} {self.month:%Y-%m}"
