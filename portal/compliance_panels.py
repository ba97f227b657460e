"""三会一课 compliance on the dashboards: the street's communities × months heat map with the
branches red last month, this month or this quarter, a community's branches × kinds, a branch's
kinds.

The facts come from `activities.compliance.load_facts` for the branches under the node over the
whole year of `scope.today` and the month before it (one query for the branches, five for the
facts, whatever the size); every status is then judged in Python exactly as the compliance pages
judge it. The judged statuses are cached per community (`activities.compliance_cache`) until a
meeting of the community, a rule, a seat or the tree changes.
"""
from collections import defaultdict
from datetime import date, timedelta
from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from activities import compliance, compliance_cache
from activities.models import MeetingKind, Period
from organizations.models import Node
from portal.i18n_formats import month_label
from portal.panel_types import Panel, path_url
from activities.compliance import year_facts

STATUS_LABELS = {compliance.GREEN: _("达标"), compliance.AMBER: _("进行中"),
                 compliance.RED: _("未达标"), compliance.GREY: _("未开始")}


def compliance_panel(scope):
    today = scope.today
    # A branch of an archived community is in no community's figures.
    community_ids = {community.pk for community in scope.communities}
    branches = [branch for branch in scope.branches()
                if branch.archived_at is None and branch.parent_id in community_ids]
    if not branches:
        return None
    spans = _spans(today)
    judged = _judged_by_community(scope, spans)
    worst, kinds = judged["worst"], judged["kinds"]
    # A branch archived or moved since it was listed above was not judged: it is not shown.
    branches = [branch for branch in branches if branch.pk in worst["month"]]
    names = {kind.code: kind.label for kind in kinds}
    branch_url = path_url("activities:compliance_branch")
    data = {**spans, "kinds": kinds,
            "legend": [(f"status-{code}", label) for code, label in STATUS_LABELS.items()]}
    data["red"] = [{"branch": branch, **{key: worst[key][branch.pk] for key in spans},
                    "cells": [(worst[key][branch.pk], STATUS_LABELS[worst[key][branch.pk]])
                              for key in spans],
                    "missing": [names[code] for code in judged["missing"][branch.pk]],
                    "url": branch_url(branch.pk)}
                   for branch in branches if branch.pk in judged["missing"]]
    summary = defaultdict(lambda: {code: 0 for code in STATUS_LABELS})
    for branch in branches:
        summary[branch.parent_id][worst["month"][branch.pk]] += 1
    data["summary"] = [(community, summary[community.pk]) for community in scope.communities]
    red_by_community = defaultdict(int)
    for row in data["red"]:
        red_by_community[row["branch"].parent_id] += 1
    data["red_by_community"] = dict(red_by_community)
    data["red_communities"] = [community for community in scope.communities
                               if red_by_community[community.pk]]
    if scope.node.kind == Node.Kind.STREET:
        data.update(_heat_map(scope, judged["grid"], today))
    data["table"] = [(branch, [judged["table"][branch.pk].get(kind.code) for kind in kinds],
                      worst["month"][branch.pk], branch_url(branch.pk))
                     for branch in branches if branch.pk in judged["table"]]
    if scope.node.kind == Node.Kind.COMMUNITY:
        data["community_url"] = _community_url(spans["month"], scope.node.pk)
    return Panel("compliance", _("三会一课落实情况"), data)


def _spans(today):
    month = compliance.Span.of(Period.MONTH, today)
    return {"previous": compliance.Span.of(Period.MONTH, month.first - timedelta(days=1)),
            "month": month, "quarter": compliance.Span.of(Period.QUARTER, today)}


def month_status_counts(scopes):
    """{community id: {status: branches, "red_branches": n}} of these streets' scopes (of one
    day): each branch's worst status this month, and how many branches are red over one of the
    panel's spans (its list of red branches), as each street's panel counts them. Read from the
    panel's cached judgements where they are; the communities they miss (a district's streets
    after a rule of the district) are judged for these two figures only, in one pass over the
    streets, without the panel's heat map and named kinds, and cached apart."""
    counts, branches = {}, []
    for scope in scopes:
        community_ids = {community.pk for community in scope.communities}
        counts.update({pk: {**dict.fromkeys(STATUS_LABELS, 0), "red_branches": 0}
                       for pk in community_ids})
        branches += [branch for branch in scope.branches()
                     if branch.archived_at is None and branch.parent_id in community_ids]
    if not branches:
        return counts
    scopes = [scope for scope in scopes if scope.communities]
    requests = _requests(scopes)
    panels = compliance_cache.CACHE.peek_each("panel", requests, code_of=_judged)
    statuses = {}   # branch id → (worst status this month, red over one of the spans)
    for parts in panels.values():
        for part in parts.values():
            statuses.update({pk: (month, pk in part["missing"])
                             for pk, month in part["worst"]["month"].items()})
    unjudged = {parts: missing for parts, ids in requests.items()
                if (missing := [pk for pk in ids if pk not in panels[parts]])}
    if unjudged:
        judged = compliance_cache.CACHE.get_each(
            "month_and_red", unjudged, lambda missing: _month_and_red(scopes, missing),
            code_of=_judged)
        for parts in judged.values():
            for branch_statuses in parts.values():
                statuses.update(branch_statuses)
    for branch in branches:
        if branch.pk in statuses:
            month, red = statuses[branch.pk]
            counts[branch.parent_id][month] += 1
            counts[branch.parent_id]["red_branches"] += red
    return counts


