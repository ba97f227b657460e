"""Reminder channels with real clients: 企业微信 through wechatpy and SMS through Tencent Cloud's
SDK, each talking to a local fake of the provider's HTTP API (tests/activities/fake_providers.py).

The loop is the real one (record → claim → send): what the fake received is what a member's
phone would show."""
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import reminders, services, wecom
from activities.channels import SMS, WECOM, addresses_for, sms_sent_today
from activities.factories import MeetingFactory
from activities.models import Delivery, Notification, ReminderChannels
from activities.reminders import MAX_ATTEMPTS, scan, send_delivery, sweep_stuck
from tests.activities.fake_providers import FakeTencentSms, FakeWeCom, sms_error, sms_status

pytestmark = [pytest.mark.django_db, pytest.mark.calendar]


@pytest.fixture
def fake_wecom(settings):
    with FakeWeCom() as fake:
        settings.WECOM_CORP_ID, settings.WECOM_SECRET = fake.corp_id, fake.secret
        settings.WECOM_AGENT_ID = 1000002
        settings.WECOM_API_BASE_URL = fake.base_url
        yield fake


@pytest.fixture
def fake_sms(settings):
    with FakeTencentSms() as fake:
        settings.SMS_PROVIDER = "tencent"
        settings.SMS_SECRET_ID, settings.SMS_SECRET_KEY = "AKIDtest", "key"
        settings.SMS_SDK_APP_ID, settings.SMS_SIGN_NAME = "1400000000", "兰新社区"
        settings.SMS_TEMPLATE_ID = "123456"
        settings.SMS_ENDPOINT = fake.endpoint
        yield fake


@pytest.fixture
def linked(world):
    """The world's member with a linked 企业微信 account."""
    services.wecom_link(member=world.member, wecom_user_id="ZhaoDangYuan")
    return world.member


def remind(world, count=1):
    """`count` upcoming meetings for the member, recorded: one reminder each."""
    meetings = [MeetingFactory(branch=world.branch, attendees=[world.member],
                               starts_at=timezone.now() + timedelta(days=1, minutes=index))
                for index in range(count)]
    scan(sources=["meeting_upcoming"])
    return meetings


def deliveries(channel):
    return list(Delivery.objects.filter(channel=channel).order_by("pk"))


def send(delivery, now=None):
    """What a worker does: send, and swallow the raise that makes Celery retry."""
    try:
        return send_delivery(delivery.pk, now=now)
    except Exception:
        return None


# 企业微信 ------------------------------------------------------------------------------------

def test_a_linked_member_gets_one_wecom_message_per_reminder(world, linked, fake_wecom):
    meetings = remind(world, 1)
    [delivery] = deliveries(WECOM)
    assert delivery.address == "ZhaoDangYuan"
    assert send_delivery(delivery.pk)
    [message] = fake_wecom.messages
    assert message["touser"] == "ZhaoDangYuan" and message["agentid"] == 1000002
    assert meetings[0].topic in message["text"]["content"]
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


def test_with_textcard_the_reminder_is_a_card_linking_the_meeting_page(world, linked, fake_wecom,
                                                                      settings):
    settings.WECOM_MESSAGE_TYPE = "textcard"
    settings.SITE_URL = "https://dangjian.example.cn"
    [meeting] = remind(world, 1)
    [delivery] = deliveries(WECOM)
    assert send_delivery(delivery.pk)
    assert not send_delivery(delivery.pk)  # sent: a second worker finds nothing to do
    assert fake_wecom.sends == 1
    [message] = fake_wecom.messages
    assert message["msgtype"] == "textcard" and "text" not in message
    card = message["textcard"]
    assert meeting.topic in card["title"] and card["title"].startswith("【社区党建】")
    assert card["description"]
    assert card["url"] == "https://dangjian.example.cn" + reverse(
        "activities:meeting_detail", args=[meeting.pk])


def test_a_card_cuts_long_fields_to_wecoms_byte_limits(fake_wecom):
    wecom.send_card("ZhaoDangYuan", "党" * 100, "会" * 400, "https://example.cn/x/")
    [message] = fake_wecom.messages
    card = message["textcard"]
    assert len(card["title"].encode()) <= 128 and card["title"].endswith("…")
    assert len(card["description"].encode()) <= 512


