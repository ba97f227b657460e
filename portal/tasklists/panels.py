"""The community dashboard's part of 任务清单: its open items, overdue first."""
from django.utils.translation import gettext_lazy as _

from portal.panel_types import Panel, url_with
from portal.tasklists.models import TaskItem


def task_items_panel(scope, limit=12):
    """The scope's items still to do (new, assigned, returned), nearest deadline first; None
    on a branch's page (branch secretaries do not keep task items)."""
    if scope.node.kind != scope.node.Kind.COMMUNITY:
        return None
    items = list(TaskItem.objects.filter(community__in=scope.communities).open()
                 .select_related("task", "grid", "point", "branch")
                 .order_by("deadline", "pk")[:limit])
    return Panel("task_items", _("任务清单待办"), {
        "items": items, "today": scope.today,
        "more_url": url_with("tasklists:item_list", state="open")})
