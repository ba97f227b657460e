"""民主评议党员 (the yearly appraisal round of a branch) and 承诺践诺 (members' commitments).

Anonymity of the 互评: `Participation` records THAT a member voted; `Ballot` rows record WHAT was
voted, with no voter, no time and a random primary key, so no column orders or joins them to a
participation. See docs/RULES.md, "民主评议党员".
"""
import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Attendance
from activities.models import Participation as ActivityParticipation
from kernel.uploads import DocumentUploadField, UploadTo, validate_document
from organizations.models import ScopedQuerySet
from organizations.rules import NodeRule
from organizations.scope import scope_q, with_own

Grade = Attendance.Grade


class FollowUp(models.TextChoices):
    """What the branch decides for a member graded 不合格."""
    CORRECT = "correct", _("限期改正")
    PERSUADE = "persuade", _("劝其退党")
    REMOVE = "remove", _("除名")


class AppraisalRule(NodeRule):
    """The share of 优秀 a branch may decide (and a ballot may give), in percent of the members
    appraised; a street or community overrides the shipped default."""

    excellent_max_percent = models.PositiveSmallIntegerField(_("优秀比例上限（%）"))

    class Meta:
        verbose_name = _("民主评议规则")
        verbose_name_plural = _("民主评议规则")
        constraints = [
            models.UniqueConstraint(fields=["node"], name="appraisal_rule_unique"),
            models.UniqueConstraint(fields=["excellent_max_percent"],
                                    condition=Q(node__isnull=True),
                                    name="appraisal_rule_unique_default")]

    def __str__(self):
        return f"{self.excellent_max_percent}%"


class RoundQuerySet(ScopedQuerySet):
    scope_path = "branch__path"

    def of_member(self, member):
        """The rounds appraising this member while they still count (see `Appraisee`)."""
        return self.filter(appraisees__member=member, branch_id=member.branch_id,
                           appraisees__member__left_on__isnull=True)


class Round(models.Model):
    """One branch's appraisal of a year."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("未开始投票")
        OPEN = "open", _("投票中")
        CLOSED = "closed", _("投票已结束，待决定")
        DECIDED = "decided", _("已决定等次")

    branch = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                               related_name="appraisal_rounds", verbose_name=_("支部"),
                               limit_choices_to={"kind": "branch"})
    year = models.PositiveSmallIntegerField(_("评议年度"))
    period_start = models.DateField(_("评议期间自"))
    period_end = models.DateField(_("评议期间至"))
    votes_open_at = models.DateTimeField(_("投票开始时间"))
    votes_close_at = models.DateTimeField(_("投票截止时间"))
    meeting = models.ForeignKey("activities.Meeting", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="appraisal_rounds",
                                verbose_name=_("总结会议"),
                                help_text=_("宣布评议结果的支部党员大会。"))
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("决定录入人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("民主评议")
        verbose_name_plural = _("民主评议")
        ordering = ["-year", "branch__path"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "year"], name="appraisal_round_unique"),
            models.CheckConstraint(condition=Q(votes_close_at__gt=F("votes_open_at")),
                                   name="appraisal_round_window"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="appraisal_round_period")]

    def __str__(self):
        return _("%(year)s年民主评议") % {"year": self.year}

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("appraisal:round_detail", args=[self.pk])

    def state(self, now=None):
        now = now or timezone.now()
        if self.decided_at:
            return self.State.DECIDED
        if now < self.votes_open_at:
            return self.State.SCHEDULED
        if now < self.votes_close_at:
            return self.State.OPEN
        return self.State.CLOSED

    def get_state_display(self):
        return self.State(self.state()).label

    def voting_open(self, now=None):
        return self.state(now) == self.State.OPEN


class AppraiseeQuerySet(ScopedQuerySet):
    scope_path = "round__branch__path"

    def counting(self):
        """Appraisees still on the roster of the round's branch: a member who left or moved
        away meanwhile is neither appraised nor votes."""
        return self.filter(member__left_on__isnull=True, member__branch_id=F("round__branch_id"))

    def with_service_hours(self, start, end):
        """`service_hours`: the member's volunteer hours in community activities between `start`
        and `end` (the round's period), shown beside the 互评 so the branch weighs 八小时外 service."""
        hours = (ActivityParticipation.objects.filter(member=OuterRef("member"),
                                                      activity__held_on__range=(start, end))
                 .order_by().values("member").annotate(total=Sum("hours")).values("total"))
        return self.annotate(service_hours=Coalesce(Subquery(hours), Decimal("0"),
                                                    output_field=DecimalField()))

    def voters(self):
        """Who has a vote in the 互评: full members (预备党员 have no vote, 党章 art. 7)."""
        return self.counting().filter(member__status="full")


class Appraisee(models.Model):
    """A member appraised in a round: their 自评, the 群众评议 counts and the decided grade."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="appraisees",
                              verbose_name=_("民主评议"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="appraisals", verbose_name=_("党员"))
    self_appraisal = models.TextField(_("自评"), blank=True)
    public_excellent = models.PositiveIntegerField(_("群众评议：优秀"), default=0)
    public_qualified = models.PositiveIntegerField(_("群众评议：合格"), default=0)
    public_basic = models.PositiveIntegerField(_("群众评议：基本合格"), default=0)
    public_unqualified = models.PositiveIntegerField(_("群众评议：不合格"), default=0)
    grade = models.CharField(_("评定等次"), max_length=20, choices=Grade.choices, blank=True)
    reason = models.CharField(_("评定理由"), max_length=300, blank=True)
    follow_up = models.CharField(_("组织处置"), max_length=16, choices=FollowUp.choices,
                                 blank=True)
    follow_up_note = models.CharField(_("处置说明"), max_length=300, blank=True)

    objects = AppraiseeQuerySet.as_manager()

    class Meta:
        verbose_name = _("参评党员")
        verbose_name_plural = _("参评党员")
        ordering = ["member__name_pinyin", "member__name", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "member"], name="appraisee_unique"),
            models.CheckConstraint(condition=(~Q(grade="unqualified")
                                                | (~Q(reason="") & ~Q(follow_up=""))),
                                   name="appraisee_unqualified_reason")]

    def __str__(self):
        return str(self.member)

    @property
    def public_counts(self):
        return [self.public_excellent, self.public_qualified, self.public_basic,
                self.public_unqualified]


class Participation(models.Model):
    """That a member voted in a round: no time and nothing of what they voted. One per member
    and round, enforced by the database."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="participations",
                              verbose_name=_("民主评议"))
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("党员"))

    class Meta:
        verbose_name = _("投票记录")
        verbose_name_plural = _("投票记录")
        constraints = [models.UniqueConstraint(fields=["round", "member"],
                                               name="participation_once")]


