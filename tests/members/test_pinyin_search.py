"""The roster finds members the way staff type (张三 by zs, zhangsan, zhang, 张) and lists
them in pinyin order; the keys follow every write, the import's bulk writes included."""
from datetime import date

import pytest

from kernel.pinyin import fill_stored_name_keys
from members import excel
from members.factories import MemberFactory, make_id_number
from members.models import Member
from tests.members.test_excel import _row, _upload, _xlsx


def _roster(client, query=""):
    return client.get(f"/members/{query}").content.decode()


@pytest.mark.parametrize("typed", ["zs", "zhangsan", "zhang", "ZHANG SAN", "张", "张三"])
def test_roster_finds_a_member_by_pinyin_initials_or_name(world, client_as, typed):
    MemberFactory(branch=world.branch, name="张三")
    MemberFactory(branch=world.branch, name="李四")
    page = _roster(client_as(world.users["staff"]), f"?q={typed}")
    assert "张三" in page and "李四" not in page and "赵党员" not in page
    assert "共 1 名党员" in page


def test_roster_search_by_phone_still_works_and_scope_holds(world, client_as):
    MemberFactory(branch=world.branch, name="张三", phone="13812345678")
    MemberFactory(branch=world.other_branch, name="张三丰")
    MemberFactory(branch=world.sibling_branch, name="张山")
    staff = client_as(world.users["staff"])
    assert "张三" in _roster(staff, "?q=1381234")
    page = _roster(staff, "?q=zs")
    assert "张三丰" not in page and "张山" in page  # 张山 is zs too; 张三丰 is another community
    assert "张三丰" in _roster(client_as(world.users["staff_other"]), "?q=zs")
    # The secretary of the first branch does not see the sibling branch's 张山.
    page = _roster(client_as(world.users["secretary"]), "?q=zs")
    assert "张三" in page and "张山" not in page


def test_unrelated_names_are_not_found(world, client_as):
    MemberFactory(branch=world.branch, name="张三")
    MemberFactory(branch=world.branch, name="赵四")
    # Prefixes, not substrings: "san" is in zhangsan but nobody types a name from its middle.
    page = _roster(client_as(world.users["staff"]), "?q=san")
    assert "张三" not in page and "共 0 名党员" in page


def test_roster_is_in_pinyin_order(world, client_as):
    # Code points put 张 (5F20) before 赵 (8D75) before 阿 (963F); pinyin puts 阿 first.
    world.member.delete()
    for name in ["赵一", "张二", "阿三"]:
        MemberFactory(branch=world.branch, name=name)
    staff = client_as(world.users["staff"])
    for query in ["", "?sort=name"]:
        page = _roster(staff, query)
        assert page.index("阿三") < page.index("张二") < page.index("赵一")
    page = _roster(staff, "?sort=-name")
    assert page.index("赵一") < page.index("张二") < page.index("阿三")
    assert list(Member.objects.filter(branch=world.branch).values_list("name", flat=True)) \
        == ["阿三", "张二", "赵一"]


@pytest.mark.parametrize("size", [3, 30])
def test_search_query_count_does_not_grow(world, client_as, django_assert_num_queries, size):
    for index in range(size):
        MemberFactory(branch=world.branch, group=world.group, grid=world.grid,
                      name=f"张三{index}")
    client = client_as(world.users["staff"])
    # The same queries as the roster without a search (test_roster): the search is a filter
    # on stored columns, nothing computed per row.
    with django_assert_num_queries(15):
        response = client.get("/members/?q=zs")
    assert response.status_code == 200
    assert response.content.decode().count("张三") >= min(size, 20)


def test_keys_follow_saves_updates_and_bulk_writes(world):
    member = MemberFactory(branch=world.branch, name="张三")
    assert (member.name_pinyin, member.name_initials) == ("zhangsan", "zs")
    member.name = "曾小明"
    member.save(update_fields=["name"])
    member.refresh_from_db()
    assert (member.name_pinyin, member.name_initials) == ("zengxiaoming", "zxm")
    Member.objects.filter(pk=member.pk).update(name="李四")
    member.refresh_from_db()
    assert (member.name_pinyin, member.name_initials) == ("lisi", "ls")
    member.name = "王五"
    Member.objects.bulk_update([member], ["name"])
    member.refresh_from_db()
    assert member.name_initials == "ww"
    Member.objects.bulk_create([MemberFactory.build(branch=world.branch, name="阿六")])
    assert Member.objects.get(name="阿六").name_pinyin == "aliu"


def test_import_keeps_the_keys_of_new_and_updated_members(world):
    existing = _row(world, 0, 身份证号=world.member.id_number, 姓名="张三",
                    出生日期=world.member.birth_date.isoformat(),
                    入党时间=world.member.joined_on.isoformat(),
                    转正时间=world.member.full_member_on.isoformat())
    new = _row(world, 1, 姓名="曾小明", 身份证号=make_id_number(7001, date(1955, 3, 8)))
    result = excel.preview(_upload(_xlsx([existing, new])), world.users["staff"])
    assert excel.import_rows(result) == (1, 1)
    world.member.refresh_from_db()
    assert (world.member.name_pinyin, world.member.name_initials) == ("zhangsan", "zs")
    assert Member.objects.get(name="曾小明").name_initials == "zxm"


def test_the_data_migration_fills_stored_rows(world):
    MemberFactory(branch=world.branch, name="张三")
    Member.objects.update(name_pinyin="", name_initials="")  # as stored before the keys
    fill_stored_name_keys(Member, source="name")
    assert dict(Member.objects.values_list("name", "name_initials")) == {
        "赵党员": "zdy", "张三": "zs"}
