"""Moving members (members/moves.py): 转出 with its receipt, 转入 without duplicates, 流动党员,
失联 and the 党章 art. 9 list, the quorum exclusion, scope and bad input."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from activities import reminder_sources, selectors
from activities.factories import AttendanceFactory, MeetingFactory
from activities.models import Attendance, Meeting
from members import moves
from members.factories import MemberFactory, make_id_number
from members.models import (ContactRecord, Member, MobileStay, MoveRule, Transfer, TransferIn,
                            TransferOut)
from organizations.factories import BranchFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _pinned_clock():
    """The dates below are written against 18 November 2026, whatever moment the suite runs
    at; the rules' boundaries are tested on their own calendars with `at`."""
    with time_machine.travel(datetime(2026, 11, 18, 10, tzinfo=SHANGHAI), tick=True):
        yield


def at(day, hour=10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI),
                               tick=False)


def letter_out(member, sent_on, **fields):
    return moves.transfer_out_create(member=member, letter_number="皖组转字〔2026〕001号",
                                     destination="合肥市蜀山区琥珀街道党工委", sent_on=sent_on,
                                     **fields)


# --- 转出 and its receipt --------------------------------------------------------------------

def test_transfer_out_takes_the_member_off_the_roster_with_the_letter_kept(world):
    with at(date(2026, 3, 1)):
        transfer = letter_out(world.member, date(2026, 3, 1), user=world.users["secretary"])
    member = Member.objects.get(pk=world.member.pk)
    assert member.left_on == date(2026, 3, 1)
    assert member.leave_reason == Member.LeaveReason.TRANSFERRED_OUT
    assert "皖组转字〔2026〕001号" in member.leave_note
    assert not member.user.is_active  # leaving stops the account, as every leave does
    assert TransferOut.objects.get().from_branch == world.branch == transfer.from_branch
    assert Member.objects.filter(pk=member.pk).exists()


def test_receipt_is_overdue_the_day_after_the_rule_s_period(world):
    with at(date(2026, 1, 1)):
        transfer = letter_out(world.member, date(2026, 1, 1))
    rule = moves.rule_for(world.branch)
    assert rule.receipt_due_days == 90
    assert moves.receipt_due_on(transfer, rule) == date(2026, 4, 1)
    assert moves.receipt_state(transfer, rule, date(2026, 4, 1)) == moves.ReceiptState.AWAITING
    assert moves.receipt_state(transfer, rule, date(2026, 4, 2)) == moves.ReceiptState.OVERDUE
    # A community's own rule wins over the default.
    MoveRule.objects.create(node=world.community, receipt_due_days=30)
    rule = moves.rule_for(world.branch)
    assert moves.receipt_state(transfer, rule, date(2026, 1, 31)) == moves.ReceiptState.AWAITING
    assert moves.receipt_state(transfer, rule, date(2026, 2, 1)) == moves.ReceiptState.OVERDUE
    with at(date(2026, 5, 1)):
        moves.transfer_out_receipt(transfer=transfer, receipt_on=date(2026, 4, 20))
    assert moves.receipt_state(transfer, rule, date(2026, 5, 1)) == moves.ReceiptState.RECEIVED


def test_overdue_receipt_is_reminded_to_secretary_and_staff_until_it_comes(world):
    with at(date(2026, 1, 1)):
        transfer = letter_out(world.member, date(2026, 1, 1))
    on_time = datetime(2026, 4, 1, 12, tzinfo=SHANGHAI)
    assert reminder_sources.receipts_overdue(on_time) == []
    late = datetime(2026, 4, 2, 9, tzinfo=SHANGHAI)
    found = reminder_sources.receipts_overdue(late)
    assert {row.recipient_id for row in found} == {world.users["secretary"].pk,
                                                   world.users["staff"].pk}
    assert all(row.kind == "receipt_overdue:20260401" for row in found)
    assert reminder_sources._receipt_is_current(transfer.pk, found[0].kind, late)
    with at(date(2026, 4, 3)):
        moves.transfer_out_receipt(transfer=transfer, receipt_on=date(2026, 4, 3))
    assert not reminder_sources._receipt_is_current(transfer.pk, found[0].kind, late)
    assert reminder_sources.receipts_overdue(late) == []


