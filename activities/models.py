"""Organizational life (三会一课 and the other meeting kinds), community activities, and the
notifications that remind people of them."""
import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.defaults import SHIPPED_KIND_NAMES
from kernel.uploads import ImageUploadField, UploadTo, validate_image
from organizations.models import BulkWriteSignallingQuerySet, Node, ScopedQuerySet
from organizations.rules import NodeRule
from organizations.scope import READ_ROLES, STREET_ROLES, has_role, scope_q


class Period(models.TextChoices):
    MONTH = "month", _("每月")
    QUARTER = "quarter", _("每季度")
    YEAR = "year", _("每年")


class MeetingKind(models.Model):
    """One kind of organizational life. The codes are fixed; names and order are data."""

    GENERAL_MEETING = "general_meeting"
    COMMITTEE_MEETING = "committee_meeting"
    GROUP_MEETING = "group_meeting"
    PARTY_LECTURE = "party_lecture"
    THEME_DAY = "theme_day"

    objects = BulkWriteSignallingQuerySet.as_manager()
    LIFE_MEETING = "life_meeting"
    APPRAISAL = "appraisal"
    TALK = "talk"

    code = models.CharField(_("代码"), max_length=32, primary_key=True)
    name = models.CharField(_("名称"), max_length=30)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("会议类型")
        verbose_name_plural = _("会议类型")
        ordering = ["sort_order"]

    def __str__(self):
        return self.label

    @property
    def label(self):
        """The name to show: a shipped kind still under its shipped name reads in the active
        language; a kind a street added, or renamed, shows exactly the name it was given."""
        if SHIPPED_KIND_NAMES.get(self.code) == self.name:
            return gettext(self.name)
        return self.name


class MeetingRule(NodeRule):
    """Minimum number of held meetings of a kind per period; a street or community overrides."""

    objects = BulkWriteSignallingQuerySet.as_manager()

    kind = models.ForeignKey(MeetingKind, on_delete=models.CASCADE, related_name="rules",
                             verbose_name=_("会议类型"))
    period = models.CharField(_("周期"), max_length=8, choices=Period.choices)
    # At most what the rules page allows: the figures count a month's meetings up to 255
    # (activities.compliance.count_held).
    minimum = models.PositiveSmallIntegerField(_("最少次数"), default=1,
                                               validators=[MaxValueValidator(99)],
                                               help_text=_("填 0 表示该层级不作要求。"))

    class Meta:
        verbose_name = _("组织生活频次规则")
        verbose_name_plural = _("组织生活频次规则")
        constraints = [models.UniqueConstraint(fields=["node", "kind"], name="meeting_rule_unique"),
                       models.UniqueConstraint(fields=["kind"], condition=Q(node__isnull=True),
                                               name="meeting_rule_unique_default")]

    def __str__(self):
        return f"{self.kind} {self.get_period_display()} ≥{self.minimum}"


class ReminderRule(NodeRule):
    """How long before a meeting its attendees are reminded; several rows give several reminders."""

    lead_minutes = models.PositiveIntegerField(_("提前分钟数"))

    class Meta:
        verbose_name = _("会议提醒规则")
        verbose_name_plural = _("会议提醒规则")
        constraints = [models.UniqueConstraint(fields=["node", "lead_minutes"],
                                               name="reminder_rule_unique")]

    def __str__(self):
        return f"{self.lead_minutes}"


