from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.dates import add_months
from kernel.normalize import normalize_id_number, normalize_name
from kernel.pinyin import NameKeyed, NameKeyedQuerySet
from members.validators import mask_id_number, validate_id_number, validate_phone
from organizations.models import BulkWriteSignallingQuerySet, ScopedQuerySet
from organizations.rules import NodeRule
from organizations.scope import READ_ROLES, scope_q, with_own

ETHNIC_GROUPS = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族",
    "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族",
    "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]


class AccountStatus(models.TextChoices):
    """A member's portal account, read from `Member.user` and `Member.account_activated_at`."""

    NONE = "none", _("未开通")
    PENDING = "pending", _("待激活")
    ACTIVE = "active", _("已激活")
    DISABLED = "disabled", _("已停用")


def account_status_q(status):
    """A Q object: members whose account is in `status`."""
    return {
        AccountStatus.NONE: Q(user__isnull=True),
        AccountStatus.DISABLED: Q(user__isnull=False, user__is_active=False),
        AccountStatus.ACTIVE: Q(user__is_active=True, account_activated_at__isnull=False),
        AccountStatus.PENDING: Q(user__is_active=True, account_activated_at__isnull=True),
    }[status]


class MemberQuerySet(BulkWriteSignallingQuerySet, NameKeyedQuerySet, ScopedQuerySet):
    scope_path = "branch__path"

    def visible_to(self, user):
        # A member sees their own record through the login link, not through a node.
        if not user.is_authenticated:
            return self.none()
        return self.filter(with_own(user, scope_q(user, self.scope_path, READ_ROLES),
                                    Q(user=user)))

    def active(self):
        return self.filter(left_on__isnull=True)

    def full(self):
        return self.filter(status=Member.Status.FULL)

    def account(self, status):
        return self.filter(account_status_q(status))

    def to_reach(self):
        """On the roll, using a phone, and not yet activated: whom staff still have to reach."""
        return self.active().filter(no_smartphone=False).exclude(
            account_status_q(AccountStatus.ACTIVE))

    def probationary(self):
        return self.filter(status=Member.Status.PROBATIONARY)


def probation_end(joined_on, extended_months):
    """One year from admission, plus a single extension of 6–12 months if decided."""
    return add_months(joined_on, 12 + (extended_months or 0)) if joined_on else None


