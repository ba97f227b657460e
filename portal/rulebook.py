"""The rules page (规则设置): the time limits and numbers the portal enforces, as a district's,
a street's or a community's officials see and set them, beside the 三会一课 frequencies
(activities.meeting_rules) and the street settings.

Each section is one rule table of an app (organizations.rules: the nearest row wins, the row
with no node is the shipped default). Two shapes of table:

- one row per node carrying every field (MoveRule, AppraisalRule, WishRule): the node's own row
  holds all its fields, saved or cleared as a whole;
- one row per key (DevelopmentRule by code, TermRule by level): the node keeps a row only for
  the keys it sets apart from the level above; saving the inherited value drops the row.

Where the 发展党员工作细则 fixes a number, a level may be stricter than the one above, never
laxer (`Field.stricter`), as with the meeting frequencies. Every write goes through the model,
so the caches listening to a rule table (the 失联 lists of members.contact_cache) renew, and
auditlog records who changed what.
"""
from dataclasses import dataclass
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.appraisal.models import AppraisalRule
from members.development.models import DevelopmentRule
from members.development.steps import LIMITS
from members.models import MoveRule
from organizations.models import Node, TermRule
from organizations.rules import nearest
from pairing.wishes.models import WishRule

LOWER, HIGHER = "lower", "higher"


@dataclass(frozen=True)
class Field:
    """A number (or a yes/no) of a rule: `name` is the model field, or the key of a keyed table.
    `stricter` says which way is stricter where the 细则 fixes the number: the page refuses a
    value laxer than the level above's."""

    name: str
    label: str
    low: int = 0
    high: int = 0
    stricter: str | None = None
    boolean: bool = False

    def laxer(self, value, above):
        if self.stricter is None or above is None:
            return False
        return value > above if self.stricter == LOWER else value < above

    def strictest(self, values):
        """Of the values the levels above give, the one a value of this level must not relax:
        a level's own row wins over its ancestors', so every one of them counts."""
        if self.stricter is None:
            return None
        return min(values) if self.stricter == LOWER else max(values)

    def display(self, value):
        if self.boolean:
            return _("是") if value else _("否")
        return "—" if value is None else str(value)


@dataclass(frozen=True)
class Value:
    """One field as a node sees it: the value that applies, where it comes from (a node, or
    None for the shipped default), whether the node set it, what the level above gives, and
    the strictest of the levels above (`limit`: what a value of the node must not relax)."""

    field: Field
    value: object
    source: Node | None
    own: bool
    above: object
    limit: object = None

    @property
    def shown(self):
        return self.field.display(self.value)

    @property
    def above_shown(self):
        """What the level above gives, and the stricter value of a level further up where the
        two differ (a street's row set before its district tightened)."""
        if self.limit is None or self.limit == self.above:
            return self.field.display(self.above)
        return _("%(above)s（更上级：%(limit)s）") % {
            "above": self.field.display(self.above), "limit": self.field.display(self.limit)}

    @property
    def laxer(self):
        """The value is laxer than a level above: set, here or on the level it is inherited from,
        before a level further up tightened."""
        return self.field.laxer(self.value, self.limit)


class Section:
    key = ""
    title = ""
    intro = ""
    model = None

    def fields(self, node):
        raise NotImplementedError

    def kept(self, value):
        """Whether `value` (a node's `Value`) saved unchanged may stay as it is though outside
        the field's bounds or laxer than a level above: only where saving writes nothing new."""
        raise NotImplementedError

    def _rows(self, node):
        ancestor_ids = node.ancestor_ids()
        rows = list(self.model.objects.filter(Q(node__isnull=True) | Q(node_id__in=ancestor_ids))
                    .select_related("node"))
        return rows, ancestor_ids

    def check(self, node, data):
        """Refuse, on the field at fault, a value laxer than a level above."""
        errors = {}
        for value in self.values(node):
            field = value.field
            # A value left as it was is no new laxity: refusing it would block saving the
            # section's other fields until the level that set it catches up (it is flagged).
            if data[field.name] == value.value and self.kept(value):
                continue
            if field.laxer(data[field.name], value.limit):
                errors[field.name] = _("不能宽于上级的规定（%(above)s）：本级只能从严。") % {
                    "above": field.display(value.limit)}
        if errors:
            raise ValidationError(errors)


class RowSection(Section):
    """A table with one row per node carrying every field."""

    fallback = None  # makes the values used when no row exists at all (a flushed database)

    def kept(self, value):
        # Saving copies every field into the node's own row: an inherited value left as it is
        # would become the node's own, so only a value already its own is kept unchecked.
        return value.own

    def values(self, node):
        rows, ancestor_ids = self._rows(node)
        chosen = nearest(rows, ancestor_ids, key=lambda row: None).get(None)
        above = nearest(rows, ancestor_ids[:-1], key=lambda row: None).get(None) or self.fallback()
        own = chosen is not None and chosen.node_id == node.pk
        row = chosen or self.fallback()
        above_rows = [row for row in rows if row.node_id != node.pk] or [self.fallback()]
        return [Value(field, getattr(row, field.name), row.node if row.pk else None, own,
                      getattr(above, field.name),
                      field.strictest([getattr(each, field.name) for each in above_rows]))
                for field in self.fields(node)]

    @transaction.atomic
    def set(self, node, data):
        self.check(node, data)
        self.model.objects.update_or_create(
            node=node, defaults={field.name: data[field.name] for field in self.fields(node)})

    @transaction.atomic
    def clear(self, node):
        # One by one, through the model: its delete signals renew what reads the rule.
        rows = list(self.model.objects.filter(node=node))
        for row in rows:
            row.delete()
        return bool(rows)


