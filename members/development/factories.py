from datetime import date

import factory

from members.development.models import Candidate
from members.factories import make_id_number
from members.models import Member
from organizations.factories import BranchFactory


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    name = factory.Faker("name", locale="zh_CN")
    gender = Member.Gender.FEMALE
    birth_date = date(1998, 3, 14)
    id_number = factory.Sequence(lambda n: make_id_number(900_000 + n, date(1998, 3, 14)))
    branch = factory.SubFactory(BranchFactory)
    applied_on = date(2026, 10, 9)