def test_a_reminder_without_a_page_is_sent_as_text_even_with_textcard(world, linked, fake_wecom,
                                                                      settings):
    settings.WECOM_MESSAGE_TYPE = "textcard"
    settings.SITE_URL = "https://dangjian.example.cn"
    remind(world, 1)
    Notification.objects.update(url="")
    [delivery] = deliveries(WECOM)
    assert send_delivery(delivery.pk)
    [message] = fake_wecom.messages
    assert message["msgtype"] == "text"


def test_the_token_is_fetched_once_and_shared_through_the_cache(world, linked, fake_wecom):
    remind(world, 3)
    for delivery in deliveries(WECOM):
        assert send_delivery(delivery.pk)
    assert len(fake_wecom.messages) == 3
    assert fake_wecom.token_fetches == 1
    # In the shared cache, where another process (a fresh client) finds it.
    assert wecom.client().access_token == "TOKEN-1"
    assert fake_wecom.token_fetches == 1


def test_the_token_is_fetched_again_before_it_expires(world, linked, fake_wecom, _fixed_clock):
    remind(world, 2)
    first, second = deliveries(WECOM)
    assert send_delivery(first.pk)
    # 7,200 s valid; dropped from the cache 300 s before, so never sent with an expiring one.
    _fixed_clock.shift(7200 - wecom.REFRESH_MARGIN + 5)
    assert send_delivery(second.pk)
    assert fake_wecom.token_fetches == 2
    assert len(fake_wecom.messages) == 2


@pytest.mark.parametrize("reset", ["expired", "revoked"])
def test_a_rejected_token_is_fetched_again_once_and_the_message_sent(world, linked, fake_wecom,
                                                                     reset):
    remind(world, 2)
    first, second = deliveries(WECOM)
    assert send_delivery(first.pk)
    if reset == "expired":
        fake_wecom.refuse_tokens = 1  # 42001 for the cached token
    else:
        fake_wecom.expire_tokens()  # 40014: WeCom no longer knows it
    assert send_delivery(second.pk)
    assert fake_wecom.token_fetches == 2
    assert len(fake_wecom.messages) == 2
    assert wecom.CacheStorage().get(f"{fake_wecom.corp_id}_1000002_access_token") == "TOKEN-2"


def test_a_token_rejected_again_is_not_fetched_in_a_loop(world, linked, fake_wecom):
    remind(world, 1)
    [delivery] = deliveries(WECOM)
    fake_wecom.refuse_tokens = 10
    with pytest.raises(Exception):
        send_delivery(delivery.pk)
    assert fake_wecom.token_fetches == 2 and fake_wecom.sends == 2
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and "42001" in delivery.error


def test_rate_limited_is_retried_then_failed_with_the_reason_and_shown_in_the_inbox(
        world, linked, fake_wecom, client_as):
    remind(world, 1)
    [delivery] = deliveries(WECOM)
    limited = (200, {"errcode": 45009, "errmsg": "api freq out of limit"})
    fake_wecom.fail_next(*[limited] * MAX_ATTEMPTS)
    for attempt in range(1, MAX_ATTEMPTS):
        assert send(delivery) is None
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (Delivery.Status.PENDING, attempt)
        assert "45009" in delivery.error
    notification = Notification.objects.get()
    assert notification.delivered_at is None  # the in-app delivery has not run in this test
    assert send(delivery) is None
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and "45009" in delivery.error
    assert fake_wecom.messages == []
    # The fallback: in the inbox, unread, marked as not delivered on 企业微信.
    notification.refresh_from_db()
    assert notification.delivered_at is not None and notification.read_at is None
    assert notification.missed_channels == WECOM
    page = client_as(world.users["member"]).get(reverse("activities:inbox")).content.decode()
    assert "企业微信未送达" in page and notification.title in page
    # No further retry sends it.
    assert send(delivery) is False and fake_wecom.messages == []


