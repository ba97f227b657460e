"""Meeting and activity pages: good input saved, bad input refused with nothing stored."""
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from activities import checkin, selectors, services
from activities.factories import ActivityFactory, HeldMeetingFactory, MeetingFactory
from activities.models import (ActivityPhoto, Attendance, CommunityActivity, Meeting,
                               MeetingPhoto, Participation)
from members.factories import MemberFactory
from organizations.factories import SeatFactory
from organizations.models import CommitteeSeat
from tests.portal.images import png_upload

pytestmark = pytest.mark.django_db


def png(name="photo.png"):
    return png_upload(name, colour="red")


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def plan_data(world, **changes):
    starts = timezone.now() + timedelta(days=1)
    data = {"branch": world.branch.pk, "kinds": ["committee_meeting"], "topic": "研究十二月工作",
            "starts_at": local(starts), "ends_at": local(starts + timedelta(hours=2)),
            "place": "党群服务中心", "host": "王书记", "recorder": "李委员"}
    data.update(changes)
    return data


def test_secretary_plans_a_meeting_for_the_whole_branch(world, client_as):
    other = MemberFactory(branch=world.branch)
    # A 支委会 alone invites the committee (tests/activities/test_meeting_invitations.py).
    response = client_as(world.users["secretary"]).post(
        reverse("activities:meeting_create"),
        plan_data(world, kinds=["general_meeting", "committee_meeting"]))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert set(meeting.attendances.values_list("member_id", flat=True)) == {world.member.pk,
                                                                            other.pk}
    assert meeting.kind_codes() == {"general_meeting", "committee_meeting"}


@pytest.mark.parametrize("changes, field, message", [
    ({"ends_at": "2026-01-01T08:00"}, "ends_at", "结束时间必须晚于开始时间"),
    ({"kinds": []}, "kinds", "这个字段是必填项"),
    ({"topic": ""}, "topic", "这个字段是必填项"),
    ({"starts_at": "明天"}, "starts_at", "输入一个有效的日期/时间"),
])
def test_bad_plans_are_refused_with_a_chinese_message(world, client_as, changes, field, message):
    response = client_as(world.users["secretary"]).post(reverse("activities:meeting_create"),
                                                        plan_data(world, **changes))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Meeting.objects.exists()


def test_branch_outside_scope_and_foreign_attendees_are_refused(world, client_as):
    client = client_as(world.users["secretary"])
    response = client.post(reverse("activities:meeting_create"),
                           plan_data(world, branch=world.other_branch.pk))
    assert "branch" in response.context["form"].errors
    stranger = MemberFactory(branch=world.other_branch)
    client = client_as(world.users["staff"])  # staff of C1 cannot pick C2's members either
    response = client.post(reverse("activities:meeting_create"),
                           plan_data(world, attendees=[world.member.pk, stranger.pk]))
    assert "attendees" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_record_minutes_attendance_photo_and_quorum(world, client_as):
    SeatFactory(node=world.branch, member=world.member, role=CommitteeSeat.Role.SECRETARY,
                term_start=timezone.localdate() - timedelta(days=30))
    absent = MemberFactory(branch=world.branch)
    SeatFactory(node=world.branch, member=absent, role=CommitteeSeat.Role.COMMITTEE_MEMBER,
                term_start=timezone.localdate() - timedelta(days=30))
    meeting = MeetingFactory(branch=world.branch, kinds=["committee_meeting"],
                             attendees=[world.member, absent],
                             starts_at=timezone.now() - timedelta(hours=2))
    client = client_as(world.users["secretary"])
    url = reverse("activities:meeting_record", args=[meeting.pk])
    data = {"minutes": "讨论了发展党员工作。", f"status_{world.member.pk}": "present",
            f"status_{absent.pk}": "excused", f"reason_{absent.pk}": ""}
    response = client.post(url, data)
    assert "请假须填写原因" in response.content.decode()
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(url, {**data, f"reason_{absent.pk}": "住院", "photos": [fake]})
    assert "请上传 JPG、PNG、GIF 或 WEBP 格式的图片" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and not MeetingPhoto.objects.exists()
    response = client.post(url, {**data, f"reason_{absent.pk}": "住院", "photos": [png()]})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.photos.count() == 1
    assert meeting.attendances.get(member=absent).reason == "住院"
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "未超过支委会 2 名的半数" in page
    photo = client.get(reverse("activities:meeting_photo", args=[meeting.photos.get().pk]))
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"


def test_a_future_meeting_cannot_be_recorded_as_held(world):
    meeting = MeetingFactory(branch=world.branch, attendees=[world.member])
    with pytest.raises(Exception, match="尚未开始"):
        services.meeting_record(meeting=meeting, minutes="x", attendance={})


