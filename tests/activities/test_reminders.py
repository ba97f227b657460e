"""Reminders: recorded once, sent once, re-armed on reschedule, never for a cancelled meeting."""
from datetime import date, datetime, timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from activities import reminders, services
from activities.factories import HeldMeetingFactory, MeetingFactory
from activities.models import Delivery, Meeting, Notification
from activities.reminders import Reminder, register, scan, send_delivery
from members.factories import MemberFactory
from members.models import Member
from organizations.factories import SeatFactory, UserFactory
from organizations.models import CommitteeSeat, Node

pytestmark = pytest.mark.django_db


def scan_meetings(now=None):
    return scan(now, sources=["meeting_upcoming"])


def send_all(now=None):
    return sum(send_delivery(pk, now=now) for pk in reminders.pending_ids())


@pytest.fixture
def attendee(world):
    world.users["member"].email = "zhao@example.cn"
    world.users["member"].save()
    return world.member


def test_upcoming_meeting_reminds_each_attendee_once_per_channel(world, attendee):
    meeting = MeetingFactory(branch=world.branch, attendees=[attendee],
                             starts_at=timezone.now() + timedelta(days=1))
    scan_meetings()
    scan_meetings()
    assert Notification.objects.count() == 1
    assert set(Delivery.objects.values_list("channel", flat=True)) == {"in_app", "email", "sms"}
    assert send_all() == 3
    assert send_all() == 0
    scan_meetings()
    assert send_all() == 0
    assert len(mail.outbox) == 1 and meeting.topic in mail.outbox[0].subject
    assert Notification.objects.get().delivered_at is not None


def test_a_topic_with_tabs_newlines_backslashes_and_quotes_is_recorded_as_typed(world, attendee):
    """The rows go to PostgreSQL through COPY as CSV, whose separators and escapes are these
    characters (the JSON of the message adds commas and ASCII quotes)."""
    topic = '学习\t“二十大”\n精神 C:\\新建\\N \'引号\' \\N'
    place = "\\N"
    meeting = MeetingFactory(branch=world.branch, attendees=[attendee], topic=topic, place=place,
                             starts_at=timezone.now() + timedelta(days=1))
    scan_meetings()
    notification = Notification.objects.get()
    assert notification.title == f"会议提醒：{topic}" and place in notification.body
    assert notification.message["params"]["topic"] == topic
    assert notification.message["params"]["place"] == place
    assert notification.missed_channels == "" and notification.object_id == meeting.pk
    assert Delivery.objects.filter(address=attendee.user.email, status="pending").exists()


def test_a_late_meeting_gets_one_reminder_not_one_per_lead_time(world, attendee):
    MeetingFactory(branch=world.branch, attendees=[attendee],
                   starts_at=timezone.now() + timedelta(minutes=90))
    scan_meetings()
    assert list(Notification.objects.values_list("kind", flat=True))[0].startswith(
        "meeting_upcoming:120:")
    assert Notification.objects.count() == 1


def test_both_lead_times_fire_as_the_meeting_approaches(world, attendee):
    starts_at = timezone.now() + timedelta(days=2)
    MeetingFactory(branch=world.branch, attendees=[attendee], starts_at=starts_at)
    scan_meetings()
    scan_meetings(now=starts_at - timedelta(minutes=100))
    assert Notification.objects.count() == 2


def test_reschedule_rearms_and_voids_the_old_reminder(world, attendee,
                                                      django_capture_on_commit_callbacks):
    meeting = MeetingFactory(branch=world.branch, attendees=[attendee],
                             starts_at=timezone.now() + timedelta(days=1))
    scan_meetings()
    assert send_delivery(Delivery.objects.get(channel="in_app").pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=meeting, kinds=["theme_day"], attendees=[attendee],
                                starts_at=meeting.starts_at + timedelta(hours=3),
                                ends_at=meeting.ends_at + timedelta(hours=3))
    assert Notification.objects.filter(recipient=attendee.user).count() == 2
    sent = Delivery.objects.filter(channel="email", status="sent").count()
    void = Delivery.objects.filter(status="void").count()
    assert (sent, void) == (1, 2)  # the old email and SMS were voided, the new email sent
    assert len(mail.outbox) == 1


