import factory

from organizations.factories import StreetFactory
from pairing.models import Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"共建单位{n}")
    unit_type = Unit.UnitType.PUBLIC_INSTITUTION
    member_count = 30
