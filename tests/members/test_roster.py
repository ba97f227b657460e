from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.utils import timezone

from members import selectors, services
from members.factories import MemberFactory, make_id_number
from members.models import Member, Transfer
from organizations.factories import BranchFactory, GroupFactory


def _roster(client, query=""):
    return client.get(f"/members/{query}").content.decode()


def test_roster_is_scoped_filtered_and_counted(world, client_as):
    MemberFactory(branch=world.branch, name="钱退休", category=Member.Category.RETIRED)
    MemberFactory(branch=world.branch, name="孙在职", category=Member.Category.EMPLOYED,
                  phone="13812345678")
    MemberFactory(branch=world.other_branch, name="李外社区")
    staff = client_as(world.users["staff"])
    page = _roster(staff)
    assert "钱退休" in page and "孙在职" in page and "李外社区" not in page
    assert "共 3 名党员" in page
    page = _roster(staff, "?category=employed")
    assert "孙在职" in page and "钱退休" not in page and "共 1 名党员" in page
    assert "党员类别：在职党员" in page
    assert "孙在职" in _roster(staff, "?q=1381234")
    assert "李外社区" in _roster(client_as(world.users["staff_other"]))


def test_age_band_and_party_age_band(world, client_as):
    today = timezone.localdate()
    same_day = today.replace(day=min(today.day, 28))  # 29 February has no match in most years
    young = MemberFactory(branch=world.branch, name="青年党员",
                          birth_date=same_day.replace(year=today.year - 30) - timedelta(days=3),
                          joined_on=same_day.replace(year=today.year - 5),
                          full_member_on=same_day.replace(year=today.year - 4))
    staff = client_as(world.users["staff"])
    page = _roster(staff, "?age=0-35")
    assert young.name in page and "共 1 名党员" in page
    assert young.name in _roster(staff, "?party_age=0-10")
    assert young.name not in _roster(staff, "?party_age=50-200")


def test_sort_and_left_members(world, client_as):
    MemberFactory(branch=world.branch, name="甲", left_on=date(2025, 1, 1), leave_reason="deceased")
    staff = client_as(world.users["staff"])
    assert "甲" not in _roster(staff)
    assert "甲" in _roster(staff, "?left=on&sort=-name")


@pytest.mark.parametrize("size", [5, 40])
def test_roster_query_count_does_not_grow(world, client_as, django_assert_num_queries, size):
    for index in range(size):
        MemberFactory(branch=world.branch, group=world.group, grid=world.grid)
    client = client_as(world.users["staff"])
    # session, user, grants, the nav's member link, the summary (counts by branch, status and
    # category, which also gives the paginator its count), "may write", "any ID number not in
    # the normal form" (疑似重复党员), the rows, the filter form's choice lists, the session
    # save (with its savepoint): the same at every size.
    with django_assert_num_queries(15):
        response = client.get("/members/?status=full")
    assert response.status_code == 200


def test_ids_are_masked_and_reveal_is_logged(world, client_as):
    client = client_as(world.users["secretary"])
    page = client.get(f"/members/{world.member.pk}/").content.decode()
    assert world.member.id_number not in page and world.member.masked_id_number in page
    assert world.member.id_number not in _roster(client)
    response = client.post(f"/members/{world.member.pk}/reveal-id/", follow=True)
    assert world.member.id_number in response.content.decode()
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == world.users["secretary"]
    assert entry.additional_data == {"event": "reveal_id_number"}
    assert entry.object_id == world.member.pk
    # Shown once; the next view is masked again.
    page = client.get(f"/members/{world.member.pk}/").content.decode()
    assert world.member.id_number not in page


GOOD_ID = make_id_number(901, date(1950, 1, 1))
BAD_CHECK_DIGIT = GOOD_ID[:17] + ("1" if GOOD_ID[17] == "0" else "0")


def _form_data(world, **changes):
    data = {"name": "新党员", "gender": "male", "ethnicity": "汉族",
            "id_number": make_id_number(900, date(1960, 5, 4)), "birth_date": "",
            "phone": "13900001111", "joined_on": "1990-07-01", "full_member_on": "1991-07-01",
            "status": "full", "category": "retired", "branch": world.branch.pk}
    data.update(changes)
    return data


