"""Factories for meetings and activities, used by tests, seed_demo and the benchmark."""
from datetime import timedelta

import factory
from django.utils import timezone

from activities.models import Attendance, CommunityActivity, Meeting, MeetingKind, Participation
from members.factories import MemberFactory
from organizations.factories import BranchFactory, CommunityFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    """A planned meeting; pass `kinds=["theme_day", ...]` and `attendees=[member, ...]`."""

    class Meta:
        model = Meeting
        skip_postgeneration_save = True

    branch = factory.SubFactory(BranchFactory)
    topic = factory.Sequence(lambda n: f"学习贯彻会议精神（第{n}次）")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda meeting: meeting.starts_at + timedelta(hours=2))
    place = "社区党群服务中心"
    host = "王书记"
    recorder = "李委员"

    @factory.post_generation
    def kinds(meeting, create, extracted, **kwargs):
        if create:
            meeting.kinds.set(MeetingKind.objects.filter(
                code__in=extracted or [MeetingKind.THEME_DAY]))

    @factory.post_generation
    def attendees(meeting, create, extracted, **kwargs):
        if create and extracted:
            Attendance.objects.bulk_create([Attendance(meeting=meeting, member=member)
                                            for member in extracted])


class HeldMeetingFactory(MeetingFactory):
    status = Meeting.Status.HELD
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    minutes = "会议传达学习了上级精神，讨论了本月工作。"
    recorded_at = factory.LazyFunction(timezone.now)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    member = factory.SubFactory(MemberFactory)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityActivity

    community = factory.SubFactory(CommunityFactory)
    kind = CommunityActivity.Kind.VOLUNTEER
    title = factory.Sequence(lambda n: f"志愿服务活动{n}")
    held_on = factory.LazyFunction(timezone.localdate)
    place = "小区广场"
    organizer = "社区党委"
    residents_count = 30


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    activity = factory.SubFactory(ActivityFactory)
    member = factory.SubFactory(MemberFactory)
    hours = 2