class Member(NameKeyed):
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
        "organizations.Unit", null=True, blank=True, on_delete=models.SET_NULL,
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
    account_activated_at = models.DateTimeField(
        _("账号激活时间"), null=True, blank=True, editable=False,
        help_text=_("党员用激活码设置本人密码的时间。"))
    no_smartphone = models.BooleanField(
        _("不使用手机"), default=False,
        help_text=_("不使用智能手机的党员由工作人员代为签到和登记，不计入账号激活率。"))
    # 适老化: the member's own display choice, kept on the record so it follows them to every
    # device and survives logging out; `request.user.member` is loaded on every page anyway
    # (the navigation asks for it), so applying it costs no query.
    large_text = models.BooleanField(_("大字模式"), default=False, editable=False)
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
        # Names in pinyin order (阿 before 张 before 赵), not in code-point order.
        ordering = ["branch", "name_pinyin", "name"]
        indexes = [
            models.Index(fields=["branch", "left_on"]),
            models.Index(fields=["status", "category"]),
            # The dashboards count a street's members by branch, category and status (and the
            # employed ones by unit and registration) from this index alone, without reading
            # the 50,000 rows.
            models.Index(fields=["branch", "category", "status"],
                         include=["id", "employer_unit"],
                         condition=models.Q(left_on__isnull=True), name="member_on_roll_counts"),
            # And their accounts (members/accounts.activation_rates).
            models.Index(fields=["branch"],
                         include=["id", "no_smartphone", "account_activated_at", "user"],
                         condition=models.Q(left_on__isnull=True),
                         name="member_on_roll_accounts"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("members:member_detail", args=[self.pk])

    @property
    def account_status(self):
        """未开通 / 待激活 / 已激活 / 已停用, from the login link (see `account_status_q`)."""
        if self.user_id is None:
            return AccountStatus.NONE
        if not self.user.is_active:
            return AccountStatus.DISABLED
        return AccountStatus.ACTIVE if self.account_activated_at else AccountStatus.PENDING

    def get_account_status_display(self):
        return AccountStatus(self.account_status).label

    @property
    def masked_id_number(self):
        return mask_id_number(self.id_number)

    @property
    def choice_label(self):
        """The name with what tells namesakes apart (two 余桂荣 in one branch happen): the
        birth year and the ID number's last four characters, both already shown by the masked
        ID number, and read from this row alone, so a select of 500 members costs no query.
        Every member select and attendance row shows this."""
        digits = (self.id_number or "")[-4:]
        if self.birth_date:
            return _("%(name)s（%(year)s年生，尾号%(digits)s）") % {
                "name": self.name, "year": self.birth_date.year, "digits": digits}
        return _("%(name)s（尾号%(digits)s）") % {"name": self.name, "digits": digits}

    @property
    def is_active(self):
        return self.left_on is None

    @property
    def probation_ends_on(self):
        return probation_end(self.joined_on, self.probation_extended_months)

    def clean(self):
        errors = {}
        # The form and the import normalize already; this catches the admin and the shell.
        self.id_number = normalize_id_number(self.id_number)
        self.name = normalize_name(self.name)
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


class Transfer(models.Model):
    """组织关系转接: one move of a member from one branch to another, kept as history."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="transfers",
                               verbose_name=_("党员"))
    from_branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("转出支部"))
    to_branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("转入支部"))
    transferred_on = models.DateField(_("转接日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("经办人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        ordering = ["-transferred_on", "-pk"]


class PostQuerySet(ScopedQuerySet):
    scope_path = "community__path"
    # The post catalogue is kept by community staff; secretaries and members read it.
    secretaries_write = False

    def open(self):
        return self.filter(archived_at__isnull=True)


class Post(models.Model):
    """岗位: a post of a community's catalogue that members claim."""

    STANDARD = [
        ("政策宣传岗", "宣传党的方针政策，入户讲解惠民政策。", 40),
        ("文化娱乐岗", "组织和参与社区文艺、健身等文化活动。", 20),
        ("帮教岗", "协助开展社区矫正和安置帮教对象的教育帮扶。", 10),
        ("双拥岗", "走访慰问军烈属、退役军人，开展拥军优属。", 10),
        ("护楼员", "照看所在楼栋的公共设施和安全，及时反映问题。", 30),
        ("扶贫帮困岗", "结对帮扶困难家庭，反映困难群众需求。", 15),
        ("民事调解岗", "参与邻里纠纷、家庭矛盾的调解。", 10),
        ("消防安全岗", "巡查楼道堆物、消防通道，宣传消防知识。", 15),
        ("计划生育监督岗", "宣传人口与家庭政策，协助做好相关服务。", 5),
        ("卫生巡逻岗", "巡查环境卫生，劝导不文明行为。", 15),
        ("科普知识宣传岗", "宣传科学知识，普及健康和防诈骗常识。", 10),
        ("清理保洁岗", "参与小区公共区域清理保洁和义务劳动。", 20),
    ]

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="posts", verbose_name=_("社区"),
                                  limit_choices_to={"kind": "community"})
    name = models.CharField(_("岗位名称"), max_length=50)
    description = models.CharField(_("岗位职责"), max_length=300, blank=True)
    grid = models.ForeignKey("organizations.Grid", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="posts",
                             verbose_name=_("适用网格"), help_text=_("留空表示全社区。"))
    capacity = models.PositiveIntegerField(_("定员"), default=10)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    archived_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["community", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"],
                                               name="post_unique_name")]

    def __str__(self):
        return self.name


class PostClaimQuerySet(ScopedQuerySet):
    scope_path = "post__community__path"
    # Claims are approved and ended by the community's staff, as its posts are kept.
    secretaries_write = False

    def holding(self):
        """Claims that take a place of the post's capacity."""
        return self.filter(status=PostClaim.Status.APPROVED, ended_on__isnull=True)


