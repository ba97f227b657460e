"""Recording a meeting as a secretary does it: who is invited, where to start, namesakes."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.factories import MeetingFactory
from activities.models import Attendance, Meeting, MeetingKind
from members.factories import MemberFactory
from organizations.factories import SeatFactory
from organizations.models import CommitteeSeat

pytestmark = pytest.mark.django_db




def plan(world, codes, group=None):
    starts = timezone.now() + timedelta(days=1)
    return services.meeting_plan(
        branch=world.branch, kinds=MeetingKind.objects.filter(code__in=codes), topic="研究工作",
        starts_at=starts, ends_at=starts + timedelta(hours=2), place="党群服务中心",
        host="王书记", group=group)


def invited(meeting):
    return set(meeting.attendances.values_list("member_id", flat=True))


def test_a_committee_meeting_invites_the_branch_committee_not_the_whole_branch(world):
    secretary = MemberFactory(branch=world.branch)
    deputy = MemberFactory(branch=world.branch)
    MemberFactory(branch=world.branch)  # an ordinary member: not invited
    SeatFactory(node=world.branch, member=secretary, term_start=date(2024, 3, 1))
    SeatFactory(node=world.branch, member=deputy, role=CommitteeSeat.Role.COMMITTEE_MEMBER,
                term_start=date(2024, 3, 1))
    former = MemberFactory(branch=world.branch)  # left the committee last year
    SeatFactory(node=world.branch, member=former, term_start=date(2021, 3, 1),
                ended_on=date(2025, 3, 1))
    assert invited(plan(world, ["committee_meeting"])) == {secretary.pk, deputy.pk}


def test_a_general_meeting_still_invites_the_whole_branch(world):
    secretary = MemberFactory(branch=world.branch)
    SeatFactory(node=world.branch, member=secretary)
    assert invited(plan(world, ["general_meeting", "committee_meeting"])) == {
        world.member.pk, secretary.pk}


def test_a_committee_meeting_without_linked_seats_asks_for_the_attendees(world):
    with pytest.raises(Exception) as caught:
        plan(world, ["committee_meeting"])
    assert "参会人员" in str(caught.value) or "attendees" in str(caught.value)
    assert not Meeting.objects.exists()


def test_a_group_meeting_invites_its_group(world):
    MemberFactory(branch=world.branch)  # in the branch, not in the group
    assert invited(plan(world, ["group_meeting"], group=world.group)) == {world.member.pk}


def test_recording_starts_absent_unless_all_present_is_chosen(world, client_as):
    other = MemberFactory(branch=world.branch)
    meeting = MeetingFactory(branch=world.branch, attendees=[world.member, other])
    client = client_as(world.users["secretary"])
    url = reverse("activities:meeting_record", args=[meeting.pk])
    plain = client.get(url).context["form"]
    assert plain[f"status_{other.pk}"].value() == Attendance.Status.ABSENT
    page = client.get(url + "?start=present")
    form = page.context["form"]
    assert {form[f"status_{pk}"].value() for pk in (world.member.pk, other.pk)} == {
        Attendance.Status.PRESENT}
    assert 'href="?start=present"' in client.get(url).content.decode()


def test_all_present_keeps_what_was_already_recorded(world, client_as):
    other = MemberFactory(branch=world.branch)
    meeting = MeetingFactory(branch=world.branch, attendees=[world.member, other])
    meeting.attendances.filter(member=other).update(status=Attendance.Status.EXCUSED,
                                                    reason="住院")
    form = client_as(world.users["secretary"]).get(
        reverse("activities:meeting_record", args=[meeting.pk]) + "?start=present"
    ).context["form"]
    assert form[f"status_{other.pk}"].value() == Attendance.Status.EXCUSED


def test_namesakes_are_told_apart_in_the_record_and_the_selects(world, client_as):
    first = MemberFactory(branch=world.branch, name="余桂荣", birth_date=date(1951, 3, 2))
    second = MemberFactory(branch=world.branch, name="余桂荣", birth_date=date(1958, 8, 9))
    assert first.choice_label != second.choice_label
    assert "1951" in first.choice_label and first.id_number[-4:] in first.choice_label
    meeting = MeetingFactory(branch=world.branch, attendees=[first, second])
    client = client_as(world.users["secretary"])
    record = client.get(reverse("activities:meeting_record", args=[meeting.pk]))
    assert first.choice_label in record.content.decode()
    assert second.choice_label in record.content.decode()
    plan_page = client.get(reverse("activities:meeting_create")).content.decode()
    assert first.choice_label in plan_page and second.choice_label in plan_page


def test_the_member_selects_of_other_forms_use_the_label(world):
    from activities.forms import CheckInForForm, ParticipationForm
    from members.forms import AssignForm
    from organizations.forms import SeatForm

    namesake = MemberFactory(branch=world.branch, name="余桂荣")
    label = namesake.choice_label
    meeting = MeetingFactory(branch=world.branch, attendees=[namesake])
    forms = [CheckInForForm(meeting=meeting),
             ParticipationForm(user=world.users["staff"]),
             SeatForm(node=world.branch, user=world.users["staff"])]
    from members.factories import PostFactory
    forms.append(AssignForm(post=PostFactory(community=world.community),
                            user=world.users["staff"]))
    for form in forms:
        labels = [str(choice[1]) for choice in form.fields["member"].choices]
        assert label in labels, type(form).__name__


def test_a_member_without_birth_date_still_reads_apart(world):
    member = MemberFactory(branch=world.branch, name="余桂荣")
    member.birth_date = None
    assert member.choice_label == f"余桂荣（尾号{member.id_number[-4:]}）"


def test_namesakes_are_told_apart_in_staff_lists(world, client_as):
    from members.factories import PostClaimFactory, PostFactory

    first = MemberFactory(branch=world.branch, name="余桂荣", birth_date=date(1951, 3, 2))
    second = MemberFactory(branch=world.branch, name="余桂荣", birth_date=date(1958, 8, 9))
    meeting = MeetingFactory(branch=world.branch, attendees=[first, second])
    post = PostFactory(community=world.community)
    for member in (first, second):
        PostClaimFactory(post=post, member=member)
    client = client_as(world.users["staff"])
    pages = [reverse("activities:meeting_detail", args=[meeting.pk]),
             reverse("members:post_board", args=[world.community.pk])]
    for url in pages:
        html = client.get(url).content.decode()
        assert first.choice_label in html and second.choice_label in html, url
