"""Reads of the organization tree, each with the queries it needs and no more."""
from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from organizations.models import Node


def member_counts_by_node(nodes):
    """{node_id: active members under it} for the given nodes, from one aggregate query."""
    from members.models import Member

    paths = {node.pk: node.path for node in nodes}
    if not paths:
        return {}
    prefix = min(paths.values(), key=len)
    per_branch = dict(
        Member.objects.active().filter(branch__path__startswith=prefix)
        .values_list("branch__path").annotate(n=Count("pk"))
    )
    counts = Counter()
    by_path = {path: pk for pk, path in paths.items()}
    for branch_path, n in per_branch.items():
        for ancestor_path in _prefixes(branch_path):
            if ancestor_path in by_path:
                counts[by_path[ancestor_path]] += n
    per_group = dict(
        Member.objects.active().filter(group__in=[pk for pk, node in _kinds(nodes, "group")])
        .values_list("group_id").annotate(n=Count("pk"))
    )
    counts.update(per_group)
    return counts


def _prefixes(path):
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts) + 1)]


def _kinds(nodes, kind):
    return [(node.pk, node) for node in nodes if node.kind == kind]


def tree_for(user, include_archived=False):
    """The visible part of the tree as nested (node, children) with per-node counts.

    Two queries whatever the size: the nodes, and the member counts.
    """
    nodes = Node.objects.visible_to(user)
    if not include_archived:
        nodes = nodes.active()
    nodes = list(nodes.order_by("path", "sort_order"))
    member_counts = member_counts_by_node(nodes)
    children = defaultdict(list)
    node_ids = {node.pk for node in nodes}
    roots = []
    for node in sorted(nodes, key=lambda n: (n.depth, n.sort_order, n.name)):
        node.member_count = member_counts.get(node.pk, 0)
        node.branch_count = 0
        node.group_count = 0
        (children[node.parent_id] if node.parent_id in node_ids else roots).append(node)
    by_path = {node.path: node for node in nodes}
    for node in nodes:
        if node.kind in (Node.Kind.BRANCH, Node.Kind.GROUP):
            for ancestor_path in _prefixes(node.path)[:-1]:
                ancestor = by_path.get(ancestor_path)
                if ancestor is not None:
                    if node.kind == Node.Kind.BRANCH:
                        ancestor.branch_count += 1
                    else:
                        ancestor.group_count += 1
    for node in nodes:
        node.tree_children = children.get(node.pk, [])
    return roots


def branch_structure_warnings(branch):
    """RULES.md: at least 3 full members, at most 50, a committee from 7 full members."""
    from members.models import Member

    counts = Member.objects.active().filter(branch=branch).aggregate(
        total=Count("pk"), full=Count("pk", filter=Q(status=Member.Status.FULL)))
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