def test_an_account_wecom_does_not_know_fails_at_once_without_retries(world, linked, settings):
    with FakeWeCom(known_users={"SomeoneElse"}) as fake:
        settings.WECOM_CORP_ID, settings.WECOM_SECRET = fake.corp_id, fake.secret
        settings.WECOM_AGENT_ID, settings.WECOM_API_BASE_URL = 1000002, fake.base_url
        remind(world, 1)
        [delivery] = deliveries(WECOM)
        assert send_delivery(delivery.pk) is False  # no raise: nothing to retry
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 1)
    assert "ZhaoDangYuan" in delivery.error
    assert Notification.objects.get().missed_channels == WECOM


def test_sending_twice_sends_one_message(world, linked, fake_wecom):
    remind(world, 1)
    [delivery] = deliveries(WECOM)
    assert send_delivery(delivery.pk)
    assert send_delivery(delivery.pk) is False
    scan(sources=["meeting_upcoming"])
    assert send_delivery(delivery.pk) is False
    assert len(fake_wecom.messages) == 1 and fake_wecom.sends == 1


def crash_after_sending():
    """A worker killed once the provider answered, before the delivery was marked sent."""
    real_finish = reminders._finish

    def finish(delivery, status, **fields):
        if status == Delivery.Status.SENT:
            raise SystemExit("worker killed")
        return real_finish(delivery, status, **fields)
    return mock.patch.object(reminders, "_finish", finish)


def test_a_worker_that_died_after_wecom_accepted_does_not_send_twice(world, linked, fake_wecom,
                                                                      settings):
    remind(world, 1)
    [delivery] = deliveries(WECOM)
    with crash_after_sending(), pytest.raises(SystemExit):
        send_delivery(delivery.pk)
    assert len(fake_wecom.messages) == 1
    # A retried task finds it claimed.
    assert send_delivery(delivery.pk) is False
    # The sweep gives it back; WeCom's duplicate check drops the second copy.
    later = timezone.now() + timedelta(minutes=settings.DELIVERY_STUCK_MINUTES + 1)
    assert sweep_stuck(later) == (1, 0)
    assert send_delivery(delivery.pk, now=later)
    assert len(fake_wecom.messages) == 1 and fake_wecom.sends == 2
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT


# SMS (Tencent Cloud) -------------------------------------------------------------------------

def test_sms_goes_to_the_roster_phone_through_the_template(world, fake_sms):
    meetings = remind(world, 1)
    [delivery] = deliveries(SMS)
    assert send_delivery(delivery.pk)
    [request] = fake_sms.messages
    assert request["PhoneNumberSet"] == [f"+86{world.member.phone}"]
    assert (request["SmsSdkAppId"], request["SignName"], request["TemplateId"]) == (
        "1400000000", "兰新社区", "123456")
    assert meetings[0].topic in request["TemplateParamSet"][0]


def test_sms_throttling_is_retried_and_a_refusal_fails_at_once(world, fake_sms):
    remind(world, 2)
    first, second = deliveries(SMS)
    fake_sms.fail_next(sms_error("RequestLimitExceeded", "请求的次数超过了频率限制"))
    assert send(first) is None
    first.refresh_from_db()
    assert first.status == Delivery.Status.PENDING and "RequestLimitExceeded" in first.error
    assert send_delivery(first.pk)
    fake_sms.fail_next(sms_status("FailedOperation.TemplateIncorrectOrUnapproved", "模板未审批"))
    assert send_delivery(second.pk) is False
    second.refresh_from_db()
    assert (second.status, second.attempts) == (Delivery.Status.FAILED, 1)
    assert "TemplateIncorrectOrUnapproved" in second.error
    assert len(fake_sms.messages) == 1
    assert Notification.objects.filter(missed_channels=SMS).count() == 1


def test_an_sms_whose_worker_died_is_not_sent_again(world, fake_sms, settings):
    remind(world, 1)
    [delivery] = deliveries(SMS)
    with crash_after_sending(), pytest.raises(SystemExit):
        send_delivery(delivery.pk)
    assert send_delivery(delivery.pk) is False
    later = timezone.now() + timedelta(minutes=settings.DELIVERY_STUCK_MINUTES + 1)
    assert sweep_stuck(later) == (0, 1)
    assert send_delivery(delivery.pk, now=later) is False
    assert len(fake_sms.messages) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.error
    notification = Notification.objects.get()
    assert notification.missed_channels == SMS and notification.delivered_at is not None