class MeetingQuerySet(BulkWriteSignallingQuerySet, ScopedQuerySet):
    scope_path = "branch__path"

    def visible_to(self, user):
        # Members see the meetings they are invited to, through their own member record.
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        branches = Node.objects.filter(scope_q(user, "path", READ_ROLES)).values("pk")
        invited = Attendance.objects.filter(member__user=user).values("meeting_id").order_by()
        if not has_role(user, *STREET_ROLES):
            # A community's or a branch's meetings are a few hundred among a city's million:
            # listed by id. The OR below would have PostgreSQL walk the date index through
            # most of the city's meetings to fill one page.
            kept = Meeting.objects.filter(branch__in=branches).values("pk").order_by()
            return self.filter(pk__in=kept.union(invited))
        # A street's or a district's are a large share: both halves as subqueries on this
        # table's own columns, so PostgreSQL walks the date index and stops after a page (an OR
        # of a path on a joined table with a subquery made it read every meeting first).
        return self.filter(Q(branch__in=branches) | Q(pk__in=invited))

    def held(self):
        return self.filter(status=Meeting.Status.HELD)

    def planned(self):
        return self.filter(status=Meeting.Status.PLANNED)

    def for_member(self, member):
        return self.filter(attendances__member=member).exclude(status=Meeting.Status.CANCELLED)


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("计划")
        HELD = "held", _("已召开")
        CANCELLED = "cancelled", _("已取消")

    branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                               related_name="meetings", verbose_name=_("党支部"),
                               limit_choices_to={"kind": "branch"})
    group = models.ForeignKey("organizations.Node", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="group_meetings",
                              verbose_name=_("党小组"), limit_choices_to={"kind": "group"},
                              help_text=_("党小组会请选择党小组；支部的会议留空。"))
    kinds = models.ManyToManyField(MeetingKind, related_name="meetings",
                                   verbose_name=_("会议类型"),
                                   help_text=_("合并召开的会议可选多个类型，每个类型都计数。"))
    topic = models.CharField(_("议题"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200)
    host = models.CharField(_("主持人"), max_length=50)
    recorder = models.CharField(_("记录人"), max_length=50, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.PLANNED)
    minutes = models.TextField(_("会议记录"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # A subscribed phone calendar replaces its copy of an event only when SEQUENCE grows and
    # reads LAST-MODIFIED; every change a member would see (time, place, cancel, record) adds 1.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    sequence = models.PositiveIntegerField(_("修改次数"), default=0, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at"]
        # starts_at, id: the meeting list's newest-first page, read backwards without a sort.
        indexes = [models.Index(fields=["status", "starts_at"]),
                   models.Index(fields=["starts_at", "id"], name="activities_meeting_newest"),
                   models.Index(fields=["branch", "starts_at"])]

    def __str__(self):
        return f"{self.topic}（{timezone.localtime(self.starts_at):%Y-%m-%d}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("activities:meeting_detail", args=[self.pk])

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间必须晚于开始时间。")})
        if self.group_id and self.branch_id and self.group.parent_id != self.branch_id:
            raise ValidationError({"group": _("党小组必须属于该支部。")})

    def kind_codes(self):
        return {kind.code for kind in self.kinds.all()}

    def present_attendances(self):
        """Present attendees, from the prefetched attendances when there are any."""
        return [row for row in self.attendances.all() if row.status == Attendance.Status.PRESENT]

    def checkin_open(self, now=None):
        from activities.checkin import window_open

        return window_open(self, now or timezone.now())


class Attendance(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("应到")
        PRESENT = "present", _("出席")
        EXCUSED = "excused", _("请假")
        ABSENT = "absent", _("缺席")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        QUALIFIED = "qualified", _("合格")
        BASIC = "basically_qualified", _("基本合格")
        UNQUALIFIED = "unqualified", _("不合格")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances",
                                verbose_name=_("会议"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="attendances", verbose_name=_("党员"))
    status = models.CharField(_("出席情况"), max_length=10, choices=Status.choices,
                              default=Status.INVITED)
    reason = models.CharField(_("请假/缺席原因"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("代签人"))
    on_behalf_reason = models.CharField(_("代签原因"), max_length=200, blank=True)
    grade = models.CharField(_("评议等次"), max_length=20, choices=Grade.choices, blank=True)

    objects = BulkWriteSignallingQuerySet.as_manager()

    class Meta:
        verbose_name = _("出席记录")
        verbose_name_plural = _("出席记录")
        ordering = ["meeting", "member__name_pinyin", "member__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"],
                                               name="attendance_unique")]

    def __str__(self):
        return f"{self.member} {self.get_status_display()}"


class MeetingPhoto(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="photos",
                                verbose_name=_("会议"))
    image = ImageUploadField(_("照片"), upload_to=UploadTo("meetings"),
                             validators=[validate_image])
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("会议照片")
        verbose_name_plural = _("会议照片")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.caption or self.image.name


class ActivityQuerySet(ScopedQuerySet):
    scope_path = "community__path"
    # The community's own activities, recorded by its staff and read by the street.
    secretaries_write = False


class CommunityActivity(models.Model):
    class Kind(models.TextChoices):
        CIVILIZATION = "civilization_campaign", _("文明创建")
        VOLUNTEER = "volunteer_service", _("志愿服务")
        PATROL = "patrol", _("义务巡逻")
        CLEAN_UP = "clean_up", _("环境清理")
        PERFORMANCE = "cultural_performance", _("文艺演出")
        PUBLICITY = "publicity", _("宣传宣讲")
        CARE_VISIT = "care_visit", _("走访慰问")
        OTHER = "other", _("其他")

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="community_activities", verbose_name=_("社区"),
                                  limit_choices_to={"kind": "community"})
    kind = models.CharField(_("活动类型"), max_length=24, choices=Kind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=200)
    organizer = models.CharField(_("组织者"), max_length=100)
    units = models.ManyToManyField("organizations.Unit", blank=True, related_name="community_activities",
                                   verbose_name=_("参与共建单位"))
    residents_count = models.PositiveIntegerField(_("参与居民人数"), default=0)
    description = models.TextField(_("活动内容"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区活动")
        verbose_name_plural = _("社区活动")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["community", "held_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("activities:activity_detail", args=[self.pk])


class Participation(models.Model):
    activity = models.ForeignKey(CommunityActivity, on_delete=models.CASCADE,
                                 related_name="participations", verbose_name=_("活动"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="participations", verbose_name=_("党员"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("参与记录")
        verbose_name_plural = _("参与记录")
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], name="participation_unique"),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24),
                                   name="participation_hours_range"),
        ]

    def __str__(self):
        return f"{self.member} {self.hours}"


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(CommunityActivity, on_delete=models.CASCADE,
                                 related_name="photos", verbose_name=_("活动"))
    image = ImageUploadField(_("照片"), upload_to=UploadTo("activities"),
                             validators=[validate_image])
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.image.name


def new_feed_token():
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A member's secret iCalendar address; revoking keeps the row and stops the address."""

    member = models.ForeignKey("members.Member", on_delete=models.CASCADE,
                               related_name="calendar_feeds", verbose_name=_("党员"))
    token = models.CharField(_("密钥"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")
        constraints = [models.UniqueConstraint(fields=["member"],
                                               condition=Q(revoked_at__isnull=True),
                                               name="calendar_feed_one_active")]

    def __str__(self):
        return f"{self.member}"


class Notification(models.Model):
    """What a user sees in the inbox; shown once its in-app delivery has been made."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE,
                                     verbose_name=_("关于"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    subject = GenericForeignKey("content_type", "object_id")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications", verbose_name=_("接收人"))
    kind = models.CharField(_("提醒类型"), max_length=80)
    category = models.CharField(_("类别"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # The words as msgids and values (activities.reminders.reminder_text): the inbox shows
    # them in the reader's language; title and body keep them in the default language for
    # mail, SMS and reminders recorded before.
    message = models.JSONField(_("提醒文字"), default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    # Channels (codes, comma-separated) that failed for good: the inbox says the reminder is
    # here because the SMS or 企业微信 message did not arrive (activities.channels.fall_back).
    missed_channels = models.CharField(_("未送达的渠道"), max_length=40, blank=True,
                                       db_default="")  # the scan inserts without it

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["content_type", "object_id", "recipient", "kind"], name="notification_unique")]
        indexes = [models.Index(fields=["recipient", "delivered_at", "read_at"])]

    def __str__(self):
        return self.title

    @property
    def shown_title(self):
        from activities.reminders import render_message

        return render_message(self.message, "title") if self.message else self.title

    @property
    def shown_body(self):
        from activities.reminders import render_message

        return render_message(self.message, "body") if self.message else self.body

    @property
    def missed_channel_labels(self):
        from activities.channels import CHANNEL_LABELS

        return [str(CHANNEL_LABELS.get(code, code))
                for code in self.missed_channels.split(",") if code]


class Delivery(models.Model):
    """One notification on one channel: recorded before sending, claimed before the backend."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        VOID = "void", _("已作废")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE,
                                     verbose_name=_("关于"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="deliveries", verbose_name=_("接收人"))
    kind = models.CharField(_("提醒类型"), max_length=80)
    channel = models.CharField(_("渠道"), max_length=10)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("发送记录")
        verbose_name_plural = _("发送记录")
        constraints = [models.UniqueConstraint(
            fields=["content_type", "object_id", "recipient", "kind", "channel"],
            name="delivery_unique")]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id} ({self.channel})"

    @property
    def channel_label(self):
        from activities.channels import CHANNEL_LABELS

        return CHANNEL_LABELS.get(self.channel, self.channel)


class ReminderChannels(models.Model):
    """The channels a member chose besides the inbox (always on), and their 企业微信 account.

    No row means the defaults: every channel the member can be reached on. The phone number
    for SMS is the roster's (`Member.phone`), never typed here."""

    member = models.OneToOneField("members.Member", on_delete=models.CASCADE, primary_key=True,
                                  related_name="reminder_channels", verbose_name=_("党员"))
    wecom_user_id = models.CharField(_("企业微信账号"), max_length=64, blank=True)
    email = models.BooleanField(_("邮件"), default=True)
    sms = models.BooleanField(_("短信"), default=True)
    wecom = models.BooleanField(_("企业微信"), default=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("提醒渠道")
        verbose_name_plural = _("提醒渠道")

    def __str__(self):
        return str(self.member_id)


class ReminderScan(models.Model):
    """What a reminder source read when it last ran in full (activities.reminders.scan): the
    next tick runs it again only when one of those tables was written or its day has turned.
    Written in the scan's transaction, so that it never says more than the records hold."""

    source = models.CharField(_("提醒来源"), max_length=40, unique=True)
    ran_at = models.DateTimeField(_("上次扫描"))
    full_at = models.DateTimeField(_("上次完整扫描"))
    # The day (or other clock) and code the run stood on, and {table: version} of what it read.
    basis = models.JSONField(_("依据"), default=dict)

    class Meta:
        verbose_name = _("提醒扫描记录")
        verbose_name_plural = _("提醒扫描记录")

    def __str__(self):
        return self.source
