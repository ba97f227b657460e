"""The meeting rules a level sets for the branches below it: a district's officials for their
streets, a street's for its communities, or a street's for one community.

三会一课 frequencies: the shipped defaults follow the 支部工作条例 (docs/RULES.md); a level may
ask more of the branches below it, never less: a locality adds stricter rules, and a laxer one
would show a branch green that the 条例 finds behind. The portal's administrator (Django admin)
is not held to this. Saving or clearing a row goes through the model, so the compliance figures
are recomputed (activities.compliance_cache listens to MeetingRule).

Reminder lead times: when attendees are reminded of a meeting. A level's set replaces the one
above as a whole (activities.reminder_sources.LeadTimes); at most three, so that a member is not
reminded of one meeting all week (减负).
"""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.compliance import MONTHS_IN
from activities.models import MeetingKind, MeetingRule, ReminderRule
from activities.reminder_sources import LeadTimes
from organizations.models import Node
from organizations.scope import Role, covers, grants_of


@dataclass(frozen=True)
class Requirement:
    """One kind's rule as a node sees it: the row that applies (None: not required), whether it
    is the node's own, and the rows of the levels above (nearest first, the default last)."""

    kind: MeetingKind
    rule: MeetingRule | None
    above_rows: tuple
    own: bool

    @property
    def above(self):
        """The row that would apply without the node's own."""
        return self.above_rows[0] if self.above_rows else None

    @property
    def text(self):
        return describe(self.rule)

    @property
    def above_text(self):
        return describe(self.above)

    @property
    def below_above(self):
        """The node's own row asks less than a level above: set before that level tightened."""
        return self.own and first_stricter(self.rule.period, self.rule.minimum,
                                           self.above_rows) is not None


def asks_less(period, minimum, above):
    """Whether `minimum` meetings per `period` ask less than the rule `above`: fewer meetings a
    year, or a longer period (four a year may all fall in December, one a quarter may not)."""
    if above is None or above.minimum == 0:
        return False
    if MONTHS_IN[period] > MONTHS_IN[above.period]:
        return True
    # minimum / months < above.minimum / above months, without fractions.
    return minimum * MONTHS_IN[above.period] < above.minimum * MONTHS_IN[period]


def first_stricter(period, minimum, rows):
    """The first of `rows` that `minimum` per `period` asks less than, else None. Every level
    above counts, not only the nearest: a street's row kept from before its district tightened
    must not let a community below it fall short of the district."""
    return next((row for row in rows if asks_less(period, minimum, row)), None)


def describe(rule):
    """"每季度至少 1 次", "不作要求"."""
    if rule is None or rule.minimum == 0:
        return _("不作要求")
    return _("%(period)s至少 %(minimum)s 次") % {"period": rule.get_period_display(),
                                              "minimum": rule.minimum}


def requirements(node, kinds=None):
    """Every meeting kind's Requirement for `node` (or these kinds'), in the kinds' order. Two
    queries."""
    ancestor_ids = node.ancestor_ids()
    depth = {pk: index for index, pk in enumerate(ancestor_ids)}
    kinds = list(MeetingKind.objects.order_by("sort_order") if kinds is None else kinds)
    rows = sorted(MeetingRule.objects.filter(Q(node__isnull=True) | Q(node_id__in=ancestor_ids),
                                             kind__in=kinds).select_related("node"),
                  key=lambda row: depth.get(row.node_id, -1), reverse=True)
    found = []
    for kind in kinds:
        own = [row for row in rows if row.kind_id == kind.pk and row.node_id == node.pk]
        above = tuple(row for row in rows if row.kind_id == kind.pk and row.node_id != node.pk)
        found.append(Requirement(kind=kind, rule=(own or above or [None])[0], above_rows=above,
                                 own=bool(own)))
    return found


# The levels that set rules, each with the level whose rules it sets as well.
RULE_LEVELS = (Node.Kind.DISTRICT, Node.Kind.STREET, Node.Kind.COMMUNITY)
BELOW = {Node.Kind.DISTRICT: Node.Kind.STREET, Node.Kind.STREET: Node.Kind.COMMUNITY}


def rule_node(user, pk):
    """The district, street or community `pk` whose rules `user` reads, else 404. A street's
    officials oversee their street and its communities; a district's the district, its streets
    and their communities. Nobody reads the rules of a level above their own."""
    return get_object_or_404(
        Node.objects.overseen_by(user).active().filter(kind__in=RULE_LEVELS), pk=pk)


