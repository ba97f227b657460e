"""Demo 责任区: in every community, its grids as zones (or two named areas), the first claimed
this year by a co-building unit with two duties, the second by a branch, the rest unclaimed."""
from django.apps import apps as django_apps

from organizations.models import Grid, Node
from pairing.models import Unit
from pairing.zones.defaults import ensure_duties
from pairing.zones.models import Claim, Duty, Zone


def seed(context):
    staff = context.users.get("shequ")
    if staff is None or Zone.objects.filter(community__in=context.community_nodes).exists():
        return
    ensure_duties(django_apps)
    duties = list(Duty.objects.order_by("sort_order"))
    year = context.today.year
    for community in context.community_nodes:
        grids = list(Grid.objects.filter(community=community, archived_at__isnull=True)[:3])
        zones = [Zone.objects.create(community=community, grid=grid, name=grid.name)
                 for grid in grids]
        zones += [Zone.objects.create(community=community, name=name)
                  for name in ["沿街商铺片区", "老旧小区片区", "学校周边片区"][:max(0, 3 - len(zones))]]
        unit = Unit.objects.filter(communities=community).order_by("pk").first()
        branch = Node.objects.active().filter(parent=community, kind=Node.Kind.BRANCH).first()
        for zone, claimant in zip(zones, [{"unit": unit}, {"branch": branch}]):
            if not any(claimant.values()):
                continue
            claim = Claim.objects.create(zone=zone, year=year, created_by=staff, **claimant)
            claim.duties.set(duties[:2] if "unit" in claimant else duties[2:])
