"""Agreements expiring within 30 days remind their community's staff, once, and not after
they were renewed or ended."""
from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import Notification
from activities.reminders import scan
from pairing.factories import AgreementFactory

pytestmark = pytest.mark.django_db


def test_expiring_agreement_reminds_community_staff_once(world):
    today = timezone.localdate()
    soon = AgreementFactory(community=world.community, ends_on=today + timedelta(days=20))
    AgreementFactory(community=world.community, ends_on=today + timedelta(days=200))
    AgreementFactory(community=world.other_community, ends_on=today + timedelta(days=10))
    scan(sources=["agreement_expiring"])
    scan(sources=["agreement_expiring"])
    reminders = Notification.objects.filter(category="agreement_expiring")
    assert list(reminders.filter(object_id=soon.pk).values_list("recipient__username",
                                                                flat=True)) == ["staff"]
    assert reminders.filter(recipient__username="staff").count() == 1
    assert reminders.filter(recipient__username="staff_other").count() == 1


def test_ended_agreement_is_not_reminded(world):
    AgreementFactory(community=world.community, ends_on=timezone.localdate() + timedelta(days=5),
                     ended_on=timezone.localdate(), end_reason="提前终止")
    scan(sources=["agreement_expiring"])
    assert not Notification.objects.filter(category="agreement_expiring").exists()
