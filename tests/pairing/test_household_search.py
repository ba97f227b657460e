"""Needy households are found by the head's name the way staff type, in pinyin order; still
only by the holding community's staff."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairing.factories import HouseholdFactory
from pairing.models import NeedyHousehold


def _list(client, query=""):
    return client.get(reverse("pairing:household_list") + query).content.decode()


@pytest.mark.parametrize("typed", ["zs", "zhangsan", "zhang", "张三", "0531"])
def test_household_list_finds_by_pinyin_initials_name_or_phone(world, client_as, typed):
    HouseholdFactory(community=world.community, head_name="张三", phone="0531-8888")
    HouseholdFactory(community=world.community, head_name="李四", phone="")
    page = _list(client_as(world.users["staff"]), f"?q={typed}")
    assert "张三" in page and "李四" not in page and "共 1 户" in page


def test_household_search_stays_with_the_holding_community(world, client_as):
    HouseholdFactory(community=world.community, head_name="张三")
    HouseholdFactory(community=world.other_community, head_name="张三丰")
    page = _list(client_as(world.users["staff"]), "?q=zs")
    assert "张三" in page and "张三丰" not in page
    page = _list(client_as(world.users["staff_other"]), "?q=zs")
    assert "张三丰" in page and "张三<" not in page
    # The street sees counts, never names, searching or not.
    page = _list(client_as(world.users["official"]), "?q=zs")
    assert "张三" not in page


def test_households_are_listed_in_pinyin_order_and_keep_keys_in_bulk(world, client_as):
    NeedyHousehold.objects.bulk_create([
        HouseholdFactory.build(community=world.community, head_name=name)
        for name in ["赵一", "张二", "阿三"]])
    assert NeedyHousehold.objects.get(head_name="张二").name_initials == "ze"
    page = _list(client_as(world.users["staff"]))
    assert page.index("阿三") < page.index("张二") < page.index("赵一")


def test_search_query_count_does_not_grow(world, client_as):
    client = client_as(world.users["staff"])
    counts = []
    for size in (2, 12):
        HouseholdFactory.create_batch(size, community=world.community, head_name="张三")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("pairing:household_list") + "?q=zs").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
