from tests.access import COMMUNITY_READ, COMMUNITY_WRITE, Entry, expect

# Every role with a grant sees the tree page (their own part of it).
ANY_GRANT = expect(staff_other=200, official_other=200)
# The street node: its officials only.
STREET = expect(secretary=404, staff=404)


def _seat(world):
    from organizations.factories import SeatFactory

    if "seat" not in world.extra:
        world.extra["seat"] = SeatFactory(node=world.branch)


def _grant(world):
    from organizations.factories import UserFactory
    from organizations.models import Grant
    from organizations.scope import Role

    # Recreated before each role's request, since a successful revoke deletes it.
    world.extra["grant"], _created = Grant.objects.get_or_create(
        user=UserFactory(username="colleague"), node=world.branch, role=Role.BRANCH_SECRETARY)


branch = lambda world: {"pk": world.branch.pk}  # noqa: E731
group = lambda world: {"pk": world.group.pk}  # noqa: E731
community = lambda world: {"pk": world.community.pk}  # noqa: E731

ENTRIES = [
    Entry("organizations:tree", expect=ANY_GRANT),
    Entry("organizations:terms", expect=ANY_GRANT, setup=_seat),
    Entry("organizations:node_detail", branch),
    Entry("organizations:node_detail", community, expect=COMMUNITY_READ),
    Entry("organizations:node_detail", lambda w: {"pk": w.street.pk}, expect=STREET),
    Entry("organizations:node_create", branch),
    Entry("organizations:node_edit", branch),
    Entry("organizations:node_edit", community, expect=COMMUNITY_READ),
    Entry("organizations:node_move", group),
    Entry("organizations:node_archive", group),
    Entry("organizations:node_restore", group, method="post",
          expect=expect(secretary=302, staff=302, official=302)),
    Entry("organizations:seat_create", branch),
    Entry("organizations:seat_edit", lambda w: {"pk": w.extra["seat"].pk}, setup=_seat,
          expect=expect(official=404)),
    Entry("organizations:grid_create", community, expect=COMMUNITY_READ),
    Entry("organizations:grid_edit", lambda w: {"pk": w.grid.pk}, expect=COMMUNITY_WRITE),
    Entry("organizations:account_list", community, expect=COMMUNITY_WRITE),
    Entry("organizations:account_create", community, expect=COMMUNITY_WRITE),
    Entry("organizations:grant_revoke", lambda w: {"pk": w.extra["grant"].pk}, setup=_grant,
          method="post", expect=expect(secretary=404, staff=302, official=404)),
]