class Ballot(models.Model):
    """One grade given to one appraisee by someone: deliberately without a voter, a time or a
    sequential key (the primary key is random), so it cannot be linked to a participation."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    appraisee = models.ForeignKey(Appraisee, on_delete=models.CASCADE, related_name="ballots",
                                  verbose_name=_("参评党员"))
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices)

    class Meta:
        verbose_name = _("评议票")
        verbose_name_plural = _("评议票")
        # No ordering: rows read in no order that could follow the voters'.
        indexes = [models.Index(fields=["appraisee", "grade"])]


class CommitmentQuerySet(ScopedQuerySet):
    scope_path = "member__branch__path"

    def visible_to(self, user):
        # Members read and keep their own commitments through their member record.
        if user.is_authenticated and not user.is_superuser:
            return self.filter(with_own(user, scope_q(user, self.scope_path),
                                        Q(member__user=user)))
        return super().visible_to(user)

    def of_community(self, community, year):
        """The public list: commitments of the community's members and of employed members
        registered with it (双报到)."""
        return self.filter(
            Q(member__branch__path__startswith=community.path)
            | Q(member__registrations__community=community,
                member__registrations__status="approved"),
            year=year, member__left_on__isnull=True).distinct()


class Commitment(models.Model):
    """承诺践诺: a member's yearly public commitment (一个党员一面旗帜一个承诺)."""

    member = models.ForeignKey("members.Member", on_delete=models.PROTECT,
                               related_name="commitments", verbose_name=_("党员"))
    year = models.PositiveSmallIntegerField(_("年度"))
    text = models.TextField(_("承诺内容"), max_length=500)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员承诺")
        verbose_name_plural = _("党员承诺")
        ordering = ["-year", "member__name_pinyin", "member__name"]
        constraints = [models.UniqueConstraint(fields=["member", "year"],
                                               name="commitment_unique")]

    def __str__(self):
        return f"{self.member} {self.year}"


class CommitmentRecordQuerySet(ScopedQuerySet):
    scope_path = "commitment__member__branch__path"

    def visible_to(self, user):
        if user.is_authenticated and not user.is_superuser:
            return self.filter(with_own(user, scope_q(user, self.scope_path),
                                        Q(commitment__member__user=user)))
        return super().visible_to(user)


class CommitmentRecord(models.Model):
    """践诺: what the member did for the commitment; evidence is optional, never required."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="records",
                                   verbose_name=_("承诺"))
    done_on = models.DateField(_("日期"))
    what = models.CharField(_("践诺内容"), max_length=300)
    evidence = DocumentUploadField(_("佐证材料"), upload_to=UploadTo("commitments"), blank=True,
                                   validators=[validate_document],
                                   help_text=_("可选：照片、PDF 或 Office 文档。"))

    objects = CommitmentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("践诺记录")
        verbose_name_plural = _("践诺记录")
        ordering = ["done_on", "pk"]

    def __str__(self):
        return self.what
