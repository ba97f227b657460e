"""Reads of volunteer teams and records, each owning its joins; list figures are correlated
subqueries, so a page's query count does not grow with its rows."""
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Prefetch, Subquery, Sum
from django.db.models.functions import Coalesce

from activities.volunteers.models import ServiceRecord, Team, TeamMembership, Volunteer

HOURS = DecimalField(max_digits=9, decimal_places=1)


def _hours(records, group_by):
    return Coalesce(Subquery(records.order_by().values(group_by).annotate(total=Sum("hours"))
                             .values("total")[:1], output_field=HOURS),
                    Decimal("0"), output_field=HOURS)


def _count(rows, group_by):
    return Coalesce(Subquery(rows.order_by().values(group_by).annotate(n=Count("pk"))
                             .values("n")[:1], output_field=IntegerField()), 0)


def current_memberships():
    return TeamMembership.objects.filter(left_on__isnull=True)


def team_list(user, *, year, community=None):
    teams = (Team.objects.visible_to(user).select_related("community", "kind", "leader")
             .annotate(
                 members=_count(current_memberships().filter(team=OuterRef("pk")), "team"),
                 hours=_hours(ServiceRecord.objects.filter(team=OuterRef("pk"),
                                                           served_on__year=year), "team")))
    if community is not None:
        teams = teams.filter(community=community)
    return teams.order_by("community__sort_order", "community__name", "kind__sort_order",
                          "name", "pk")


def volunteer_list(user, *, year, community=None, team=None, kind="", search=""):
    volunteers = (Volunteer.objects.visible_to(user).select_related("community", "member")
                  .prefetch_related(Prefetch("memberships",
                                             queryset=current_memberships().select_related("team"),
                                             to_attr="current_memberships"))
                  .annotate(hours=_hours(ServiceRecord.objects.filter(
                      volunteer=OuterRef("pk"), served_on__year=year), "volunteer")))
    if community is not None:
        volunteers = volunteers.filter(community=community)
    if search:
        volunteers = volunteers.search(search, also=["phone"])
    if team is not None:
        volunteers = volunteers.filter(memberships__team=team, memberships__left_on__isnull=True)
    if kind == "member":
        volunteers = volunteers.filter(member__isnull=False)
    elif kind == "resident":
        volunteers = volunteers.filter(member__isnull=True)
    return volunteers.order_by("name_pinyin", "name", "pk")


def records_of(volunteer):
    return (volunteer.service_records.select_related("community", "team", "activity")
            .prefetch_related("corrections__corrected_by"))


def certificate_rows(certificate):
    """The certificate's records with the hours they had when it was issued: a later
    correction belongs on a new certificate, not on one already printed."""
    rows = []
    records = (certificate.records.select_related("team", "activity")
               .prefetch_related("corrections").order_by("served_on", "pk"))
    for record in records:
        later = [c for c in record.corrections.all() if c.corrected_at > certificate.issued_at]
        hours = min(later, key=lambda c: (c.corrected_at, c.pk)).previous_hours if later \
            else record.hours
        rows.append((record, hours))
    return rows


def community_figures(communities, year):
    """{community id: {"teams", "volunteers", "hours"}} in one query: active teams, volunteers
    currently in a team, and the hours recorded this year, per community."""
    from organizations.models import Node

    ids = [community.pk for community in communities]
    # Named apart from Node's reverse relations (volunteers, volunteer_teams).
    rows = Node.objects.filter(pk__in=ids).annotate(
        team_count=_count(Team.objects.filter(community=OuterRef("pk"), disbanded_on__isnull=True),
                     "community"),
        volunteer_count=Coalesce(Subquery(
            current_memberships().filter(team__community=OuterRef("pk"),
                                         team__disbanded_on__isnull=True)
            .order_by().values("team__community")
            .annotate(n=Count("volunteer", distinct=True)).values("n")[:1],
            output_field=IntegerField()), 0),
        hours=_hours(ServiceRecord.objects.filter(community=OuterRef("pk"), served_on__year=year),
                     "community"),
    ).values_list("pk", "team_count", "volunteer_count", "hours")
    return {pk: {"teams": teams, "volunteers": volunteers, "hours": hours}
            for pk, teams, volunteers, hours in rows}


def activity_records(activity):
    return (activity.volunteer_service_records.select_related("volunteer", "team")
            .order_by("team__name", "volunteer__name_pinyin", "volunteer__name"))


