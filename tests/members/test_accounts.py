"""Members' accounts: bulk opening, activation codes, leaving and returning (issue 15, and
issue 13 item 10: a member who left kept their login, calendar feed and invitations)."""
import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.factories import MeetingFactory
from activities.models import Attendance, CalendarFeed, Meeting
from members import accounts, services
from members.factories import MemberFactory
from members.models import AccountStatus, ActivationCode, Member
from portal.account_panels import accounts_panel
from portal.dashboards import community_scope, street_scope

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
PASSWORD = "Hongqi@2026x"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _open(world, members=None):
    return accounts.accounts_open(
        members=members if members is not None else Member.objects.filter(branch=world.branch),
        user=world.users["staff"])


def _issue(world, member):
    return dict(accounts.codes_issue(members=Member.objects.filter(pk=member.pk),
                                     user=world.users["staff"],
                                     channel=ActivationCode.Channel.PRINT))[member]


def _pending_member(world, **fields):
    member = MemberFactory(branch=world.branch, **fields)
    _open(world, Member.objects.filter(pk=member.pk))
    member.refresh_from_db()
    return member


# Opening in bulk ---------------------------------------------------------------------------

def test_opening_uses_the_mobile_number_or_a_generated_login_and_no_password(world):
    with_phone = MemberFactory(branch=world.branch, phone="13812345678")
    landline = MemberFactory(branch=world.branch, phone="0931-8123456")
    no_phone = MemberFactory(branch=world.branch, phone="")
    no_smartphone = MemberFactory(branch=world.branch, no_smartphone=True)
    left = MemberFactory(branch=world.branch, left_on=NOW.date(), leave_reason="other")
    other_branch = MemberFactory(branch=world.other_branch)

    assert _open(world) == 3
    logins = dict(Member.objects.values_list("pk", "user__username"))
    assert logins[with_phone.pk] == "13812345678"
    assert logins[landline.pk] == f"dy{landline.pk:06d}"
    assert logins[no_phone.pk] == f"dy{no_phone.pk:06d}"
    assert logins[no_smartphone.pk] is None and logins[left.pk] is None
    assert logins[other_branch.pk] is None
    opened = get_user_model().objects.get(username="13812345678")
    assert not opened.has_usable_password()
    assert opened.first_name == with_phone.name
    with_phone.refresh_from_db()
    assert with_phone.account_status == AccountStatus.PENDING
    # Opening again finds nobody left to open.
    assert _open(world) == 0


def test_a_phone_used_by_another_account_stops_the_whole_batch(world):
    get_user_model().objects.create(username="13800000001")
    MemberFactory.create_batch(3, branch=world.branch)
    clash = MemberFactory(branch=world.branch, phone="13800000001", name="钱一")
    users_before = get_user_model().objects.count()

    with pytest.raises(ValidationError) as refused:
        _open(world)

    assert any("钱一" in message and "已被其他账号使用" in message
               for message in refused.value.messages)
    assert get_user_model().objects.count() == users_before
    assert not Member.objects.filter(branch=world.branch, user__isnull=False).exclude(
        pk=world.member.pk).exists()
    clash.refresh_from_db()
    assert clash.user is None


def test_two_members_with_one_phone_are_named_and_nothing_is_written(world):
    MemberFactory(branch=world.branch, phone="13800000002", name="孙甲")
    MemberFactory(branch=world.branch, phone="13800000002", name="孙乙")
    with pytest.raises(ValidationError) as refused:
        _open(world)
    assert "孙乙" in " ".join(refused.value.messages)
    assert not get_user_model().objects.filter(username="13800000002").exists()