def _month_and_red(scopes, missing):
    """{parts: {community id: {branch id: (worst status this month, red over one of the
    panel's spans)}}} for the communities `missing` ({parts: ids}) of these scopes: what
    `_judged` gives of their branches for the counts, at a fraction of its cost."""
    scope_of = {(scope.node.pk, scope.today): scope for scope in scopes}
    today = scopes[0].today
    spans = _spans(today)
    ids = {pk for pks in missing.values() for pk in pks}
    # The branches of these communities only.
    under = reduce(or_, (Q(path__startswith=scope_of[parts].node.path) for parts in missing))
    branches = compliance.branch_rows(
        Node.objects.active().filter(under, kind=Node.Kind.BRANCH, parent__in=ids))
    kinds, facts = year_facts(branches, date(spans["previous"].first.year, 1, 1), today,
                              scopes[0].memo, compliance_cache.held_counts)
    by_community = {pk: {} for pk in ids}
    windows = compliance.SpanWindows(spans, today)
    for branch in branches:
        worst = compliance.worst_each(facts[branch.pk], kinds, windows)
        by_community[branch.parent_id][branch.pk] = (worst["month"],
                                                     compliance.RED in worst.values())
    return {parts: {pk: by_community[pk] for pk in pks} for parts, pks in missing.items()}


def _requests(scopes):
    """{(street or node id, day): its communities' ids}: the panel's cache entries."""
    return {(scope.node.pk, scope.today): [community.pk for community in scope.communities]
            for scope in scopes}


def _cached_parts(scope, spans):
    """{community id: `_judged` of it} for the scope's communities, from the cache where it
    holds them; the communities it misses are judged in one pass."""
    communities = {community.pk: community for community in scope.communities}

    def judge(missing):
        (ids,) = missing.values()
        # The branches of these communities only.
        to_judge = compliance.branch_rows(Node.objects.active().filter(
            path__startswith=scope.node.path, kind=Node.Kind.BRANCH, parent__in=ids))
        return {parts: _judged(scope, [communities[pk] for pk in ids], to_judge, spans)
                for parts in missing}

    (found,) = compliance_cache.CACHE.get_each("panel", _requests([scope]), judge,
                                               code_of=_judged).values()
    return found


def _judged_by_community(scope, spans):
    """`_judged` for each community of the scope, from the cache where it holds them, merged."""
    parts = _cached_parts(scope, spans)
    # The kinds came with the facts if any community was judged now.
    kinds = scope.memo.get("kinds") or list(MeetingKind.objects.order_by("sort_order"))
    merged = {"kinds": kinds,
              "worst": {key: {} for key in spans}, "missing": {}, "grid": {}, "table": {}}
    for part in parts.values():
        for key in spans:
            merged["worst"][key].update(part["worst"][key])
        for name in ("missing", "grid", "table"):
            merged[name].update(part[name])
    return merged


def _judged(scope, communities, branches, spans):
    """{community id: what the panel shows of it}, as values that can be cached: each branch's
    worst status over each span, the kinds a red branch misses, the community's row of the
    street's heat map (months) and, below a street, each branch's kinds this month."""
    today = scope.today
    # Held by `today`: a past month's report keeps the figures it had.
    kinds, facts = year_facts(branches, date(spans["previous"].first.year, 1, 1), today,
                              scope.memo, compliance_cache.held_counts)
    scope.memo["kinds"] = kinds
    street = scope.node.kind == Node.Kind.STREET
    grid = dict(compliance.month_grid(communities, branches, kinds, facts, today.year, today)
                ) if street else {}
    judged = {community.pk: {"worst": {key: {} for key in spans}, "missing": {},
                             "grid": {community.pk: grid[community]} if street else {},
                             "table": {}}
              for community in communities}
    windows = compliance.SpanWindows(spans, today)
    for branch in branches:
        part = judged[branch.parent_id]
        worst, red = compliance.worst_and_red(facts[branch.pk], kinds, windows)
        for key in spans:
            part["worst"][key][branch.pk] = worst[key]
        if red:  # the kinds a red branch misses, named on the panel
            part["missing"][branch.pk] = red
        if not street:
            part["table"][branch.pk] = compliance.judge(facts[branch.pk], kinds,
                                                        spans["month"], today)
    return judged


def _community_url(month, pk):
    return reverse("activities:compliance_community", args=[pk]) + "?" + urlencode(
        {"period": Period.MONTH, "month": month.label})


def _heat_map(scope, grid, today):
    """Communities × the months of the year: the worst status of the community's branches over
    the windows ending in that month, as on the street compliance page."""
    months = [compliance.Span.month(today.year, number) for number in range(1, 13)]
    rows = [(community, grid[community.pk]) for community in scope.communities]
    community_url = path_url("activities:compliance_community")
    return {
        "months": months, "heat_rows": rows,
        "street_url": reverse("activities:compliance_street", args=[scope.node.pk])
        + f"?year={today.year}",
        "heat_map": {
            "months": [month_label(month.first) for month in months],
            "communities": [community.name for community, _cells in rows],
            "statuses": {code: str(label) for code, label in STATUS_LABELS.items()},
            "cells": [[m, index, cells[m]] for index, (_c, cells) in enumerate(rows)
                      for m in range(12)],
            # A cell's link is its community's URL and its month's query, joined in the browser.
            "community_urls": [community_url(community.pk) for community, _cells in rows],
            "month_queries": [urlencode({"period": Period.MONTH, "month": month.label})
                              for month in months],
        },
    }