def levels_below(node):
    """The nodes one level below `node`, each with its own rules: a street may ask more of one
    community."""
    if node.kind not in BELOW:
        return Node.objects.none()
    return node.children.active().filter(kind=BELOW[node.kind]).order_by("path")


def sets_rules_of(user, node):
    """Whether `user` sets the meeting rules of `node`: a district's officials their district's,
    a street's officials their street's and its communities'. A district's officials read a
    street's rules but do not set them: a row on the street would be the street's own, which the
    street's officials could then lower; the district asks more of all its streets at once."""
    if user.is_superuser:
        return True
    if node.kind == Node.Kind.DISTRICT:
        return any(role == Role.DISTRICT_OFFICIAL and granted.pk == node.pk
                   for _path, role, granted in grants_of(user))
    return covers(user, node.path, {Role.STREET_OFFICIAL})


@transaction.atomic
def rule_set(*, node, kind, period, minimum):
    """The node's own row for `kind`; refused (on the field at fault) when it asks less than
    a level above."""
    if MONTHS_IN.get(period) is None:
        raise ValidationError({"period": _("请选择周期。")})
    above = first_stricter(period, minimum, requirements(node, [kind])[0].above_rows)
    if above is not None:
        field = "period" if MONTHS_IN[period] > MONTHS_IN[above.period] else "minimum"
        raise ValidationError({field: _(
            "不能低于上级的要求（%(above)s）：本级只能提高频次，不能降低。") % {
                "above": describe(above)}})
    rule, _created = MeetingRule.objects.update_or_create(
        node=node, kind=kind, defaults={"period": period, "minimum": minimum})
    return rule


def rule_clear(*, node, kind):
    """Drop the node's own row: the levels above apply again. Whether there was one."""
    rules = list(MeetingRule.objects.filter(node=node, kind=kind))
    for rule in rules:
        rule.delete()  # one by one, so the compliance figures hear of it
    return bool(rules)


# The lead times offered, in minutes: a week, three days, a day, two hours, an hour, half an hour.
LEAD_CHOICES = (7 * 24 * 60, 3 * 24 * 60, 24 * 60, 2 * 60, 60, 30)
MAX_LEADS = 3


@dataclass(frozen=True)
class Leads:
    """The lead times a node's meetings are reminded at, longest first, and where they are set:
    `source` is the node holding them (None: the default), `own` when that is the node itself."""

    minutes: tuple
    source: object
    own: bool

    @property
    def labels(self):
        return [lead_label(minutes) for minutes in self.minutes]


def lead_label(minutes):
    """"3 天前", "2 小时前", "30 分钟前"."""
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return ngettext("%(n)s 天前", "%(n)s 天前", days) % {"n": days}
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)s 小时前", "%(n)s 小时前", hours) % {"n": hours}
    return ngettext("%(n)s 分钟前", "%(n)s 分钟前", minutes) % {"n": minutes}


def leads_of(node):
    """The Leads that apply to `node`, as the reminder scan resolves them (LeadTimes)."""
    holder, minutes = LeadTimes().held_for(node.path)
    return Leads(minutes=tuple(sorted(minutes, reverse=True)),
                 source=Node.objects.filter(pk=holder).first() if holder else None,
                 own=holder == node.pk)


@transaction.atomic
def leads_set(*, node, minutes):
    """The node's own lead times (replacing its earlier set, not adding to it)."""
    minutes = sorted(set(minutes), reverse=True)
    if not minutes:
        raise ValidationError({"leads": _("请至少选择一个提醒时间；不需要单独设置时请恢复上级设置。")})
    if len(minutes) > MAX_LEADS:
        raise ValidationError({"leads": _("最多选择 %(n)s 个提醒时间，以免反复打扰党员。") % {
            "n": MAX_LEADS}})
    ReminderRule.objects.filter(node=node).exclude(lead_minutes__in=minutes).delete()
    for lead in minutes:
        ReminderRule.objects.get_or_create(node=node, lead_minutes=lead)


def leads_clear(*, node):
    """Drop the node's own lead times: the level above's apply again."""
    ReminderRule.objects.filter(node=node).delete()
