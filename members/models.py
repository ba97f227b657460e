from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.validators import mask_id_number, validate_id_number, validate_phone
from organizations.models import ScopedQuerySet
from organizations.scope import scope_q, READ_ROLES, WRITE_ROLES

ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族",
    "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族",
    "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]


class MemberQuerySet(ScopedQuerySet):
    scope_path = "branch__path"

    def visible_to(self, user):
        # A member sees their own record through the login link, not through a node.
        if not user.is_authenticated:
            return self.none()
        return self.filter(scope_q(user, self.scope_path, READ_ROLES) | Q(user=user))

    def editable_by(self, user):
        return self.filter(scope_q(user, self.scope_path, WRITE_ROLES))

    def active(self):
        return self.filter(left_on__isnull=True)

    def full(self):
        return self.filter(status=Member.Status.FULL)

    def probationary(self):
        return self.filter(status=Member.Status.PROBATIONARY)


class Member(models.Model):
    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class Status(models.TextChoices):
        PROBATIONARY = "probationary", _("预备党员")
        FULL = "full", _("正式党员")

    class Category(models.TextChoices):
        RETIRED = "retired", _("离退休党员")
        EMPLOYED = "employed", _("在职党员")
        MOBILE = "mobile", _("流动党员")
        STUDENT = "student", _("学生党员")
        OTHER = "other", _("其他")

    class Education(models.TextChoices):
        PRIMARY = "primary", _("小学及以下")
        JUNIOR = "junior", _("初中")
        SENIOR = "senior", _("高中/中专")
        COLLEGE = "college", _("大专")
        BACHELOR = "bachelor", _("本科")
        POSTGRADUATE = "postgraduate", _("研究生")

    class LeaveReason(models.TextChoices):
        TRANSFERRED_OUT = "transferred_out", _("转出")
        DECEASED = "deceased", _("去世")
        OTHER = "other", _("其他")

    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=10, default="汉族",
                                 choices=[(name, name) for name in ETHNIC_GROUPS])
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True,
                                 validators=[validate_id_number])
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    education = models.CharField(_("学历"), max_length=16, choices=Education.choices, blank=True)
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    joined_on = models.DateField(_("入党时间"), help_text=_("支部大会接收为预备党员的日期。"))
    full_member_on = models.DateField(_("转正时间"), null=True, blank=True)
    probation_extended_months = models.PositiveSmallIntegerField(
        _("延长预备期（月）"), null=True, blank=True)
    probation_extended_on = models.DateField(_("延长预备期决定日期"), null=True, blank=True)
    status = models.CharField(_("党员类型"), max_length=16, choices=Status.choices,
                              default=Status.FULL)
    category = models.CharField(_("党员类别"), max_length=16, choices=Category.choices,
                                default=Category.RETIRED)
    employer_unit = models.ForeignKey(
        "pairing.Unit", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="employees", verbose_name=_("工作单位（共建单位）"))
    employer_name = models.CharField(_("工作单位"), max_length=100, blank=True)
    branch = models.ForeignKey(
        "organizations.Node", on_delete=models.PROTECT, related_name="members",
        verbose_name=_("所在支部"), limit_choices_to={"kind": "branch"})
    group = models.ForeignKey(
        "organizations.Node", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="group_members", verbose_name=_("党小组"), limit_choices_to={"kind": "group"})
    grid = models.ForeignKey("organizations.Grid", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="members",
                             verbose_name=_("网格"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="member",
                                verbose_name=_("登录账号"))
    left_on = models.DateField(_("离开日期"), null=True, blank=True)
    leave_reason = models.CharField(_("离开原因"), max_length=20, choices=LeaveReason.choices,
                                    blank=True)
    leave_note = models.CharField(_("离开说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        ordering = ["branch", "name"]
        indexes = [
            models.Index(fields=["branch", "left_on"]),
            models.Index(fields=["status", "category"]),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("members:member_detail", args=[self.pk])

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def is_active(self):
        return self.left_on is None

    @property
    def probation_ends_on(self):
        """One year from admission, plus a single extension of 6–12 months if decided."""
        if not self.joined_on:
            return None
        ends = _add_months(self.joined_on, 12 + (self.probation_extended_months or 0))
        return ends

    def clean(self):
        errors = {}
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
        if self.birth_date and self.joined_on and self.birth_date >= self.joined_on:
            errors["joined_on"] = _("入党时间必须晚于出生日期。")
        if self.joined_on and self.joined_on > timezone.localdate():
            errors["joined_on"] = _("入党时间不能晚于今天。")
        if self.full_member_on and self.joined_on and self.full_member_on < self.joined_on:
            errors["full_member_on"] = _("转正时间不能早于入党时间。")
        if self.status == self.Status.FULL and self.joined_on and not self.full_member_on:
            pass  # older records often lack the exact date; party age then counts from joining
        if self.group_id and self.branch_id and self.group.parent_id != self.branch_id:
            errors["group"] = _("党小组必须属于所在支部。")
        if self.grid_id and self.branch_id and not self.branch.path.startswith(
                self.grid.community.path):
            errors["grid"] = _("网格必须属于党员所在社区。")
        if errors:
            raise ValidationError(errors)


def _add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
