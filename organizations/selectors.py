"""Reads of the organization tree, each with the queries it needs and no more."""
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations import occupants
from organizations.models import Node


def member_counts_by_node(nodes):
    """{node_id: active members under it} for the given nodes, from one aggregate query."""
    return occupants.roster().counts_by_node(nodes)


class _CountTexts:
    """"12 个支部 · 24 个党小组 · 600 名党员", each phrase translated once per distinct count."""

    def __init__(self):
        self.phrases = {}

    # Literal ngettext calls, one per phrase, so that makemessages finds them.
    TRANSLATE = {
        "branches": lambda n: ngettext("%(n)s 个支部", "%(n)s 个支部", n),
        "groups": lambda n: ngettext("%(n)s 个党小组", "%(n)s 个党小组", n),
        "members": lambda n: ngettext("%(n)s 名党员", "%(n)s 名党员", n),
    }

    def phrase(self, what, n):
        key = (what, n)
        if key not in self.phrases:
            self.phrases[key] = self.TRANSLATE[what](n) % {"n": n}
        return self.phrases[key]

    def __call__(self, node):
        parts = []
        if node.kind in (Node.Kind.STREET, Node.Kind.COMMUNITY):
            parts.append(self.phrase("branches", node.branch_count))
        if node.kind != Node.Kind.GROUP:
            parts.append(self.phrase("groups", node.group_count))
        parts.append(self.phrase("members", node.member_count))
        return " · ".join(parts)


def tree_for(user, include_archived=False):
    """The visible part of the tree as nested (node, children) with per-node counts.

    Three queries whatever the size: the nodes, the party groups per branch, and the member
    counts (four for a secretary, whose tree lists the groups). Labels, links and count texts
    are worked out here, once per kind or per distinct count, not per node in the template: at
    a district's 1,500 nodes, per-node reverse(), choice labels and {% blocktranslate %} cost
    several times the queries.
    """
    visible = Node.objects.visible_to(user)
    if not include_archived:
        visible = visible.active()
    # Party groups are two thirds of a district's nodes and each branch's page lists its own:
    # the tree shows them only under a branch that is a root (a secretary's tree); elsewhere
    # they are counted, not loaded.
    nodes = list(visible.exclude(kind=Node.Kind.GROUP).order_by("sort_key"))
    by_pk = {node.pk: node for node in nodes}
    root_branches = [node.pk for node in nodes
                     if node.kind == Node.Kind.BRANCH and node.parent_id not in by_pk]
    if root_branches:
        groups = list(visible.filter(kind=Node.Kind.GROUP, parent_id__in=root_branches)
                      .order_by("sort_key"))
        nodes += groups
        by_pk.update((group.pk, group) for group in groups)
    children = defaultdict(list)
    roots = []
    # Depth first with siblings in their natural order (Node.sort_key).
    for node in sorted(nodes, key=lambda n: n.sort_key):
        node.branch_count = node.group_count = 0
        (children[node.parent_id] if node.parent_id in by_pk else roots).append(node)
    for node in nodes:
        node.tree_children = children.get(node.pk, [])
        if node.kind == Node.Kind.BRANCH:
            _add_to_ancestors(by_pk, node.parent_id, "branch_count", 1)
    for branch_id, n in (visible.filter(kind=Node.Kind.GROUP).values_list("parent_id")
                         .annotate(n=Count("pk")).order_by()):
        _add_to_ancestors(by_pk, branch_id, "group_count", n)
    member_counts = member_counts_by_node(nodes)
    kind_labels = {value: str(label) for value, label in Node.Kind.choices}
    org_type_labels = {value: str(label) for value, label in Node.OrgType.choices}
    url_head, url_tail = reverse("organizations:node_detail", args=[0]).rsplit("0", 1)
    counts_text = _CountTexts()
    for node in nodes:
        node.member_count = member_counts.get(node.pk, 0)
        node.url = f"{url_head}{node.pk}{url_tail}"
        node.kind_label = kind_labels[node.kind]
        if node.org_type:
            node.kind_label += "·" + org_type_labels[node.org_type]
        node.counts_text = counts_text(node)
    return roots


def _add_to_ancestors(by_pk, pk, counter, n):
    """Add `n` to `counter` of the node `pk` and of each of its ancestors that is loaded."""
    node = by_pk.get(pk)
    while node is not None:
        setattr(node, counter, getattr(node, counter) + n)
        node = by_pk.get(node.parent_id)


def branch_structure_warnings(branch):
    """docs/RULES.md: at least 3 full members, at most 50, a committee from 7 full members."""
    counts = occupants.roster().branch_counts(branch)
    has_committee = branch.seats.current().filter(
        role__in=["deputy_secretary", "committee_member"]).exists()
    warnings = []
    if counts["full"] < 3:
        warnings.append(_("正式党员仅 %(n)d 名，党支部应至少有 3 名正式党员。") % {"n": counts["full"]})
    if counts["total"] > 50:
        warnings.append(_("党员 %(n)d 名，超过 50 名，宜分设支部。") % {"n": counts["total"]})
    if counts["full"] >= 7 and not has_committee:
        warnings.append(_("正式党员 %(n)d 名，已达 7 名，应成立支部委员会。") % {"n": counts["full"]})
    return warnings


# The reminder's notice before a term ends (activities.reminder_sources.TERM_NOTICE_DAYS).
TERM_NOTICE_DAYS = 90


@dataclass
class TermRow:
    """One leadership's term on the 换届 page: a node's seats that end on the same day."""

    node: object
    term_start: object
    term_end: object
    seats: list
    days_left: int

    @property
    def overdue(self):
        return self.days_left < 0

    @property
    def due(self):
        return 0 <= self.days_left <= TERM_NOTICE_DAYS

    @property
    def days_over(self):
        return -self.days_left


def term_rows(user, today):
    """换届: the terms of the leaderships the user sees, soonest end first (overdue ones lead),
    from one query. A seat whose holder has left (ended_on) no longer counts."""
    from organizations.models import CommitteeSeat

    seats = (CommitteeSeat.objects.visible_to(user)
             .filter(ended_on__isnull=True, node__archived_at__isnull=True)
             .select_related("node").order_by("term_end", "node__path", "person_name"))
    rows = []
    for seat in seats:
        if rows and (rows[-1].node.pk, rows[-1].term_end) == (seat.node_id, seat.term_end):
            rows[-1].seats.append(seat)
            rows[-1].term_start = min(rows[-1].term_start, seat.term_start)
            continue
        rows.append(TermRow(seat.node, seat.term_start, seat.term_end, [seat],
                            (seat.term_end - today).days))
    rank = {role: index for index, role in enumerate(CommitteeSeat.Role.values)}
    for row in rows:
        row.seats.sort(key=lambda seat: rank[seat.role])  # 书记 first, as the choices list
    return rows
