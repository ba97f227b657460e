"""Factories for the organization tree, used by tests, seed_demo and the benchmarks."""
from datetime import date

import factory
from django.contrib.auth import get_user_model

from organizations.models import CommitteeSeat, Grant, Grid, Node, Unit
from organizations.scope import Role


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node

    kind = Node.Kind.DISTRICT
    name = factory.Sequence(lambda n: f"第{n}区委")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node

    kind = Node.Kind.STREET
    name = factory.Sequence(lambda n: f"第{n}街道党工委")
    founded_on = date(1998, 7, 1)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node

    kind = Node.Kind.COMMUNITY
    org_type = Node.OrgType.COMMITTEE
    parent = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"第{n}社区党委")
    founded_on = date(2003, 7, 1)


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node

    kind = Node.Kind.BRANCH
    parent = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"第{n}党支部")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Node

    kind = Node.Kind.GROUP
    parent = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"第{n}党小组")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"第{n}网格")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        skip_postgeneration_save = True

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"共建单位{n}")
    unit_type = Unit.UnitType.PUBLIC_INSTITUTION
    member_count = 30
    party_org_name = factory.LazyAttribute(lambda unit: f"{unit.name}党支部")
    contact_name = "联络员"

    @factory.post_generation
    def communities(unit, create, extracted, **kwargs):
        if create and extracted:
            unit.communities.add(*extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "Demo@2026")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class GrantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grant

    user = factory.SubFactory(UserFactory)
    node = factory.SubFactory(CommunityFactory)
    role = Role.COMMUNITY_STAFF


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeSeat

    node = factory.SubFactory(BranchFactory)
    role = CommitteeSeat.Role.SECRETARY
    person_name = factory.Sequence(lambda n: f"书记{n}")
    term_start = date(2024, 3, 1)
    term_end = factory.LazyAttribute(lambda seat: CommitteeSeat.default_term_end(seat.node,
                                                                                 seat.term_start))
