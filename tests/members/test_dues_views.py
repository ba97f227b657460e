"""党费 pages: scope, bad input, the ledger, import, the member's page, reminders, query counts."""
import io
from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.models import Notification
from activities.reminders import scan
from kernel import xlsx
from members.dues import local_rules, services
from members.dues.models import DuesBase, DuesPayment
from members.factories import MemberFactory
from members.models import Member

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return time_machine.travel(datetime(year, month, day, hour, tzinfo=SHANGHAI), tick=False)


def _grow(branch, size, paid=True):
    members = []
    for index in range(size):
        member = MemberFactory(branch=branch, joined_on=date(2000, 1, 1), category="employed")
        services.base_set(member=member, from_month=date(2026, 1, 1), category="employed",
                          income=D("4000.00") + index)
        if paid:
            months = 10 - index % 3
            services.payment_record(member=member, first_month=date(2026, 1, 1),
                                    last_month=date(2026, months, 1),
                                    amount=(D("4000.00") + index) / 100 * months, way="cash",
                                    paid_on=date(2026, 11, 2))
        members.append(member)
    return members


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url, role, pinned", [
    ("/dues/branch/{branch}/", "secretary", 17),
    ("/dues/branch/{branch}/arrears/", "secretary", 15),
    ("/dues/report/{branch}/", "staff", 16),
    ("/dues/report/{community}/", "staff", 16),
    ("/dues/report/{street}/", "official", 16),
    ("/dues/branch/{branch}/export/", "staff", 15),
])
def test_ledger_and_reports_queries_do_not_grow(world, client_as, url, role, pinned):
    url = url.format(branch=world.branch.pk, community=world.community.pk,
                     street=world.street.pk)
    client = client_as(world.users[role])
    with at(2026, 11, 18):
        _grow(world.branch, 2)
        _grow(world.sibling_branch, 1)
        small = _count(client, url)
        _grow(world.branch, 6)
        _grow(world.sibling_branch, 4)
        assert _count(client, url) == small
        assert small <= pinned


def test_ledger_shows_the_amount_how_and_arrears(world, client_as):
    with at(2026, 11, 18):
        services.base_set(member=world.member, from_month=date(2026, 9, 1), category="employed",
                          income=D("3000.01"))
        page = client_as(world.users["secretary"]).get(f"/dues/branch/{world.branch.pk}/")
        text = page.content.decode()
        assert "30.00" in text and "3000.01" in text
        arrears = client_as(world.users["secretary"]).get(
            f"/dues/branch/{world.branch.pk}/arrears/").content.decode()
        assert "2026-09" in arrears and "2026-10" in arrears and "2026-11" not in arrears


def test_six_months_unpaid_are_listed_for_the_branch(world, client_as):
    with at(2026, 11, 18):
        services.base_set(member=world.member, from_month=date(2026, 5, 1), category="student")
        page = client_as(world.users["secretary"]).get(
            f"/dues/branch/{world.branch.pk}/arrears/").content.decode()
        assert 'id="long-arrears"' in page and world.member.name in page
        services.payment_record(member=world.member, first_month=date(2026, 5, 1),
                                last_month=None, amount=D("0.20"), way="cash",
                                paid_on=date(2026, 11, 18))
        page = client_as(world.users["secretary"]).get(
            f"/dues/branch/{world.branch.pk}/arrears/").content.decode()
        assert 'id="long-arrears"' not in page


def test_scope_other_community_and_sibling_branch_are_404(world, client_as):
    other = MemberFactory(branch=world.other_branch)
    sibling = MemberFactory(branch=world.sibling_branch)
    secretary, staff = world.users["secretary"], world.users["staff"]
    assert client_as(staff).get(f"/dues/branch/{world.other_branch.pk}/").status_code == 404
    assert client_as(staff).get(f"/dues/member/{other.pk}/").status_code == 404
    assert client_as(secretary).get(f"/dues/branch/{world.sibling_branch.pk}/").status_code == 404
    assert client_as(secretary).get(f"/dues/member/{sibling.pk}/").status_code == 404
    assert client_as(secretary).get(
        f"/dues/member/{sibling.pk}/exception/").status_code == 404
    # A member of the sibling branch is not offered in B1's payment form.
    response = client_as(secretary).post(f"/dues/branch/{world.branch.pk}/pay/", {
        "member": sibling.pk, "first_month": "2026-11", "amount": "1", "way": "cash",
        "paid_on": "2026-11-18"})
    assert response.status_code == 200 and "member" in response.context["form"].errors
    assert not DuesPayment.objects.exists()
    with at(2026, 11, 18):
        services.base_set(member=other, from_month=date(2026, 1, 1), category="student")
        payment = services.payment_record(member=other, first_month=date(2026, 1, 1),
                                          last_month=None, amount=D("0.20"), way="cash",
                                          paid_on=date(2026, 11, 18))
    assert client_as(staff).get(f"/dues/payment/{payment.pk}/correct/").status_code == 404


