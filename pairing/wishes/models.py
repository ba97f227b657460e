"""Residents' wishes and requests (微心愿 / 点单): 居民点单 → 社区派单 → 党员接单.

A wish is received (by staff or on the public page), reviewed by its community (accepted,
merged into a duplicate, or declined with a reason), dispatched (派单) to a member, a
co-building unit, a volunteer team of the community, or opened for any member of the community
to claim (接单), done with an outcome, and confirmed and rated by the resident, or reopened when it was not done.
The workflow's rules live in services.py; docs/RULES.md describes them.
"""
import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.normalize import normalize_text
from kernel.pinyin import NameKeyed, NameKeyedQuerySet, name_search_q
from organizations.rules import NodeRule
from organizations.scope import STAFF_ROLES, scope_q
from pairing.models import Category, CommunityScopedQuerySet

TITLE_MAX = 40
TEXT_MAX = 500


def new_token():
    return secrets.token_urlsafe(24)


class WishRule(NodeRule):
    """How long a community has to finish a wish, and when an unclaimed one is chased.
    The row with no node is the shipped default; a street's or community's row overrides it."""

    due_days = models.PositiveSmallIntegerField(
        _("办结时限（天）"), validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("自受理之日起计算。"))
    unclaimed_days = models.PositiveSmallIntegerField(
        _("无人接单提醒（天）"), validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("开放认领后超过该天数仍无人接单，提醒社区工作人员。"))

    class Meta:
        verbose_name = _("微心愿时限规则")
        verbose_name_plural = _("微心愿时限规则")
        # One row per node, and one default (a NULL node would not collide in a plain index).
        constraints = [models.UniqueConstraint(Coalesce("node", Value(0)),
                                               name="wish_rule_one_per_node")]

    def __str__(self):
        return f"{self.node or _('默认')}: {self.due_days}"


class WishQuerySet(NameKeyedQuerySet, CommunityScopedQuerySet):
    def search_for(self, user, text):
        """Wishes whose title holds `text`, or whose requester matches it (name as typed, its
        pinyin or initials, phone) where `user` keeps the community's personal data: a street
        official searching a name must not learn who asked for what."""
        text = normalize_text(text)
        if not text:
            return self
        requester = (name_search_q(text, name_field="contact_name")
                     | Q(contact_phone__contains=text))
        return self.filter(Q(title__contains=text)
                           | (requester & scope_q(user, self.scope_path, STAFF_ROLES)))

    def open(self):
        return self.filter(status__in=Wish.OPEN_STATUSES)

    def on_wall(self):
        """What a community shows publicly: reviewed and kept wishes (never unreviewed text)."""
        return self.filter(status__in=Wish.WALL_STATUSES)

    def claimable_by(self, member, communities):
        """Wishes the member may take: opened for claiming in one of `communities`, or
        dispatched to the member by name."""
        return self.filter(
            Q(status=Wish.Status.DISPATCHED)
            & (Q(target=Wish.Target.OPEN, community__in=communities)
               | Q(target=Wish.Target.MEMBER, member=member)))

    def taken_by(self, member):
        """The member's own wishes: claimed by them, or dispatched to a team they lead (the
        leader works it and records the outcome, as a member who claimed one)."""
        return self.filter(
            (Q(member=member) & ~Q(status=Wish.Status.DISPATCHED))
            | Q(target=Wish.Target.TEAM, team__leader__member=member,
                status__in=[Wish.Status.DISPATCHED, *Wish.FINISHED_STATUSES]))

    def overdue(self, today):
        return self.filter(status__in=Wish.WORKING_STATUSES, due_on__lt=today)