def test_the_page_shows_the_clash_and_opens_nothing(world, client_as):
    get_user_model().objects.create(username="13800000003")
    MemberFactory(branch=world.branch, phone="13800000003", name="李重号")
    response = client_as(world.users["staff"]).post(
        reverse("members:accounts") + f"?branch={world.branch.pk}", follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "李重号" in text and "未开通任何账号" in text


def test_opening_and_issuing_cost_the_same_queries_for_any_number_of_members(world):
    """Measured at 3 and 60 members: the same number of queries (set-based, bulk writes; on
    SQLite Django splits a bulk insert every ~80 rows, so the sizes stay under one batch)."""
    counts = []
    for n in (3, 60):
        branch = world.branch.__class__.objects.create(
            kind="branch", name=f"测试支部{n}", parent=world.community)
        MemberFactory.create_batch(n, branch=branch)
        selection = Member.objects.filter(branch=branch)
        with CaptureQueriesContext(connection) as opening:
            assert accounts.accounts_open(members=selection, user=world.users["staff"]) == n
        with CaptureQueriesContext(connection) as issuing:
            issued = accounts.codes_issue(members=selection, user=world.users["staff"],
                                          channel=ActivationCode.Channel.PRINT)
        assert len(issued) == n
        counts.append((len(opening), len(issuing)))
    assert counts[0] == counts[1]


def test_a_thousand_members_are_opened_and_issued_in_seconds(world):
    Member.objects.bulk_create([MemberFactory.build(branch=world.branch, phone=f"137{i:08d}")
                                for i in range(1000)])
    selection = Member.objects.filter(branch=world.branch)
    started = time.perf_counter()
    assert accounts.accounts_open(members=selection, user=world.users["staff"]) == 1000
    issued = accounts.codes_issue(members=selection, user=world.users["staff"],
                                  channel=ActivationCode.Channel.PRINT)
    elapsed = time.perf_counter() - started
    assert len(issued) == 1001  # and the world's member, whose account was already pending
    assert elapsed < 10, f"1,000 accounts took {elapsed:.1f} s"


# Codes --------------------------------------------------------------------------------------

def test_codes_are_stored_hashed_and_kept_out_of_the_audit_trail(world):
    member = _pending_member(world)
    code = _issue(world, member)
    row = ActivationCode.objects.get(member=member)
    assert code not in row.code_hash and row.code_hash == accounts.code_hash(member.user_id, code)
    ActivationCode.objects.get(pk=row.pk).save()  # a tracked save, as the admin would do
    for entry in LogEntry.objects.filter(object_repr__contains=member.name):
        assert "code_hash" not in (entry.changes or "")
        assert row.code_hash not in str(entry.changes)


def test_a_code_activates_once_and_sets_the_members_own_password(world, clock):
    member = _pending_member(world, phone="13822223333")
    code = _issue(world, member)
    found = accounts.activation_check(login=" １３８２２２２３３３３ ", code=f"{code[:4]} {code[4:]}")
    accounts.account_activate(activation_code=found, password=PASSWORD)
    member.refresh_from_db()
    assert member.account_status == AccountStatus.ACTIVE
    assert member.user.check_password(PASSWORD)
    with pytest.raises(accounts.ActivationRefused) as reused:
        accounts.activation_check(login="13822223333", code=code)
    assert reused.value.code == "used"
    # A double submit of the same check does not use it twice either.
    with pytest.raises(accounts.ActivationRefused):
        accounts.account_activate(activation_code=found, password="Other@2026pw")
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)


def test_a_code_expires(world, clock):
    member = _pending_member(world, phone="13822224444")
    code = _issue(world, member)
    clock.shift(timedelta(days=accounts.CODE_VALID_DAYS, seconds=1))
    with pytest.raises(accounts.ActivationRefused) as expired:
        accounts.activation_check(login="13822224444", code=code)
    assert expired.value.code == "expired"
    assert "已过期" in expired.value.messages[0]


def test_a_code_still_works_on_its_last_day(world, clock):
    member = _pending_member(world, phone="13822225555")
    code = _issue(world, member)
    clock.shift(timedelta(days=accounts.CODE_VALID_DAYS, seconds=-60))
    assert accounts.activation_check(login="13822225555", code=code).member_id == member.pk


def test_a_new_code_voids_the_old_one(world):
    member = _pending_member(world, phone="13822226666")
    old = _issue(world, member)
    new = accounts.code_reissue(member=member, user=world.users["staff"],
                                channel=ActivationCode.Channel.PRINT,
                                reason=ActivationCode.Reason.LOST)
    with pytest.raises(accounts.ActivationRefused) as voided:
        accounts.activation_check(login="13822226666", code=old)
    assert voided.value.code == "voided"
    assert accounts.activation_check(login="13822226666", code=new)
    reissued = ActivationCode.objects.filter(member=member).order_by("-pk").first()
    assert (reissued.reason, reissued.issued_by) == ("lost", world.users["staff"])