@pytest.mark.parametrize("changes, field, message", [
    ({"id_number": BAD_CHECK_DIGIT}, "id_number", "校验位"),
    ({"id_number": "12345"}, "id_number", "18位"),
    ({"joined_on": "1950-01-01"}, "joined_on", "入党时间必须晚于出生日期"),
    ({"full_member_on": "1989-01-01"}, "full_member_on", "转正时间不能早于入党时间"),
    ({"phone": "12345"}, "phone", "手机号码"),
])
def test_bad_input_gets_a_chinese_error_next_to_the_field(world, client_as, changes, field,
                                                         message):
    client = client_as(world.users["secretary"])
    response = client.post("/members/new/", _form_data(world, **changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert Member.objects.count() == 1


def test_duplicate_id_number(world, client_as):
    client = client_as(world.users["secretary"])
    response = client.post("/members/new/", _form_data(world, id_number=world.member.id_number))
    assert "已登记在册" in " ".join(response.context["form"].errors["id_number"])


def test_create_fills_birth_date_and_edit_keeps_id(world, client_as):
    client = client_as(world.users["secretary"])
    response = client.post("/members/new/", _form_data(world))
    member = Member.objects.get(name="新党员")
    assert response.status_code == 302 and member.birth_date == date(1960, 5, 4)
    response = client.post(f"/members/{member.pk}/edit/",
                           _form_data(world, id_number="", name="新党员改"))
    member.refresh_from_db()
    assert response.status_code == 302
    assert (member.name, member.id_number) == ("新党员改", make_id_number(900, date(1960, 5, 4)))


def test_transfer_keeps_history_and_scope_follows(world, client_as):
    target = BranchFactory(parent=world.community)
    group = GroupFactory(parent=world.branch)
    member = MemberFactory(branch=world.branch, group=group)
    client = client_as(world.users["staff"])
    client.post(f"/members/{member.pk}/transfer/",
                {"to_branch": target.pk, "transferred_on": "2026-01-02", "note": "搬家"})
    member.refresh_from_db()
    assert member.branch == target and member.group is None
    transfer = Transfer.objects.get()
    assert (transfer.from_branch, transfer.to_branch) == (world.branch, target)
    # The secretary of the old branch no longer sees the member.
    secretary = client_as(world.users["secretary"])
    assert secretary.get(f"/members/{member.pk}/").status_code == 404


def test_transfer_cannot_leave_the_users_scope(world, client_as):
    client = client_as(world.users["secretary"])
    response = client.post(f"/members/{world.member.pk}/transfer/",
                           {"to_branch": world.other_branch.pk, "transferred_on": "2026-01-02"})
    assert "to_branch" in response.context["form"].errors


def test_leave_keeps_the_record(world, client_as):
    client = client_as(world.users["staff"])
    client.post(f"/members/{world.member.pk}/leave/",
                {"left_on": "2026-01-05", "reason": "deceased", "note": ""})
    member = Member.objects.get(pk=world.member.pk)
    assert (member.left_on, member.leave_reason) == (date(2026, 1, 5), "deceased")
    assert client.get(f"/members/{member.pk}/").status_code == 200


def test_probation_due_conversion_and_single_extension(world, client_as):
    today = timezone.localdate()
    due = MemberFactory(branch=world.branch, status=Member.Status.PROBATIONARY,
                        full_member_on=None, joined_on=today - timedelta(days=340))
    later = MemberFactory(branch=world.branch, status=Member.Status.PROBATIONARY,
                          full_member_on=None, joined_on=today - timedelta(days=100))
    assert [m.pk for m in selectors.probation_due(world.users["staff"])] == [due.pk]
    assert due.name in client_as(world.users["staff"]).get("/members/probation/").content.decode()
    services.member_extend_probation(member=due, months=6, decided_on=today)
    assert due.probation_ends_on > today + timedelta(days=60)
    with pytest.raises(ValidationError):
        services.member_extend_probation(member=due, months=6, decided_on=today)
    with pytest.raises(ValidationError):
        services.member_extend_probation(member=later, months=13, decided_on=today)
    services.member_convert(member=later, decided_on=later.probation_ends_on)
    later.refresh_from_db()
    assert (later.status, later.full_member_on) == (Member.Status.FULL,
                                                    later.probation_ends_on)


def test_export_is_scoped_and_filtered(world, client_as):
    from io import BytesIO

    from openpyxl import load_workbook

    MemberFactory(branch=world.branch, name="在职甲", category=Member.Category.EMPLOYED)
    MemberFactory(branch=world.other_branch, name="外社区乙", category=Member.Category.EMPLOYED)
    response = client_as(world.users["staff"]).get("/members/export/?category=employed")
    sheet = load_workbook(BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["在职甲"]
    assert "*" in sheet.cell(row=2, column=4).value


def test_branch_counts_of_the_roster(world):
    second = world.sibling_branch
    MemberFactory(branch=second, status=Member.Status.PROBATIONARY, full_member_on=None)
    MemberFactory(branch=second)
    _counts, branches = selectors.roster_summary(selectors.roster(world.users["staff"]).active())
    assert branches == [(world.branch.name, 1, 0), (second.name, 1, 1)]


def test_bad_query_parameters_never_fail(world, client_as):
    client = client_as(world.users["staff"])
    for query in ["?age=bogus", "?branch=abc", "?page=xyz", "?sort=zzz", "?branch=999999",
                  "?party_age=1-2-3"]:
        assert client.get(f"/members/{query}").status_code == 200
        assert client.get(f"/members/export/{query}").status_code == 200