class KeyedSection(Section):
    """A table with one row per node and key (`key_field`), holding `value_field`."""

    key_field = ""
    value_field = ""

    def kept(self, value):
        # A value left as it is writes nothing (`set` skips it): its row stays where it is.
        return True

    def default(self, key):
        raise NotImplementedError

    def values(self, node):
        rows, ancestor_ids = self._rows(node)

        def key(row):
            return getattr(row, self.key_field)
        chosen = nearest(rows, ancestor_ids, key)
        above = nearest(rows, ancestor_ids[:-1], key)
        values = []
        for field in self.fields(node):
            row = chosen.get(field.name)
            above_row = above.get(field.name)
            above_values = [getattr(each, self.value_field) for each in rows
                            if key(each) == field.name and each.node_id != node.pk]
            values.append(Value(
                field, getattr(row, self.value_field) if row else self.default(field.name),
                row.node if row else None, row is not None and row.node_id == node.pk,
                getattr(above_row, self.value_field) if above_row else self.default(field.name),
                field.strictest(above_values or [self.default(field.name)])))
        return values

    @transaction.atomic
    def set(self, node, data):
        self.check(node, data)
        for value in self.values(node):
            name = value.field.name
            # Untouched: a row of the node's own stays even where the level above has since
            # come to give the same value (that level may relax it again).
            if data[name] == value.value:
                continue
            if data[name] == value.above:
                for row in self.model.objects.filter(node=node, **{self.key_field: name}):
                    row.delete()
            else:
                self.model.objects.update_or_create(
                    node=node, **{self.key_field: name},
                    defaults={self.value_field: data[name]})

    @transaction.atomic
    def clear(self, node):
        rows = list(self.model.objects.filter(
            node=node, **{f"{self.key_field}__in": [field.name for field in self.fields(node)]}))
        for row in rows:
            row.delete()
        return bool(rows)


class MoveSection(RowSection):
    key = "moves"
    title = gettext_lazy("党员流动与失联")
    intro = gettext_lazy("转出介绍信的回执期限、列为失联党员的月数，以及党员大会应到人数是否计入失联党员。")
    model = fallback = MoveRule

    def fields(self, node):
        return [Field("receipt_due_days", _("回执期限（天）"), 1, 365),
                Field("lost_contact_months", _("失联月数"), 1, 24),
                Field("lost_excluded_from_quorum", _("失联党员不计入应到人数"), boolean=True)]


class AppraisalSection(RowSection):
    key = "appraisal"
    title = gettext_lazy("民主评议党员")
    intro = gettext_lazy("支部决定（和每张评议票）中“优秀”等次所占比例的上限。")
    model = AppraisalRule
    fallback = partial(AppraisalRule, excellent_max_percent=100)

    def fields(self, node):
        return [Field("excellent_max_percent", _("优秀比例上限（%）"), 1, 100)]


class WishSection(RowSection):
    key = "wishes"
    title = gettext_lazy("微心愿时限")
    intro = gettext_lazy("社区办结微心愿的期限，以及开放认领后多久仍无人接单时提醒社区工作人员。")
    model = WishRule
    fallback = partial(WishRule, due_days=7, unclaimed_days=2)

    def fields(self, node):
        return [Field("due_days", _("办结时限（天）"), 1, 90),
                Field("unclaimed_days", _("无人接单提醒（天）"), 1, 30)]


# The 细则's numbers, and which way a locality may tighten them: a longer minimum, a shorter
# deadline or interval. The number of 入党介绍人 (two) is the 党章's and not set here.
DEVELOPMENT_BOUNDS = {
    "talk_months": (1, 12, LOWER),
    "contacts_max": (1, 2, LOWER),
    "review_months": (1, 12, LOWER),
    "report_months": (1, 12, LOWER),
    "cultivation_months": (1, 36, HIGHER),
    "political_review_months": (1, 24, LOWER),
    "training_days": (1, 30, HIGHER),
    "training_hours": (1, 240, HIGHER),
    "approval_months": (1, 12, LOWER),
    "approval_max_months": (1, 12, LOWER),
}


class DevelopmentSection(KeyedSection):
    key = "development"
    title = gettext_lazy("发展党员时限")
    intro = gettext_lazy("依据《中国共产党发展党员工作细则》的时间和人数要求；本级只能从严（更短的期限、更长的培养期），不能放宽。")
    model = DevelopmentRule
    key_field, value_field = "code", "value"

    def default(self, key):
        return LIMITS[key][0]

    def fields(self, node):
        return [Field(code, _(LIMITS[code][1]), low, high, stricter)
                for code, (low, high, stricter) in DEVELOPMENT_BOUNDS.items()]

    def check(self, node, data):
        super().check(node, data)
        if data["approval_max_months"] < data["approval_months"]:
            raise ValidationError({"approval_max_months": _(
                "特殊情况的审批期限不能短于一般审批期限。")})


class TermSection(KeyedSection):
    key = "terms"
    title = gettext_lazy("任期")
    intro = gettext_lazy("各级党组织委员会每届任期的年数（3 至 5 年）；登记班子成员时未填届满日期的，按此计算。")
    model = TermRule
    key_field, value_field = "kind", "years"
    KINDS = (Node.Kind.STREET, Node.Kind.COMMUNITY, Node.Kind.BRANCH)

    def default(self, key):
        return 3

    def fields(self, node):
        # A level sets the terms of its own committees and of those below it.
        kinds = self.KINDS[self.KINDS.index(node.kind):] if node.kind in self.KINDS else self.KINDS
        return [Field(kind, _("%(level)s任期（年）") % {"level": kind.label}, 3, 5)
                for kind in kinds]


SECTIONS = {section.key: section for section in (
    MoveSection(), DevelopmentSection(), AppraisalSection(), TermSection(), WishSection())}