def test_appraisal_grades_show_for_the_member(world, client_as):
    meeting = MeetingFactory(branch=world.branch, kinds=["appraisal", "life_meeting"],
                             attendees=[world.member],
                             starts_at=timezone.now() - timedelta(hours=3))
    client = client_as(world.users["secretary"])
    client.post(reverse("activities:meeting_record", args=[meeting.pk]), {
        "minutes": "民主评议", f"status_{world.member.pk}": "present",
        f"grade_{world.member.pk}": "excellent"})
    assert selectors.appraisal_grades_for(world.member)[0][1] == "优秀"
    page = client_as(world.users["member"]).get(reverse("activities:my_meetings"))
    assert "优秀" in page.content.decode()


def test_member_checks_in_with_the_current_token_only(world, client_as):
    meeting = MeetingFactory(branch=world.branch, attendees=[world.member],
                             starts_at=timezone.now() + timedelta(minutes=5))
    client = client_as(world.users["member"])
    forged = f"{meeting.pk}.{int(timezone.now().timestamp() // 60)}.0000000000"
    response = client.post(reverse("activities:checkin", args=[forged]))
    assert response.status_code == 400 and "签到码无效" in response.content.decode()
    old = checkin.make_token(meeting, now=timezone.now() - timedelta(minutes=5))
    response = client.post(reverse("activities:checkin", args=[old]))
    assert "签到码已过期" in response.content.decode()
    assert not Attendance.objects.filter(checked_in_at__isnull=False).exists()
    response = client.post(reverse("activities:checkin", args=[checkin.make_token(meeting)]))
    assert response.status_code == 302
    row = Attendance.objects.get(meeting=meeting, member=world.member)
    assert row.status == "present" and row.checked_in_by is None


def test_check_in_outside_the_window_is_refused(world, client_as):
    meeting = MeetingFactory(branch=world.branch, attendees=[world.member],
                             starts_at=timezone.now() + timedelta(hours=3))
    response = client_as(world.users["member"]).post(
        reverse("activities:checkin", args=[checkin.make_token(meeting)]))
    assert "不在签到时间内" in response.content.decode()
    assert not Attendance.objects.filter(checked_in_at__isnull=False).exists()


def test_staff_checks_in_on_behalf_with_a_reason(world, client_as):
    meeting = MeetingFactory(branch=world.branch, attendees=[world.member],
                             starts_at=timezone.now() + timedelta(minutes=5))
    client = client_as(world.users["staff"])
    url = reverse("activities:meeting_checkin_for", args=[meeting.pk])
    response = client.post(url, {"member": world.member.pk, "reason": ""})
    assert "这个字段是必填项" in response.content.decode()
    client.post(url, {"member": world.member.pk, "reason": "年老无智能手机"})
    row = Attendance.objects.get(meeting=meeting)
    assert row.checked_in_by == world.users["staff"] and row.on_behalf_reason == "年老无智能手机"


def test_qr_image_is_svg_during_the_window(world, client_as):
    meeting = MeetingFactory(branch=world.branch, starts_at=timezone.now() + timedelta(minutes=5))
    response = client_as(world.users["secretary"]).get(
        reverse("activities:meeting_qr_image", args=[meeting.pk]))
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content


def test_calendar_feed_lists_meetings_and_stops_when_revoked(world, client_as):
    meeting = MeetingFactory(branch=world.branch, attendees=[world.member], topic="主题党日活动")
    feed = services.calendar_feed_for(world.member)
    url = reverse("activities:calendar_feed", args=[feed.token])
    response = client_as(None).get(url)
    assert response["Content-Type"].startswith("text/calendar")
    assert "主题党日活动" in response.content.decode() and f"meeting-{meeting.pk}@" in \
        response.content.decode()
    client_as(world.users["member"]).post(reverse("activities:calendar_feed_reset"))
    assert client_as(None).get(url).status_code == 404


def test_cancel_needs_a_reason(world, client_as):
    meeting = MeetingFactory(branch=world.branch)
    client = client_as(world.users["secretary"])
    url = reverse("activities:meeting_cancel", args=[meeting.pk])
    client.post(url, {"reason": ""})
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    client.post(url, {"reason": "场地不可用"})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "场地不可用")


def activity_data(world, **changes):
    data = {"community": world.community.pk, "kind": "volunteer_service", "title": "清理楼道",
            "held_on": "2026-11-15", "place": "3号楼", "organizer": "社区党委",
            "residents_count": "12", "description": "",
            "participants-TOTAL_FORMS": "2", "participants-INITIAL_FORMS": "0",
            "participants-MIN_NUM_FORMS": "0", "participants-MAX_NUM_FORMS": "1000",
            "participants-0-member": world.member.pk, "participants-0-hours": "2.5"}
    data.update(changes)
    return data


def test_staff_records_a_community_activity_with_hours_and_photo(world, client_as):
    client = client_as(world.users["staff"])
    response = client.post(reverse("activities:activity_create"),
                           {**activity_data(world), "photos": [png()]})
    activity = CommunityActivity.objects.get()
    assert response.status_code == 302
    assert Participation.objects.get().hours == 2.5 and ActivityPhoto.objects.count() == 1
    assert "2.5" in client.get(activity.get_absolute_url()).content.decode()