def test_bad_input_is_shown_next_to_the_field_and_nothing_saved(world, client_as):
    client = client_as(world.users["secretary"])
    url = f"/dues/branch/{world.branch.pk}/base/"
    response = client.post(url, {"member": world.member.pk, "from_month": "2026-13",
                                 "category": "employed", "income": "4000"})
    assert "请按“2026-11”的格式填写月份。" in response.context["form"].errors["from_month"]
    response = client.post(url, {"member": world.member.pk, "from_month": "2026-01",
                                 "category": "employed", "income": ""})
    assert "income" in response.context["form"].errors
    response = client.post(url, {"member": world.member.pk, "from_month": "1970-01",
                                 "category": "student"})
    assert "from_month" in response.context["form"].errors
    assert not DuesBase.objects.exists()
    with at(2026, 11, 18):
        services.base_set(member=world.member, from_month=date(2026, 11, 1),
                          category="retired", income=D("5000.00"))
        response = client.post(f"/dues/branch/{world.branch.pk}/pay/", {
            "member": world.member.pk, "first_month": "2026-11", "amount": "30.00",
            "way": "cash", "paid_on": "2026-11-18"})
        assert "应交 25.00 元" in str(response.context["form"].errors["amount"])
        assert not DuesPayment.objects.exists()
        response = client.post(f"/dues/branch/{world.branch.pk}/pay/", {
            "member": world.member.pk, "first_month": "2026-11", "amount": "25.00",
            "way": "cash", "paid_on": "2026-11-18", "receipt_number": "No.1"})
        assert response.status_code == 302
        assert DuesPayment.objects.get().recorded_by == world.users["secretary"]


def test_member_sees_own_status_linked_from_home(world, client_as):
    with at(2026, 11, 18):
        services.base_set(member=world.member, from_month=date(2026, 8, 1), category="retired",
                          income=D("5600.00"))
        services.payment_record(member=world.member, first_month=date(2026, 8, 1),
                                last_month=date(2026, 9, 1), amount=D("112.00"), way="cash",
                                paid_on=date(2026, 10, 5))
        client = client_as(world.users["member"])
        assert "/dues/mine/" in client.get("/members/me/").content.decode()
        page = client.get("/dues/mine/").content.decode()
        assert "56.00" in page and "2026-09" in page and "112.00" in page
        assert 'id="my-dues-next"' not in page


def test_a_member_sees_a_new_amount_coming(world, client_as):
    with at(2026, 11, 18):
        services.base_set(member=world.member, from_month=date(2026, 8, 1), category="retired",
                          income=D("4321.55"))
        local_rules.rule_set(node=world.street, rule="rounding", value=D("0.10"),
                             from_month=date(2027, 2, 1))
        page = client_as(world.users["member"]).get("/dues/mine/").content.decode()
    assert "21.61" in page   # this month, to the fen
    news = page[page.index('id="my-dues-next"'):]
    assert "自 2027-02 起每月 21.60 元" in news[:news.index("</div>")]


def test_export_is_the_yearly_ledger(world, client_as):
    with at(2026, 11, 18):
        services.base_set(member=world.member, from_month=date(2026, 1, 1), category="retired",
                          income=D("4000.00"))
        services.payment_record(member=world.member, first_month=date(2026, 1, 1),
                                last_month=date(2026, 2, 1), amount=D("40.00"), way="cash",
                                paid_on=date(2026, 11, 1))
        response = client_as(world.users["official"]).get(
            f"/dues/branch/{world.branch.pk}/export/?year=2026")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    member_row = next(row for row in rows if row[0] == world.member.name)
    assert member_row[3] == 20 and member_row[4] == 20 and member_row[6] is None


def _upload(rows):
    book = xlsx.workbook()
    book.active.append(["身份证号", "姓名", "党费类别", "月计算基数", "起始月份", "已缴至月份"])
    for row in rows:
        book.active.append(row)
    return SimpleUploadedFile("ledger.xlsx", xlsx.workbook_bytes(book))


