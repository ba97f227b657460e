"""List pages run the same number of queries whatever their size, so an N+1 fails here."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import services
from members.factories import MemberFactory, PostFactory, RegistrationFactory
from members.models import Member
from organizations.streetsettings.services import settings_set
from pairing.factories import UnitFactory


def _grow(world, size):
    unit = UnitFactory(street=world.street)
    posts = [PostFactory(community=world.community) for _ in range(3)]
    for index in range(size):
        member = MemberFactory(branch=world.branch, group=world.group, grid=world.grid,
                               status=Member.Status.PROBATIONARY, full_member_on=None,
                               joined_on=world.member.joined_on, category="employed")
        services.post_claim_create(post=posts[index % 3], member=member)
        RegistrationFactory(member=member, community=world.community, unit=unit)


def _count(client, url, method="get"):
    with CaptureQueriesContext(connection) as queries:
        assert getattr(client, method)(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [
    "/members/?category=employed",
    "/members/probation/",
    "/members/posts/community/{community}/",
    "/members/registrations/community/{community}/",
    "/members/points/ranking/{community}/",
    "/members/export/",
])
def test_page_queries_do_not_grow_with_the_data(world, client_as, url):
    url = url.format(community=world.community.pk)
    # The street shows the points ranking to its communities (by default: officials only).
    settings_set(street=world.street, values={"points_ranking": "communities"})
    client = client_as(world.users["staff"])
    _grow(world, 3)
    small = _count(client, url)
    _grow(world, 30)
    assert _count(client, url) == small


def test_export_for_import_does_not_grow_with_the_data(world, client_as):
    """Rows, the per-community count and one access event: the same queries at any size."""
    client = client_as(world.users["staff"])
    _grow(world, 3)
    small = _count(client, "/members/export/for-import/", "post")
    _grow(world, 30)
    assert _count(client, "/members/export/for-import/", "post") == small


def test_member_pages_do_not_grow_with_the_data(world, client_as):
    client = client_as(world.users["member"])
    posts = [PostFactory(community=world.community) for _ in range(2)]
    services.post_claim_create(post=posts[0], member=world.member)
    counts = [_count(client, url) for url in ("/members/me/", "/members/me/posts/",
                                               "/members/me/points/")]
    for _ in range(20):
        PostFactory(community=world.community)
    services.post_claim_create(post=posts[1], member=world.member)
    assert [_count(client, url) for url in ("/members/me/", "/members/me/posts/",
                                            "/members/me/points/")] == counts
