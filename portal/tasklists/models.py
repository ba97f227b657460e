"""任务清单: a task the street issues to its communities, broken into items (one per community,
or per grid or inspection point of it); each item is assigned 责任到人, reported and accepted or
returned by the street, with its history kept like a rectification's."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.uploads import DocumentUploadField, UploadTo, validate_document
from organizations.models import Grid, Node, ScopedQuerySet


class TaskQuerySet(ScopedQuerySet):
    """Tasks are the street's: its officials read and write them. Communities reach a task
    through their items (`TaskItem.objects.visible_to`)."""

    scope_path = "street__path"
    secretaries_write = False


class Task(models.Model):
    street = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="tasks",
                               verbose_name=_("街道"), limit_choices_to={"kind": Node.Kind.STREET})
    title = models.CharField(_("任务名称"), max_length=100)
    instructions = models.TextField(_("工作要求"))
    deadline = models.DateField(_("完成期限"))
    attachment = DocumentUploadField(_("附件"), upload_to=UploadTo("tasks"), blank=True,
                                     validators=[validate_document])
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("下发人"))
    issued_at = models.DateTimeField(_("下发时间"), default=timezone.now)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["-issued_at", "-pk"]

    def __str__(self):
        return self.title


class TaskItemQuerySet(ScopedQuerySet):
    """An item belongs to its community: the street's officials review it, the community's
    staff assign and report it. Branch secretaries do not keep task items."""

    scope_path = "community__path"
    secretaries_write = False

    def unresolved(self):
        return self.exclude(status=TaskItem.Status.ACCEPTED)

    def open(self):
        """What the community still has to do: not reported, or returned."""
        return self.exclude(status__in=[TaskItem.Status.REPORTED, TaskItem.Status.ACCEPTED])

    def overdue(self, on):
        return self.open().filter(deadline__lt=on)


class TaskItem(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("待分派")
        ASSIGNED = "assigned", _("办理中")
        REPORTED = "reported", _("待验收")
        RETURNED = "returned", _("退回重办")
        ACCEPTED = "accepted", _("已验收")

    STATUS_CLASS = {Status.NEW: "status-amber", Status.ASSIGNED: "status-amber",
                    Status.REPORTED: "status-grey", Status.RETURNED: "status-red",
                    Status.ACCEPTED: "status-green"}
    OPEN_STATUSES = [Status.NEW, Status.ASSIGNED, Status.RETURNED]

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="items",
                             verbose_name=_("任务"))
    community = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="task_items",
                                  verbose_name=_("社区"))
    # Where the item is to be done, when the task is broken down per grid or point.
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=_("网格"))
    point = models.ForeignKey("portal.InspectionPoint", on_delete=models.PROTECT, null=True,
                              blank=True, related_name="+", verbose_name=_("点位"))
    # Copied from the task so the overdue scans and the ranking need no join.
    deadline = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices,
                              default=Status.NEW)
    # 责任到人: a named staff member of the community, or one of its branches.
    assignee = models.CharField(_("责任人"), max_length=50, blank=True)
    branch = models.ForeignKey(Node, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("责任支部"))
    reported_on = models.DateField(_("报告完成日期"), null=True, blank=True)
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)

    objects = TaskItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务事项")
        verbose_name_plural = _("任务事项")
        ordering = ["deadline", "community__sort_order", "community__name", "pk"]
        indexes = [models.Index(fields=["community", "status", "deadline"])]
        constraints = [models.CheckConstraint(
            condition=Q(grid__isnull=True) | Q(point__isnull=True), name="task_item_one_place")]

    def __str__(self):
        return f"{self.task} · {self.place}"

    @property
    def place(self):
        return self.point or self.grid or _("全社区")

    @property
    def status_class(self):
        return self.STATUS_CLASS[self.status]

    @property
    def responsible(self):
        return self.assignee or (self.branch.name if self.branch_id else "")

    def is_overdue(self, on=None):
        return self.status in self.OPEN_STATUSES and self.deadline < (on or timezone.localdate())


class TaskItemEvent(models.Model):
    """One step of an item, kept forever: its history, as a rectification's."""

    class Action(models.TextChoices):
        ISSUED = "issued", _("下发")
        ASSIGNED = "assigned", _("分派")
        PROGRESS = "progress", _("报告进展")
        REPORTED = "reported", _("报告完成")
        RETURNED = "returned", _("退回重办")
        ACCEPTED = "accepted", _("验收通过")

    item = models.ForeignKey(TaskItem, on_delete=models.CASCADE, related_name="events",
                             verbose_name=_("任务事项"))
    action = models.CharField(_("操作"), max_length=10, choices=Action.choices)
    note = models.TextField(_("说明"), blank=True)
    # A photo or a document; never required (减负: no traces for their own sake).
    attachment = DocumentUploadField(_("照片或文件"), upload_to=UploadTo("task_items"),
                                     blank=True, validators=[validate_document])
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("操作人"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("任务办理记录")
        verbose_name_plural = _("任务办理记录")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"
