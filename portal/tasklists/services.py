"""Writes of 任务清单. Views call these; tests call them directly.

Each step of an item is a conditional update (`kernel.transitions.advance`, the one the
rectifications use) plus a TaskItemEvent row, so an item keeps its history."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.transitions import advance
from organizations.models import Grid, Node
from organizations.scope import STREET_ROLES, covers
from portal.models import InspectionPoint
from portal.tasklists.models import Task, TaskItem, TaskItemEvent

WHOLE, PER_GRID, PER_POINT = "whole", "grid", "point"


def _places(communities, breakdown):
    """(community, grid, point) of each item: one per community, or one per active grid or
    point of it (a community without any gets one item for the whole community)."""
    if breakdown == WHOLE:
        return [(community, None, None) for community in communities]
    if breakdown == PER_GRID:
        found = Grid.objects.filter(community__in=communities, archived_at__isnull=True)
        places = [(grid.community_id, grid, None) for grid in found]
    else:
        found = InspectionPoint.objects.filter(community__in=communities).active()
        places = [(point.community_id, None, point) for point in found]
    by_community = {}
    for community_id, grid, point in places:
        by_community.setdefault(community_id, []).append((grid, point))
    return [(community, grid, point) for community in communities
            for grid, point in by_community.get(community.pk, [(None, None)])]


@transaction.atomic
def task_issue(*, street, title, instructions, deadline, attachment, communities, breakdown,
               issued_by):
    """Issue a task to some communities of the street; returns the task with its items."""
    errors = {}
    if not covers(issued_by, street.path, STREET_ROLES):
        errors["communities"] = _("只能向本街道的社区下发任务。")
    if deadline < timezone.localdate():
        errors["deadline"] = _("完成期限不能早于今天。")
    communities = list(communities)
    if not communities:
        errors["communities"] = _("请至少选择一个社区。")
    elif any(c.kind != Node.Kind.COMMUNITY or c.parent_id != street.pk for c in communities):
        errors["communities"] = _("只能向本街道的社区下发任务。")
    if errors:
        raise ValidationError(errors)
    task = Task.objects.create(street=street, title=title.strip(),
                               instructions=instructions.strip(), deadline=deadline,
                               attachment=attachment or "", issued_by=issued_by)
    items = TaskItem.objects.bulk_create(
        TaskItem(task=task, community=community, grid=grid, point=point, deadline=deadline)
        for community, grid, point in _places(communities, breakdown))
    TaskItemEvent.objects.bulk_create(
        TaskItemEvent(item=item, action=TaskItemEvent.Action.ISSUED, actor=issued_by)
        for item in items)
    return task


@transaction.atomic
def item_assign(*, item, actor, assignee, branch):
    """责任到人: a named person or a branch of the item's community (re-assigning is allowed
    until the item is reported)."""
    assignee = assignee.strip()
    if not assignee and branch is None:
        raise ValidationError({"assignee": _("请填写责任人或选择责任支部。")})
    if branch is not None and branch.parent_id != item.community_id:
        raise ValidationError({"branch": _("只能分派给本社区的支部。")})
    advance(item, allowed=TaskItem.OPEN_STATUSES, to=TaskItem.Status.ASSIGNED,
            assignee=assignee, branch=branch,
            refused=lambda current: _("该事项已报告完成，不能再分派。"))
    TaskItemEvent.objects.create(item=item, action=TaskItemEvent.Action.ASSIGNED,
                                 note=item.responsible, actor=actor)
    return item


@transaction.atomic
def item_report(*, item, actor, note, attachment, done):
    """Progress (`done=False`: the item stays open) or completion; the file is optional."""
    if not note.strip() and not attachment:
        raise ValidationError({"note": _("请写明办理情况。")})
    if item.status not in TaskItem.OPEN_STATUSES:
        raise ValidationError(_("该事项已报告完成，等待街道验收或已验收。"))
    if done:
        advance(item, allowed=TaskItem.OPEN_STATUSES, to=TaskItem.Status.REPORTED,
                reported_on=timezone.localdate(),
                refused=lambda current: _("该事项已报告完成，等待街道验收或已验收。"))
    TaskItemEvent.objects.create(
        item=item, note=note.strip(), attachment=attachment or "", actor=actor,
        action=TaskItemEvent.Action.REPORTED if done else TaskItemEvent.Action.PROGRESS)
    return item


@transaction.atomic
def item_accept(*, item, actor):
    advance(item, allowed=[TaskItem.Status.REPORTED], to=TaskItem.Status.ACCEPTED,
            accepted_on=timezone.localdate(),
            refused=lambda current: _("该事项已验收，不能重复验收。")
            if current.status == TaskItem.Status.ACCEPTED
            else _("社区尚未报告完成，不能验收。"))
    TaskItemEvent.objects.create(item=item, action=TaskItemEvent.Action.ACCEPTED, actor=actor)
    return item


@transaction.atomic
def item_return(*, item, actor, reason):
    if not reason.strip():
        raise ValidationError({"reason": _("请写明退回的原因。")})
    advance(item, allowed=[TaskItem.Status.REPORTED], to=TaskItem.Status.RETURNED,
            reported_on=None, refused=lambda current: _("只有待验收的事项可以退回。"))
    TaskItemEvent.objects.create(item=item, action=TaskItemEvent.Action.RETURNED,
                                 note=reason.strip(), actor=actor)
    return item