def test_guessing_voids_the_code_after_the_limit(world):
    member = _pending_member(world, phone="13822227777")
    code = _issue(world, member)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    for attempt in range(accounts.MAX_FAILED_ATTEMPTS - 1):
        with pytest.raises(accounts.ActivationRefused) as refused:
            accounts.activation_check(login="13822227777", code=wrong)
        assert refused.value.code == "wrong"
    with pytest.raises(accounts.ActivationRefused) as refused:
        accounts.activation_check(login="13822227777", code=wrong)
    assert refused.value.code == "too_many"
    # Even the right code is refused now: guessing cannot go on.
    with pytest.raises(accounts.ActivationRefused) as refused:
        accounts.activation_check(login="13822227777", code=code)
    assert refused.value.code == "voided"


def test_an_unknown_login_and_a_wrong_code_read_the_same(world):
    member = _pending_member(world, phone="13822228888")
    _issue(world, member)
    messages = []
    for login, code in [("13899999999", "12345678"), ("13822228888", "00000000")]:
        with pytest.raises(accounts.ActivationRefused) as refused:
            accounts.activation_check(login=login, code=code)
        messages.append(refused.value.messages)
    assert messages[0] == messages[1]


def _activate_post(client, login, code, password=PASSWORD, second=None):
    return client.post(reverse("members:activate"), {
        "login": login, "code": code, "new_password1": password,
        "new_password2": second or password})


def test_the_activation_page_signs_the_member_in_and_lands_on_their_home(world, client):
    member = _pending_member(world, phone="13833334444")
    code = _issue(world, member)
    response = _activate_post(client, "13833334444", code)
    assert response.status_code == 302 and response.url == reverse("members:me")
    assert client.get(reverse("members:me")).status_code == 200
    from organizations.models import AccountState
    assert AccountState.objects.filter(user=member.user).exists()  # chosen by the member


def test_a_wrong_code_on_the_page_says_so_and_changes_nothing(world, client):
    member = _pending_member(world, phone="13833335555")
    code = _issue(world, member)
    wrong = f"{(int(code) + 7) % 10**8:08d}"
    response = _activate_post(client, "13833335555", wrong)
    assert response.status_code == 200
    assert "登录名或激活码不正确" in response.content.decode()
    member.user.refresh_from_db()
    assert not member.user.has_usable_password()
    assert ActivationCode.objects.get(member=member).failed_attempts == 1


def test_a_weak_password_keeps_the_code_usable(world, client):
    member = _pending_member(world, phone="13833336666")
    code = _issue(world, member)
    response = _activate_post(client, "13833336666", code, password="12345678")
    assert response.status_code == 200
    assert ActivationCode.objects.get(member=member).used_at is None
    assert "密码" in response.content.decode()
    assert _activate_post(client, "13833336666", code).status_code == 302


def test_the_page_locks_a_login_after_repeated_wrong_codes(world, client, settings):
    member = _pending_member(world, phone="13833337777")
    code = _issue(world, member)
    wrong = f"{(int(code) + 3) % 10**8:08d}"
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = _activate_post(client, "13833337777", wrong)
    # django-axes, as for the login form: (login, address) is locked, even with the right code.
    response = _activate_post(client, "13833337777", code)
    assert response.status_code in (200, 429)
    assert response.status_code == 429 or "尝试次数过多" in response.content.decode()
    assert ActivationCode.objects.get(member=member).used_at is None


