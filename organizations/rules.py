"""Rules are data: a row per rule, defaults with no node, overrides on a node.

The most specific row wins: the one on the nearest ancestor (or the node itself).
"""
from django.db import models
from django.db.models import Q

from kernel.paths import path_ids


class NodeRule(models.Model):
    """Base for rule tables: `node` empty means the default shipped with the portal."""

    node = models.ForeignKey(
        "organizations.Node", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", verbose_name="适用组织",
        help_text="留空为全局默认；设在区委、街道、社区或支部上则覆盖上一级。",
    )

    class Meta:
        abstract = True


def nearest(rows, ancestor_ids, key):
    """{key(row): row}: for each key, the row on the nearest of `ancestor_ids` (root first, the
    node itself last), else the default row (no node). Rows on other nodes are ignored, so
    `rows` may be loaded once for many nodes. The one "nearest rule wins" of the portal."""
    depth = {pk: index for index, pk in enumerate(ancestor_ids)}
    chosen = {}
    for row in rows:
        if row.node_id is not None and row.node_id not in depth:
            continue
        rank = -1 if row.node_id is None else depth[row.node_id]
        current = chosen.get(key(row))
        if current is None or rank > current[0]:
            chosen[key(row)] = (rank, row)
    return {k: row for k, (rank, row) in chosen.items()}


class PathChains:
    """`Node.ancestor_ids()` for readers that hold paths, not nodes (a reminder scan, a ledger
    of many branches): the path's ids with its street's district first, so a rule row on a
    district sits between the default and the street's.

    The district is outside the paths (kernel/paths.py); the street → district map is read once
    per instance, when first asked, and only for the districts among `rule_node_ids` (the nodes
    the reader's rule rows sit on): a reader whose rows are all defaults reads nothing more."""

    def __init__(self, rule_node_ids):
        self.rule_node_ids = {pk for pk in rule_node_ids if pk is not None}
        self.district_of = None

    def __call__(self, path):
        ids = path_ids(path)
        if self.district_of is None:
            self.district_of = self._load() if self.rule_node_ids else {}
        district_id = self.district_of.get(ids[0]) if ids else None
        return [district_id, *ids] if district_id else ids

    def _load(self):
        from organizations.models import Node  # models.py builds on NodeRule above

        return dict(Node.objects.filter(kind=Node.Kind.STREET, district_id__in=self.rule_node_ids)
                    .values_list("pk", "district_id"))


def _candidates(rows, node):
    ancestor_ids = node.ancestor_ids() if node is not None else []
    return rows.filter(Q(node__isnull=True) | Q(node_id__in=ancestor_ids)), ancestor_ids


def most_specific(rows, node):
    """Of `rows` (a NodeRule queryset already filtered to one rule), the one that applies to node."""
    candidates, ancestor_ids = _candidates(rows, node)
    return nearest(candidates, ancestor_ids, key=lambda row: None).get(None)


def rules_for(rows, node, key):
    """For many rules at once: {key(row): row} with the most specific row for each key."""
    candidates, ancestor_ids = _candidates(rows, node)
    return nearest(candidates, ancestor_ids, key)
