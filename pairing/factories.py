from datetime import date
from decimal import Decimal

import factory

from organizations.factories import CommunityFactory, StreetFactory, UnitFactory
from pairing.models import (Agreement, CareVisit, Category, Contribution, JointCommitteeSeat,
                            Need, NeedyHousehold, Pairing, Project, Resource)


def _link_unit(record, create, extracted, **kwargs):
    """A unit that signs or pairs with a community co-builds with it."""
    if create and record.unit_id:
        record.unit.communities.add(record.community)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    unit = factory.SubFactory(UnitFactory, street=factory.SelfAttribute("..community.parent"))
    signed_on = date(2025, 1, 10)
    starts_on = date(2025, 1, 10)
    ends_on = date(2028, 1, 9)
    commitments = "每季度开展一次共建活动"
    link_unit = factory.PostGeneration(_link_unit)


class JointSeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointCommitteeSeat

    community = factory.SubFactory(CommunityFactory)
    unit = factory.SubFactory(UnitFactory, street=factory.SelfAttribute("..community.parent"))
    person_name = factory.Sequence(lambda n: f"兼职委员{n}")
    unit_position = "党支部书记"
    term_start = date(2024, 1, 1)
    term_end = date(2029, 1, 1)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedyHousehold

    community = factory.SubFactory(CommunityFactory)
    kind = NeedyHousehold.Kind.SUBSISTENCE
    head_name = factory.Faker("name", locale="zh_CN")
    address = factory.Sequence(lambda n: f"幸福小区{n % 30 + 1}栋{n % 6 + 1}单元")
    household_size = 3
    situation = "家庭收入低于当地低保标准"
    needs = "日常生活照料"
    registered_on = date(2024, 3, 1)


class PairingFactory(factory.django.DjangoModelFactory):
    """Unit ↔ household by default, both in the same community."""

    class Meta:
        model = Pairing
        skip_postgeneration_save = True

    community = factory.SubFactory(CommunityFactory)
    kind = Pairing.Kind.UNIT_HOUSEHOLD
    unit = factory.SubFactory(UnitFactory, street=factory.SelfAttribute("..community.parent"))
    household = factory.SubFactory(HouseholdFactory,
                                   community=factory.SelfAttribute("..community"))
    started_on = date(2025, 3, 1)
    link_unit = factory.PostGeneration(_link_unit)


class CareVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareVisit

    pairing = factory.SubFactory(PairingFactory)
    visited_on = date(2025, 6, 1)
    visitors = "单位党支部"
    given = "米、面、油各一份"


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    community = factory.SubFactory(CommunityFactory)
    unit = None
    kind = Contribution.Kind.MONEY
    amount = Decimal("1000.00")
    given_on = date(2025, 5, 1)
    description = "捐款"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    community = factory.SubFactory(CommunityFactory)
    category = Category.HEALTH
    title = factory.Sequence(lambda n: f"需求{n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    unit = factory.SubFactory(UnitFactory)
    category = Category.HEALTH
    title = factory.Sequence(lambda n: f"资源{n}")
    capacity = "每月一次"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    need = factory.SubFactory(NeedFactory)
    community = factory.SelfAttribute("need.community")
    resource = factory.SubFactory(ResourceFactory,
                                  category=factory.SelfAttribute("..need.category"))
    unit = factory.SelfAttribute("resource.unit")
    title = factory.SelfAttribute("need.title")
    owner = "项目负责人"
    deadline = date(2026, 12, 31)