def test_transfer_out_bad_input_is_refused_next_to_the_field_and_nothing_saved(world,
                                                                              client_as):
    client = client_as(world.users["secretary"])
    url = reverse("members:transfer_out_create", args=[world.member.pk])
    response = client.post(url, {"letter_number": " ", "destination": "某街道",
                                 "sent_on": "2026-11-01"})
    assert response.status_code == 200
    assert "letter_number" in response.context["form"].errors
    response = client.post(url, {"letter_number": "001", "destination": "某街道",
                                 "sent_on": "2026-12-30"})
    assert "开出日期不能晚于今天" in str(response.context["form"].errors["sent_on"])
    response = client.post(url, {"letter_number": "001", "destination": "某街道",
                                 "sent_on": "1980-01-01"})
    assert "开出日期不能早于入党时间" in str(response.context["form"].errors["sent_on"])
    assert not TransferOut.objects.exists() and Member.objects.get(pk=world.member.pk).is_active


def test_a_receipt_before_the_letter_is_refused_next_to_the_field(world, client_as):
    transfer = letter_out(world.member, date(2026, 11, 1))
    client = client_as(world.users["staff"])
    url = reverse("members:transfer_out_receipt", args=[transfer.pk])
    response = client.post(url, {"receipt_on": "2026-10-30"})
    assert "回执日期不能早于介绍信开出日期" in str(response.context["form"].errors["receipt_on"])
    transfer.refresh_from_db()
    assert transfer.receipt_on is None
    assert client.post(url, {"receipt_on": "2026-11-10"}).status_code == 302
    transfer.refresh_from_db()
    assert transfer.receipt_on == date(2026, 11, 10)


# --- 转入 ------------------------------------------------------------------------------------

def person(id_number, name="钱转入", **fields):
    return {"name": name, "gender": Member.Gender.MALE, "id_number": id_number,
            "birth_date": date(1970, 1, 1), "joined_on": date(1995, 7, 1),
            "status": Member.Status.FULL, "category": Member.Category.EMPLOYED, "phone": "",
            **fields}


def letter_in(to_branch, who, **fields):
    return moves.transfer_in_create(to_branch=to_branch, letter_number="苏组转字〔2026〕117号",
                                    origin="苏州市姑苏区双塔街道党工委",
                                    received_on=date(2026, 11, 10), person=who, **fields)


def test_a_newcomer_by_letter_is_created_in_the_branch(world):
    transfer = letter_in(world.branch, person(make_id_number(9001, date(1970, 1, 1))))
    assert transfer.outcome == TransferIn.Outcome.CREATED
    assert transfer.member.branch == world.branch and transfer.member.is_active


def test_one_already_on_the_street_s_roster_is_moved_never_duplicated(world):
    elsewhere = MemberFactory(branch=world.other_branch, name="孙在册")
    before = Member.objects.count()
    transfer = letter_in(world.branch, person(elsewhere.id_number, name="孙在册"))
    assert Member.objects.count() == before
    assert transfer.member.pk == elsewhere.pk and transfer.outcome == TransferIn.Outcome.MOVED
    elsewhere.refresh_from_db()
    assert elsewhere.branch == world.branch
    assert Transfer.objects.get(member=elsewhere).from_branch == world.other_branch


def test_an_old_form_of_the_id_number_is_the_same_person(world):
    """A record stored before normalization (lower-case x, full-width digits) is found."""
    id_number = "11010519491231002X"
    stored = MemberFactory(branch=world.other_branch, name="李旧号")
    Member.objects.filter(pk=stored.pk).update(id_number="１１０１０５１９４９１２３１００２x")
    transfer = letter_in(world.branch, person(id_number, name="李旧号"))
    assert transfer.member.pk == stored.pk and Member.objects.filter(name="李旧号").count() == 1


def test_one_who_left_is_restored_and_moved(world):
    with at(date(2026, 3, 1)):
        letter_out(world.member, date(2026, 3, 1))
    transfer = letter_in(world.sibling_branch, person(world.member.id_number, name="赵党员"))
    member = Member.objects.get(pk=world.member.pk)
    assert transfer.outcome == TransferIn.Outcome.RETURNED
    assert member.is_active and member.branch == world.sibling_branch
    assert TransferOut.objects.filter(member=member).exists()  # the history stays