def test_import_previews_row_errors_and_writes_the_valid_rows(world, client_as):
    client = client_as(world.users["secretary"])
    second = MemberFactory(branch=world.branch, joined_on=date(2000, 1, 1))
    stranger = MemberFactory(branch=world.other_branch)
    url = f"/dues/branch/{world.branch.pk}/import/"
    with at(2026, 11, 18):
        response = client.post(url, {"file": _upload([
            [world.member.id_number, world.member.name, "离退休", "5000", "2026-01", "2026-08"],
            [second.id_number, second.name, "在职", "abc", "2026-01", ""],
            [stranger.id_number, stranger.name, "学生", "", "2026-01", ""],
        ])})
        rows = response.context["rows"]
        assert [bool(row.errors) for row in rows] == [False, True, True]
        assert "月计算基数" in rows[1].errors[0] and "本支部" in rows[2].errors[0]
        assert not DuesBase.objects.exists()
        assert client.post(url + "confirm/").status_code == 302
        base = DuesBase.objects.get()
        assert base.member == world.member and base.income == D("5000.00")
        from members.dues import ledger
        assert ledger.load_one(world.member).arrears() == [date(2026, 9, 1), date(2026, 10, 1)]
    bad = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    assert "file" in bad.context["form"].errors


def test_arrears_reminders_go_once_to_member_and_secretary(world):
    with at(2026, 11, 5):
        services.base_set(member=world.member, from_month=date(2026, 9, 1), category="student")
        services.payment_record(member=world.member, first_month=date(2026, 9, 1),
                                last_month=None, amount=D("0.20"), way="cash",
                                paid_on=date(2026, 11, 5))
    sources = ["dues_arrears", "dues_arrears_branch"]
    scan(datetime(2026, 11, 9, 10, tzinfo=SHANGHAI), sources=sources)
    assert not Notification.objects.exists()  # before the 10th
    scan(datetime(2026, 11, 10, 10, tzinfo=SHANGHAI), sources=sources)
    scan(datetime(2026, 11, 10, 11, tzinfo=SHANGHAI), sources=sources)
    recipients = sorted(Notification.objects.values_list("recipient__username", "kind"))
    assert recipients == [("dangyuan", "dues_arrears:202610"),
                          ("secretary", "dues_arrears_branch:202610")]


def test_a_branch_without_a_secretary_is_not_read_at_every_tick(world, monkeypatch):
    """Nobody could be told of its arrears: its owing members are not judged each minute."""
    from activities import dues_reminders
    from organizations.factories import BranchFactory

    alone = MemberFactory(branch=BranchFactory(parent=world.community), user=None)
    owing = [alone, world.member]
    with at(2026, 11, 5):
        for member in owing:
            services.base_set(member=member, from_month=date(2026, 9, 1), category="student")
    judged = []
    load = dues_reminders.ledger.load
    monkeypatch.setattr(dues_reminders.ledger, "load", lambda members: (
        judged.extend(member.pk for member in members) or load(members)))
    scan(datetime(2026, 11, 10, 10, tzinfo=SHANGHAI), sources=["dues_arrears_branch"])
    assert judged == [world.member.pk]
    assert list(Notification.objects.values_list("recipient__username", "object_id")) == [
        ("secretary", world.branch.pk)]


def test_arrears_and_the_branch_report_read_in_pinyin_order(world, client_as):
    # Code points put 张 (5F20) before 赵 (8D75) before 阿 (963F); pinyin puts 阿 first.
    from members.dues import reports

    with at(2026, 11, 18):
        members = [world.member] + [MemberFactory(branch=world.branch, name=name)
                                    for name in ["赵一", "张二", "阿三", "钱多"]]
        for member in members:
            services.base_set(member=member, from_month=date(2026, 9, 1), category="employed",
                              income=D("3000.00"))
        # 钱多 owes a month more: the most months first, then pinyin.
        services.base_set(member=members[-1], from_month=date(2026, 8, 1), category="employed",
                          income=D("3000.00"))
        expected = ["钱多", "阿三", "张二", "赵党员", "赵一"]
        rows = reports.arrears(Member.objects.filter(branch=world.branch),
                               date(2026, 11, 18))
        assert [row["member"].name for row in rows] == expected
        page = client_as(world.users["secretary"]).get(
            f"/dues/branch/{world.branch.pk}/arrears/").content.decode()
        assert [page.index(name) for name in expected] == sorted(
            page.index(name) for name in expected)
        report = reports.collection(world.branch, 2026, date(2026, 11, 1), date(2026, 11, 18))
        assert [row["name"] for row in report["rows"]] == ["阿三", "钱多", "张二", "赵党员", "赵一"]