@pytest.mark.parametrize("changes", [
    {"participants-0-hours": "-1"}, {"participants-0-hours": "99"},
    {"residents_count": "-5"}, {"held_on": "2026-13-45"}, {"community": "999999"},
])
def test_bad_activities_are_refused(world, client_as, changes):
    response = client_as(world.users["staff"]).post(reverse("activities:activity_create"),
                                                    activity_data(world, **changes))
    assert response.status_code == 200
    assert not CommunityActivity.objects.exists()


def test_activity_refuses_members_of_another_community(world, client_as):
    stranger = MemberFactory(branch=world.other_branch)
    activity = ActivityFactory(community=world.community)
    with pytest.raises(Exception, match="不属于本社区"):
        services.activity_save(activity=activity, participants=[(stranger, 2)])


def test_inbox_and_unread_badge(world, client_as):
    from activities.reminders import scan, send_delivery, pending_ids

    MeetingFactory(branch=world.branch, attendees=[world.member],
                   starts_at=timezone.now() + timedelta(hours=1))
    scan(sources=["meeting_upcoming"])
    client = client_as(world.users["member"])
    assert client.get(reverse("activities:unread_count")).json() == {"unread": 0}
    for pk in pending_ids():
        send_delivery(pk)
    assert client.get(reverse("activities:unread_count")).json() == {"unread": 1}
    page = client.get(reverse("activities:inbox")).content.decode()
    assert "会议提醒" in page
    notification = selectors.inbox_for(world.users["member"]).get()
    response = client.get(reverse("activities:notification_open", args=[notification.pk]))
    assert response.status_code == 302
    assert client.get(reverse("activities:unread_count")).json() == {"unread": 0}


def test_month_calendar_shows_meetings(world, client_as):
    meeting = HeldMeetingFactory(branch=world.branch, topic="十一月主题党日")
    month = timezone.localtime(meeting.starts_at).strftime("%Y-%m")
    page = client_as(world.users["staff"]).get(
        reverse("activities:calendar", args=[world.community.pk]), {"month": month})
    assert "十一月主题党日" in page.content.decode()
    assert client_as(world.users["staff"]).get(
        reverse("activities:calendar", args=[world.community.pk]),
        {"month": "garbage"}).status_code == 200


def test_record_book_prints_the_quarters_held_meetings(world, client_as):
    meeting = HeldMeetingFactory(branch=world.branch, topic="季度党课", attendees=[world.member])
    start = timezone.localtime(meeting.starts_at)
    page = client_as(world.users["secretary"]).get(reverse(
        "activities:record_book", args=[world.branch.pk, start.year, (start.month + 2) // 3]))
    assert "季度党课" in page.content.decode() and "会议记录本" in page.content.decode()


NASTY = ["", " ", "x" * 5000, "\x00\x07", "😀" * 50, "'; DROP TABLE activities_meeting; --",
         "<script>alert(1)</script>", "0001-01-01T00:00", "9999-12-31T23:59", "-1", "1e309",
         "2026-02-30", "NaN"]


@pytest.mark.parametrize("value", NASTY)
def test_nasty_values_never_give_a_500_and_are_escaped(world, client_as, value):
    client = client_as(world.users["staff"])
    meeting = MeetingFactory(branch=world.branch, attendees=[world.member],
                             starts_at=timezone.now() - timedelta(minutes=10))
    posts = [
        (reverse("activities:meeting_create"), {**plan_data(world), "topic": value,
                                                "starts_at": value, "place": value}),
        (reverse("activities:meeting_create"), plan_data(world, ends_at=value, host=value)),
        (reverse("activities:meeting_record", args=[meeting.pk]),
         {"minutes": value, f"status_{world.member.pk}": value,
          f"reason_{world.member.pk}": value}),
        (reverse("activities:meeting_checkin_for", args=[meeting.pk]),
         {"member": value, "reason": value}),
        (reverse("activities:meeting_cancel", args=[meeting.pk]), {"reason": value}),
        (reverse("activities:activity_create"),
         activity_data(world, title=value, held_on=value, residents_count=value,
                       **{"participants-0-hours": value})),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code in (200, 302), (url, response.status_code)
        assert "<script>alert(1)</script>" not in response.content.decode()
    for url in [reverse("activities:calendar", args=[world.community.pk]) + f"?month={value}",
                reverse("activities:compliance_community", args=[world.community.pk])
                + f"?period={value}&month={value}",
                reverse("activities:compliance_branch", args=[world.branch.pk]) + f"?year={value}",
                reverse("activities:meeting_list") + f"?status={value}&kind={value}&page={value}"]:
        assert client.get(url).status_code == 200, url
    assert client_as(world.users["member"]).get(
        reverse("activities:checkin", args=[value.replace("/", "") or "x"])).status_code == 400
