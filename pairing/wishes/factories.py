import factory

from organizations.factories import CommunityFactory
from pairing.models import Category
from pairing.wishes.models import Wish


class WishFactory(factory.django.DjangoModelFactory):
    """A wish as received; move it on with the services (tests) or `in_state` (demo)."""

    class Meta:
        model = Wish

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"帮忙修理楼道灯{n}")
    description = "三楼楼道灯不亮，老人晚上下楼不方便。"
    category = Category.FACILITIES
    source = Wish.Source.PHONE
    contact_name = "王阿姨"
    contact_phone = "13800001111"
    address = "兰新小区3号楼2单元301"