class PostClaim(models.Model):
    """认领岗位: a member's claim on a post, decided by community staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        DECLINED = "declined", _("未通过")

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="claims",
                             verbose_name=_("岗位"))
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="post_claims",
                               verbose_name=_("党员"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    claimed_at = models.DateTimeField(_("认领时间"), auto_now_add=True)
    assigned = models.BooleanField(_("由工作人员安排"), default=False)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("审核人"))
    decline_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    objects = PostClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位认领")
        verbose_name_plural = _("岗位认领")
        ordering = ["-claimed_at"]
        constraints = [models.UniqueConstraint(
            fields=["post", "member"], condition=Q(status__in=["pending", "approved"],
                                                   ended_on__isnull=True),
            name="post_claim_one_open")]

    def __str__(self):
        return f"{self.member} · {self.post}"


class PostServiceMonth(models.Model):
    """A month of service on a claimed post: the source of `post_month` points."""

    claim = models.ForeignKey(PostClaim, on_delete=models.CASCADE, related_name="service_months",
                              verbose_name=_("岗位认领"))
    month = models.DateField(_("服务月份"), help_text=_("该月的第一天。"))

    class Meta:
        verbose_name = _("岗位服务月")
        verbose_name_plural = _("岗位服务月")
        constraints = [models.UniqueConstraint(fields=["claim", "month"],
                                               name="post_service_month_unique")]

    def __str__(self):
        return f"{self.claim} {self.month:%Y-%m}"


class RegistrationQuerySet(BulkWriteSignallingQuerySet, ScopedQuerySet):
    scope_path = "community__path"
    # The community's staff accept or decline who registers with it.
    secretaries_write = False

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(scope_q(user, self.scope_path, READ_ROLES) | Q(member__user=user))


class Registration(models.Model):
    """双报到: an employed member of a co-building unit registers with the community they live in."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已报到")
        DECLINED = "declined", _("未通过")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="registrations",
                               verbose_name=_("党员"))
    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="registrations", verbose_name=_("报到社区"),
                                  limit_choices_to={"kind": "community"})
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT,
                             related_name="registrations", verbose_name=_("所在共建单位"))
    address = models.CharField(_("居住地址"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.PENDING)
    registered_at = models.DateTimeField(_("报到时间"), auto_now_add=True)
    entered_by_staff = models.BooleanField(_("工作人员代为登记"), default=False)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("审核人"))
    decline_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区报到")
        verbose_name_plural = _("社区报到")
        ordering = ["-registered_at"]
        constraints = [models.UniqueConstraint(
            fields=["member", "community"], condition=Q(status__in=["pending", "approved"]),
            name="registration_one_open")]

    def __str__(self):
        return f"{self.member} → {self.community}"


class PointsRule(NodeRule):
    """积分规则: points per unit of an item, a yearly cap and the categories exempt from it."""

    item = models.CharField(_("积分项目"), max_length=40)
    points = models.DecimalField(_("每次/每单位分值"), max_digits=6, decimal_places=1)
    yearly_cap = models.DecimalField(_("年度上限"), max_digits=7, decimal_places=1,
                                     null=True, blank=True, help_text=_("留空表示不设上限。"))
    exempt_categories = models.JSONField(_("免计类别"), default=list, blank=True,
                                         help_text=_("这些类别的党员不计此项积分。"))

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        constraints = [models.UniqueConstraint(fields=["node", "item"],
                                               name="points_rule_unique"),
                       models.UniqueConstraint(fields=["item"], condition=Q(node__isnull=True),
                                               name="points_rule_unique_default")]

    def __str__(self):
        return f"{self.item} {self.points}"


class PointsEntryQuerySet(ScopedQuerySet):
    scope_path = "member__branch__path"

    def in_year(self, year):
        return self.filter(occurred_on__year=year)


