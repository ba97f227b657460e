"""The monthly amount from a base: the rate tables resolved for a node, and the computation
with the words that show how it was made."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

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


class RateBook:
    """Every rate row and rounding row, loaded once (two queries, a third for the streets'
    districts when a row sits on a node), answering for any node: a node's own tiers for a
    category replace its ancestors' (its district's too) and the default ones, as a whole."""

    def __init__(self):
        self.rates = {}
        for row in DuesRate.objects.all():
            self.rates.setdefault((row.node_id, row.category), []).append(
                Tier(row.up_to, row.percent, row.fixed_amount))
        for tiers in self.rates.values():
            tiers.sort(key=lambda tier: (tier.up_to is None, tier.up_to or 0))
        self.rounding = dict(DuesRounding.objects.values_list("node_id", "unit"))
        self.chains = PathChains([*(node_id for node_id, _c in self.rates), *self.rounding])
        self._cache = {}

    def for_path(self, path):
        """(tiers by category, rounding unit) for the node at `path`."""
        if path not in self._cache:
            chain = [*reversed(self.chains(path)), None]
            tiers = {}
            for category in DuesCategory.values:
                found = next((self.rates[(node_id, category)] for node_id in chain
                              if (node_id, category) in self.rates), None)
                tiers[category] = found or [Tier(up_to, percent, fixed) for c, up_to, percent, fixed
                                            in defaults.TIERS if c == category]
            unit = next((self.rounding[node_id] for node_id in chain
                         if node_id in self.rounding), defaults.ROUNDING_UNIT)
            self._cache[path] = (tiers, unit)
        return self._cache[path]


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
        "income": income, "percent": tier.percent.normalize(), "bound": _bound(tier, below),
        "unit": _("分") if unit == FEN else _("角"), "amount": value})
