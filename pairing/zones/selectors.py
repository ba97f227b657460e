"""What a claimant did in its zone, read from the records already kept: community activities
the unit took part in and care visits of its pairings (a branch: its members' pairings), in the
zone's community during the claim's year. Nothing is typed twice."""
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import ExtractYear

from activities.models import CommunityActivity
from pairing.models import CareVisit


def done_in_zones(claims):
    """{claim pk: {"activities": n, "visits": n}} in three queries for any number of claims."""
    claims = list(claims)
    done = {claim.pk: {"activities": 0, "visits": 0} for claim in claims}
    if not claims:
        return done
    communities = {claim.zone.community_id for claim in claims}
    years = {claim.year for claim in claims}
    activities = defaultdict(int)
    for row in (CommunityActivity.objects.filter(
            community__in=communities, held_on__year__in=years,
            units__in=[claim.unit_id for claim in claims if claim.unit_id])
            .values("community_id", "units", year=ExtractYear("held_on"))
            .annotate(n=Count("pk", distinct=True)).order_by()):
        activities[(row["community_id"], row["units"], row["year"])] = row["n"]
    by_unit, by_branch = defaultdict(int), defaultdict(int)
    visits = (CareVisit.objects.filter(pairing__community__in=communities,
                                       visited_on__year__in=years)
              .values("pairing__community_id", "pairing__unit_id", "pairing__member__branch_id",
                      year=ExtractYear("visited_on"))
              .annotate(n=Count("pk")).order_by())
    for row in visits:
        community, year = row["pairing__community_id"], row["year"]
        if row["pairing__unit_id"]:
            by_unit[(community, row["pairing__unit_id"], year)] += row["n"]
        if row["pairing__member__branch_id"]:
            by_branch[(community, row["pairing__member__branch_id"], year)] += row["n"]
    for claim in claims:
        community = claim.zone.community_id
        if claim.unit_id:
            done[claim.pk] = {"activities": activities[(community, claim.unit_id, claim.year)],
                              "visits": by_unit[(community, claim.unit_id, claim.year)]}
        else:
            done[claim.pk] = {"activities": 0,
                              "visits": by_branch[(community, claim.branch_id, claim.year)]}
    return done


def unit_claims(unit, user, start, end):
    """The unit's claims for the years of the period that the user may see, with what it did:
    the part of the unit feedback report about its zones."""
    from pairing.zones.models import Claim

    claims = list(Claim.objects.visible_to(user).filter(
        unit=unit, year__gte=start.year, year__lte=end.year)
        .select_related("zone__community").prefetch_related("duties"))
    done = done_in_zones(claims)
    return [(claim, done[claim.pk]) for claim in claims]
