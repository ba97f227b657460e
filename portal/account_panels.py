"""账号激活 on the dashboards: how many members on the roll who use a phone have activated
their account, per community on the street's dashboard and per branch below it, each linked
to the roster of the members still to reach. Members marked 不使用手机 are left out of the
rate (proxy check-in serves them) and counted apart."""
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from members.accounts import activation_rates
from members.models import Member
from organizations.models import Node
from portal.panel_types import Panel
from portal.work_panels import _rate, _rate_status

KEYS = ["total", "active", "pending", "none", "disabled", "no_phone"]


def _row(figures, filters):
    row = {key: sum(f[key] for f in figures) for key in KEYS}
    row["rate"] = _rate(row["active"], row["total"])
    row["status"] = _rate_status(row["rate"])
    row["to_reach"] = row["total"] - row["active"]
    query = urlencode({**filters, "account": "to_reach"})
    row["to_reach_url"] = f"{reverse('members:roster')}?{query}"
    return row


def accounts_panel(scope):
    rates = activation_rates(Member.objects.filter(branch__path__startswith=scope.node.path))
    empty = dict.fromkeys(KEYS, 0)
    branches = [branch for branch in scope.branches() if branch.archived_at is None]
    if scope.node.kind == Node.Kind.STREET:
        by_community = {}
        for branch in branches:
            by_community.setdefault(branch.parent_id, []).append(rates.get(branch.pk, empty))
        rows = [(community.name, _row(by_community.get(community.pk, []),
                                      {"community": community.pk}))
                for community in scope.communities]
        unit_label = _("社区")
    else:
        rows = [(branch.name, _row([rates.get(branch.pk, empty)], {"branch": branch.pk}))
                for branch in branches]
        unit_label = _("支部")
    filters = {Node.Kind.COMMUNITY: {"community": scope.node.pk},
               Node.Kind.BRANCH: {"branch": scope.node.pk}}.get(scope.node.kind, {})
    return Panel("accounts", _("党员账号激活"), {
        "totals": _row([rates.get(branch.pk, empty) for branch in branches], filters),
        "rows": rows, "unit_label": unit_label,
    })
