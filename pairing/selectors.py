"""Reads of the co-building records, each owning its select_related and aggregates."""
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear

from members.models import Member
from organizations.models import Node
from pairing.models import (Agreement, Contribution, JointCommitteeSeat, NeedyHousehold,
                            Pairing, Project, Resource)

KIND_TOTALS = {f"{kind}_total": Sum("amount", filter=Q(kind=kind), default=Decimal(0))
               for kind in Contribution.Kind.values}


def staff_communities(user):
    """Communities whose co-building records the user keeps (community staff; all for admins)."""
    return Node.objects.managed_by_staff(user).filter(kind=Node.Kind.COMMUNITY,
                                                  archived_at__isnull=True).order_by("sort_order", "name")


def members_of(communities):
    """Active members of the branches under these communities."""
    paths = Q(pk__in=[])
    for community in communities:
        paths |= Q(branch__path__startswith=community.path)
    return Member.objects.active().filter(paths).select_related("branch")


def joint_committee_for(community):
    """The community's 大党委 concurrent members, serving ones first, with their units."""
    return list(JointCommitteeSeat.objects.filter(community=community).select_related("unit")
                .order_by(F("ended_on").asc(nulls_first=True), "role", "term_start",
                          "person_name"))


def totals(contributions):
    """{money_total, goods_total, volunteers_total, investment_total} in one aggregate."""
    return contributions.aggregate(**KIND_TOTALS)


def yearly_totals(contributions, group_by):
    """Rows {group, year, <kind>_total…} per year and group: group_by is e.g. "unit__name",
    "community__name" or "community__parent__name" (the street)."""
    return list(
        contributions.order_by().values(group=F(group_by), year=ExtractYear("given_on"))
        .annotate(**KIND_TOTALS).order_by("-year", "group")
    )


def unit_record_by_community(unit, user):
    """What a unit has done in each community the user may see, in six or seven queries."""
    agreements = (Agreement.objects.visible_to(user).filter(unit=unit)
                  .select_related("community").prefetch_related("areas"))
    pairing_counts = (Pairing.objects.visible_to(user).filter(unit=unit).order_by()
                      .values("community").annotate(
                          total=Count("pk", distinct=True),
                          active=Count("pk", distinct=True, filter=Q(ended_on__isnull=True)),
                          visits=Count("visits")))
    money = (Contribution.objects.visible_to(user).filter(unit=unit).order_by()
             .values("community").annotate(**KIND_TOTALS))
    projects = Project.objects.visible_to(user).filter(unit=unit).select_related("community")
    registered = (Member.objects.visible_to(user).active().filter(employer_unit=unit).order_by()
                  .values("branch__parent").annotate(n=Count("pk")))
    record = defaultdict(lambda: {"agreements": [], "projects": [], "pairings": None,
                                  "contributions": None, "registered": 0})
    names = {}
    for agreement in agreements:
        record[agreement.community_id]["agreements"].append(agreement)
        names[agreement.community_id] = agreement.community
    for project in projects:
        record[project.community_id]["projects"].append(project)
        names[project.community_id] = project.community
    for row in pairing_counts:
        record[row["community"]]["pairings"] = row
    for row in money:
        record[row["community"]]["contributions"] = row
    for row in registered:
        record[row["branch__parent"]]["registered"] = row["n"]
    missing = set(record) - set(names)
    if missing:
        names.update(Node.objects.in_bulk(missing))
    return [{"community": names[pk], **record[pk]}
            for pk in sorted(record, key=lambda pk: names[pk].sort_order)]


def suggested_resources(need, user):
    """Available resources of the community's units whose category fits the need."""
    return (Resource.objects.visible_to(user).available()
            .filter(category=need.category, unit__communities=need.community)
            .select_related("unit").order_by("unit__name", "title"))


def household_counts(user):
    """Active needy households per community and kind: all the street may know of them."""
    rows = (NeedyHousehold.objects.countable_by(user).active().order_by()
            .values("community", "community__name", "kind").annotate(n=Count("pk")))
    table = {}
    for row in rows:
        entry = table.setdefault(row["community"], {"community": row["community__name"],
                                                    "kinds": defaultdict(int), "total": 0})
        entry["kinds"][row["kind"]] += row["n"]
        entry["total"] += row["n"]
    for entry in table.values():
        entry["cells"] = [entry["kinds"][kind] for kind in NeedyHousehold.Kind.values]
    return sorted(table.values(), key=lambda entry: entry["community"])
