"""Factories for volunteer teams and records, used by tests, the demo and the benchmark."""
from datetime import date
from decimal import Decimal

import factory

from activities.volunteers.models import (ServiceRecord, Team, TeamKind, TeamMembership,
                                          Volunteer)
from organizations.factories import CommunityFactory


def team_kind(name="义务巡逻队"):
    # The shipped kinds come with migration 0002; a flushed database (browser tests) lost them.
    return TeamKind.objects.get_or_create(node=None, name=name)[0]


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"居民志愿者{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    consent_on = date(2026, 3, 1)
    registered_on = date(2026, 3, 1)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    community = factory.SubFactory(CommunityFactory)
    kind = factory.LazyFunction(team_kind)
    name = factory.Sequence(lambda n: f"志愿服务队{n}")
    founded_on = date(2025, 3, 5)


class TeamMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMembership

    team = factory.SubFactory(TeamFactory)
    volunteer = factory.SubFactory(VolunteerFactory,
                                   community=factory.SelfAttribute("..team.community"))
    joined_on = date(2026, 1, 1)


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    volunteer = factory.SubFactory(VolunteerFactory)
    community = factory.SelfAttribute("volunteer.community")
    served_on = date(2026, 10, 10)
    place = "小区广场"
    content = "环境清理"
    hours = Decimal("2.0")
