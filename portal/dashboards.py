"""Dashboard selectors: each panel is a function returning its figures from aggregate queries.

A panel function takes a `DashboardScope` (the node, the communities under it, today) and
returns a `Panel` or None when it has nothing to show for that scope. Its query count does not
depend on how many communities, branches or years there are: every figure is grouped by
community in the database.

The street dashboard, the community dashboard and the branch view list their panels in
`STREET_PANELS`, `COMMUNITY_PANELS` and `BRANCH_PANELS`; another app adds one by writing a
panel function and a template `templates/portal/panels/_<key>.html` and appending it there.
"""
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from activities import compliance_cache
from members import moves
from members.models import Member
from organizations.models import Node
from portal.account_panels import accounts_panel
from portal.compliance_panels import compliance_panel
from portal.models import Inspection, Rectification
from portal.panel_types import DashboardScope, Panel, path_url, status_class, url_with
from portal.ranking import week_of, weekly_ranking
from portal.tasklists.panels import task_items_panel
from portal.wish_panels import wishes_panel
from portal.volunteer_panels import volunteers_panel
from portal.work_panels import (activities_panel, contributions_panel, member_counts,
                                member_figures_by_community, members_on_roll_by_community,
                                service_panel, week_work_panel)


def members_panel(scope):
    """党员 by category and status, per community (or for the branch)."""
    per_community = {community.pk: {"total": 0, "full": 0, "probationary": 0,
                                    **{value: 0 for value in Member.Category.values}}
                     for community in scope.communities}
    for community_id, counted in member_counts(scope).items():
        figures = per_community.get(community_id)
        if figures is None:
            continue
        for (category, status), (n, _registered) in counted["counts"].items():
            figures["total"] += n
            figures[status] += n
            figures[category] += n
    totals = {key: sum(figures[key] for figures in per_community.values())
              for key in ["total", "full", "probationary", *Member.Category.values]}
    roster_filter = {Node.Kind.COMMUNITY: "community", Node.Kind.BRANCH: "branch"}.get(
        scope.node.kind)
    roster, dashboard_url = reverse("members:roster"), path_url("dashboards:community")
    return Panel("members", _("党员"), {
        "roster_url": roster + (
            f"?{roster_filter}={scope.node.pk}" if roster_filter else "?"),
        "totals": totals,
        "categories": [(value, label, totals[value]) for value, label in Member.Category.choices],
        "rows": [(community, per_community[community.pk], dashboard_url(community.pk),
                  f"{roster}?community={community.pk}") for community in scope.communities],
        "chart": {
            "communities": [community.name for community in scope.communities],
            "series": [{"name": str(label),
                        "data": [per_community[c.pk][value] for c in scope.communities]}
                       for value, label in Member.Category.choices],
        },
    })


def branches_panel(scope):
    counts = defaultdict(int)
    for branch in scope.branches():
        counts[branch.parent_id] += branch.archived_at is None
    node_url = path_url("organizations:node_detail")
    # The count opens the list of those branches: a community's page lists its branches, the
    # organization tree a street's.
    total_url = (node_url(scope.node.pk) if scope.node.kind == scope.node.Kind.COMMUNITY
                 else reverse("organizations:tree"))
    return Panel("branches", _("党支部"), {
        "total": sum(counts.values()), "total_url": total_url,
        "rows": [(community, counts.get(community.pk, 0), node_url(community.pk))
                 for community in scope.communities],
    })


def inspection_figures(communities, start, end, today):
    """{community id: {total, failed, open, overdue, awaiting, due_this_week}}: the
    inspections between start and end and the rectifications as they stand on `today`, in two
    grouped queries."""
    _week_start, week_end = week_of(today)
    figures = {community.pk: {"total": 0, "failed": 0, "open": 0, "overdue": 0, "awaiting": 0,
                              "due_this_week": 0} for community in communities}
    for row in (Inspection.objects.filter(community__in=communities).between(start, end)
                .values("community_id").annotate(
                    total=Count("pk"),
                    failed=Count("pk", filter=Q(result=Inspection.Result.FAIL)))
                .order_by()):
        figures[row.pop("community_id")].update(row)
    unresolved = ~Q(status=Rectification.Status.ACCEPTED)
    for row in (Rectification.objects.filter(community__in=communities)
                .values("community_id").annotate(
                    open=Count("pk", filter=unresolved),
                    overdue=Count("pk", filter=unresolved & Q(deadline__lt=today)),
                    awaiting=Count("pk", filter=Q(status=Rectification.Status.FIXED)),
                    due_this_week=Count("pk", filter=unresolved & Q(deadline__gte=today,
                                                                    deadline__lte=week_end)))
                .order_by()):
        figures[row.pop("community_id")].update(row)
    return figures


