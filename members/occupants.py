"""The roster's answers to the organization tree (registered with `organizations.occupants`)."""
from collections import Counter

from django.db.models import Count, Q

from kernel.paths import prefixes
from members.models import Member
from organizations import occupants
from organizations.models import Node


@occupants.register
class Roster:
    @staticmethod
    def counts_by_node(nodes):
        """{node_id: active members under it} for the given nodes, from one aggregate query.

        Counted by branch, and by party group only when groups are among the nodes.
        """
        if not nodes:
            return {}
        prefix = min((node.path for node in nodes), key=len)
        pk_by_path = {node.path: node.pk for node in nodes}
        group_ids = {node.pk for node in nodes if node.kind == Node.Kind.GROUP}
        fields = ["branch__path", "group_id"] if group_ids else ["branch__path"]
        rows = (Member.objects.active().filter(branch__path__startswith=prefix)
                .values_list(*fields).annotate(n=Count("pk")))
        counts = Counter()
        for branch_path, *group, n in rows:
            for ancestor_path in prefixes(branch_path):
                if ancestor_path in pk_by_path:
                    counts[pk_by_path[ancestor_path]] += n
            if group and group[0] in group_ids:
                counts[group[0]] += n
        return counts

    @staticmethod
    def breakdown(node):
        """(totals, [(category label, n)]) of the active members under `node`."""
        members = Member.objects.active().filter(branch__path__startswith=node.path)
        if node.kind == Node.Kind.GROUP:
            members = Member.objects.active().filter(group=node)
        totals = members.aggregate(
            total=Count("pk"),
            full=Count("pk", filter=Q(status=Member.Status.FULL)),
            probationary=Count("pk", filter=Q(status=Member.Status.PROBATIONARY)),
            **{f"category_{value}": Count("pk", filter=Q(category=value))
               for value in Member.Category.values},
        )
        return totals, [(label, totals[f"category_{value}"])
                        for value, label in Member.Category.choices]

    @staticmethod
    def branch_counts(branch):
        """{"total", "full"}: the branch's active members and its full members."""
        return Member.objects.active().filter(branch=branch).aggregate(
            total=Count("pk"), full=Count("pk", filter=Q(status=Member.Status.FULL)))

    @staticmethod
    def seat_candidates(user, node):
        return (Member.objects.visible_to(user).active()
                .filter(branch__path__startswith=node.path).select_related("branch"))

    @staticmethod
    def count_under(node):
        return Member.objects.active().filter(branch__path__startswith=node.path).count()