def test_the_print_page_shows_each_code_once_with_the_address_and_qr(world, client_as):
    MemberFactory.create_batch(3, branch=world.branch)
    client = client_as(world.users["staff"])
    client.post(reverse("members:accounts") + f"?branch={world.branch.pk}")
    response = client.post(reverse("members:accounts_print") + f"?branch={world.branch.pk}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    codes = re.findall(r'class="slip-code">(\d{4} \d{4})<', text)
    assert len(codes) == 4  # three new accounts and the world's pending member
    assert "<svg" in text and "/members/activate/" in text
    # Printing again issues new codes; the first print's are void.
    again = client.post(reverse("members:accounts_print") + f"?branch={world.branch.pk}")
    assert ActivationCode.objects.filter(voided_at__isnull=False).count() == 4
    assert set(codes).isdisjoint(re.findall(r'class="slip-code">(\d{4} \d{4})<',
                                            again.content.decode()))


def test_codes_sent_by_sms_go_through_the_sms_channel_and_are_not_stored(world, client_as,
                                                                         caplog):
    from activities.models import Notification

    member = _pending_member(world, phone="13844445555")
    client = client_as(world.users["staff"])
    with caplog.at_level("INFO", logger="activities.sms"), \
            pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda func, *a, **k: func())
        response = client.post(reverse("members:accounts_sms") + f"?branch={world.branch.pk}")
    assert response.status_code == 302
    # The log handlers mask the number (kernel/logs.py) before caplog reads the record.
    sms = [record.getMessage() for record in caplog.records if "138****5555" in
           record.getMessage()]
    assert len(sms) == 1 and "激活码" in sms[0]
    assert not Notification.objects.filter(title__contains="激活码").exists()
    assert ActivationCode.objects.get(member=member).channel == "sms"


def test_reissue_needs_a_reason_and_is_logged(world, client_as):
    member = _pending_member(world, phone="13844446666")
    client = client_as(world.users["staff"])
    url = reverse("members:account_reissue", args=[member.pk])
    refused = client.post(url, {"reason": "other", "note": "", "channel": "print"})
    assert refused.status_code == 200 and "请说明重新发放的原因" in refused.content.decode()
    assert not ActivationCode.objects.filter(member=member).exists()
    response = client.post(url, {"reason": "forgotten", "channel": "print"})
    assert response.status_code == 200 and "slip-code" in response.content.decode()
    code = ActivationCode.objects.get(member=member)
    assert (code.reason, code.issued_by) == ("forgotten", world.users["staff"])
    assert LogEntry.objects.filter(additional_data__event="activation_codes_issue").exists()