def test_the_daily_sms_cap_sends_the_rest_to_the_inbox(world, fake_sms, settings):
    settings.SMS_DAILY_CAP = 2
    # Sent yesterday (Shanghai): does not count today.
    remind(world, 4)
    old, *today = deliveries(SMS)
    Delivery.objects.filter(pk=old.pk).update(
        status=Delivery.Status.SENT,
        sent_at=timezone.make_aware(timezone.datetime.combine(
            timezone.localdate() - timedelta(days=1), timezone.datetime.max.time())))
    results = [send_delivery(delivery.pk) for delivery in today]
    assert results == [True, True, False]
    assert len(fake_sms.messages) == 2
    capped = Delivery.objects.get(pk=today[2].pk)
    assert capped.status == Delivery.Status.FAILED and "每日短信上限" in capped.error
    assert sms_sent_today(world.users["member"].pk) == 2
    assert Notification.objects.filter(missed_channels=SMS).count() == 1


def test_activation_codes_texted_today_count_toward_the_reminders_cap(world, fake_sms, settings):
    from members import accounts
    from members.models import Member

    settings.SMS_DAILY_CAP = 1
    accounts.codes_issue(members=Member.objects.filter(pk=world.member.pk),
                         user=world.users["staff"], channel="sms", include_activated=True)
    assert sms_sent_today(world.users["member"].pk) == 1
    remind(world, 1)
    [delivery] = deliveries(SMS)
    assert not send_delivery(delivery.pk)
    assert fake_sms.messages == []
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and "每日短信上限" in delivery.error


def test_sms_log_provider_stays_the_default(world, settings, caplog):
    assert settings.SMS_PROVIDER == "log"
    remind(world, 1)
    [delivery] = deliveries(SMS)
    with caplog.at_level("INFO", logger="activities.sms"):
        assert send_delivery(delivery.pk)
    # The log names the recipient masked, as every log line does (kernel/logs.py).
    phone = world.member.phone
    assert f"SMS to {phone[:3]}****{phone[-4:]}" in caplog.text
    assert phone not in caplog.text


# The member's choice -------------------------------------------------------------------------

def test_addresses_follow_the_members_choice(world, settings):
    user = world.users["member"]
    settings.WECOM_CORP_ID, settings.WECOM_SECRET, settings.WECOM_AGENT_ID = "ww", "s", 1
    assert dict(addresses_for([user.pk])[user.pk]) == {"in_app": "", "sms": world.member.phone}
    services.wecom_link(member=world.member, wecom_user_id="zhao")
    assert WECOM in dict(addresses_for([user.pk])[user.pk])
    services.reminder_channels_choose(member=world.member, sms=False, wecom=True)
    assert dict(addresses_for([user.pk])[user.pk]) == {"in_app": "", "wecom": "zhao"}
    services.wecom_unlink(member=world.member)
    assert dict(addresses_for([user.pk])[user.pk]) == {"in_app": ""}
    settings.WECOM_CORP_ID = ""  # not configured: never a WeCom delivery
    services.wecom_link(member=world.member, wecom_user_id="zhao")
    assert dict(addresses_for([user.pk])[user.pk]) == {"in_app": ""}


def test_turning_a_channel_off_stops_reminders_waiting_on_it(world, fake_sms):
    remind(world, 1)
    services.reminder_channels_choose(member=world.member, sms=False, wecom=True)
    [delivery] = deliveries(SMS)
    assert delivery.status == Delivery.Status.VOID
    assert send_delivery(delivery.pk) is False and fake_sms.messages == []