def test_cancelled_meeting_sends_nothing(world, attendee):
    meeting = MeetingFactory(branch=world.branch, attendees=[attendee],
                             starts_at=timezone.now() + timedelta(days=1))
    scan_meetings()
    services.meeting_cancel(meeting=meeting, reason="台风")
    assert send_all() == 0
    scan_meetings()
    assert send_all() == 0
    assert not mail.outbox
    assert not Notification.objects.filter(delivered_at__isnull=False).exists()


def test_a_second_worker_cannot_claim_a_claimed_delivery(world, attendee):
    MeetingFactory(branch=world.branch, attendees=[attendee],
                   starts_at=timezone.now() + timedelta(days=1))
    scan_meetings()
    delivery = Delivery.objects.get(channel="email")
    # Worker one has claimed it and is talking to the mail server...
    Delivery.objects.filter(pk=delivery.pk).update(status="sending")
    assert send_delivery(delivery.pk) is False   # ...worker two backs off.
    assert not mail.outbox


def test_failing_backend_gives_the_delivery_back_and_the_retry_sends_it_once(world, attendee):
    MeetingFactory(branch=world.branch, attendees=[attendee],
                   starts_at=timezone.now() + timedelta(days=1))
    scan_meetings()
    delivery = Delivery.objects.get(channel="email")
    with mock.patch("activities.channels.send_mail", side_effect=ConnectionError("smtp down")):
        with pytest.raises(ConnectionError):
            send_delivery(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert send_delivery(delivery.pk) and not send_delivery(delivery.pk)
    assert len(mail.outbox) == 1


def test_task_retry_sends_the_rest_exactly_once(world, attendee):
    from activities.tasks import send_deliveries

    MeetingFactory(branch=world.branch, attendees=[attendee],
                   starts_at=timezone.now() + timedelta(days=1))
    scan_meetings()
    ids = reminders.pending_ids()
    send_deliveries.apply(args=[ids])
    send_deliveries.apply(args=[ids])  # a redelivered message after acks_late
    assert Delivery.objects.filter(status="sent").count() == 3
    assert len(mail.outbox) == 1


def worker_dies_after_sending(delivery, claimed_at):
    """The worker claims the delivery, the channel runs, and the process stops before it
    records the outcome: the row is left "sending"."""
    with mock.patch("activities.reminders._finish", side_effect=SystemExit), \
            pytest.raises(SystemExit):
        send_delivery(delivery.pk, now=claimed_at)
    delivery.refresh_from_db()
    assert delivery.status == "sending"
    return delivery


@pytest.fixture
def in_app_delivery(world, attendee):
    MeetingFactory(branch=world.branch, attendees=[attendee],
                   starts_at=timezone.now() + timedelta(days=1))
    scan_meetings()
    return Delivery.objects.get(channel="in_app")


def test_a_delivery_whose_worker_died_is_swept_back_and_delivered_once(in_app_delivery):
    now = timezone.now()
    worker_dies_after_sending(in_app_delivery, claimed_at=now - timedelta(minutes=20))
    delivered_at = Notification.objects.get().delivered_at
    assert delivered_at is not None
    assert reminders.sweep_stuck(now) == (1, 0)
    in_app_delivery.refresh_from_db()
    assert (in_app_delivery.status, in_app_delivery.attempts) == ("pending", 1)
    assert send_delivery(in_app_delivery.pk, now=now)
    assert not send_delivery(in_app_delivery.pk, now=now)
    in_app_delivery.refresh_from_db()
    assert (in_app_delivery.status, in_app_delivery.attempts) == ("sent", 2)
    # One inbox row, delivered once: the retry did not deliver it a second time.
    assert Notification.objects.get().delivered_at == delivered_at


def test_a_recent_claim_is_left_to_its_worker(in_app_delivery, settings):
    now = timezone.now()
    worker_dies_after_sending(in_app_delivery, claimed_at=now - timedelta(minutes=5))
    assert reminders.sweep_stuck(now) == (0, 0)
    settings.DELIVERY_STUCK_MINUTES = 30
    assert reminders.sweep_stuck(now + timedelta(minutes=20)) == (0, 0)
    in_app_delivery.refresh_from_db()
    assert in_app_delivery.status == "sending"
    assert reminders.sweep_stuck(now + timedelta(minutes=26)) == (1, 0)


def test_a_stuck_delivery_at_the_last_attempt_fails_with_the_reason(in_app_delivery, settings):
    now = timezone.now()
    Delivery.objects.filter(pk=in_app_delivery.pk).update(
        attempts=settings.DELIVERY_STUCK_MAX_ATTEMPTS - 1)
    worker_dies_after_sending(in_app_delivery, claimed_at=now - timedelta(minutes=20))
    assert reminders.sweep_stuck(now) == (0, 1)
    in_app_delivery.refresh_from_db()
    assert in_app_delivery.status == "failed"
    assert "工作进程在发送时中断" in in_app_delivery.error
    assert in_app_delivery.pk not in reminders.pending_ids()


def test_a_second_sweep_changes_nothing(in_app_delivery, world):
    now = timezone.now()
    email = Delivery.objects.get(channel="email")
    worker_dies_after_sending(in_app_delivery, claimed_at=now - timedelta(minutes=20))
    Delivery.objects.filter(pk=email.pk).update(status="sending", attempts=3,
                                                claimed_at=now - timedelta(minutes=20))
    assert reminders.sweep_stuck(now) == (1, 1)
    rows = list(Delivery.objects.order_by("pk").values())
    assert reminders.sweep_stuck(now) == (0, 0)
    assert list(Delivery.objects.order_by("pk").values()) == rows


def test_a_worker_that_outlives_the_sweep_does_not_finish_the_new_claim(in_app_delivery):
    now = timezone.now()
    stale = worker_dies_after_sending(in_app_delivery, claimed_at=now - timedelta(minutes=20))
    reminders.sweep_stuck(now)
    Delivery.objects.filter(pk=stale.pk).update(status="sending", claimed_at=now)
    reminders._finish(stale, Delivery.Status.SENT)
    assert Delivery.objects.get(pk=stale.pk).status == "sending"


def test_beat_sweeps_stuck_deliveries_every_ten_minutes(in_app_delivery):
    from portal.celery import app

    entry = app.conf.beat_schedule["activities-sweep-stuck-deliveries"]
    assert entry["schedule"] == 600.0
    worker_dies_after_sending(in_app_delivery, claimed_at=timezone.now() - timedelta(hours=1))
    app.tasks[entry["task"]].apply()
    assert Delivery.objects.get(pk=in_app_delivery.pk).status == "pending"


def test_failed_deliveries_show_their_error_in_the_admin(in_app_delivery, admin_client):
    Delivery.objects.filter(pk=in_app_delivery.pk).update(status="failed", error="SMTP 550")
    response = admin_client.get(reverse("admin:activities_delivery_changelist"),
                                {"status__exact": "failed"})
    assert response.status_code == 200
    assert "SMTP 550" in response.content.decode()


def test_broker_down_does_not_break_the_request_and_work_waits(world, attendee,
                                                               django_capture_on_commit_callbacks):
    from kombu.exceptions import OperationalError

    with mock.patch("activities.tasks.scan_reminders.apply_async",
                    side_effect=OperationalError("redis down")), \
            django_capture_on_commit_callbacks(execute=True):
        services.meeting_plan(branch=world.branch, kinds=["theme_day"], topic="停电也要开会",
                              starts_at=timezone.now() + timedelta(hours=1),
                              ends_at=timezone.now() + timedelta(hours=2), place="会议室",
                              host="王书记")
    assert not Notification.objects.exists()
    with mock.patch("activities.tasks.send_deliveries.apply_async",
                    side_effect=OperationalError("redis down")), \
            django_capture_on_commit_callbacks(execute=True):
        scan_meetings()
        reminders.queue_sending()
    assert Delivery.objects.filter(status="pending").count() == 3
    assert send_all() == 3 and len(mail.outbox) == 1


def test_planning_a_meeting_arms_reminders_after_commit(world, attendee,
                                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_plan(branch=world.branch, kinds=["general_meeting"], topic="党员大会",
                              starts_at=timezone.now() + timedelta(days=1),
                              ends_at=timezone.now() + timedelta(days=1, hours=1),
                              place="会议室", host="王书记", created_by=world.users["secretary"])
    assert Notification.objects.filter(recipient=attendee.user,
                                       delivered_at__isnull=False).count() == 1
    assert len(mail.outbox) == 1


def test_scan_query_count_does_not_grow_with_meetings(world):
    def measure(count):
        members = []
        for index in range(count):
            user = UserFactory(email=f"m{count}-{index}@example.cn")
            members.append(MemberFactory(branch=world.branch, user=user))
        for member in members:
            MeetingFactory(branch=world.branch, attendees=[member],
                           starts_at=timezone.now() + timedelta(hours=1, minutes=len(members)))
        with CaptureQueriesContext(connection) as queries:
            scan_meetings()
        return len(queries)

    assert measure(2) == measure(12)


GAP_NOW = timezone.make_aware(datetime(2026, 11, 24, 9, 0))


def test_compliance_gap_reminds_secretary_and_staff_once_per_unmet_kind(world):
    HeldMeetingFactory(branch=world.other_branch, kinds=["theme_day"],
                       starts_at=GAP_NOW - timedelta(days=3))
    scan(now=GAP_NOW)
    scan(now=GAP_NOW + timedelta(hours=1))
    gaps = Notification.objects.filter(category="compliance_gap")
    kinds = set(gaps.filter(recipient=world.users["secretary"]).values_list("kind", flat=True))
    assert kinds == {"compliance_gap:theme_day:2026-11", "compliance_gap:group_meeting:2026-11"}
    assert gaps.filter(recipient=world.users["staff"], object_id=world.branch.pk).count() == 2
    # The other community's branch met its month: its staff get nothing.
    assert not gaps.filter(recipient=world.users["staff_other"]).exists()


def test_no_gap_reminder_before_the_twentieth_or_once_the_kind_is_met(world):
    scan(now=timezone.make_aware(datetime(2026, 11, 19, 9, 0)))
    assert not Notification.objects.filter(category="compliance_gap").exists()
    scan(now=GAP_NOW)
    # A combined theme day and group meeting meets both kinds before the reminders go out.
    HeldMeetingFactory(branch=world.branch, group=world.group,
                       kinds=["theme_day", "group_meeting"], starts_at=GAP_NOW - timedelta(hours=2))
    send_all(now=GAP_NOW)
    own = Delivery.objects.filter(object_id=world.branch.pk, kind__startswith="compliance_gap")
    assert own.count() == 4
    assert set(own.values_list("status", flat=True)) == {"void"}
    assert Delivery.objects.filter(object_id=world.other_branch.pk, status="sent").count() == 1


def test_the_gaps_are_judged_again_only_where_a_meeting_changed(world, monkeypatch):
    """Each community's gaps are kept under the 三会一课 figures' versions: a scan with nothing
    changed judges no branch; a meeting deleted in one community judges that one again, and
    its branch's gap is reminded."""
    from activities import reminder_sources

    met = HeldMeetingFactory(branch=world.other_branch, kinds=["theme_day"],
                             starts_at=GAP_NOW - timedelta(days=3))
    judged = []
    judge = reminder_sources._gaps_by_community
    monkeypatch.setattr(reminder_sources, "_gaps_by_community", lambda branches, *args: (
        judged.append(sorted(branches)) or judge(branches, *args)))
    gaps = Notification.objects.filter(category="compliance_gap")
    scan(now=GAP_NOW)
    assert not gaps.filter(object_id=world.other_branch.pk).exists()
    judged.clear()
    scan(now=GAP_NOW + timedelta(minutes=1))
    assert judged == []
    met.delete()
    scan(now=GAP_NOW + timedelta(minutes=2))
    assert judged == [[world.other_community.pk]]
    assert set(gaps.filter(object_id=world.other_branch.pk, recipient=world.users["staff_other"])
               .values_list("kind", flat=True)) == {"compliance_gap:theme_day:2026-11"}


def test_a_branch_archived_or_added_while_a_scan_reads_the_gaps(world, monkeypatch):
    """The scan reads the branches, then the cache: a branch archived in between is not kept
    among a community's gaps (later scans would stumble on it), one added is reminded next."""
    from activities import compliance_cache
    from organizations.factories import BranchFactory

    read = compliance_cache.cached_by_community
    added = []

    def meanwhile(*args):
        world.sibling_branch.archived_at = timezone.now()
        world.sibling_branch.save()
        added.append(BranchFactory(parent=world.other_community))
        return read(*args)

    monkeypatch.setattr(compliance_cache, "cached_by_community", meanwhile)
    scan(now=GAP_NOW)
    monkeypatch.setattr(compliance_cache, "cached_by_community", read)
    scan(now=GAP_NOW + timedelta(minutes=1))
    gaps = Notification.objects.filter(category="compliance_gap")
    assert not gaps.filter(object_id=world.sibling_branch.pk).exists()
    assert gaps.filter(object_id=added[0].pk, recipient=world.users["staff_other"]).exists()


def test_quarter_end_adds_quarterly_kinds(world):
    scan(now=timezone.make_aware(datetime(2026, 12, 21, 9, 0)))
    kinds = set(Notification.objects.filter(recipient=world.users["secretary"])
                .values_list("kind", flat=True))
    assert {"compliance_gap:party_lecture:2026-Q4", "compliance_gap:life_meeting:2026",
            "compliance_gap:theme_day:2026-12"} <= kinds


def test_probation_ending_with_and_without_extension(world):
    today = timezone.localdate()
    due = MemberFactory(branch=world.branch, status=Member.Status.PROBATIONARY,
                        joined_on=today - timedelta(days=365 - 20), full_member_on=None,
                        user=UserFactory())
    extended = MemberFactory(branch=world.branch, status=Member.Status.PROBATIONARY,
                             joined_on=today - timedelta(days=365 - 20), full_member_on=None,
                             probation_extended_months=6)
    MemberFactory(branch=world.branch, status=Member.Status.PROBATIONARY,
                  joined_on=today - timedelta(days=200), full_member_on=None)
    scan()
    subjects = set(Notification.objects.filter(category="probation_ending")
                   .values_list("object_id", "recipient_id"))
    assert subjects == {(due.pk, due.user_id), (due.pk, world.users["secretary"].pk)}
    assert extended.pk not in {object_id for object_id, _user in subjects}


def test_committee_term_ending(world):
    seat = SeatFactory(node=world.branch, role=CommitteeSeat.Role.SECRETARY,
                       term_start=timezone.localdate() - timedelta(days=1000),
                       term_end=timezone.localdate() + timedelta(days=60))
    SeatFactory(node=world.other_branch, term_start=date(2025, 1, 1), term_end=date(2028, 1, 1))
    scan()
    notices = Notification.objects.filter(category="term_ending", object_id=seat.pk)
    assert set(notices.values_list("recipient__username", flat=True)) == {"secretary", "staff"}
    assert {(notice.url, notice.title) for notice in notices} == {
        (world.branch.get_absolute_url(), f"{world.branch.name}班子任期将于 "
         f"{formats.date_format(seat.term_end)} 届满")}


def test_another_app_adds_a_source_by_registering_one_function(world):
    @register("test_agreement")
    def agreements(now):
        return [Reminder(Node, world.community.pk, world.users["staff"].pk,
                         "test_agreement:2026-12-31", title="共建协议即将到期")]

    try:
        scan(sources=["test_agreement"])
        scan(sources=["test_agreement"])
        assert Notification.objects.filter(kind="test_agreement:2026-12-31").count() == 1
        assert send_all() == 1
    finally:
        reminders.SOURCES.pop("test_agreement")


def test_meeting_reminders_skip_excused_and_members_without_login(world, attendee):
    no_login = MemberFactory(branch=world.branch)
    meeting = MeetingFactory(branch=world.branch, attendees=[attendee, no_login],
                             starts_at=timezone.now() + timedelta(days=1))
    meeting.attendances.filter(member=attendee).update(status="excused", reason="外出")
    scan_meetings()
    assert not Notification.objects.exists()
    assert Meeting.objects.count() == 1
