"""督查整改: inspection points, daily inspections, rectifications with their history, and the
weights of the weekly ranking."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.paths import community_path_of
from kernel.uploads import ImageUploadField, UploadTo, validate_image
from organizations.models import Node, ScopedQuerySet
from organizations.rules import NodeRule
from organizations.scope import READ_ROLES, Role, grants_of, scope_q


class InspectionScopedQuerySet(ScopedQuerySet):
    """Scope of the inspection records of a community.

    Street officials record inspections and accept fixes for their street; community staff fix
    their community's problems; a branch secretary reads their community's records (the
    branch view lists the rectifications due), but writes none.
    """

    scope_path = "community__path"

    def visible_to(self, user):
        query = scope_q(user, self.scope_path, READ_ROLES)
        secretary_communities = [community_path_of(path) for path, role, _node in grants_of(user)
                                 if role == Role.BRANCH_SECRETARY]
        if secretary_communities:
            query |= Q(**{f"{self.scope_path}__in": secretary_communities})
        return self.filter(query)

    # Officials inspect and accept (`overseen_by`), staff fix (`managed_by_staff`).
    secretaries_write = False


class InspectionPointQuerySet(InspectionScopedQuerySet):
    def active(self):
        return self.filter(archived_on__isnull=True)


class InspectionPoint(models.Model):
    """点位: a place of a community that the street inspects."""

    class Kind(models.TextChoices):
        ENTRANCE = "entrance", _("小区出入口")
        ALLEY = "alley", _("背街小巷")
        GARBAGE = "garbage", _("垃圾点")
        MARKET = "market", _("农贸市场")
        STREET_FRONT = "street_front", _("沿街门店")
        PUBLIC_SPACE = "public_space", _("公共活动场所")
        OTHER = "other", _("其他")

    community = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="inspection_points",
                                  verbose_name=_("社区"),
                                  limit_choices_to={"kind": Node.Kind.COMMUNITY})
    kind = models.CharField(_("点位类型"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("点位名称"), max_length=100)
    address = models.CharField(_("位置"), max_length=200, blank=True)
    archived_on = models.DateField(_("停用日期"), null=True, blank=True)
    archive_reason = models.CharField(_("停用原因"), max_length=200, blank=True)

    objects = InspectionPointQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查点位")
        verbose_name_plural = _("督查点位")
        ordering = ["community", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"],
                                               name="inspection_point_unique_name")]

    def __str__(self):
        return f"{self.get_kind_display()}·{self.name}"


class InspectionQuerySet(InspectionScopedQuerySet):
    def failed(self):
        return self.filter(result=Inspection.Result.FAIL)

    def between(self, start, end):
        return self.filter(inspected_on__gte=start, inspected_on__lte=end)


class Inspection(models.Model):
    """日督查: one visit of a point on a day by a street official."""

    class Result(models.TextChoices):
        PASS = "pass", _("合格")
        FAIL = "fail", _("不合格")

    point = models.ForeignKey(InspectionPoint, on_delete=models.PROTECT,
                              related_name="inspections", verbose_name=_("点位"))
    # Copied from the point so scope and per-community figures need no join.
    community = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="inspections",
                                  verbose_name=_("社区"), editable=False)
    inspected_on = models.DateField(_("督查日期"), default=timezone.localdate)
    result = models.CharField(_("督查结果"), max_length=8, choices=Result.choices)
    problem = models.TextField(_("发现问题"), blank=True)
    photo = ImageUploadField(_("现场照片"), upload_to=UploadTo("inspections"), blank=True,
                             validators=[validate_image])
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("督查人"))
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查记录")
        verbose_name_plural = _("督查记录")
        ordering = ["-inspected_on", "-pk"]
        indexes = [models.Index(fields=["community", "inspected_on"])]

    def __str__(self):
        return f"{self.inspected_on} {self.point}"

    @property
    def failed(self):
        return self.result == self.Result.FAIL

    @property
    def problem_clause(self):
        """The problem as typed, without its closing punctuation: the bulletin writes its own
        full stop after it ("…破损。。" otherwise)."""
        return self.problem.strip().rstrip("。．.！!；;，,、 ")


class RectificationQuerySet(InspectionScopedQuerySet):
    def unresolved(self):
        return self.exclude(status=Rectification.Status.ACCEPTED)

    def overdue(self, on):
        return self.unresolved().filter(deadline__lt=on)

    def due_between(self, start, end):
        return self.unresolved().filter(deadline__gte=start, deadline__lte=end)


class Rectification(models.Model):
    """整改: what a failed inspection asks of the community, until the street accepts the fix."""

    class Status(models.TextChoices):
        OPEN = "open", _("待整改")
        FIXED = "fixed", _("待验收")
        RETURNED = "returned", _("退回重改")
        ACCEPTED = "accepted", _("已验收")

    STATUS_CLASS = {Status.OPEN: "status-amber", Status.FIXED: "status-grey",
                    Status.RETURNED: "status-red", Status.ACCEPTED: "status-green"}

    inspection = models.OneToOneField(Inspection, on_delete=models.PROTECT,
                                      related_name="rectification", verbose_name=_("督查记录"))
    community = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="rectifications",
                                  verbose_name=_("社区"), editable=False)
    deadline = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)
    fixed_on = models.DateField(_("整改完成日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("下发时间"), auto_now_add=True)

    objects = RectificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["community", "status", "deadline"])]

    def __str__(self):
        return f"{self.inspection.point} {self.get_status_display()}"

    @property
    def status_class(self):
        return self.STATUS_CLASS[self.status]

    def is_overdue(self, on=None):
        return self.status != self.Status.ACCEPTED and self.deadline < (on or timezone.localdate())

    @property
    def on_time(self):
        return self.status == self.Status.ACCEPTED and self.fixed_on <= self.deadline


class RectificationEvent(models.Model):
    """One change of a rectification's state, kept forever: the history of the case."""

    class Action(models.TextChoices):
        OPENED = "opened", _("下发整改")
        FIXED = "fixed", _("报告整改完成")
        RETURNED = "returned", _("退回重改")
        ACCEPTED = "accepted", _("验收通过")

    rectification = models.ForeignKey(Rectification, on_delete=models.PROTECT,
                                      related_name="events", verbose_name=_("整改"))
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    note = models.TextField(_("说明"), blank=True)
    photo = ImageUploadField(_("照片"), upload_to=UploadTo("rectifications"), blank=True,
                             validators=[validate_image])
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class RankingWeight(NodeRule):
    """周排名 weight of one ranking input; a street overrides the shipped default."""

    input_key = models.CharField(_("排名指标"), max_length=40)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("排名权重")
        verbose_name_plural = _("排名权重")
        constraints = [models.UniqueConstraint(fields=["node", "input_key"],
                                               name="ranking_weight_unique"),
                       models.UniqueConstraint(fields=["input_key"], condition=Q(node=None),
                                               name="ranking_weight_unique_default")]

    def __str__(self):
        return f"{self.input_key} {self.weight}"


class Heartbeat(models.Model):
    """When a periodic task last ran on a worker: /healthz reads how long ago the beat ticked.

    A row in the database, not a cache entry: flushing the cache after a Redis outage (always
    safe, README) must not make the beat look stopped. Excluded from the audit trail.
    """

    name = models.CharField(_("名称"), max_length=40, unique=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("心跳")
        verbose_name_plural = _("心跳")

    def __str__(self):
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
