"""Volunteer teams (志愿者服务队) and service records (志愿服务记录) after 民政部令第67号
《志愿服务记录与证明出具办法（试行）》: the volunteer's basic information, each service, training,
awards and evaluations, recorded by the community that organized the service and certified by
the community that recorded it. Nothing here is deleted by a click: members leave teams with a
date, hours change through correction rows that keep the previous value and a reason.
"""
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kernel.pinyin import NameKeyed, NameKeyedQuerySet
from organizations.models import ScopedQuerySet


class CommunityScoped(ScopedQuerySet):
    # Volunteers, teams and records belong to a community: its staff keep them, the street
    # reads them; branch secretaries do not write them.
    scope_path = "community__path"
    secretaries_write = False


class VolunteerQuerySet(NameKeyedQuerySet, CommunityScoped):
    pass


class TeamKindQuerySet(models.QuerySet):
    def available_to(self, community):
        """The shipped kinds and those a node above (or at) the community added."""
        ancestors = [community.path[:end] for end in range(1, len(community.path) + 1)]
        return self.filter(Q(node__isnull=True) | Q(node__path__in=ancestors))


class TeamKind(models.Model):
    """A kind of team (巡逻队, 环境整治…): shipped rows have no node; a street or a community
    adds its own."""
    node = models.ForeignKey("organizations.Node", on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+", verbose_name=_("所属组织"))
    name = models.CharField(_("服务队类型"), max_length=50)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=100)

    objects = TeamKindQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务队类型")
        verbose_name_plural = _("服务队类型")
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["node", "name"], name="team_kind_unique")]

    def __str__(self):
        return self.name


class Volunteer(NameKeyed):
    """A person registered as a volunteer with a community: a Party member of the roster, or a
    resident who is not (then name and phone are kept here, with the consent date)."""
    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="volunteers", verbose_name=_("登记社区"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="volunteer_records", verbose_name=_("党员"))
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # Only the masked form is kept: the certificate prints it, nothing needs the full number.
    id_number_masked = models.CharField(_("身份证号（隐去中间位）"), max_length=18, blank=True)
    consent_on = models.DateField(_("本人同意登记日期"))
    registered_on = models.DateField(_("登记日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["name_pinyin", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["community", "member"],
                                               condition=Q(member__isnull=False),
                                               name="volunteer_member_once_per_community")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("volunteers:volunteer_detail", args=[self.pk])

    @property
    def is_member(self):
        return self.member_id is not None

    @property
    def masked_name(self):
        return mask_name(self.name)


def mask_name(name):
    """张三 → 张*, 欧阳娜娜 → 欧***: the surname's first character only."""
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


class Team(models.Model):
    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="volunteer_teams", verbose_name=_("社区"))
    kind = models.ForeignKey(TeamKind, on_delete=models.PROTECT, related_name="teams",
                             verbose_name=_("服务队类型"))
    name = models.CharField(_("服务队名称"), max_length=100)
    leader = models.ForeignKey(Volunteer, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="led_teams", verbose_name=_("队长"))
    founded_on = models.DateField(_("成立日期"))
    description = models.TextField(_("服务内容"), blank=True)
    disbanded_on = models.DateField(_("解散日期"), null=True, blank=True)

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("志愿者服务队")
        verbose_name_plural = _("志愿者服务队")
        ordering = ["kind__sort_order", "name", "pk"]
        constraints = [models.UniqueConstraint(fields=["community", "name"],
                                               name="team_name_unique_in_community")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("volunteers:team_detail", args=[self.pk])


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships",
                             verbose_name=_("服务队"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT,
                                  related_name="memberships", verbose_name=_("志愿者"))
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    leave_reason = models.CharField(_("退出原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("服务队成员")
        verbose_name_plural = _("服务队成员")
        ordering = ["joined_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "volunteer"],
                                               condition=Q(left_on__isnull=True),
                                               name="team_membership_current_once")]

    def __str__(self):
        return f"{self.team} {self.volunteer}"


class ServiceRecord(models.Model):
    """One service of one volunteer, recorded by the community that organized it."""
    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="volunteer_service_records",
                                  verbose_name=_("记录社区"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT,
                                  related_name="service_records", verbose_name=_("志愿者"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="service_records", verbose_name=_("服务队"))
    activity = models.ForeignKey("activities.CommunityActivity", on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="volunteer_service_records",
                                 verbose_name=_("活动"))
    served_on = models.DateField(_("服务日期"))
    place = models.CharField(_("服务地点"), max_length=200)
    content = models.CharField(_("服务内容"), max_length=500)
    # Service time only (办法第九条): travel to and from the place is not counted.
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("记录人"))
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-served_on", "-pk"]
        indexes = [models.Index(fields=["community", "served_on"])]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"],
                                    condition=Q(activity__isnull=False),
                                    name="service_record_once_per_activity"),
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24),
                                   name="service_record_hours_range"),
        ]

    def __str__(self):
        return f"{self.volunteer} {self.served_on} {self.hours}"


class ServiceCorrection(models.Model):
    """A change of a record's hours: the previous value and the reason stay."""
    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT,
                               related_name="corrections", verbose_name=_("服务记录"))
    previous_hours = models.DecimalField(_("原时长（小时）"), max_digits=5, decimal_places=1)
    hours = models.DecimalField(_("更正后时长（小时）"), max_digits=5, decimal_places=1)
    reason = models.CharField(_("更正原因"), max_length=300)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, related_name="+", verbose_name=_("更正人"))
    corrected_at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("服务记录更正")
        verbose_name_plural = _("服务记录更正")
        ordering = ["corrected_at", "pk"]

    def __str__(self):
        return f"{self.previous_hours} → {self.hours}"


class VolunteerEntry(models.Model):
    """The other parts of a volunteer's record (办法第六条): training, awards, evaluations."""

    class Kind(models.TextChoices):
        TRAINING = "training", _("培训")
        AWARD = "award", _("表彰奖励")
        EVALUATION = "evaluation", _("评价")

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("记录社区"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="entries",
                                  verbose_name=_("志愿者"))
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    occurred_on = models.DateField(_("日期"))
    title = models.CharField(_("名称"), max_length=200)
    detail = models.CharField(_("说明"), max_length=500, blank=True)

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("培训、表彰与评价")
        verbose_name_plural = _("培训、表彰与评价")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return self.title


def new_certificate_number():
    # 80 random bits: whoever holds the certificate can check it, nobody can guess another.
    return "ZYFW-" + secrets.token_hex(10).upper()


class Certificate(models.Model):
    """A 志愿服务记录证明 the community issued: what it showed is kept as issued, so a later
    correction does not change a certificate already printed."""
    number = models.CharField(_("证明编号"), max_length=40, unique=True,
                              default=new_certificate_number)
    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("出具社区"))
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT,
                                  related_name="certificates", verbose_name=_("志愿者"))
    issued_on = models.DateField(_("出具日期"))
    issued_at = models.DateTimeField(_("出具时间"), auto_now_add=True)
    records = models.ManyToManyField(ServiceRecord, related_name="certificates",
                                     verbose_name=_("证明的服务记录"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, related_name="+", verbose_name=_("出具人"))
    services = models.PositiveIntegerField(_("服务次数"))
    total_hours = models.DecimalField(_("服务总时长（小时）"), max_digits=8, decimal_places=1)
    first_served_on = models.DateField(_("最早服务日期"), null=True)
    last_served_on = models.DateField(_("最近服务日期"), null=True)

    objects = CommunityScoped.as_manager()

    class Meta:
        verbose_name = _("志愿服务记录证明")
        verbose_name_plural = _("志愿服务记录证明")
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.number
