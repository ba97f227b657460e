"""Task items past their deadline: a reminder source of the activities app's scan."""
from collections import defaultdict
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from activities.reminders import Reminder, register, reminder_text
from organizations.models import Grant
from organizations.scope import Role
from portal.tasklists.models import TaskItem


def _item_is_current(item_id, kind, now):
    """Still open and still due on the day the reminder was armed for."""
    deadline = datetime.strptime(kind.rsplit(":", 1)[1], "%Y%m%d").date()
    return TaskItem.objects.filter(pk=item_id, deadline=deadline).open().exists()


@register("task_item_overdue", is_current=_item_is_current)
def task_items_overdue(now):
    """Each open item past its deadline, once per deadline, to the staff of its community."""
    items = list(TaskItem.objects.overdue(timezone.localdate(now))
                 .select_related("task", "grid", "point"))
    staff = defaultdict(set)
    for node_id, user_id in Grant.objects.filter(
            role=Role.COMMUNITY_STAFF, user__is_active=True,
            node_id__in={item.community_id for item in items},
    ).values_list("node_id", "user_id"):
        staff[node_id].add(user_id)
    return [
        Reminder(TaskItem, item.pk, user_id, f"task_item_overdue:{item.deadline:%Y%m%d}",
                 url=reverse("tasklists:item_detail", args=[item.pk]),
                 **reminder_text(gettext_noop("任务“%(task)s”（%(place)s）已逾期"),
                                 gettext_noop("完成期限为 %(day)s，请尽快办理并报告。"),
                                 task=item.task.title, place=item.place, day=item.deadline))
        for item in items for user_id in staff[item.community_id]
    ]