def inspections_panel(scope):
    """This month's inspections and rectifications, per community."""
    start, end = scope.month
    per_community = inspection_figures(scope.communities, start, end, scope.today)
    links_for = _inspection_links(start, end)
    rows = []
    for community in scope.communities:
        figures = per_community[community.pk]
        figures["status"] = status_class(figures["overdue"] * 2 + figures["open"], 1, 2)
        figures["links"] = links_for(community.pk)
        rows.append((community, figures))
    totals = {key: sum(figures[key] for _c, figures in rows)
              for key in ["total", "failed", "open", "overdue", "awaiting", "due_this_week"]}
    return Panel("inspections", _("督查整改（本月）"), {
        "month_start": start, "month_end": end, "totals": totals, "rows": rows,
        "links": links_for(_ids(scope.communities)),
        "chart": {
            "communities": [community.name for community, _f in rows],
            "passed": [figures["total"] - figures["failed"] for _c, figures in rows],
            "failed": [figures["failed"] for _c, figures in rows],
        },
    })


def _ids(communities):
    return ",".join(str(community.pk) for community in communities)


def _inspection_links(start, end):
    """community → the filtered lists behind each figure; the list URLs are reversed once."""
    inspections = reverse("dashboards:inspection_list")
    rectifications = reverse("dashboards:rectification_list")
    month = {"date_from": start.isoformat(), "date_to": end.isoformat()}

    dashboard = path_url("dashboards:community")

    def links(community):
        def link(base, **filters):
            return f"{base}?{urlencode({'community': community, **filters})}"

        return {
            "dashboard": dashboard(community),
            "total": link(inspections, **month),
            "failed": link(inspections, result="fail", **month),
            "open": link(rectifications, state="open"),
            "overdue": link(rectifications, state="overdue"),
            "awaiting": link(rectifications, state="fixed"),
            "due_this_week": link(rectifications, state="due_week"),
        }

    return links


def open_rectifications_panel(scope, limit=12):
    """The unresolved rectifications nearest their deadline (the overdue ones first)."""
    rectifications = list(
        Rectification.objects.filter(community__in=scope.communities).unresolved()
        .select_related("community", "inspection__point").order_by("deadline", "pk")[:limit])
    return Panel("open_rectifications", _("未完成的整改"), {
        "rectifications": rectifications, "today": scope.today,
        "more_url": url_with("dashboards:rectification_list",
                             community=_ids(scope.communities),
                             state="open"),
    })


def week_tasks_panel(scope):
    """本周要做的事: rectifications due by Sunday (and the overdue ones), fixes to accept."""
    _start, week_end = scope.week
    rectifications = list(
        Rectification.objects.filter(community__in=scope.communities).unresolved()
        .filter(deadline__lte=week_end)
        .select_related("community", "inspection__point").order_by("deadline", "pk"))
    return Panel("week_tasks", _("本周待办"), {
        "to_fix": [r for r in rectifications if r.status != Rectification.Status.FIXED],
        "to_accept": [r for r in rectifications if r.status == Rectification.Status.FIXED],
        "today": scope.today, "week_end": week_end,
    })


def ranking_panel(scope):
    if scope.street is None:
        return None
    start, end = scope.week
    rows, _weights = weekly_ranking(scope.street, scope.communities, start, end, scope.today,
                                    memo=scope.memo)
    return Panel("ranking", _("本周排名"), {
        "rows": rows, "week_start": start, "week_end": end, "street": scope.street,
        "chart": {"communities": [row.community.name for row in rows],
                  "scores": [float(row.score) for row in rows]},
    })


STREET_PANELS = [compliance_panel, members_panel, accounts_panel, branches_panel,
                 inspections_panel, ranking_panel, open_rectifications_panel, activities_panel,
                 volunteers_panel, service_panel, contributions_panel, wishes_panel]
COMMUNITY_PANELS = [week_tasks_panel, task_items_panel, week_work_panel, compliance_panel,
                    members_panel, accounts_panel, branches_panel, inspections_panel,
                    activities_panel, volunteers_panel, service_panel, contributions_panel,
                    wishes_panel]
BRANCH_PANELS = [week_tasks_panel, week_work_panel, compliance_panel, members_panel,
                 accounts_panel]


def warm(street, today):
    """Compute and cache what a street's pages judge of 三会一课 on `today` (the dashboard's
    panel and ranking, the street compliance page) and its 失联 lists, so the first official of
    the day does not wait for 500 branches and 50,000 members to be judged."""
    scope = street_scope(street, today)
    build_panels(scope, [compliance_panel, ranking_panel])
    compliance_cache.street_months(street, today.year, today)
    # The 失联 lists cover every community the official reads, archived ones too.
    moves.silent_by_community(Node.objects.filter(
        path__startswith=street.path, kind=Node.Kind.COMMUNITY).values_list("pk", flat=True),
        today, [street.path])
    # Under the lists' versions: after a change that made every list stale, the district's
    # first look would otherwise count the members of every street again, and each street's
    # dashboard its own.
    members_on_roll_by_community(scope.communities)
    member_figures_by_community(scope.communities)


def build_panels(scope, panel_functions):
    return [panel for panel in (function(scope) for function in panel_functions) if panel]


def street_scope(street, today):
    communities = list(Node.objects.active().filter(parent=street, kind=Node.Kind.COMMUNITY)
                       .order_by("sort_order", "name"))
    return DashboardScope(node=street, communities=communities, today=today, street=street)


def community_scope(community, today):
    return DashboardScope(node=community, communities=[community], today=today)


def branch_scope(branch, community, today):
    return DashboardScope(node=branch, communities=[community], today=today)
