"""Query counts of the wish lists stay flat as the wishes grow (no N+1)."""
import pytest
from django.urls import reverse

from members.factories import MemberFactory
from pairing.factories import UnitFactory
from pairing.wishes import services
from pairing.wishes.factories import WishFactory

pytestmark = pytest.mark.django_db


def _grow(world, n):
    unit = UnitFactory(street=world.street, communities=[world.community])
    for _ in range(n):
        for target in ("open", "member", "unit"):
            wish = services.wish_accept(wish=WishFactory(community=world.community,
                                                         grid=world.grid))
            services.wish_dispatch(wish=wish, target=target, unit=unit,
                                   member=MemberFactory(branch=world.branch))
        services.wish_dispatch(wish=services.wish_accept(wish=WishFactory(
            community=world.community)), target="member", member=world.member)
        WishFactory(community=world.other_community)


def _community(world):
    return [world.community.pk]


# (role, url name, args, queries): session, user, grants and the session save come with every
# logged-in page; the public wall has no session to read.
PAGES = {
    "list": ("staff", "wishes:list", None, 9),
    "list_official": ("official", "wishes:list", None, 9),
    "figures": ("official", "wishes:figures", None, 10),
    "my_wishes": ("member", "wishes:my_wishes", None, 10),
    "wall": (None, "wishes:public_wall", _community, 2),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("size", [1, 6])
def test_list_queries_are_pinned(page, size, world, client_as, django_assert_num_queries):
    _grow(world, size)
    role, name, args, expected = PAGES[page]
    client = client_as(world.users[role] if role else None)
    url = reverse(name, args=args(world) if args else None)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
