"""减负: what the portal asks of the street's communities in a month, so the street sees the load
it places on them. Every figure is counted from the records (task items and rectifications
due that month); the standing asks say whether a community types anything for them."""
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.request_params import month_param
from organizations.models import Node
from organizations.scope import STREET_ROLES, require_grant
from organizations.streetsettings.models import CHOICES, Key
from organizations.streetsettings.rules import settings_for
from portal.inspection_views import street_for_official
from portal.models import Rectification
from portal.panel_types import DashboardScope
from portal.tasklists.models import TaskItem

# What the portal asks every month besides the counted items, and where its figures come from.
STANDING_ASKS = [
    (_("三会一课"), _("支部召开会议后录入一次会议记录；达标情况、月报和排名均由会议记录生成。"), False),
    (_("月报"), _("由会议、活动、督查整改和任务清单的记录自动生成，社区不另行填报。"), False),
    (_("日通报"), _("由街道督查记录和任务清单办理记录生成，社区不另行填报。"), False),
    (_("共建单位反馈"), _("由党员报到、服务、活动和走访记录生成，社区不另行填报。"), False),
]


def _due_per_community(model, communities, start, end):
    return dict(model.objects.filter(community__in=communities, deadline__gte=start,
                                     deadline__lte=end)
                .values_list("community_id").annotate(n=Count("pk")).order_by())


@require_grant(*STREET_ROLES)
def street_load(request, pk):
    street = street_for_official(request, pk)
    start = month_param(request, "month", timezone.localdate().replace(day=1))
    end = DashboardScope(node=street, communities=[], today=start).month[1]
    communities = list(Node.objects.active().filter(parent=street, kind=Node.Kind.COMMUNITY)
                       .order_by("sort_order", "name"))
    items = _due_per_community(TaskItem, communities, start, end)
    rectifications = _due_per_community(Rectification, communities, start, end)
    rows = [(community, items.get(community.pk, 0), rectifications.get(community.pk, 0))
            for community in communities]
    values = settings_for(street)
    labels = {key: dict(CHOICES[key])[values[key]] for key in values}
    return render(request, "portal/street_load.html", {
        "street": street, "month_start": start, "month_end": end, "rows": rows,
        "totals": (sum(row[1] for row in rows), sum(row[2] for row in rows)),
        "standing": STANDING_ASKS,
        "settings": [(label, labels[key]) for key, label in Key.choices]})
