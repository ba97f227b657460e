"""The wish list finds a wish by its requester the way staff type (张三: zs, zhangsan), and
only where the user keeps the requesters' personal data: the street searches titles."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairing.wishes.factories import WishFactory
from pairing.wishes.models import Wish


def _list(client, query=""):
    return client.get(reverse("wishes:list") + query).content.decode()


@pytest.mark.parametrize("typed", ["zs", "zhangsan", "zhang", "张三", "1390531"])
def test_staff_find_a_wish_by_its_requester(world, client_as, typed):
    WishFactory(community=world.community, title="修理楼道灯", contact_name="张三",
                contact_phone="13905310021")
    WishFactory(community=world.community, title="代买药品", contact_name="李四",
                contact_phone="13600000000")
    page = _list(client_as(world.users["staff"]), f"?q={typed}")
    assert "修理楼道灯" in page and "代买药品" not in page


def test_requester_search_stays_in_scope_and_street_searches_titles(world, client_as):
    WishFactory(community=world.community, title="修理楼道灯", contact_name="张三")
    WishFactory(community=world.other_community, title="陪老人就医", contact_name="张三丰")
    page = _list(client_as(world.users["staff"]), "?q=zs")
    assert "修理楼道灯" in page and "陪老人就医" not in page
    # The street reads both communities' wishes, but not who asked for them.
    official = client_as(world.users["official"])
    assert "修理楼道灯" not in _list(official, "?q=zs")
    assert "修理楼道灯" not in _list(official, "?q=张三")
    assert "修理楼道灯" in _list(official, "?q=楼道灯")


def test_keys_follow_the_requester(world):
    wish = WishFactory(community=world.community, contact_name="曾小明")
    assert (wish.name_pinyin, wish.name_initials) == ("zengxiaoming", "zxm")
    assert Wish.objects.search_for(world.users["staff"], "zxm").get() == wish


def test_search_query_count_does_not_grow(world, client_as):
    client = client_as(world.users["staff"])
    counts = []
    for size in (2, 12):
        WishFactory.create_batch(size, community=world.community, contact_name="张三")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("wishes:list") + "?q=zs").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
