"""Factories for 督查整改, used by tests and the demo seeding."""
from datetime import timedelta

import factory
from django.utils import timezone

from organizations.factories import CommunityFactory, UserFactory
from portal.models import Inspection, InspectionPoint, Rectification, RectificationEvent


class InspectionPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InspectionPoint

    community = factory.SubFactory(CommunityFactory)
    kind = InspectionPoint.Kind.ENTRANCE
    name = factory.Sequence(lambda n: f"第{n}号点位")


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Inspection

    point = factory.SubFactory(InspectionPointFactory)
    community = factory.SelfAttribute("point.community")
    inspected_on = factory.LazyFunction(timezone.localdate)
    result = Inspection.Result.PASS
    inspector = factory.SubFactory(UserFactory)


class FailedInspectionFactory(InspectionFactory):
    result = Inspection.Result.FAIL
    problem = "垃圾满溢，未及时清运"


class RectificationFactory(factory.django.DjangoModelFactory):
    """An open rectification with its opening event, as `inspection_record` leaves it."""

    class Meta:
        model = Rectification
        skip_postgeneration_save = True

    inspection = factory.SubFactory(FailedInspectionFactory)
    community = factory.SelfAttribute("inspection.community")
    deadline = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=3))

    @factory.post_generation
    def opened(obj, create, extracted, **kwargs):
        if create:
            RectificationEvent.objects.create(rectification=obj,
                                              action=RectificationEvent.Action.OPENED,
                                              actor=obj.inspection.inspector)
