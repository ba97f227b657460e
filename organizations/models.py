import hashlib
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kernel.paths import path_ids
from organizations.rules import NodeRule, most_specific
from organizations.scope import (READ_ROLES, STAFF_ROLES, STREET_ROLES, WRITE_ROLES, Role,
                                 granted_paths, scope_q)


# Sent after a write that bypasses the model signals (`update()`, `bulk_create()`,
# `bulk_update()`) on a model whose queryset derives from `BulkWriteSignallingQuerySet`: caches
# of figures computed from those rows (activities.compliance_cache, members.contact_cache) listen
# to it. `fields`: the fields written (None: whole rows); `objs`: the instances written (None
# for an `update()`, which does not know its rows).
bulk_written = Signal()


class BulkWriteSignallingQuerySet(models.QuerySet):
    """Bulk writes announce themselves (`bulk_written`), as save() and delete() do with the
    model signals, so a cache of figures read from these rows cannot miss them."""

    def update(self, **kwargs):
        rows = super().update(**kwargs)
        bulk_written.send(sender=self.model, fields=tuple(kwargs))
        return rows

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        bulk_written.send(sender=self.model, fields=None, objs=created)
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)  # read twice
        rows = super().bulk_update(objs, fields, *args, **kwargs)
        bulk_written.send(sender=self.model, fields=tuple(fields), objs=objs)
        return rows


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every scoped model: set `scope_path` to the lookup of its node's path.

    The scope vocabulary, meaning the same on every model (views call these, never `scope_q`):
    - `visible_to(user)`: the rows the user may read. Read roles by default; a model may widen
      it to a member's own records or narrow it for personal data, and says so.
    - `editable_by(user)`: the rows the record keepers write: community staff and branch
      secretaries (WRITE_ROLES). A model whose records secretaries must not write sets
      `secretaries_write = False`, and then `editable_by` refuses to answer.
    - `managed_by_staff(user)`: the rows community staff write (STAFF_ROLES).
    - `overseen_by(user)`: the rows under a street official's grant (STREET_ROLES).
    """

    scope_path = "node__path"
    secretaries_write = True

    def _granted(self, user, roles):
        return self.filter(scope_q(user, self.scope_path, roles))

    def visible_to(self, user):
        return self._granted(user, READ_ROLES)

    def editable_by(self, user):
        if not self.secretaries_write:
            raise TypeError(f"{self.model.__name__}: branch secretaries do not write these "
                            "records; use managed_by_staff() or overseen_by().")
        return self._granted(user, WRITE_ROLES)

    def managed_by_staff(self, user):
        return self._granted(user, STAFF_ROLES)

    def overseen_by(self, user):
        return self._granted(user, STREET_ROLES)


class NodeQuerySet(BulkWriteSignallingQuerySet, ScopedQuerySet):
    scope_path = "path"

    # Nodes are shaped by every read role, not by the record keepers: see `shaped_by`.
    secretaries_write = False

    def active(self):
        return self.filter(archived_at__isnull=True)

    def shaped_by(self, user):
        """Nodes the user may shape (edit, add children to, choose as a place for records):
        street officials their street's tree, staff and secretaries their own part."""
        return self._granted(user, READ_ROLES)

    def summarized_for(self, user):
        """Nodes at or above one of the user's grants: the street pages (bulletin, ranking)
        that anyone with a grant inside the street reads, each community checking its place."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(path__in={granted[:end + 1]
                                     for granted in granted_paths(user, READ_ROLES)
                                     for end, char in enumerate(granted)
                                     if char == "/" and end})

    def under(self, node):
        return self.filter(path__startswith=node.path)

    def of_kind(self, kind):
        return self.filter(kind=kind)


class Node(models.Model):
    """A node of the organization tree: (district →) street → community → branch → party group.

    A district (区委) sits above streets but outside the materialized paths: a street's path is
    "/<street pk>/" with or without one, and every node carries its street's district in the
    denormalized `district` column instead (see kernel/paths.py)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区委")
        STREET = "street", _("街道党工委")
        COMMUNITY = "community", _("社区党组织")
        BRANCH = "branch", _("党支部")
        GROUP = "group", _("党小组")

    class OrgType(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")

    # A street's parent may also be a district or nothing (PARENT_KIND says what it must be when
    # one is required; `clean` admits both for a street).
    PARENT_KIND = {
        Kind.DISTRICT: None,
        Kind.STREET: None,
        Kind.COMMUNITY: Kind.STREET,
        Kind.BRANCH: Kind.COMMUNITY,
        Kind.GROUP: Kind.BRANCH,
    }
    CHILD_KIND = {Kind.DISTRICT: Kind.STREET, Kind.STREET: Kind.COMMUNITY, Kind.COMMUNITY: Kind.BRANCH, Kind.BRANCH: Kind.GROUP}

    kind = models.CharField(_("层级"), max_length=16, choices=Kind.choices)
    org_type = models.CharField(
        _("组织类型"), max_length=16, choices=OrgType.choices, blank=True,
        help_text=_("社区党组织填写：党委、党总支或党支部。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("上级组织"),
    )
    # Materialized path of primary keys, "/1/7/42/": "everything under a node" is one
    # indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    # The district above the node's street (None without one), copied onto every node so that
    # rules and scope reach it with no extra query; kept by `save`, never typed.
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        editable=False, verbose_name=_("所属区"))
    # The path again, each part "sort order, primary key" zero-padded to a fixed width, so that
    # ordering by it as text lists the tree depth first with siblings in their natural order
    # ("/1/2/3/" before "/1/2/10/", which the path alone sorts the other way round).
    sort_key = models.CharField(max_length=255, db_index=True, editable=False, default="")
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    archived_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    archive_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)

    objects = NodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["sort_key"]
        indexes = [models.Index(fields=["kind", "path"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("organizations:node_detail", args=[self.pk])

    def clean(self):
        expected = self.PARENT_KIND.get(self.kind)
        if self.kind == self.Kind.STREET and self.parent_id:
            if self.parent.kind != self.Kind.DISTRICT:
                raise ValidationError({"parent": _("街道党工委的上级只能是区委。")})
            return
        if expected is None and self.parent_id:
            raise ValidationError({"parent": _("街道党工委没有上级组织。")})
        if expected is not None and (self.parent is None or self.parent.kind != expected):
            raise ValidationError({"parent": _("%(kind)s的上级必须是%(parent)s。") % {
                "kind": self.get_kind_display(), "parent": self.Kind(expected).label}})
        if self.pk and self.parent_id and self.parent.path.startswith(self.path or "-"):
            raise ValidationError({"parent": _("不能移动到自己的下级组织之下。")})

    # Both numbers fit ten digits (a PositiveIntegerField and a primary key).
    SORT_KEY_PART = "{sort_order:010d}{pk:010d}"

    def save(self, *args, **kwargs):
        # One transaction: no other request sees a new node without its path, or a moved one
        # with its subtree half carried, and what is renewed after the commit (the cached
        # figures of the node's community) is asked where the node finally is.
        with transaction.atomic():
            self._save(*args, **kwargs)

    def _save(self, *args, **kwargs):
        parent = self.parent if self.parent_id else None
        if self.kind == self.Kind.STREET:
            district_id = parent.pk if parent and parent.kind == self.Kind.DISTRICT else None
        else:
            district_id = parent.district_id if parent else None
        moved_district = self.pk is not None and district_id != self.district_id
        self.district_id = district_id
        super().save(*args, **kwargs)
        # Districts stay out of the paths: a street is a root of its own path and sort key.
        if parent and parent.kind == self.Kind.DISTRICT:
            parent = None
        self._carry("path", f"{parent.path if parent else '/'}{self.pk}/")
        self._carry("sort_key", (parent.sort_key if parent else "") + self.SORT_KEY_PART.format(
            sort_order=self.sort_order, pk=self.pk))
        if moved_district:
            # A street moved to another district: its subtree follows in one statement.
            Node.objects.filter(path__startswith=self.path).exclude(pk=self.pk).update(
                district_id=district_id)

    def _carry(self, field, expected):
        """Store `expected` as this node's `field`, a prefix of its descendants' (after a move,
        or for the sort key a new sort order): the whole subtree follows in one statement."""
        old = getattr(self, field)
        if old == expected:
            return
        if not old:
            # A new node: its own row only, which no member, meeting or cached figure refers
            # to yet. The signal says so (`new`): the 失联 lists of every community stay.
            models.QuerySet.update(Node.objects.filter(pk=self.pk), **{field: expected})
            bulk_written.send(sender=Node, fields=(field,), objs=[self], new=True)
            setattr(self, field, expected)
            return
        Node.objects.filter(pk=self.pk).update(**{field: expected})
        Node.objects.filter(**{f"{field}__startswith": old}).exclude(pk=self.pk).update(
            **{field: Concat(Value(expected), Substr(F(field), len(old) + 1))})
        setattr(self, field, expected)

    @property
    def parent_path(self):
        """"/1/7/42/" → "/1/7/": the parent's path, read from this node's own ("" for a root,
        and for a street under a district: the district is outside the paths)."""
        if not self.parent_id or self.kind == self.Kind.STREET:
            return ""
        return self.path[:self.path.rstrip("/").rfind("/") + 1]

    def ancestor_ids(self):
        """Primary keys from the root down to this node, itself included: the district first
        when there is one (rules: default < district < street < community …)."""
        district = [self.district_id] if self.district_id else []
        return district + path_ids(self.path)

    def ancestors(self):
        return Node.objects.filter(pk__in=self.ancestor_ids()[:-1]).order_by(
            F("district").asc(nulls_first=True), "path")

    @property
    def depth(self):
        return self.path.count("/") - 1

    def ancestor_of_kind(self, kind):
        if self.kind == kind:
            return self
        return Node.objects.filter(pk__in=self.ancestor_ids(), kind=kind).first()

    @property
    def community(self):
        return self.ancestor_of_kind(self.Kind.COMMUNITY)

    @property
    def street(self):
        return self.ancestor_of_kind(self.Kind.STREET)

    @property
    def is_archived(self):
        return self.archived_at is not None

    @property
    def child_kind(self):
        return self.CHILD_KIND.get(self.kind)


class GridQuerySet(ScopedQuerySet):
    scope_path = "community__path"
    # A community's grids are kept by its staff (a secretary's grant is on a branch below).
    secretaries_write = False


class Grid(models.Model):
    """网格 / 责任区: a part of a community that members, posts and units can belong to."""

    community = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="grids", verbose_name=_("社区"),
        limit_choices_to={"kind": Node.Kind.COMMUNITY},
    )
    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("范围说明"), max_length=200, blank=True)
    keeper = models.CharField(_("网格员"), max_length=50, blank=True)
    archived_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["community", "name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="grid_unique_name")]

    def __str__(self):
        return self.name


class UnitQuerySet(BulkWriteSignallingQuerySet, ScopedQuerySet):
    # A unit belongs to its street; communities it co-builds with see it through that street.
    scope_path = "street__path"
    secretaries_write = False

    def visible_to(self, user):
        community_scope = scope_q(user, "communities__path", READ_ROLES)
        street_scope = scope_q(user, self.scope_path, STREET_ROLES)
        return self.filter(pk__in=self.model.objects.filter(street_scope | community_scope)
                           .values("pk"))

    def managed_by_staff(self, user):
        return self.filter(pk__in=self.model.objects.filter(
            scope_q(user, "communities__path", STAFF_ROLES)).values("pk"))

    def overseen_by(self, user):
        return self.filter(pk__in=self.model.objects.filter(
            scope_q(user, self.scope_path, STREET_ROLES)).values("pk"))

    def active(self):
        return self.filter(archived_at__isnull=True)

    def for_choice(self, chosen=()):
        """Units to offer in a select box: the active ones, plus those already chosen on the
        record being edited (an archived unit stays on the records it took part in)."""
        return self.filter(Q(archived_at__isnull=True) | Q(pk__in=chosen))


class Unit(models.Model):
    """共建单位: an organization located in the street that co-builds with its communities.

    Kept by the co-building pages (pairing), read by the roster (a member's employer, the unit
    of a 双报到 registration) and the community activities; its tables keep their pairing names
    (moved here by state-only migrations, no data moved).
    """

    class UnitType(models.TextChoices):
        GOVERNMENT = "government", _("行政单位")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")
        STATE_ENTERPRISE = "state_enterprise", _("国有企业")
        PRIVATE_ENTERPRISE = "private_enterprise", _("非公企业")
        MILITARY = "military", _("部队")
        SCHOOL = "school", _("学校")
        SOCIAL_ORGANIZATION = "social_organization", _("社会组织")

    street = models.ForeignKey("organizations.Node", on_delete=models.PROTECT,
                               related_name="units", verbose_name=_("所在街道"),
                               limit_choices_to={"kind": "street"})
    name = models.CharField(_("单位名称"), max_length=100)
    unit_type = models.CharField(_("单位类型"), max_length=24, choices=UnitType.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey("organizations.Grid", null=True, blank=True,
                             on_delete=models.SET_NULL, verbose_name=_("网格"))
    party_org_name = models.CharField(_("党组织名称"), max_length=100, blank=True)
    member_count = models.PositiveIntegerField(_("党员人数"), default=0)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    communities = models.ManyToManyField(
        "organizations.Node", blank=True, related_name="co_building_units",
        verbose_name=_("共建社区"), limit_choices_to={"kind": "community"},
        db_table="pairing_unit_communities")
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archive_reason = models.CharField(_("归档原因"), max_length=200, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        db_table = "pairing_unit"
        verbose_name = _("共建单位")
        verbose_name_plural = _("共建单位")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["street", "name"], name="unit_unique_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("pairing:unit_detail", args=[self.pk])


class TermRule(NodeRule):
    """Default committee term length per level (docs/RULES.md: branch 3 years, community 5)."""

    kind = models.CharField(_("层级"), max_length=16, choices=Node.Kind.choices)
    years = models.PositiveSmallIntegerField(_("任期（年）"))

    class Meta:
        verbose_name = _("任期规则")
        verbose_name_plural = _("任期规则")
        constraints = [models.UniqueConstraint(fields=["node", "kind"], name="term_rule_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.years}"

    @classmethod
    def years_for(cls, node):
        rule = most_specific(cls.objects.filter(kind=node.kind), node)
        return rule.years if rule else 3


class SeatQuerySet(BulkWriteSignallingQuerySet, ScopedQuerySet):
    def current(self, on=None):
        on = on or timezone.localdate()
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on), term_start__lte=on)

    def ending_between(self, start, end):
        return self.filter(ended_on__isnull=True, term_end__gte=start, term_end__lte=end)


class CommitteeSeat(models.Model):
    """A seat in a node's leadership (书记 / 副书记 / 委员) for one term."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
        COMMITTEE_MEMBER = "committee_member", _("委员")
        GROUP_LEADER = "group_leader", _("党小组组长")

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="seats",
                             verbose_name=_("组织"))
    role = models.CharField(_("职务"), max_length=20, choices=Role.choices)
    person_name = models.CharField(_("姓名"), max_length=50)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="seats",
        verbose_name=_("对应党员"),
    )
    duty = models.CharField(_("分工"), max_length=100, blank=True)
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期届满"), blank=True)
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    objects = SeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("班子成员")
        verbose_name_plural = _("班子成员")
        ordering = ["node", "role", "person_name"]

    def __str__(self):
        return f"{self.node} {self.get_role_display()} {self.person_name}"

    def clean(self):
        if self.term_start and self.term_end and self.term_end <= self.term_start:
            raise ValidationError({"term_end": _("任期届满日期必须晚于任期开始日期。")})
        if self.ended_on and self.term_start and self.ended_on < self.term_start:
            raise ValidationError({"ended_on": _("离任日期不能早于任期开始日期。")})

    @staticmethod
    def default_term_end(node, term_start):
        years = TermRule.years_for(node)
        try:
            return term_start.replace(year=term_start.year + years)
        except ValueError:  # 29 February
            return date(term_start.year + years, 2, 28)


class GrantQuerySet(ScopedQuerySet):
    # Accounts of colleagues and secretaries are kept by community staff only.
    secretaries_write = False


class Grant(models.Model):
    """One part of a user's scope: a role on a node and everything under it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="grants", verbose_name=_("用户"))
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="grants",
                             verbose_name=_("组织"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(_("授权时间"), auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    ROLE_NODE_KIND = {
        Role.DISTRICT_OFFICIAL: Node.Kind.DISTRICT,
        Role.STREET_OFFICIAL: Node.Kind.STREET,
        Role.COMMUNITY_STAFF: Node.Kind.COMMUNITY,
        Role.BRANCH_SECRETARY: Node.Kind.BRANCH,
    }

    class Meta:
        verbose_name = _("权限")
        verbose_name_plural = _("权限")
        constraints = [models.UniqueConstraint(fields=["user", "node", "role"], name="grant_unique")]

    def __str__(self):
        return f"{self.user} {self.get_role_display()} {self.node}"

    def clean(self):
        expected = self.ROLE_NODE_KIND.get(self.role)
        if self.node_id and expected and self.node.kind != expected:
            raise ValidationError({"node": _("%(role)s只能授予在%(kind)s上。") % {
                "role": Role(self.role).label, "kind": Node.Kind(expected).label}})


class AccountState(models.Model):
    """When a user last chose their own password, and which one.

    Passwords set by someone else (demo seeding, staff creating an account) have no row here,
    so in production the user must choose a new one before using the portal. The row holds a
    fingerprint of the password hash the user chose: a password set any other way afterwards
    (the admin, `manage.py changepassword`, `set_password` in a shell) no longer matches it;
    Django's own re-hash at login carries it over (`organizations.login_protection`).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="account_state", verbose_name=_("用户"))
    password_chosen_at = models.DateTimeField(_("本人设置密码时间"))
    password_fingerprint = models.CharField(_("本人设置的密码指纹"), max_length=64, blank=True,
                                            editable=False)

    @staticmethod
    def fingerprint(password_hash):
        """SHA-256 of the stored (salted, slow) hash: it tells whether the hash changed and
        reveals nothing the hash does not."""
        return hashlib.sha256(password_hash.encode()).hexdigest()

    class Meta:
        verbose_name = _("账号状态")
        verbose_name_plural = _("账号状态")

    def __str__(self):
        return str(self.user)