def test_member_chooses_channels_and_links_wecom_on_the_phone_page(world, client_as, settings):
    settings.WECOM_CORP_ID, settings.WECOM_SECRET, settings.WECOM_AGENT_ID = "ww", "s", 1
    client = client_as(world.users["member"])
    url = reverse("activities:my_channels")
    page = client.get(url).content.decode()
    assert "站内通知（始终开启）" in page and "绑定" in page
    answer = client.post(url, {"action": "link", "wecom_user_id": "赵 党员"})
    assert answer.status_code == 200 and "企业微信账号为 1 至 64 位" in answer.content.decode()
    assert client.post(url, {"action": "link", "wecom_user_id": "zhao.dy"}).status_code == 302
    assert client.post(url, {"action": "choose", "wecom": "on"}).status_code == 302
    chosen = ReminderChannels.objects.get(member=world.member)
    assert (chosen.wecom_user_id, chosen.sms, chosen.wecom) == ("zhao.dy", False, True)
    assert client.post(url, {"action": "unlink"}).status_code == 302
    assert ReminderChannels.objects.get(member=world.member).wecom_user_id == ""


def test_a_wecom_account_links_one_member_only(world, settings):
    from django.core.exceptions import ValidationError

    from members.factories import MemberFactory

    services.wecom_link(member=world.member, wecom_user_id="zhao")
    other = MemberFactory(branch=world.sibling_branch)
    with pytest.raises(ValidationError):
        services.wecom_link(member=other, wecom_user_id="zhao")


def test_staff_see_each_delivery_with_its_channel_and_failure(world, linked, fake_wecom,
                                                              client_as):
    remind(world, 1)
    [delivery] = deliveries(WECOM)
    fake_wecom.fail_next(*[(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
                         * MAX_ATTEMPTS)
    for _attempt in range(MAX_ATTEMPTS):
        send(delivery)
    url = reverse("activities:member_channels", args=[world.member.pk])
    page = client_as(world.users["staff"]).get(url).content.decode()
    assert "企业微信" in page and "45009" in page and "已改为站内通知" in page
    for role in ("staff_other", "secretary", "official", "member"):
        assert client_as(world.users[role]).get(url).status_code == 404
    # Staff link and unlink the account for a member without a smartphone login.
    staff = client_as(world.users["staff"])
    assert staff.post(url, {"action": "unlink"}).status_code == 302
    assert ReminderChannels.objects.get(member=world.member).wecom_user_id == ""
    assert staff.post(url, {"action": "link", "wecom_user_id": "zhao2"}).status_code == 302
    assert ReminderChannels.objects.get(member=world.member).wecom_user_id == "zhao2"
    member_page = staff.get(reverse("members:member_detail", args=[world.member.pk]))
    assert url in member_page.content.decode()


def test_staff_reach_only_members_of_their_own_community(world, client_as):
    from members.factories import MemberFactory

    outsider = MemberFactory(branch=world.other_branch)
    services.wecom_link(member=outsider, wecom_user_id="yuan")
    url = reverse("activities:member_channels", args=[outsider.pk])
    staff = client_as(world.users["staff"])
    assert staff.get(url).status_code == 404
    assert staff.post(url, {"action": "unlink"}).status_code == 404
    assert ReminderChannels.objects.get(member=outsider).wecom_user_id == "yuan"
    # The secretary of the sibling branch cannot reach B1's member either.
    sibling = client_as(world.users["secretary_other"])
    assert sibling.get(reverse("activities:member_channels",
                               args=[world.member.pk])).status_code == 404


@pytest.mark.parametrize("typed", ["党" * 10_000, "a\x00b", "<script>alert(1)</script>", " ",
                                   "zhao\u202e", "１２３"])
def test_a_bad_wecom_account_is_refused_next_to_the_field(world, client_as, settings, typed):
    settings.WECOM_CORP_ID, settings.WECOM_SECRET, settings.WECOM_AGENT_ID = "ww", "s", 1
    for user, url in [(world.users["member"], reverse("activities:my_channels")),
                      (world.users["staff"], reverse("activities:member_channels",
                                                     args=[world.member.pk]))]:
        answer = client_as(user).post(url, {"action": "link", "wecom_user_id": typed})
        page = answer.content.decode()
        assert answer.status_code == 200 and "invalid-feedback" in page
        assert "<script>alert(1)</script>" not in page
    assert not ReminderChannels.objects.exclude(wecom_user_id="").exists()
