"""三会一课 compliance on the dashboards: the street's communities × months heat map with the
branches red last month, this month or this quarter, a community's branches × kinds, a branch's kinds.

The facts come from `activities.compliance.load_facts` for the branches under the node over the
whole year of `scope.today` and the month before it (one query for the branches, five for the facts, whatever the
size); every status is then judged in Python exactly as the compliance pages judge it.
"""
from collections import defaultdict
from datetime import date, timedelta

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from activities import compliance
from activities.models import Period
from organizations.models import Node
from portal.panel_types import Panel
from portal.ranking import year_facts

STATUS_LABELS = {compliance.GREEN: _("达标"), compliance.AMBER: _("进行中"),
                 compliance.RED: _("未达标"), compliance.GREY: _("未开始")}


def branches_under(node):
    return list(Node.objects.active().filter(kind=Node.Kind.BRANCH, path__startswith=node.path)
                .order_by("sort_order", "path"))


def compliance_panel(scope):
    today = scope.today
    branches = branches_under(scope.node)
    if not branches:
        return None
    month = compliance.Span.of(Period.MONTH, today)
    previous = compliance.Span.of(Period.MONTH, month.first - timedelta(days=1))
    quarter = compliance.Span.of(Period.QUARTER, today)
    kinds, facts = year_facts(branches, date(previous.first.year, 1, 1),
                              date(today.year, 12, 31), scope.memo)
    spans = {"previous": previous, "month": month, "quarter": quarter}
    judged = {key: {pk: compliance.judge(f, kinds, span, today) for pk, f in facts.items()}
              for key, span in spans.items()}
    judged_month = judged["month"]
    branch_url = reverse("activities:compliance_branch", args=[0]).replace("/0/", "/{}/")
    data = {**spans, "kinds": kinds,
            "legend": [(f"status-{code}", label) for code, label in STATUS_LABELS.items()]}
    red = []
    for branch in branches:
        statuses = {key: compliance.worst_of(s.status for s in by_branch[branch.pk].values())
                    for key, by_branch in judged.items()}
        if compliance.RED in statuses.values():
            missing = [status.kind.name for by_branch in judged.values()
                       for status in by_branch[branch.pk].values()
                       if status.status == compliance.RED]
            red.append({"branch": branch, **statuses, "missing": list(dict.fromkeys(missing)),
                        "url": branch_url.format(branch.pk)})
    data["red"] = red
    summary = defaultdict(lambda: {code: 0 for code in STATUS_LABELS})
    for branch in branches:
        summary[branch.parent_id][compliance.worst_of(
            s.status for s in judged_month[branch.pk].values())] += 1
    data["summary"] = [(community, summary[community.pk]) for community in scope.communities]
    data["red_by_community"] = defaultdict(int)
    for row in red:
        data["red_by_community"][row["branch"].parent_id] += 1
    if scope.node.kind == Node.Kind.STREET:
        data.update(_heat_map(scope, branches, kinds, facts, today))
    data["red_communities"] = [community for community in scope.communities
                               if data["red_by_community"][community.pk]]
    data["table"] = [(branch, [judged_month[branch.pk].get(kind.code) for kind in kinds],
                      compliance.worst_of(s.status for s in judged_month[branch.pk].values()),
                      branch_url.format(branch.pk))
                     for branch in branches] if scope.node.kind != Node.Kind.STREET else []
    if scope.node.kind == Node.Kind.COMMUNITY:
        data["community_url"] = _community_url(month).format(scope.node.pk)
    data["red_by_community"] = dict(data["red_by_community"])
    return Panel("compliance", _("三会一课落实情况"), data)


def _community_url(month):
    base = reverse("activities:compliance_community", args=[0]).replace("/0/", "/{}/")
    return f"{base}?{urlencode({'period': Period.MONTH, 'month': month.label})}"


def _heat_map(scope, branches, kinds, facts, today):
    """Communities × the months of the year: the worst status of the community's branches over
    the windows ending in that month, as on the street compliance page."""
    by_community = defaultdict(list)
    for branch in branches:
        by_community[branch.parent_id].append(facts[branch.pk])
    months = [compliance.Span.month(today.year, number) for number in range(1, 13)]
    rows = []
    for community in scope.communities:
        cells = [compliance.worst_of(
            status.status for branch_facts in by_community[community.pk]
            for status in compliance.judge(branch_facts, kinds, month, today,
                                           ending_only=True).values())
            for month in months]
        rows.append((community, cells))
    base = reverse("activities:compliance_community", args=[0]).replace("/0/", "/{}/")
    return {
        "months": months, "heat_rows": rows,
        "street_url": reverse("activities:compliance_street", args=[scope.node.pk])
        + f"?year={today.year}",
        "heat_map": {
            "months": [f"{month.first.month}月" for month in months],
            "communities": [community.name for community, _cells in rows],
            "statuses": {code: str(label) for code, label in STATUS_LABELS.items()},
            "cells": [[m, index, cells[m]] for index, (_c, cells) in enumerate(rows)
                      for m in range(12)],
            "urls": [[base.format(community.pk) + "?" + urlencode(
                {"period": Period.MONTH, "month": month.label}) for month in months]
                for community, _cells in rows],
        },
    }

