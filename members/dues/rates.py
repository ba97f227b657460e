"""The monthly amount from a base: the rate tables resolved for a node, and the computation
with the words that show how it was made."""
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from members.dues import defaults
from members.dues.models import INCOME_CATEGORIES, DuesCategory, DuesRate, DuesRounding
from organizations.rules import PathChains

HUNDRED = Decimal("100")
FEN = Decimal("0.01")


@dataclass(frozen=True)
class Tier:
    up_to: Decimal | None
    percent: Decimal | None
    fixed_amount: Decimal | None


@dataclass(frozen=True)
class Amount:
    value: Decimal
    how: str


def default_tiers(category):
    return [Tier(up_to, percent, fixed) for c, up_to, percent, fixed in defaults.TIERS
            if c == category]


def in_force(by_start, month):
    """Of {from_month or None (from the start): value}, the value that started last by `month`,
    or None when every one starts later."""
    started = [start for start in by_start if start is None or start <= month]
    if not started:
        return None
    return by_start[max(started, key=lambda start: start or date.min)]


class RateBook:
    """Every rate row and rounding row, loaded once (two queries, a third for the streets'
    districts when a row sits on a node), answering for any node and month: the nearest level
    with tiers for a category in force that month gives them all (its district's too, then the
    default ones), the tiers from its latest `from_month` up to that month."""

    def __init__(self):
        self.rates = {}  # {category: {node id: {from_month: [Tier]}}}
        for row in DuesRate.objects.all():
            self.rates.setdefault(row.category, {}).setdefault(row.node_id, {}).setdefault(
                row.from_month, []).append(Tier(row.up_to, row.percent, row.fixed_amount))
        for by_node in self.rates.values():
            for by_start in by_node.values():
                for tiers in by_start.values():
                    tiers.sort(key=lambda tier: (tier.up_to is None, tier.up_to or 0))
        self.rounding = {}  # {node id: {from_month: unit}}
        for node_id, from_month, unit in DuesRounding.objects.values_list(
                "node_id", "from_month", "unit").order_by("pk"):
            self.rounding.setdefault(node_id, {})[from_month] = unit
        self.chains = PathChains([*(node_id for by_node in self.rates.values()
                                    for node_id in by_node), *self.rounding])
        self._cache = {}

    @staticmethod
    def nearest(table, chain, month):
        """(value, node id or None for the default) of `table` ({node id: {from_month: value}})
        in force in `month` on the first node of `chain` (nearest first, None last) that has
        one, or (None, None)."""
        for node_id in chain:
            found = in_force(table.get(node_id, {}), month)
            if found is not None:
                return found, node_id
        return None, None

    def tiers(self, chain, month, category):
        found, _node_id = self.nearest(self.rates.get(category, {}), chain, month)
        return found or default_tiers(category)

    def unit(self, chain, month):
        found, _node_id = self.nearest(self.rounding, chain, month)
        return defaults.ROUNDING_UNIT if found is None else found

    def for_path(self, path, month=None):
        """(tiers by category, rounding unit) for the node at `path`, in `month` (this month
        unless given)."""
        month = month or timezone.localdate().replace(day=1)
        if (path, month) not in self._cache:
            chain = [*reversed(self.chains(path)), None]
            self._cache[(path, month)] = (
                {category: self.tiers(chain, month, category)
                 for category in DuesCategory.values},
                self.unit(chain, month))
        return self._cache[(path, month)]


def tier_for(tiers, income):
    """(the tier `income` falls in, the bound of the tier below it or None)."""
    below = None
    for tier in tiers:
        if tier.up_to is None or income <= tier.up_to:
            return tier, below
        below = tier.up_to
    return tiers[-1], below


def _bound(tier, below):
    """The tier in the standard's words: "3000 元以上至 5000 元（含）"."""
    if below is None and tier.up_to is not None:
        return _("%(up_to)s 元以下（含）") % {"up_to": tier.up_to}
    if tier.up_to is None:
        return _("%(below)s 元以上") % {"below": below} if below is not None else ""
    return _("%(below)s 元以上至 %(up_to)s 元（含）") % {"below": below, "up_to": tier.up_to}


def percent_shown(percent):
    """1.50 → "1.5", 10.00 → "10" (normalize() alone gives "1E+1")."""
    return format(percent.normalize(), "f")


def describe_tiers(tiers):
    """The tiers in the standard's words: "3000 元以下（含）0.5%；3000 元以上至 5000 元（含）1%"."""
    parts, below = [], None
    for tier in tiers:
        rate = (f"{percent_shown(tier.percent)}%" if tier.fixed_amount is None
                else _("每月 %(amount)s 元") % {"amount": tier.fixed_amount})
        parts.append(f"{_bound(tier, below)}{rate}")
        below = tier.up_to
    return _("；").join(parts)


def monthly_amount(category, income, tiers, unit):
    """The monthly amount for a base, with how it was computed."""
    tier, below = tier_for(tiers[category], income or Decimal("0"))
    if tier.fixed_amount is not None or category not in INCOME_CATEGORIES:
        value = tier.fixed_amount or Decimal("0")
        return Amount(value, _("%(category)s每月定额 %(amount)s 元") % {
            "category": DuesCategory(category).label, "amount": value})
    raw = income * tier.percent / HUNDRED
    # unit.normalize(): Decimal("0.10") would keep the fen; 0.1 rounds to the jiao.
    value = raw.quantize(unit.normalize(), rounding=ROUND_HALF_UP).quantize(FEN)
    return Amount(value, _("%(income)s 元 × %(percent)s%%（%(bound)s一档，全额按该档比例），"
                           "四舍五入到%(unit)s = %(amount)s 元") % {
        "income": income, "percent": percent_shown(tier.percent), "bound": _bound(tier, below),
        "unit": _("分") if unit == FEN else _("角"), "amount": value})
