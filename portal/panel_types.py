"""The shapes every dashboard panel shares: the scope it is computed for and what it returns."""
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.urls import reverse
from django.utils.http import urlencode

from portal.ranking import week_of


@dataclass
class DashboardScope:
    node: object
    communities: list
    today: date
    street: object = None
    # 三会一课 facts the panels and the ranking of one page load once: see activities.compliance.year_facts.
    memo: dict = field(default_factory=dict)

    def branches(self):
        """Every branch under the node, archived ones too, as (pk, parent_id, name, archived_at)
        rows in tree order: one query the panels share (a street's 500 branches as model
        instances would cost more than most panels)."""
        if "branches" not in self.memo:
            from organizations.models import Node

            self.memo["branches"] = list(
                Node.objects.filter(kind=Node.Kind.BRANCH, path__startswith=self.node.path)
                .order_by("sort_key")
                .values_list("pk", "parent_id", "name", "archived_at", named=True))
        return self.memo["branches"]

    @property
    def week(self):
        return week_of(self.today)

    @property
    def month(self):
        start = self.today.replace(day=1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        return start, end


@dataclass
class Panel:
    key: str
    title: str
    data: dict = field(default_factory=dict)

    @property
    def template(self):
        return f"portal/panels/_{self.key}.html"


def path_url(name):
    """A function pk → the URL of `name` for that pk, reversed once for a whole table."""
    return reverse(name, args=[0]).replace("/0/", "/{}/").format


def url_with(name, args=None, **filters):
    url = reverse(name, args=args or [])
    return f"{url}?{urlencode(filters)}" if filters else url


def status_class(weight, amber_from, red_from):
    """green / amber / red with the same meaning everywhere: fine, watch it, act now."""
    if weight >= red_from:
        return "status-red"
    if weight >= amber_from:
        return "status-amber"
    return "status-green"
