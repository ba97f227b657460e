"""What the 2008 规定 leaves to the locality, as a district, a street or a community sets it on
the rules page: the 农民党员's monthly amount (0.2 to 1 yuan) and the rounding. The percentage
tiers are the 中组部's own and change only in the admin.

A change takes effect from a month that has not begun (the next month at the earliest): the
months already owed, paid, closed and reported keep the amounts they had. A level may cancel a
change of its own before its month begins."""
from copy import copy
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.dates import first_of_month_after
from members.dues import defaults, ledger
from members.dues.models import DuesCategory, DuesPayment, DuesRate, DuesRounding
from members.dues.rates import RateBook, default_tiers, describe_tiers
from members.models import Member
from organizations.models import Node

FARMER, ROUNDING = "farmer", "rounding"
RULES = {FARMER: gettext_lazy("农民党员每月交纳"), ROUNDING: gettext_lazy("应交金额取整")}
FARMER_LOW, FARMER_HIGH = Decimal("0.20"), Decimal("1.00")
INCOME_CATEGORIES_IN_ORDER = (DuesCategory.EMPLOYED, DuesCategory.RETIRED)


def this_month(today=None):
    return (today or timezone.localdate()).replace(day=1)


def display(rule, value):
    if rule == ROUNDING:
        return _("四舍五入到分") if value == Decimal("0.01") else _("四舍五入到角")
    return _("%(amount)s 元") % {"amount": value}


@dataclass(frozen=True)
class Step:
    """The rule at a node from `month` on (None: in force this month): its value, the node whose
    row gives it (None: the shipped default), and whether that row is the node's own."""

    rule: str
    month: date | None
    value: object
    source: Node | None
    own: bool

    @property
    def shown(self):
        return display(self.rule, self.value)

    @property
    def described(self):
        if self.month is None:
            return _("现行：%(value)s") % {"value": self.shown}
        return _("%(month)s 起：%(value)s") % {"month": self.month.strftime("%Y-%m"),
                                              "value": self.shown}


def schedule(node, today=None, book=None):
    """{rule: [Step]}: each rule at `node` this month, then at each later month where it changes
    (a row of the node's or of a level above starting then). Three queries."""
    book = book or RateBook()
    month = this_month(today)
    chain = [*reversed(node.ancestor_ids()), None]
    tables = {FARMER: book.rates.get(DuesCategory.FARMER, {}), ROUNDING: book.rounding}
    steps, source_ids = {}, set()
    for rule, table in tables.items():
        later = sorted({start for node_id in chain for start in table.get(node_id, {})
                        if start is not None and start > month})
        found, previous = [], None
        for start in [None, *later]:
            value, node_id = book.nearest(table, chain, start or month)
            if rule == FARMER:
                value = (value or default_tiers(DuesCategory.FARMER))[0].fixed_amount
            elif value is None:
                value = defaults.ROUNDING_UNIT
            own_start = start is not None and start in table.get(node.pk, {})
            if (value, node_id) != previous or own_start:
                found.append((start, value, node_id))
                source_ids.add(node_id)
            previous = (value, node_id)
        steps[rule] = found
    names = Node.objects.in_bulk([pk for pk in source_ids if pk is not None])
    return {rule: [Step(rule, start, value, names.get(node_id), node_id == node.pk)
                   for start, value, node_id in found] for rule, found in steps.items()}


def percent_standard(node, book, today=None):
    """[(category, "3000 元以下（含）0.5%；…")]: the percentage tiers in force at `node` this
    month, for reading beside what the level sets."""
    chain = [*reversed(node.ancestor_ids()), None]
    return [(DuesCategory(category).label, describe_tiers(book.tiers(chain, this_month(today),
                                                                      category)))
            for category in INCOME_CATEGORIES_IN_ORDER]


def _check_month(from_month, today):
    if from_month is None or from_month.day != 1:
        raise ValidationError({"from_month": _("请填写起始月份。")})
    if from_month <= this_month(today):
        raise ValidationError({"from_month": _(
            "只能从下个月（%(month)s）或以后起执行：本月和已过去月份的应交金额不变。") % {
            "month": first_of_month_after(this_month(today), 1).strftime("%Y-%m")}})


def _members_under(node):
    if node is None:  # the shipped default rows
        return Member.objects.all()
    if node.kind == Node.Kind.DISTRICT:
        return Member.objects.filter(branch__district_id=node.pk)
    return Member.objects.filter(branch__path__startswith=node.path)


def repriced_paid_months(node, from_month, before):
    """{"ids": member ids, "last": month or None}: the members under `node` whose months from
    `from_month` on, already paid (in advance), are priced differently now than by the rate
    book `before`, and the last such month. Asked through the ledger, so a member's category,
    exception, leaving and a nearer level's own rule count as they do for the amounts."""
    candidates = _members_under(node).filter(
        dues_payments__kind__in=DuesPayment.SETTLING_KINDS,
        dues_payments__last_month__gte=from_month).distinct().select_related("branch")
    ids, last = set(), None
    for member_id, dues in ledger.load(candidates).items():
        old = replace(dues, book=before)
        changed = [month for month in dues.paid_months()
                   if month >= from_month and dues.due(month) != old.due(month)]
        if changed:
            ids.add(member_id)
            last = max(last or changed[0], *changed)
    return {"ids": ids, "last": last}


