"""Rules are data: a row per rule, defaults with no node, overrides on a node.

The most specific row wins: the one on the nearest ancestor (or the node itself).
"""
from django.db import models
from django.db.models import Q


class NodeRule(models.Model):
    """Base for rule tables: `node` empty means the default shipped with the portal."""

    node = models.ForeignKey(
        "organizations.Node", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", verbose_name="适用组织",
        help_text="留空为全局默认；设在街道或社区上则覆盖默认。",
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