class Wish(NameKeyed):
    # The requester (联系人) is searched by pinyin too, by the community's staff only.
    name_keys_source = "contact_name"

    class Kind(models.TextChoices):
        WISH = "wish", _("微心愿")
        REQUEST = "request", _("点单")

    class Source(models.TextChoices):
        PUBLIC = "public", _("居民扫码提交")
        PHONE = "phone", _("电话")
        VISIT = "visit", _("走访")
        WECHAT = "wechat", _("网格微信群")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待受理")
        ACCEPTED = "accepted", _("已受理")
        MERGED = "merged", _("已合并")
        DECLINED = "declined", _("不予受理")
        DISPATCHED = "dispatched", _("已派单")
        CLAIMED = "claimed", _("已接单")
        DONE = "done", _("已办结")
        CONFIRMED = "confirmed", _("居民已确认")

    class Target(models.TextChoices):
        MEMBER = "member", _("指派党员")
        UNIT = "unit", _("共建单位")
        OPEN = "open", _("开放认领")
        TEAM = "team", _("志愿者服务队")

    OPEN_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.DISPATCHED, Status.CLAIMED)
    WORKING_STATUSES = (Status.ACCEPTED, Status.DISPATCHED, Status.CLAIMED)
    WALL_STATUSES = (Status.ACCEPTED, Status.DISPATCHED, Status.CLAIMED, Status.DONE,
                     Status.CONFIRMED)
    FINISHED_STATUSES = (Status.DONE, Status.CONFIRMED)

    community = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                                  related_name="wishes", verbose_name=_("社区"),
                                  limit_choices_to={"kind": "community"})
    grid = models.ForeignKey("organizations.Grid", null=True, blank=True,
                             on_delete=models.SET_NULL, verbose_name=_("网格"))
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.WISH)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices,
                                default=Category.OTHER)
    title = models.CharField(_("心愿标题"), max_length=TITLE_MAX,
                             help_text=_("公开展示在心愿墙上，请勿填写姓名、电话、门牌号。"))
    description = models.TextField(_("详细说明"), max_length=TEXT_MAX, blank=True)
    # Personal data: shown to the community's staff and the member who takes the wish only.
    contact_name = models.CharField(_("联系人"), max_length=20, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices,
                              default=Status.SUBMITTED)
    recorded_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("登记人"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="duplicates", verbose_name=_("合并到"))
    decline_reason = models.CharField(_("不予受理原因"), max_length=200, blank=True)
    target = models.CharField(_("派单对象"), max_length=12, choices=Target.choices, blank=True)
    member = models.ForeignKey("members.Member", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="wishes", verbose_name=_("接单党员"))
    unit = models.ForeignKey("organizations.Unit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="wishes", verbose_name=_("共建单位"))
    team = models.ForeignKey("volunteers.Team", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="wishes", verbose_name=_("志愿者服务队"))
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    due_on = models.DateField(_("办结时限"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    outcome = models.TextField(_("办理结果"), max_length=TEXT_MAX, blank=True)
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("满意度"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)])
    feedback = models.CharField(_("居民评价"), max_length=200, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirmed_by_staff = models.BooleanField(_("电话回访后由工作人员登记"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    reopen_reason = models.CharField(_("重新办理原因"), max_length=200, blank=True)
    need = models.OneToOneField("pairing.Need", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="wish", verbose_name=_("转入需求清单"))
    # The resident's link to follow, confirm and rate the wish: unguessable, never listed.
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)

    objects = WishQuerySet.as_manager()

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["community", "status"], name="wish_community_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("wishes:detail", args=[self.pk])

    def resident_url(self):
        return reverse("wishes:resident", args=[self.token])

    @property
    def status_class(self):
        return {self.Status.SUBMITTED: "status-amber", self.Status.DECLINED: "status-grey",
                self.Status.MERGED: "status-grey", self.Status.DONE: "status-green",
                self.Status.CONFIRMED: "status-green"}.get(self.status, "text-bg-primary")

    @property
    def on_time(self):
        """Done by its deadline (None while not done or without a deadline)."""
        if self.done_at is None or self.due_on is None:
            return None
        return timezone.localdate(self.done_at) <= self.due_on

    def is_overdue(self, today=None):
        return (self.status in self.WORKING_STATUSES and self.due_on is not None
                and self.due_on < (today or timezone.localdate()))

    @property
    def handler_label(self):
        if self.member_id:
            return self.member.name
        if self.unit_id:
            return self.unit.name
        if self.team_id:
            return self.team.name
        return ""

    def finishable_by(self, member):
        """The member records the outcome: they claimed it, or lead the team it went to."""
        if self.status == self.Status.CLAIMED:
            return self.member_id == member.pk
        return (self.status == self.Status.DISPATCHED and self.target == self.Target.TEAM
                and self.team is not None and self.team.leader is not None
                and self.team.leader.member_id == member.pk)
