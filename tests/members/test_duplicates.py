"""One person, one member: ID numbers and names normalized at every entry point, and the
records entered twice before that listed for staff (疑似重复党员), never merged."""
from datetime import date

import pytest
import time_machine

from kernel.normalize import normalize_id_number, normalize_name
from members.duplicates import normalize_stored_members, suspected_duplicates
from members.factories import MemberFactory, make_id_number
from members.forms import MemberForm
from members.models import Member

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９ｘ")


def test_one_normalizer_for_id_numbers_and_names():
    assert normalize_id_number("\u00a0６２０１０２ １９５６０３１８２００ｘ\u200b ") == "62010219560318200X"
    assert normalize_name(" 阿依\u00a0\u00a0古丽\u3000") == "阿依 古丽"
    assert normalize_name("张三\ufeff") == "张三"


def _form_data(world, **changes):
    data = {"name": "新党员", "gender": "female", "ethnicity": "汉族",
            "id_number": make_id_number(8000, date(1960, 2, 3)), "joined_on": "1985-07-01",
            "full_member_on": "1986-07-01", "status": "full", "category": "retired",
            "branch": world.branch.pk}
    data.update(changes)
    return data


def test_member_form_refuses_the_same_id_number_typed_full_width(world):
    typed = "\u00a0" + world.member.id_number.translate(FULL_WIDTH) + " "
    form = MemberForm(_form_data(world, id_number=typed), user=world.users["staff"])
    assert not form.is_valid()
    assert form.errors["id_number"] == ["该身份证号已登记在册，请勿重复录入。"]


def test_member_form_stores_the_normal_form(world):
    id_number = make_id_number(8001, date(1960, 2, 3))
    while id_number[-1] != "X":
        id_number = make_id_number(int(id_number[14:17]) + 8002, date(1960, 2, 3))
    form = MemberForm(_form_data(world, id_number=id_number.lower().translate(FULL_WIDTH),
                                 name="\u00a0钱\u00a0\u00a0多多 "), user=world.users["staff"])
    assert form.is_valid(), form.errors
    member = form.save()
    member.refresh_from_db()
    assert (member.id_number, member.name) == (id_number, "钱 多多")


def _stored_as(member, **values):
    """A value as an older version stored it, past today's normalization."""
    Member.objects.filter(pk=member.pk).update(**values)


def _twins(world):
    """A member, the same person entered again with full-width digits, and a member alone in
    an odd form."""
    first = world.member
    second = MemberFactory(branch=world.branch, name="赵党员")
    _stored_as(second, id_number=first.id_number.translate(FULL_WIDTH))
    lone = MemberFactory(branch=world.branch)
    normal = lone.id_number
    # Full-width, in 18 characters: PostgreSQL keeps the column's length, as imports met it.
    _stored_as(lone, id_number=normal.lower().translate(FULL_WIDTH), name="孙\u00a0小红 ")
    return first, second, lone, normal


def test_the_data_migration_normalizes_what_it_can_and_merges_nothing(world):
    first, second, lone, normal = _twins(world)
    collisions = normalize_stored_members(Member)
    assert collisions == {first.id_number: sorted([first.pk, second.pk])}
    assert Member.objects.count() == 3
    lone.refresh_from_db()
    second.refresh_from_db()
    assert (lone.id_number, lone.name) == (normal, "孙 小红")
    assert second.id_number == first.id_number.translate(FULL_WIDTH)  # left for staff


@time_machine.travel("2026-12-01 10:00 +0800")
def test_staff_find_the_duplicates_on_the_roster_and_resolve_them(world, client_as):
    first, second, _lone, _normal = _twins(world)
    normalize_stored_members(Member)
    client = client_as(world.users["staff"])
    roster = client.get("/members/").content.decode()
    assert 'id="duplicate-notice"' in roster and "有 1 组疑似重复党员" in roster
    page = client.get("/members/duplicates/").content.decode()
    assert page.count(f'href="/members/{first.pk}/"') == 1
    assert page.count(f'href="/members/{second.pk}/"') == 1
    assert first.id_number not in page and first.masked_id_number in page
    # Staff of the other community see neither the group nor the notice.
    assert suspected_duplicates(Member.objects.editable_by(world.users["staff_other"])) == []
    # The second record leaves the roster as 重复录入: nothing is listed any more.
    client.post(f"/members/{second.pk}/leave/", {
        "left_on": "2026-11-30", "reason": "other", "note": "重复录入"})
    assert suspected_duplicates(Member.objects.editable_by(world.users["staff"])) == []
    assert 'id="duplicate-notice"' not in client.get("/members/").content.decode()


def test_no_notice_without_duplicates(world, client_as):
    client = client_as(world.users["staff"])
    assert 'id="duplicate-notice"' not in client.get("/members/").content.decode()
    assert "没有疑似重复的党员" in client.get("/members/duplicates/").content.decode()


@pytest.mark.parametrize("form_class, field", [
    ("organizations.forms.AccountForm", "full_name"),
    ("pairing.forms.UnitForm", "contact_name"),
    ("pairing.forms.JointSeatForm", "person_name"),
    ("pairing.forms.HouseholdForm", "head_name"),
])
def test_every_form_taking_a_persons_name_normalizes_it(form_class, field):
    from django.utils.module_loading import import_string

    form = import_string(form_class).__new__(import_string(form_class))
    form.cleaned_data = {field: "\u00a0张\u00a0\u00a0三\u3000"}
    assert getattr(form, f"clean_{field}")() == "张 三"


def test_duplicates_page_queries_do_not_grow(world, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(world.users["staff"])

    def add_twins(count):
        for _ in range(count):
            first = MemberFactory(branch=world.branch, group=world.group)
            _stored_as(MemberFactory(branch=world.branch),
                       id_number=first.id_number.translate(FULL_WIDTH))

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = client.get("/members/duplicates/").content.decode()
        return len(captured), page.count("duplicate-group")

    add_twins(1)
    small = queries()
    add_twins(8)
    assert queries() == (small[0], 9) and small[1] == 1
