"""责任区认领: a community's zones page and the staff's writes."""
from tests.access import Entry, expect

# C1's zones: its staff and street A's officials.
READ = expect(secretary=404)
# Writes of C1's staff.
STAFF_WRITE = expect(secretary=404, official=404)


def _zone(world):
    from pairing.zones.models import Zone

    if "zone" not in world.extra:
        world.extra["zone"] = Zone.objects.create(community=world.community, grid=world.grid,
                                                  name=world.grid.name)


ENTRIES = [
    Entry("zones:community", lambda w: {"pk": w.community.pk}, expect=READ, setup=_zone),
    Entry("zones:zone_create", lambda w: {"pk": w.community.pk}, expect=STAFF_WRITE),
    Entry("zones:claim_create", lambda w: {"pk": w.extra["zone"].pk}, expect=STAFF_WRITE,
          setup=_zone),
]
