"""Collection per branch, community and street: expected, settled, arrears for a month and for
the year so far, computed from the ledgers of the members under a node (a fixed number of
queries whatever the size of the node)."""
from datetime import date

from django.db.models import Exists, OuterRef

from kernel.dates import first_of_month_after
from kernel.paths import path_ids
from kernel.pinyin import name_keys
from members.dues import ledger
from members.dues.models import DuesBase, DuesPayment
from members.models import Member
from organizations.models import Node


def longest_run(months):
    """The longest run of consecutive months in a sorted list."""
    best = run = 0
    previous = None
    for month in months:
        run = run + 1 if previous and first_of_month_after(previous, 1) == month else 1
        best, previous = max(best, run), month
    return best


def arrears(members, today):
    """[{"member", "months", "amount", "long"}] of the `members` owing dues: the most months
    owed first, then in pinyin order like the roster (the database orders the members; the
    stable sort by months keeps that order among equals)."""
    rows = []
    for dues in ledger.load(members.order_by("name_pinyin", "name", "pk")).values():
        months = dues.arrears(today)
        if months:
            rows.append({"member": dues.member, "months": months,
                         "amount": sum(dues.due(month) for month in months),
                         "long": longest_run(months) >= ledger.LONG_ARREARS_MONTHS})
    rows.sort(key=lambda row: -len(row["months"]))
    return rows


def year_months(year, today):
    last = date(year, 12, 1) if year < today.year else ledger.month_of(today)
    return ledger.months_between(date(year, 1, 1), last) if year <= today.year else []


def collection(node, year, month, today):
    """{"rows": [{"name", "url_node", "month", "year"}], "total_month", "total_year"}: one row
    per child node (per member under a branch)."""
    # Members with neither a base nor an entry add nothing: leave them unread (most of a
    # district's members until every branch has set its bases).
    has_dues = (Exists(DuesBase.objects.filter(member=OuterRef("pk")))
                | Exists(DuesPayment.objects.filter(member=OuterRef("pk"))))
    members = Member.objects.active().filter(has_dues, branch__path__startswith=node.path) \
        .select_related("branch")
    dues = ledger.load(members)
    depth = len(path_ids(node.path))
    groups = {}
    for member_id, member_dues in dues.items():
        if node.kind == Node.Kind.BRANCH:
            key = ("member", member_id)
        else:
            key = ("node", path_ids(member_dues.member.branch.path)[depth])
        groups.setdefault(key, {})[member_id] = member_dues
    names = dict(Node.objects.filter(parent=node).values_list("pk", "name"))
    months = year_months(year, today)
    rows = []
    for (kind, key), group in groups.items():
        name = names.get(key, "") if kind == "node" else group[key].member.name
        rows.append({
            "name": name, "sort": name_keys(name)[0] if kind == "node"
            else group[key].member.name_pinyin,
            "node_id": key if kind == "node" else None,
            "member_id": key if kind == "member" else None,
            "month": ledger.totals(group, [month], today),
            "year": ledger.totals(group, months, today)})
    # In pinyin order like the roster: the members' stored keys, the nodes' computed (a few).
    rows.sort(key=lambda row: (row["sort"], row["name"]))
    return {"rows": rows, "total_month": ledger.totals(dues, [month], today),
            "total_year": ledger.totals(dues, months, today)}
