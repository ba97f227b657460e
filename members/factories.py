from datetime import date, timedelta

import factory

from members.models import Member, Post, PostClaim, Registration
from members.validators import id_check_char
from organizations.factories import BranchFactory, CommunityFactory, UnitFactory


def make_id_number(n, birth_date):
    """A valid resident ID number, unique for each n whatever the birth date."""
    region = f"{340000 + n // 1000:06d}"
    body = f"{region}{birth_date:%Y%m%d}{n % 1000:03d}"
    return body + id_check_char(body)


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    name = factory.Faker("name", locale="zh_CN")
    gender = factory.Iterator([Member.Gender.MALE, Member.Gender.FEMALE])
    birth_date = factory.Sequence(lambda n: date(1940, 1, 1) + timedelta(days=(n * 379) % 22000))
    id_number = factory.LazyAttributeSequence(lambda m, n: make_id_number(n, m.birth_date))
    phone = factory.Sequence(lambda n: f"139{n % 100000000:08d}")
    # Day arithmetic, not replace(year=…): a 29 February birthday has no anniversary in most years.
    joined_on = factory.LazyAttribute(lambda m: m.birth_date + timedelta(days=9131))
    full_member_on = factory.LazyAttribute(
        lambda m: m.joined_on + timedelta(days=365) if m.status == Member.Status.FULL else None)
    status = Member.Status.FULL
    category = Member.Category.RETIRED
    branch = factory.SubFactory(BranchFactory)
    education = Member.Education.SENIOR


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"岗位{n}")
    description = "协助社区开展工作。"
    capacity = 10


class PostClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostClaim

    post = factory.SubFactory(PostFactory)
    member = factory.SubFactory(MemberFactory)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    member = factory.SubFactory(MemberFactory, category=Member.Category.EMPLOYED)
    community = factory.SubFactory(CommunityFactory)
    unit = factory.SubFactory(UnitFactory)
