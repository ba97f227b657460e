"""Points (积分): the API other apps call, and the computed totals and rankings.

Rules are `PointsRule` rows (a default per item, overridable on a street or community); the
ledger is `PointsEntry`; every total is a sum over the ledger.
"""
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from members.models import Member, PointsEntry, PointsRule
from organizations.rules import rules_for

MEETING_KINDS = {
    "general_meeting": _("支部党员大会"),
    "committee_meeting": _("支部委员会"),
    "group_meeting": _("党小组会"),
    "party_lecture": _("党课"),
    "theme_day": _("主题党日"),
    "life_meeting": _("组织生活会"),
    "appraisal": _("民主评议党员"),
    "talk": _("谈心谈话"),
}
ITEMS = {
    **{f"attendance:{code}": label for code, label in MEETING_KINDS.items()},
    "volunteer_hour": _("志愿服务（每小时）"),
    "post_month": _("岗位服务（每月）"),
}
# The shipped defaults (also written by migration 0004): (item, points, yearly cap).
DEFAULT_RULES = [
    ("attendance:general_meeting", "2", "24"), ("attendance:committee_meeting", "1", "24"),
    ("attendance:group_meeting", "1", "24"), ("attendance:party_lecture", "2", "16"),
    ("attendance:theme_day", "2", "24"), ("attendance:life_meeting", "3", "6"),
    ("attendance:appraisal", "2", "4"), ("attendance:talk", "1", "6"),
    ("volunteer_hour", "1", "100"), ("post_month", "5", "60"),
]
ITEM_LABELS = {**ITEMS, PointsEntry.ADJUSTMENT: _("手动调整")}
ZERO = Decimal("0")


def item_label(item):
    return ITEM_LABELS.get(item, item)


def ensure_default_rules():
    """Restore missing default rows (a flushed test database loses the migration's data)."""
    present = set(PointsRule.objects.filter(node=None).values_list("item", flat=True))
    PointsRule.objects.bulk_create([
        PointsRule(node=None, item=item, points=Decimal(value), yearly_cap=Decimal(cap))
        for item, value, cap in DEFAULT_RULES if item not in present])


def rules_for_branch(branch):
    """{item: PointsRule} that apply to a branch: its nearest override or the default."""
    return rules_for(PointsRule.objects.all(), branch, key=lambda rule: rule.item)


def award(*, member, item, quantity, source, occurred_on, reason=""):
    """Add the points `item` earns `member`, once per (member, item, source).

    Applies the rule for the member's branch, its exempt categories and its yearly cap (the
    award is cut to what the cap leaves). Returns the new entry; the existing one when this
    source was already awarded; None when nothing is due (unknown item, exempt, cap reached,
    inactive member).
    """
    if item not in ITEMS:
        raise ValueError(f"unknown points item {item!r}")
    source_type = ContentType.objects.get_for_model(source)
    existing = PointsEntry.objects.filter(member=member, item=item, source_type=source_type,
                                          source_id=source.pk).first()
    if existing is not None:
        return existing
    if not member.is_active:
        return None
    rule = rules_for_branch(member.branch).get(item)
    if rule is None or member.category in (rule.exempt_categories or []):
        return None
    points = rule.points * Decimal(str(quantity))
    if rule.yearly_cap is not None:
        earned = PointsEntry.objects.filter(
            member=member, item=item, occurred_on__year=occurred_on.year,
        ).aggregate(total=Coalesce(Sum("points"), ZERO))["total"]
        points = min(points, rule.yearly_cap - earned)
    if points <= 0:
        return None
    try:
        with transaction.atomic():
            return PointsEntry.objects.create(
                member=member, item=item, quantity=quantity, points=points,
                occurred_on=occurred_on, source_type=source_type, source_id=source.pk,
                reason=reason)
    except IntegrityError:  # a concurrent award of the same source won the race
        return PointsEntry.objects.get(member=member, item=item, source_type=source_type,
                                       source_id=source.pk)


def total_for(member, year=None):
    entries = member.points_entries.all()
    if year is not None:
        entries = entries.in_year(year)
    return entries.aggregate(total=Coalesce(Sum("points"), ZERO))["total"]


def ranking(node, year, limit=None):
    """Active members under `node` ordered by their points in `year` (one query)."""
    members = (
        Member.objects.active().filter(branch__path__startswith=node.path)
        .annotate(total=Coalesce(Sum("points_entries__points",
                                     filter=Q(points_entries__occurred_on__year=year)), ZERO))
        .select_related("branch").order_by("-total", "name_pinyin", "name")
    )
    return members[:limit] if limit else members
