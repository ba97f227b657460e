"""Attendance and volunteer hours feed the members' points ledger, once per record."""
from datetime import timedelta

from django.utils import timezone

from activities import services
from activities.factories import ActivityFactory, MeetingFactory
from activities.models import Attendance
from members import points
from members.factories import MemberFactory
from members.models import PointsEntry


def test_recording_a_meeting_awards_each_kind_to_those_present_once(world):
    absent = MemberFactory(branch=world.branch)
    meeting = MeetingFactory(branch=world.branch, kinds=["theme_day", "group_meeting"],
                             attendees=[world.member, absent],
                             starts_at=timezone.now() - timedelta(hours=3))
    attendance = {world.member.pk: (Attendance.Status.PRESENT, ""),
                  absent.pk: (Attendance.Status.ABSENT, "")}
    services.meeting_record(meeting=meeting, minutes="学习", attendance=attendance)
    services.meeting_record(meeting=meeting, minutes="学习（修改）", attendance=attendance)
    items = sorted(PointsEntry.objects.filter(member=world.member).values_list("item", flat=True))
    assert items == ["attendance:group_meeting", "attendance:theme_day"]
    assert not PointsEntry.objects.filter(member=absent).exists()
    assert points.total_for(world.member) > 0


def test_volunteer_hours_become_points(world):
    activity = ActivityFactory(community=world.community)
    services.activity_save(activity=activity, participants=[(world.member, 3)])
    entry = PointsEntry.objects.get(member=world.member, item="volunteer_hour")
    assert entry.quantity == 3
    rule = points.rules_for_branch(world.branch)["volunteer_hour"]
    assert entry.points == rule.points * 3
    services.activity_save(activity=activity, participants=[(world.member, 3)])
    assert PointsEntry.objects.filter(member=world.member, item="volunteer_hour").count() == 1


def test_member_pages_show_upcoming_meetings_and_appraisal_grades(world, client_as):
    upcoming = MeetingFactory(branch=world.branch, kinds=["theme_day"], attendees=[world.member],
                              topic="十一月主题党日")
    appraisal = MeetingFactory(branch=world.branch, kinds=["appraisal"], attendees=[world.member],
                               starts_at=timezone.now() - timedelta(hours=3), topic="年度评议")
    services.meeting_record(meeting=appraisal, minutes="评议",
                            attendance={world.member.pk: (Attendance.Status.PRESENT, "")},
                            grades={world.member.pk: "excellent"})
    home = client_as(world.users["member"]).get("/members/me/").content.decode()
    assert upcoming.topic in home
    detail = client_as(world.users["staff"]).get(f"/members/{world.member.pk}/").content.decode()
    assert "年度评议" in detail and "优秀" in detail
