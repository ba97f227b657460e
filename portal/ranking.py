"""周排名: communities of a street ranked by a weighted score of the week's inputs.

Each input is a function `(communities, start, end, today) -> {community_id: value}` computed
with one aggregate query. Its value is turned into a 0–100 mark: a rate (0–1) scores
rate × 100; a count where fewer is better scores 100 × (1 − value ÷ the street's largest value);
a count where more is better scores 100 × value ÷ the street's largest value.
The score is Σ weight × mark ÷ Σ weights, with the weights read from `RankingWeight` (rules as
data: a street's rows override the shipped defaults).

Other apps add an input by appending a `RankingInput` to `RANKING_INPUTS` and shipping its
default weight in a data migration of `portal`.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, gettext_lazy as _

from activities import compliance, compliance_cache
from activities.compliance import year_facts
from activities.models import CommunityActivity, Period
from organizations.models import Node
from organizations.rules import rules_for
from portal.models import Inspection, Rectification, RankingWeight
from portal.tasklists.models import TaskItem

RATE = "rate"
FEWER_IS_BETTER = "fewer"
MORE_IS_BETTER = "more"


@dataclass(frozen=True)
class RankingInput:
    key: str
    label: str
    kind: str  # RATE (0–1, higher is better), FEWER_IS_BETTER or MORE_IS_BETTER (counts)
    compute: Callable
    # The list behind the figure for (community, week): (URL name, filters) or
    # (URL name, filters, URL args).
    list_url: Callable
    shares_facts: bool = False  # compute takes `memo=`, facts shared with the page's panels

    def mark(self, value, largest):
        if value is None:
            return Decimal(100)
        if self.kind == RATE:
            return Decimal(value) * 100
        if self.kind == MORE_IS_BETTER:
            return Decimal(100) * Decimal(value) / Decimal(largest) if largest else Decimal(0)
        if not largest:
            return Decimal(100)
        return Decimal(100) * (1 - Decimal(value) / Decimal(largest))

    def display(self, value):
        if value is None:
            return "—"
        if self.kind == RATE:
            return f"{value * 100:.0f}%"
        return str(value)


def week_of(day):
    """Monday and Sunday of the week holding `day`."""
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def on_time_rate(communities, start, end, today):
    """Of the rectifications due this week, the share fixed by the deadline and accepted.

    A community with none due has nothing to be late on: no value, a full mark.
    """
    rows = (Rectification.objects.filter(community__in=communities, deadline__gte=start,
                                         deadline__lte=end)
            .values("community_id")
            .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(
                status=Rectification.Status.ACCEPTED, fixed_on__lte=F("deadline")))))
    return {row["community_id"]: Decimal(row["on_time"]) / row["due"] for row in rows}


def problems_found(communities, start, end, today):
    rows = (Inspection.objects.failed().between(start, end).filter(community__in=communities)
            .values("community_id").annotate(n=Count("pk")))
    values = {community.pk: 0 for community in communities}
    values.update({row["community_id"]: row["n"] for row in rows})
    return values


def rectifications_overdue(communities, start, end, today):
    """Rectifications past their deadline and not yet accepted at the end of the week (or
    today, for the current week): a past week keeps the figure it had."""
    on = min(end + timedelta(days=1), today)
    rows = (Rectification.objects.filter(community__in=communities, deadline__lt=on)
            .filter(Q(accepted_on__isnull=True) | Q(accepted_on__gte=on))
            .values("community_id").annotate(n=Count("pk")))
    values = {community.pk: 0 for community in communities}
    values.update({row["community_id"]: row["n"] for row in rows})
    return values


def compliance_rate(communities, start, end, today, memo=None):
    """Of the applicable kind × branch cells for the month the week starts in, the share that is
    green, judged at the end of the week (or today, for the current week). A kind whose window
    is longer than the month is judged on its quarter or year, as on the compliance pages.
    A community with no applicable cell has no value, a full mark."""
    communities = list(communities)
    if not communities:
        return {}
    on = min(end, today)
    rates = compliance_cache.cached_by_community(
        "rate", (start, on), [community.pk for community in communities],
        lambda missing: _compliance_rate(
            [community for community in communities if community.pk in missing], start, on, memo))
    return {pk: rate for pk, rate in rates.items() if rate is not None}


def _compliance_rate(communities, start, on, memo):
    branches = list(compliance.branch_rows(
        Node.objects.active().filter(kind=Node.Kind.BRANCH, parent__in=communities)))
    if not branches:
        return {}
    # Only what was held by `on`: a past week keeps the figure it had.
    kinds, facts = year_facts(branches, date(start.year, 1, 1), on, memo,
                              compliance_cache.held_counts)
    windows = compliance.SpanWindows({"month": compliance.Span.of(Period.MONTH, start)}, on)
    cells = defaultdict(lambda: [0, 0])
    for branch in branches:
        for status in compliance.kind_statuses(facts[branch.pk], kinds, windows).values():
            if status == compliance.GREY:
                continue
            cells[branch.parent_id][0] += status == compliance.GREEN
            cells[branch.parent_id][1] += 1
    return {pk: Decimal(green) / total for pk, (green, total) in cells.items() if total}


def activities_held(communities, start, end, today):
    rows = (CommunityActivity.objects.filter(community__in=communities, held_on__gte=start,
                                             held_on__lte=end)
            .values("community_id").annotate(n=Count("pk")).order_by())
    values = {community.pk: 0 for community in communities}
    values.update({row["community_id"]: row["n"] for row in rows})
    return values


def task_completion_rate(communities, start, end, today):
    """Of the task items due this week, the share reported by the deadline and accepted.

    A community with none due has no value, a full mark (as for rectifications)."""
    rows = (TaskItem.objects.filter(community__in=communities, deadline__gte=start,
                                    deadline__lte=end)
            .values("community_id")
            .annotate(due=Count("pk"), on_time=Count("pk", filter=Q(
                status=TaskItem.Status.ACCEPTED, reported_on__lte=F("deadline"))))
            .order_by())
    return {row["community_id"]: Decimal(row["on_time"]) / row["due"] for row in rows}


def _rectification_list(state):
    return lambda community, start, end: ("dashboards:rectification_list", {
        "community": community.pk, "state": state, "deadline_from": start.isoformat(),
        "deadline_to": end.isoformat()})


RANKING_INPUTS = [
    RankingInput("on_time_rate", _("按期整改率"), RATE, on_time_rate,
                 _rectification_list("all")),
    RankingInput("problems_found", _("发现问题数"), FEWER_IS_BETTER, problems_found,
                 lambda community, start, end: ("dashboards:inspection_list", {
                     "community": community.pk, "result": "fail",
                     "date_from": start.isoformat(), "date_to": end.isoformat()})),
    RankingInput("rectifications_overdue", _("逾期未整改数"), FEWER_IS_BETTER,
                 rectifications_overdue, _rectification_list("overdue")),
    RankingInput("compliance_rate", _("三会一课达标率"), RATE, compliance_rate,
                 lambda community, start, end: ("activities:compliance_community", {
                     "period": Period.MONTH, "month": f"{start:%Y-%m}"}, [community.pk]),
                 shares_facts=True),
    RankingInput("activities_held", _("开展活动数"), MORE_IS_BETTER, activities_held,
                 lambda community, start, end: ("activities:activity_list", {
                     "community": community.pk, "date_from": start.isoformat(),
                     "date_to": end.isoformat()})),
    RankingInput("task_completion", _("任务按期完成率"), RATE, task_completion_rate,
                 lambda community, start, end: ("tasklists:item_list", {})),
]


def weights_for(street):
    """{input key: weight} for the street, from its own rows or the shipped defaults."""
    rules = rules_for(RankingWeight.objects.all(), street, key=lambda row: row.input_key)
    return {item.key: rules[item.key].weight if item.key in rules else Decimal(0)
            for item in RANKING_INPUTS}


@dataclass
class RankingCell:
    input: RankingInput
    value: object
    mark: Decimal
    url: str

    @property
    def display(self):
        return self.input.display(self.value)

    @property
    def mark_label(self):
        # In Python rather than a blocktranslate per cell: a street's table has 250 of them.
        return gettext("%(mark)s 分") % {"mark": f"{self.mark:.1f}"}


@dataclass
class RankingRow:
    community: object
    values: list  # RankingCell per input, in RANKING_INPUTS order
    score: Decimal
    place: int = 0
    # Whether the reader may open this community's lists: every grant of the street reads the
    # ranking, but a branch secretary or another community's staff cannot open the lists.
    linked: bool = True


def weekly_ranking(street, communities, start, end, today, memo=None):
    """Rows sorted best first; ties share a place. One query per input plus the weights (six
    for the compliance rate, unless `memo` already holds its facts)."""
    weights = weights_for(street)
    total_weight = sum(weights.values()) or Decimal(1)
    computed = [(item, item.compute(communities, start, end, today, **(
        {"memo": memo} if item.shares_facts else {}))) for item in RANKING_INPUTS]
    largest = {item.key: max((v for v in by_community.values() if v is not None), default=0)
               for item, by_community in computed}
    list_urls = {}
    rows = []
    for community in communities:
        values, score = [], Decimal(0)
        for item, by_community in computed:
            value = by_community.get(community.pk)
            mark = item.mark(value, largest[item.key])
            name, filters, *args = item.list_url(community, start, end)
            if args:
                url = reverse(name, args=args[0])
            else:
                # Not setdefault(name, reverse(name)): that reverses 250 times for a street.
                if name not in list_urls:
                    list_urls[name] = reverse(name)
                url = list_urls[name]
            values.append(RankingCell(item, value, mark, f"{url}?{urlencode(filters)}"))
            score += weights[item.key] * mark
        rows.append(RankingRow(community, values, (score / total_weight).quantize(Decimal("0.1"))))
    rows.sort(key=lambda row: (-row.score, row.community.sort_order, row.community.name))
    for index, row in enumerate(rows):
        row.place = rows[index - 1].place if index and rows[index - 1].score == row.score \
            else index + 1
    return rows, weights