def test_transfer_in_refuses_a_record_on_another_street_or_another_name(world):
    from django.core.exceptions import ValidationError

    other = MemberFactory(branch=BranchFactory(parent=world.other_street_community))
    with pytest.raises(ValidationError) as error:
        letter_in(world.branch, person(other.id_number, name=other.name))
    assert "id_number" in error.value.error_dict
    namesake = MemberFactory(branch=world.other_branch, name="周甲")
    with pytest.raises(ValidationError) as error:
        letter_in(world.branch, person(namesake.id_number, name="周乙"))
    assert "name" in error.value.error_dict
    assert not TransferIn.objects.exists()


def test_transfer_in_page_bad_input_and_branch_choices(world, client_as):
    client = client_as(world.users["secretary"])
    url = reverse("members:transfer_in_create")
    form = client.get(url).context["form"]
    assert list(form.fields["to_branch"].queryset) == [world.branch]
    data = {"letter_number": "", "origin": "外省某党委", "received_on": "2026-11-10",
            "to_branch": world.branch.pk, "id_number": make_id_number(9002, date(1970, 1, 1)),
            "name": "吴新来", "gender": "male", "joined_on": "", "status": "full",
            "category": "employed"}
    response = client.post(url, data)
    assert "letter_number" in response.context["form"].errors
    response = client.post(url, {**data, "letter_number": "外组〔2026〕9号"})
    assert "请填写入党时间" in str(response.context["form"].errors["joined_on"])
    response = client.post(url, {**data, "letter_number": "外组〔2026〕9号",
                                 "to_branch": world.sibling_branch.pk, "joined_on": "2000-07-01"})
    assert "to_branch" in response.context["form"].errors
    assert not TransferIn.objects.exists() and not Member.objects.filter(name="吴新来").exists()
    response = client.post(url, {**data, "letter_number": "外组〔2026〕9号",
                                 "joined_on": "2000-07-01"})
    assert response.status_code == 302
    assert TransferIn.objects.get().member.name == "吴新来"


# --- 流动党员 --------------------------------------------------------------------------------

def test_a_mobile_member_stays_on_the_roster_counted_apart(world, client_as):
    stay = moves.mobile_stay_start(member=world.member, destination="苏州", contact="139",
                                   certificate_number="LD-1", host_organization="苏州某支部",
                                   started_on=date(2026, 6, 1))
    member = Member.objects.get(pk=world.member.pk)
    assert member.is_active and member.category == Member.Category.MOBILE
    client = client_as(world.users["staff"])
    response = client.post(reverse("members:mobile_end", args=[stay.pk]),
                           {"ended_on": "2026-05-01"})
    assert "返回日期不能早于外出日期" in str(response.context["form"].errors["ended_on"])
    assert MobileStay.objects.current().count() == 1
    page = client.get(reverse("members:mobile_list")).content.decode()
    assert "LD-1" in page and "苏州某支部" in page
    client.post(reverse("members:mobile_end", args=[stay.pk]), {"ended_on": "2026-11-01"})
    member.refresh_from_db()
    assert member.category == Member.Category.RETIRED and not MobileStay.objects.current()


def test_mobile_registration_needs_the_certificate_number(world, client_as):
    client = client_as(world.users["secretary"])
    response = client.post(reverse("members:mobile_start", args=[world.member.pk]), {
        "destination": "苏州", "contact": "139", "certificate_number": "  ",
        "host_organization": "苏州某支部", "started_on": "2026-06-01"})
    assert "certificate_number" in response.context["form"].errors
    assert not MobileStay.objects.exists()


# --- 失联 and 党章 art. 9 -------------------------------------------------------------------

def entered(member, day):
    Member.objects.filter(pk=member.pk).update(
        created_at=datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI))


def attended(member, day, status=Attendance.Status.PRESENT):
    meeting = MeetingFactory(branch=member.branch, status=Meeting.Status.HELD,
                             starts_at=datetime(day.year, day.month, day.day, 15,
                                                tzinfo=SHANGHAI))
    AttendanceFactory(meeting=meeting, member=member, status=status)


def lost_ids(world, today):
    lists = moves.silence_lists(Member.objects.filter(branch__path__startswith=world.street.path),
                                today)
    return {row.member.pk for row in lists.lost}, {row.member.pk for row in lists.article_nine}


def test_lost_from_six_months_after_the_last_contact_to_the_day(world):
    entered(world.member, date(2025, 1, 10))
    attended(world.member, date(2026, 5, 18))
    assert lost_ids(world, date(2026, 11, 17)) == (set(), set())
    assert lost_ids(world, date(2026, 11, 18)) == ({world.member.pk}, {world.member.pk})
    # A 31st: six months later is the month's last day.
    attended(world.member, date(2026, 8, 31))
    assert lost_ids(world, date(2027, 2, 27))[0] == set()
    assert lost_ids(world, date(2027, 2, 28))[0] == {world.member.pk}


