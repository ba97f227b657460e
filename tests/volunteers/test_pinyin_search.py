"""The volunteer list finds volunteers the way staff type and lists them in pinyin order."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.volunteers.factories import VolunteerFactory
from activities.volunteers.models import Volunteer


def _list(client, query=""):
    return client.get(f"/volunteers/{query}").content.decode()


@pytest.mark.parametrize("typed", ["zs", "zhangsan", "zhang", "张", "1390531"])
def test_volunteer_list_finds_by_pinyin_initials_name_or_phone(world, client_as, typed):
    VolunteerFactory(community=world.community, name="张三", phone="13905310021")
    VolunteerFactory(community=world.community, name="李四", phone="13600000000")
    page = _list(client_as(world.users["staff"]), f"?q={typed}")
    assert "张三" in page and "李四" not in page and "共 1 名志愿者" in page


def test_volunteer_search_stays_in_scope(world, client_as):
    VolunteerFactory(community=world.community, name="张三")
    VolunteerFactory(community=world.other_community, name="张三丰")
    page = _list(client_as(world.users["staff"]), "?q=zs")
    assert "张三" in page and "张三丰" not in page
    page = _list(client_as(world.users["staff_other"]), "?q=zs")
    assert "张三丰" in page and "张三<" not in page
    # The street reads both communities.
    page = _list(client_as(world.users["official"]), "?q=zhangsan")
    assert "张三丰" in page and "张三<" in page


def test_volunteers_are_listed_in_pinyin_order(world, client_as):
    for name in ["赵一", "张二", "阿三"]:
        VolunteerFactory(community=world.community, name=name)
    page = _list(client_as(world.users["staff"]))
    assert page.index("阿三") < page.index("张二") < page.index("赵一")
    assert list(Volunteer.objects.values_list("name", flat=True)) == ["阿三", "张二", "赵一"]


def test_search_query_count_does_not_grow(world, client_as):
    client = client_as(world.users["staff"])
    counts = []
    for size in (2, 12):
        VolunteerFactory.create_batch(size, community=world.community,
                                      name="张三", phone="13800000000")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/volunteers/?q=zs").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_control_character_in_the_search_is_no_error(world, client_as):
    response = client_as(world.users["staff"]).get("/volunteers/?q=z%00s")
    assert response.status_code == 200