def _sms_sent_today(member):
    """A reminder texted to the member today (a sent SMS delivery of the reminders' loop)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from activities.models import Delivery

    Delivery.objects.create(content_type=ContentType.objects.get_for_model(Member),
                            object_id=member.pk, recipient_id=member.user_id, kind="test:sms",
                            channel="sms", address=member.phone, status=Delivery.Status.SENT,
                            sent_at=timezone.now())


def test_a_code_by_sms_counts_toward_the_daily_cap_with_the_reminders(world, client_as, settings):
    settings.SMS_DAILY_CAP = 2
    member = _pending_member(world, phone="13844447777")
    client = client_as(world.users["staff"])
    url = reverse("members:account_reissue", args=[member.pk])
    assert client.post(url, {"reason": "forgotten", "channel": "sms"}).status_code == 302
    _sms_sent_today(member)  # two texts today: a code and a reminder
    first = ActivationCode.objects.get(member=member)
    refused = client.post(url, {"reason": "forgotten", "channel": "sms"})
    assert refused.status_code == 200
    assert "每日上限" in str(refused.context["form"].errors["channel"])
    # Refused before issuing: the code sent earlier today still works.
    assert list(ActivationCode.objects.filter(member=member)) == [first]
    first.refresh_from_db()
    assert first.voided_at is None
    # A slip is not a text: printing is still possible.
    assert client.post(url, {"reason": "forgotten", "channel": "print"}).status_code == 200


def test_bulk_codes_by_sms_skip_the_members_at_the_cap(world, client_as, settings,
                                                       django_assert_max_num_queries):
    settings.SMS_DAILY_CAP = 1
    capped = _pending_member(world, phone="13844448888")
    fresh = _pending_member(world, phone="13844449999")
    _sms_sent_today(capped)
    client = client_as(world.users["staff"])
    with django_assert_max_num_queries(40):
        response = client.post(reverse("members:accounts_sms") + f"?branch={world.branch.pk}",
                               follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "1 名党员今天的短信已达上限" in text
    assert not ActivationCode.objects.filter(member=capped).exists()
    assert ActivationCode.objects.filter(member=fresh, channel="sms").exists()


def test_sms_capped_counts_codes_and_reminders_of_many_members_in_fixed_queries(
        world, django_assert_num_queries, settings):
    settings.SMS_DAILY_CAP = 1
    members = [_pending_member(world, phone=f"1384444000{index}") for index in range(4)]
    _sms_sent_today(members[0])
    accounts.code_reissue(member=members[1], user=world.users["staff"], channel="sms",
                          reason="forgotten")
    # One query for the members, one per app's counter (reminders, codes).
    with django_assert_num_queries(3):
        capped = accounts.sms_capped(Member.objects.filter(pk__in=[m.pk for m in members]))
    assert capped == {members[0].pk, members[1].pk}


# Scope ----------------------------------------------------------------------------------------

def test_staff_of_another_community_cannot_open_or_reissue_here(world, client_as):
    member = _pending_member(world, phone="13855556666")
    MemberFactory(branch=world.branch, phone="13855557777")
    client = client_as(world.users["staff_other"])
    branch_query = f"?branch={world.branch.pk}"
    assert client.get(reverse("members:accounts") + branch_query).status_code == 404
    assert client.post(reverse("members:accounts") + branch_query).status_code == 404
    assert client.post(reverse("members:accounts_print") + branch_query).status_code == 404
    assert client.post(reverse("members:accounts_sms") + branch_query).status_code == 404
    assert client.get(reverse("members:account_reissue", args=[member.pk])).status_code == 404
    assert client.post(reverse("members:account_reissue", args=[member.pk]),
                       {"reason": "lost", "channel": "print"}).status_code == 404
    # Without a filter their selection is their own community: nothing here is touched.
    client.post(reverse("members:accounts"))
    client.post(reverse("members:accounts_print"))
    assert not get_user_model().objects.filter(username="13855557777").exists()
    assert not ActivationCode.objects.filter(member=member).exists()


# Roster, dashboards ---------------------------------------------------------------------------

def test_roster_filters_by_account_status(world, client_as, clock):
    pending = _pending_member(world, phone="13866667777", name="待激活甲")
    active = _pending_member(world, phone="13866668888", name="已激活乙")
    accounts.account_activate(activation_code=accounts.activation_check(
        login="13866668888", code=_issue(world, active)), password=PASSWORD)
    never = MemberFactory(branch=world.branch, name="未开通丙")
    no_phone = MemberFactory(branch=world.branch, name="不用手机丁", no_smartphone=True)
    left = _pending_member(world, phone="13866669999", name="离开戊")
    services.member_leave(member=left, left_on=NOW.date(), reason="other")
    client = client_as(world.users["staff"])

    def names(account, extra=""):
        response = client.get(reverse("members:roster") + f"?account={account}{extra}")
        return {member.name for member in response.context["page"]}

    assert pending.name in names("pending") and active.name not in names("pending")
    assert names("active") == {active.name}
    assert never.name in names("none") and no_phone.name in names("none")
    assert names("disabled", "&left=on") == {left.name}
    assert names("no_smartphone") == {no_phone.name}
    to_reach = names("to_reach")
    assert {pending.name, never.name} <= to_reach
    assert not to_reach & {active.name, no_phone.name, left.name}


def test_the_activation_rate_leaves_out_members_without_a_smartphone(world, clock):
    active = _pending_member(world, phone="13877778888")
    accounts.account_activate(activation_code=accounts.activation_check(
        login="13877778888", code=_issue(world, active)), password=PASSWORD)
    MemberFactory(branch=world.branch, no_smartphone=True)
    MemberFactory(branch=world.other_branch)
    # B1: the world's pending member and the active one count; C2: one never opened.
    community = accounts_panel(community_scope(world.community, NOW.date()))
    assert community.data["totals"]["active"] == 1 and community.data["totals"]["total"] == 2
    assert community.data["totals"]["no_phone"] == 1
    assert community.data["totals"]["to_reach_url"].endswith(
        f"community={world.community.pk}&account=to_reach")
    street = accounts_panel(street_scope(world.street, NOW.date()))
    rows = dict(street.data["rows"])
    assert rows[world.community.name]["rate"] == 0.5
    assert rows[world.other_community.name]["none"] == 1


# Leaving and returning (issue 13, item 10) ----------------------------------------------------

def _future_and_past_meetings(branch):
    future = MeetingFactory(branch=branch, starts_at=NOW + timedelta(days=3),
                            ends_at=NOW + timedelta(days=3, hours=2))
    past = MeetingFactory(branch=branch, starts_at=NOW - timedelta(days=3),
                          ends_at=NOW - timedelta(days=3, hours=-2), status=Meeting.Status.HELD)
    return future, past


def _can_log_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    client.logout()
    return response.status_code == 302


def test_a_member_who_left_loses_login_feed_and_future_invitations(world, client, clock):
    member = world.member
    member.user.set_password(PASSWORD)
    member.user.save()
    assert _can_log_in(client, "dangyuan", PASSWORD)
    future, past = _future_and_past_meetings(world.branch)
    for meeting in (future, past):
        Attendance.objects.create(meeting=meeting, member=member)
    feed = CalendarFeed.objects.create(member=member)
    feed_url = reverse("activities:calendar_feed", args=[feed.token])
    assert client.get(feed_url).status_code == 200
    code = _issue(world, member)

    services.member_leave(member=member, left_on=NOW.date(), reason="transferred_out")

    assert not _can_log_in(client, "dangyuan", PASSWORD)
    assert client.get(feed_url).status_code == 404
    assert not Attendance.objects.filter(member=member, meeting=future).exists()
    assert Attendance.objects.filter(member=member, meeting=past).exists()  # history stays
    with pytest.raises(accounts.ActivationRefused):
        accounts.activation_check(login="dangyuan", code=code)
    member.refresh_from_db()
    assert member.user is not None and member.account_status == AccountStatus.DISABLED


def test_a_session_open_when_the_member_left_ends(world, client, clock):
    client.force_login(world.member.user)
    assert client.get(reverse("members:me")).status_code == 200
    services.member_leave(member=world.member, left_on=NOW.date(), reason="other")
    assert client.get(reverse("members:me")).status_code == 302  # to the login page


def test_a_restored_member_is_invited_again_and_activates_with_a_new_code(world, client, clock):
    member = world.member
    member.user.set_password(PASSWORD)
    member.user.save()
    future, _past = _future_and_past_meetings(world.branch)
    group_meeting = MeetingFactory(branch=world.branch, group=member.group,
                                   starts_at=NOW + timedelta(days=5),
                                   ends_at=NOW + timedelta(days=5, hours=1))
    other_group = world.group.__class__.objects.create(kind="group", name="第二党小组",
                                                       parent=world.branch)
    not_mine = MeetingFactory(branch=world.branch, group=other_group,
                              starts_at=NOW + timedelta(days=6),
                              ends_at=NOW + timedelta(days=6, hours=1))
    Attendance.objects.create(meeting=future, member=member)
    services.member_leave(member=member, left_on=NOW.date(), reason="other")

    services.member_restore(member=member, user=world.users["staff"])

    member.refresh_from_db()
    assert member.account_status == AccountStatus.PENDING
    assert not _can_log_in(client, "dangyuan", PASSWORD)  # the old password is gone
    invited = set(Attendance.objects.filter(member=member).values_list("meeting", flat=True))
    assert {future.pk, group_meeting.pk} <= invited and not_mine.pk not in invited
    code = _issue(world, member)
    assert _activate_post(client, "dangyuan", code).status_code == 302


def test_a_member_moved_to_another_community_keeps_the_account_and_sees_the_new_branch(
        world, client, clock):
    member = world.member
    old_future, _past = _future_and_past_meetings(world.branch)
    new_future, _new_past = _future_and_past_meetings(world.other_branch)
    Attendance.objects.create(meeting=old_future, member=member)
    services.member_transfer(member=member, to_branch=world.other_branch,
                             transferred_on=NOW.date())
    member.refresh_from_db()
    assert member.user.is_active and member.account_status == AccountStatus.PENDING
    invited = set(Attendance.objects.filter(member=member).values_list("meeting", flat=True))
    assert new_future.pk in invited and old_future.pk not in invited
    client.force_login(member.user)
    assert world.other_branch.name in client.get(reverse("members:me")).content.decode()


def _left_the_old_way(world):
    """A member recorded as left before leaving stopped access: login, feed and invitation."""
    member = world.member
    Member.objects.filter(pk=member.pk).update(left_on=NOW.date(), leave_reason="other")
    future, past = _future_and_past_meetings(world.branch)
    for meeting in (future, past):
        Attendance.objects.create(meeting=meeting, member=member)
    return member, CalendarFeed.objects.create(member=member), future, past


def test_the_feed_of_a_member_who_left_answers_404_whatever_its_row_says(world, client, clock):
    _member, feed, _future, _past = _left_the_old_way(world)
    assert client.get(reverse("activities:calendar_feed", args=[feed.token])).status_code == 404


def test_the_migration_stops_the_access_of_members_who_left_before(world, clock):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("members.migrations.0007_member_accounts_activation_codes")
    member, feed, future, past = _left_the_old_way(world)
    migration.members_who_left_lose_access(apps, None)
    member.user.refresh_from_db()
    feed.refresh_from_db()
    assert not member.user.is_active and feed.revoked_at is not None
    assert list(Attendance.objects.filter(member=member).values_list("meeting", flat=True)) == [
        past.pk]


def test_existing_logins_with_a_password_count_as_activated(world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("members.migrations.0007_member_accounts_activation_codes")
    pending = _pending_member(world, phone="13888889999")
    migration.existing_logins_are_activated(apps, None)
    world.member.refresh_from_db()
    pending.refresh_from_db()
    assert world.member.account_status == AccountStatus.ACTIVE  # has a password (the admin's)
    assert pending.account_status == AccountStatus.PENDING


def test_the_accounts_page_and_the_slips_cost_the_same_queries_for_any_number(world,
                                                                                client_as):
    client = client_as(world.users["staff"])
    counts = []
    for n in (3, 40):
        branch = world.branch.__class__.objects.create(
            kind="branch", name=f"印单支部{n}", parent=world.community)
        MemberFactory.create_batch(n, branch=branch)
        query = f"?branch={branch.pk}"
        client.post(reverse("members:accounts") + query)
        with CaptureQueriesContext(connection) as page:
            assert client.get(reverse("members:accounts") + query).status_code == 200
        with CaptureQueriesContext(connection) as slips:
            response = client.post(reverse("members:accounts_print") + query)
        assert response.content.decode().count('class="slip-code"') == n
        counts.append((len(page), len(slips)))
    assert counts[0] == counts[1]


def test_activation_rates_count_each_member_by_their_account_status(world):
    """Every combination of phone, login, activation and disabled login, counted per branch
    as the members' own `account_status` says (the rates no longer join the users)."""
    from organizations.factories import UserFactory

    combos = [(no_phone, has_user, activated, active)
              for no_phone in (False, True) for has_user in (False, True)
              for activated in (False, True) for active in (False, True)
              if has_user or (not activated and active)]
    for index, (no_phone, has_user, activated, active) in enumerate(combos):
        for branch in (world.branch, world.other_branch):
            MemberFactory(branch=branch, no_smartphone=no_phone,
                          user=UserFactory(is_active=active) if has_user else None,
                          account_activated_at=timezone.now() if activated else None)
    MemberFactory(branch=world.branch, left_on=timezone.localdate())  # off the roll
    rates = accounts.activation_rates(Member.objects.all())
    for branch in (world.branch, world.other_branch):
        on_roll = [member for member in Member.objects.active().filter(branch=branch)]
        expected = {"total": sum(not m.no_smartphone for m in on_roll),
                    "no_phone": sum(m.no_smartphone for m in on_roll)}
        for status in AccountStatus.values:
            expected[status] = sum(not m.no_smartphone and m.account_status == status
                                   for m in on_roll)
        assert rates[branch.pk] == expected
    assert rates[world.branch.pk]["disabled"] >= 2 and rates[world.branch.pk]["pending"] >= 1