def test_a_recorded_contact_ends_the_silence_but_not_the_article_nine_case(world):
    entered(world.member, date(2025, 1, 10))
    attended(world.member, date(2026, 1, 5))
    ContactRecord.objects.create(member=world.member, contacted_on=date(2026, 10, 1), way="电话")
    lost, article_nine = lost_ids(world, date(2026, 11, 18))
    assert lost == set() and article_nine == {world.member.pk}
    # A leave asked is a contact too, not organizational life.
    other = MemberFactory(branch=world.branch)
    entered(other, date(2025, 1, 10))
    attended(other, date(2026, 9, 1), status=Attendance.Status.EXCUSED)
    lost, article_nine = lost_ids(world, date(2026, 11, 18))
    assert other.pk not in lost and other.pk in article_nine


def test_a_dues_payment_is_contact_but_not_organizational_life(world):
    from decimal import Decimal

    from members.dues import services as dues

    entered(world.member, date(2025, 1, 10))
    attended(world.member, date(2026, 1, 5))
    dues.payment_record(member=world.member, first_month=date(2026, 10, 1),
                        last_month=date(2026, 10, 1), amount=Decimal("5.00"), way="cash",
                        paid_on=date(2026, 10, 8), voluntary=True)
    lost, article_nine = lost_ids(world, date(2026, 11, 18))
    assert lost == set() and article_nine == {world.member.pk}
    # Not before it was paid.
    assert lost_ids(world, date(2026, 10, 7))[0] == {world.member.pk}


def test_a_record_never_contacted_counts_from_its_entry_and_the_rule_is_data(world):
    entered(world.member, date(2026, 5, 19))
    assert lost_ids(world, date(2026, 11, 18))[0] == set()
    MoveRule.objects.create(node=world.street, lost_contact_months=3)
    assert lost_ids(world, date(2026, 11, 18))[0] == {world.member.pk}
    assert lost_ids(world, date(2026, 11, 18))[1] == set()  # art. 9 says six months, not a rule


def test_members_off_the_roster_are_not_lost(world):
    entered(world.member, date(2025, 1, 10))
    with at(date(2026, 3, 1)):
        letter_out(world.member, date(2026, 3, 1))
    assert lost_ids(world, date(2026, 11, 18)) == (set(), set())


def test_lost_members_are_not_counted_in_a_general_meeting_s_quorum(world):
    voters = [world.member] + [MemberFactory(branch=world.branch) for _ in range(3)]
    for member in voters:
        entered(member, date(2025, 1, 10))
    for member in voters[:3]:
        ContactRecord.objects.create(member=member, contacted_on=date(2026, 10, 1), way="电话")
    meeting = MeetingFactory(branch=world.branch, kinds=["general_meeting"],
                             status=Meeting.Status.HELD,
                             starts_at=datetime(2026, 11, 15, 15, tzinfo=SHANGHAI))
    for member in voters:
        status = Attendance.Status.PRESENT if member in voters[:2] else Attendance.Status.ABSENT
        AttendanceFactory(meeting=meeting, member=member, status=status)
    # 2 of 4 present is not more than half; the lost one (voters[3]) is not expected: 2 of 3.
    assert selectors.quorum_warnings(meeting) == []
    MoveRule.objects.update_or_create(node=None, defaults={"lost_excluded_from_quorum": False})
    assert "未超过应到 4 名的半数" in selectors.quorum_warnings(meeting)[0]


def test_lost_list_page_shows_the_last_contact_and_only_the_scope(world, client_as):
    entered(world.member, date(2025, 1, 10))
    attended(world.member, date(2026, 3, 2))
    outsider = MemberFactory(branch=world.other_branch, name="外社区甲")
    entered(outsider, date(2025, 1, 10))
    sibling = MemberFactory(branch=world.sibling_branch, name="西区乙")
    entered(sibling, date(2025, 1, 10))
    page = client_as(world.users["secretary"]).get(reverse("members:lost_list")).content.decode()
    assert "赵党员" in page and "2026年3月2日" in page
    assert "外社区甲" not in page and "西区乙" not in page
    page = client_as(world.users["staff"]).get(reverse("members:lost_list")).content.decode()
    assert "西区乙" in page and "外社区甲" not in page