def _refuse_repricing(node, from_month, before):
    """Refuse the change just written (the transaction rolls it back) if it reprices a month
    already paid: a settled month is never paid again, so the difference could not be
    collected."""
    found = repriced_paid_months(node, from_month, before)
    if found["ids"]:
        raise ValidationError({"from_month": _(
            "已有 %(count)s 名党员预交了 %(month)s 及以后月份的党费（最晚交到 %(last)s），这一调整"
            "会改变他们已交月份的金额：请从 %(after)s 起执行，或先作废这些预交记录（更正时选“作废原记录”）。") % {
            "count": len(found["ids"]), "month": from_month.strftime("%Y-%m"),
            "last": found["last"].strftime("%Y-%m"),
            "after": first_of_month_after(found["last"], 1).strftime("%Y-%m")}})


class _DryRun(Exception):
    pass


def refused_in_the_admin(row, delete=False):
    """The ValidationError for a rate or rounding row about to be saved (`row` as the admin's
    form left it) or deleted in the admin, if that would reprice a month paid in advance, as the
    rules page refuses it; else None. The admin may edit a row in place, so the months counted
    start at the earlier of its old and new month (all months for a row without one), under its
    old and new node. Tried in a savepoint that is rolled back."""
    old = type(row).objects.filter(pk=row.pk).first() if row.pk else None
    if delete and old is None:  # deleted meanwhile: nothing left to refuse
        return None
    rows = [row] + ([old] if old else [])
    months = [each.from_month for each in rows]
    start = date.min if None in months else min(months)
    nodes = list({each.node_id: each.node for each in rows}.values())
    before = _lock(*nodes)  # held until the admin's save or delete commits
    try:
        with transaction.atomic():
            if delete:
                old.delete()
            else:
                trial = copy(row)
                trial._state = copy(row._state)  # the form's row stays unsaved
                trial.save()
            found = [repriced_paid_months(node, start, before) for node in nodes]
            raise _DryRun
    except _DryRun:
        pass
    members = len(set().union(*(each["ids"] for each in found)))
    if not members:
        return None
    last = max(each["last"] for each in found if each["last"])
    return ValidationError(_(
        "已有 %(count)s 名党员预交的月份（最晚交到 %(last)s）会因此改变金额，已交月份不能补收差额："
        "请新增一行从 %(after)s 起执行的标准，或先作废这些预交记录（更正时选“作废原记录”）。") % {
        "count": members, "last": last.strftime("%Y-%m"),
        "after": first_of_month_after(last, 1).strftime("%Y-%m")})


def _lock(*nodes):
    """One change at a time per node: two saves of the same month leave one row. FOR UPDATE
    (not Django's no_key): a payment holds its member's nodes FOR KEY SHARE
    (`services._hold`), so a change and a payment wait for each other. The shipped default rows
    (no node) price every member: every street is locked, the top of every member's branch."""
    ids = [node.pk for node in nodes if node is not None]
    if len(ids) < len(nodes):
        ids += Node.objects.filter(kind=Node.Kind.STREET).values_list("pk", flat=True)
    list(Node.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    return RateBook()


@transaction.atomic
def rule_set(*, node, rule, value, from_month, today=None):
    """The node's `rule` from `from_month` (a month not yet begun) on; one from the same month
    is replaced. Through the model, so the audit trail names who changed what. Refused if it
    reprices a month members under the node have paid in advance."""
    _check_month(from_month, today)
    if rule == FARMER and not FARMER_LOW <= value <= FARMER_HIGH:
        raise ValidationError({"value": _("农民党员每月交纳 0.2 元至 1 元。")})
    before = _lock(node)
    _delete_each(_own_rows(node, rule, from_month))
    if rule == FARMER:
        row = DuesRate(node=node, category=DuesCategory.FARMER, fixed_amount=value,
                       from_month=from_month)
    else:
        row = DuesRounding(node=node, unit=value, from_month=from_month)
    row.full_clean()
    row.save()
    _refuse_repricing(node, from_month, before)
    return row


@transaction.atomic
def change_cancel(*, node, rule, from_month, today=None):
    """Drop the node's change of `rule` from `from_month`, if that month has not begun and no
    month paid in advance would be repriced (refused as `rule_set` is)."""
    if from_month <= this_month(today):
        return False
    before = _lock(node)
    if not _delete_each(_own_rows(node, rule, from_month)):
        return False
    _refuse_repricing(node, from_month, before)
    return True


def _own_rows(node, rule, from_month):
    if rule == FARMER:
        return DuesRate.objects.filter(node=node, category=DuesCategory.FARMER,
                                       from_month=from_month)
    return DuesRounding.objects.filter(node=node, from_month=from_month)


def _delete_each(rows):
    # One by one, through the model: the audit trail records each row.
    rows = list(rows)
    for row in rows:
        row.delete()
    return bool(rows)