class PointsEntry(models.Model):
    """One line of the points ledger; totals are always sums of these lines."""

    ADJUSTMENT = "adjustment"

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="points_entries",
                               verbose_name=_("党员"))
    item = models.CharField(_("积分项目"), max_length=40)
    quantity = models.DecimalField(_("数量"), max_digits=7, decimal_places=1, default=1)
    points = models.DecimalField(_("积分"), max_digits=7, decimal_places=1)
    occurred_on = models.DateField(_("发生日期"))
    source_type = models.ForeignKey("contenttypes.ContentType", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("来源类型"))
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("录入人"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = PointsEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["member", "occurred_on"])]
        constraints = [models.UniqueConstraint(
            fields=["member", "item", "source_type", "source_id"],
            condition=Q(source_id__isnull=False), name="points_entry_once_per_source")]

    def __str__(self):
        return f"{self.member} {self.item} {self.points}"

    @property
    def item_label(self):
        from members.points import item_label

        return item_label(self.item)


class DisplayChoice(models.Model):
    """大字模式 of a user with no member record (community staff, officials, secretaries who
    are not on this portal's roster): a member keeps it on `Member.large_text`.

    Kept on the user, not only in the session: a session ends after SESSION_IDLE_MINUTES idle
    and at logout, and the choice is for the eyes of the person, not of one visit. The session
    holds a copy, filled at login (`members.display`), so pages read it without a query."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="display_choice", verbose_name=_("用户"))
    large_text = models.BooleanField(_("大字模式"), default=False)

    class Meta:
        verbose_name = _("显示设置")
        verbose_name_plural = _("显示设置")

    def __str__(self):
        return str(self.user)


class ActivationCodeQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(used_at__isnull=True, voided_at__isnull=True,
                           expires_at__gt=now or timezone.now())


class ActivationCode(models.Model):
    """激活码: a one-time code with which a member sets their own password.

    Only a keyed hash of the code is stored (`members.accounts.code_hash`); the code itself is
    shown once, on the printed slip or in the text message of the batch that issued it. A code
    is used once, expires, and is voided by a newer code, by too many wrong attempts, and when
    the member leaves the roster.
    """

    class Reason(models.TextChoices):
        FIRST = "first", _("首次开通")
        LOST = "lost", _("邀请单遗失")
        FORGOTTEN = "forgotten", _("忘记密码")
        RESTORED = "restored", _("恢复到名册后重新邀请")
        EXPIRED = "expired", _("激活码已过期")
        OTHER = "other", _("其他")

    class Channel(models.TextChoices):
        PRINT = "print", _("打印邀请单")
        SMS = "sms", _("短信")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="activation_codes",
                               verbose_name=_("党员"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="activation_codes", verbose_name=_("登录账号"))
    code_hash = models.CharField(_("激活码摘要"), max_length=64, editable=False)
    channel = models.CharField(_("发放方式"), max_length=8, choices=Channel.choices)
    reason = models.CharField(_("发放原因"), max_length=16, choices=Reason.choices,
                              default=Reason.FIRST)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("发放人"))
    issued_at = models.DateTimeField(_("发放时间"), default=timezone.now)
    expires_at = models.DateTimeField(_("失效时间"))
    failed_attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    objects = ActivationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("激活码")
        verbose_name_plural = _("激活码")
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["user", "used_at", "voided_at"])]

    def __str__(self):
        return f"{self.member} {self.issued_at:%Y-%m-%d}"


# 组织关系转接 out of and into the street, 流动党员 and 失联: the rules and records of
# members/moves.py (docs/RULES.md, "Moving members").

class MoveRule(NodeRule):
    """The time rules of moving members, as data: the default row ships with the portal, a
    district, street or community row overrides it (the nearest wins)."""

    receipt_due_days = models.PositiveSmallIntegerField(
        _("回执期限（天）"), default=90,
        help_text=_("转出介绍信开出后，超过这些天仍未收到回执即为逾期。"))
    lost_contact_months = models.PositiveSmallIntegerField(
        _("失联月数"), default=6, help_text=_("最后一次联系距今达到这些月即列为失联党员。"))
    lost_excluded_from_quorum = models.BooleanField(
        _("失联党员不计入应到人数"), default=True,
        help_text=_("党员大会计算应到会人数时，不计失联党员。"))

    objects = BulkWriteSignallingQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员流动规则")
        verbose_name_plural = _("党员流动规则")
        # One row per node; the default row (no node) is kept single by the data migration
        # and defaults.ensure_move_rule, as NULLs never collide in a unique constraint.
        constraints = [models.UniqueConstraint(fields=["node"], name="move_rule_unique_node")]

    def __str__(self):
        return f"{self.receipt_due_days} / {self.lost_contact_months}"


class TransferOutQuerySet(ScopedQuerySet):
    # The branch the member left: the member's own branch no longer speaks for the record
    # once a later transfer in puts them elsewhere.
    scope_path = "from_branch__path"

    def awaiting_receipt(self):
        return self.filter(receipt_on__isnull=True)


class TransferOut(models.Model):
    """转出: the letter that takes a member's organizational relationship out of the street."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers_out",
                               verbose_name=_("党员"))
    from_branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("转出支部"))
    letter_number = models.CharField(_("介绍信编号"), max_length=40)
    destination = models.CharField(_("转入党组织"), max_length=200)
    sent_on = models.DateField(_("开出日期"))
    receipt_on = models.DateField(_("回执日期"), null=True, blank=True)
    receipt_note = models.CharField(_("回执说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("经办人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = TransferOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("转出")
        verbose_name_plural = _("转出")
        ordering = ["-sent_on", "-pk"]

    def __str__(self):
        return f"{self.member} → {self.destination}"


class TransferInQuerySet(BulkWriteSignallingQuerySet, ScopedQuerySet):
    scope_path = "to_branch__path"


class TransferIn(models.Model):
    """转入: the letter a member brings from outside the street, and the branch that takes them."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("新建名册记录")
        MOVED = "moved", _("名册中已有，转入本支部")
        RETURNED = "returned", _("曾离开名册，恢复并转入")

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="transfers_in",
                               verbose_name=_("党员"))
    to_branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("转入支部"))
    letter_number = models.CharField(_("介绍信编号"), max_length=40)
    origin = models.CharField(_("原党组织"), max_length=200)
    received_on = models.DateField(_("收到日期"))
    outcome = models.CharField(_("名册处理"), max_length=12, choices=Outcome.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("经办人"))
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = TransferInQuerySet.as_manager()

    class Meta:
        verbose_name = _("转入")
        verbose_name_plural = _("转入")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"{self.origin} → {self.member}"


class MobileStayQuerySet(ScopedQuerySet):
    scope_path = "member__branch__path"

    def current(self):
        return self.filter(ended_on__isnull=True)


class MobileStay(models.Model):
    """流动党员: a member away for a long time, still on the roster, cared for over there."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="mobile_stays",
                               verbose_name=_("党员"))
    destination = models.CharField(_("外出地点"), max_length=200)
    contact = models.CharField(_("联系方式"), max_length=100)
    certificate_number = models.CharField(_("流动党员活动证编号"), max_length=40)
    host_organization = models.CharField(_("流入地党组织"), max_length=200)
    started_on = models.DateField(_("外出日期"))
    ended_on = models.DateField(_("返回日期"), null=True, blank=True)
    previous_category = models.CharField(_("外出前类别"), max_length=16,
                                         choices=Member.Category.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("经办人"))

    objects = MobileStayQuerySet.as_manager()

    class Meta:
        verbose_name = _("流动党员登记")
        verbose_name_plural = _("流动党员登记")
        ordering = ["-started_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["member"],
                                               condition=Q(ended_on__isnull=True),
                                               name="mobile_stay_one_current")]

    def __str__(self):
        return f"{self.member} · {self.destination}"


class ContactRecordQuerySet(BulkWriteSignallingQuerySet, ScopedQuerySet):
    scope_path = "member__branch__path"


class ContactRecord(models.Model):
    """A contact the branch had with a member outside meetings (a call, a visit): one of the
    sources of the last contact (members/contact.py)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="contacts",
                               verbose_name=_("党员"))
    contacted_on = models.DateField(_("联系日期"))
    way = models.CharField(_("联系方式"), max_length=40)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("经办人"))

    objects = ContactRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["-contacted_on", "-pk"]
        indexes = [models.Index(fields=["member", "contacted_on"])]