def test_contact_record_in_the_future_is_refused(world, client_as):
    response = client_as(world.users["secretary"]).post(
        reverse("members:contact_create", args=[world.member.pk]),
        {"contacted_on": "2026-12-01", "way": "电话"})
    assert "联系日期不能晚于今天" in str(response.context["form"].errors["contacted_on"])
    assert not ContactRecord.objects.exists()


# --- Scope -----------------------------------------------------------------------------------

def test_another_community_s_and_a_sibling_branch_s_records_are_404(world, client_as):
    outsider = MemberFactory(branch=world.other_branch)
    sibling = MemberFactory(branch=world.sibling_branch)
    letter = letter_out(sibling, date(2026, 11, 1))
    stay = moves.mobile_stay_start(member=MemberFactory(branch=world.sibling_branch),
                                   destination="苏州", contact="139", certificate_number="LD-2",
                                   host_organization="苏州某支部", started_on=date(2026, 6, 1))
    secretary = client_as(world.users["secretary"])
    for name in ("transfer_out_create", "mobile_start", "contact_create"):
        assert secretary.get(reverse(f"members:{name}", args=[outsider.pk])).status_code == 404
    assert secretary.get(reverse("members:transfer_out_receipt",
                                 args=[letter.pk])).status_code == 404
    assert secretary.get(reverse("members:mobile_end", args=[stay.pk])).status_code == 404
    assert "LD-2" not in secretary.get(reverse("members:mobile_list")).content.decode()
    page = secretary.get(reverse("members:transfer_out_list")).content.decode()
    assert sibling.name not in page
    staff_other = client_as(world.users["staff_other"])
    assert staff_other.get(reverse("members:transfer_out_receipt",
                                   args=[letter.pk])).status_code == 404


# --- Query counts ----------------------------------------------------------------------------

# The lost list reads each contact source (meetings, leaves, recorded contacts, letters in, dues
# payments) twice: the months that can end a silence, then all of it for the silent only.
@pytest.mark.parametrize("name, most", [("transfer_out_list", 15), ("transfer_in_list", 15),
                                        ("mobile_list", 15), ("lost_list", 20)])
def test_move_lists_run_a_fixed_number_of_queries(world, client_as,
                                                  django_assert_max_num_queries, name, most):
    numbers = iter(range(5000, 5100))

    def add(n):
        for index in range(n):
            member = MemberFactory(branch=world.branch)
            letter_out(member, date(2026, 10, 1))
            letter_in(world.branch, person(make_id_number(next(numbers), date(1971, 2, 3)),
                                           name=f"新{index}"))
            moves.mobile_stay_start(member=MemberFactory(branch=world.branch), destination="苏州",
                                    contact="139", certificate_number=f"LD-{index}",
                                    host_organization="苏州某支部",
                                    started_on=date(2026, 6, 1))
            entered(MemberFactory(branch=world.branch), date(2025, 1, 1))

    client = client_as(world.users["staff"])
    add(2)
    with django_assert_max_num_queries(most) as few:
        assert client.get(reverse(f"members:{name}")).status_code == 200
    add(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(f"members:{name}")).status_code == 200


def test_a_mobile_member_transferred_out_leaves_the_stay_with_the_roster(world, client_as):
    stay = moves.mobile_stay_start(member=world.member, destination="苏州", contact="139",
                                   certificate_number="LD-9", host_organization="苏州某支部",
                                   started_on=date(2026, 6, 1))
    letter_out(Member.objects.get(pk=world.member.pk), date(2026, 11, 1))
    stay.refresh_from_db()
    assert stay.ended_on == date(2026, 11, 1)
    page = client_as(world.users["staff"]).get(reverse("members:mobile_list")).content.decode()
    assert "LD-9" not in page


def test_the_lost_list_reads_in_pinyin_order_among_equal_silences(world):
    # Code points put 张 (5F20) before 赵 (8D75) before 阿 (963F); pinyin puts 阿 first.
    names = ["赵一", "张二", "阿三"]
    for name in names:
        entered(MemberFactory(branch=world.branch, name=name), date(2025, 1, 10))
    entered(world.member, date(2025, 1, 10))
    lists = moves.silence_lists(Member.objects.filter(branch=world.branch), date(2026, 11, 18))
    assert [row.member.name for row in lists.lost] == ["阿三", "张二", "赵党员", "赵一"]
