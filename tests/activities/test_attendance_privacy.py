"""Who reads the appraisal grades and leave reasons of a held meeting.

A member invited to a meeting reads their own grade and reason only: a leave reason may be
medical, and a grade is between the member and the branch. The branch's secretary, community
staff and street officials read every row; the secretary of the sibling branch reads none.
"""
import pytest
from django.urls import reverse

from activities.factories import HeldMeetingFactory
from activities.models import Attendance, MeetingKind
from members.factories import MemberFactory
from organizations.factories import GrantFactory, UserFactory
from organizations.scope import Role

OWN_REASON = "外出务工"
OTHER_REASON = "住院化疗"  # a second member's medical reason
OTHER_BEHALF = "腿脚不便，由书记代签"


@pytest.fixture
def held(world):
    second = MemberFactory(branch=world.branch, name="钱党员",
                           user=UserFactory(username="second"))
    elderly = MemberFactory(branch=world.branch, name="孙党员")
    meeting = HeldMeetingFactory(branch=world.branch, kinds=[MeetingKind.GENERAL_MEETING],
                                 attendees=[world.member, second, elderly])
    Attendance.objects.filter(meeting=meeting, member=world.member).update(
        status=Attendance.Status.EXCUSED, reason=OWN_REASON, grade=Attendance.Grade.EXCELLENT)
    Attendance.objects.filter(meeting=meeting, member=second).update(
        status=Attendance.Status.EXCUSED, reason=OTHER_REASON, grade=Attendance.Grade.UNQUALIFIED)
    Attendance.objects.filter(meeting=meeting, member=elderly).update(
        status=Attendance.Status.PRESENT, checked_in_at=meeting.starts_at,
        checked_in_by=world.users["secretary"], on_behalf_reason=OTHER_BEHALF)
    return meeting, second


def pages(client, meeting):
    return [client.get(reverse(name, kwargs={"pk": meeting.pk}))
            for name in ("activities:meeting_detail", "activities:meeting_print")]


@pytest.mark.parametrize("who", ["member", "second"])
def test_a_member_reads_their_own_grade_and_reason_only(who, world, held, client_as):
    meeting, second = held
    user = world.users["member"] if who == "member" else second.user
    own, other = ((OWN_REASON, "优秀"), (OTHER_REASON, "不合格")) if who == "member" else \
        ((OTHER_REASON, "不合格"), (OWN_REASON, "优秀"))
    detail, printed = pages(client_as(user), meeting)
    assert detail.status_code == printed.status_code == 200
    detail, printed = detail.content.decode(), printed.content.decode()
    assert own[0] in detail and own[1] in detail and own[0] in printed
    assert other[0] not in detail and other[1] not in detail and other[0] not in printed
    assert OTHER_BEHALF not in detail
    # Who was there is no secret: both names are listed.
    assert "钱党员" in detail and "赵党员" in detail


@pytest.mark.parametrize("role", ["secretary", "staff", "official"])
def test_secretaries_and_staff_read_every_grade_and_reason(role, world, held, client_as):
    meeting, _second = held
    detail, printed = pages(client_as(world.users[role]), meeting)
    detail, printed = detail.content.decode(), printed.content.decode()
    for text in (OWN_REASON, OTHER_REASON, "优秀", "不合格", OTHER_BEHALF):
        assert text in detail
    assert OWN_REASON in printed and OTHER_REASON in printed


def test_the_sibling_branchs_secretary_reads_nothing(world, held, client_as):
    meeting, _second = held
    sibling = GrantFactory(user=UserFactory(username="sibling"), node=world.other_branch,
                           role=Role.BRANCH_SECRETARY).user
    assert [page.status_code for page in pages(client_as(sibling), meeting)] == [404, 404]
