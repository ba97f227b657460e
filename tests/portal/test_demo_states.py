"""The demo street holds every state of every workflow (issue 14), and seeding twice adds
nothing."""
import pytest
import time_machine

from activities.models import Delivery, Meeting, Notification
from members.models import Member, PostClaim, Registration
from organizations.models import CommitteeSeat
from pairing.models import Agreement, Project
from portal import demo
from portal.models import Rectification

pytestmark = pytest.mark.django_db


def _seed():
    return demo.seed(demo.DemoContext(communities=2, members_per_community=12,
                                      log=lambda text: None))


def _states():
    return {
        "claims": set(PostClaim.objects.values_list("status", flat=True)),
        "ended_claims": PostClaim.objects.filter(ended_on__isnull=False).count(),
        "registrations": set(Registration.objects.values_list("status", flat=True)),
        "meetings": set(Meeting.objects.values_list("status", flat=True)),
        "rectifications": set(Rectification.objects.values_list("status", flat=True)),
        "projects": set(Project.objects.values_list("status", flat=True)),
        "agreements": {agreement.status for agreement in Agreement.objects.all()},
        "members": Member.objects.count(),
        "failed_sms": Delivery.objects.filter(channel="sms", status="failed").count(),
        "inbox_fallbacks": Notification.objects.filter(missed_channels="sms",
                                                       delivered_at__isnull=False).count(),
    }


@time_machine.travel("2026-12-01 10:00:00+08:00", tick=False)
def test_the_demo_holds_every_state_of_every_workflow():
    from datetime import date, timedelta

    from django.utils import timezone

    context = _seed()
    states = _states()
    assert states["claims"] == set(PostClaim.Status.values)
    assert states["ended_claims"] >= 1
    assert states["registrations"] == set(Registration.Status.values)
    assert states["meetings"] == set(Meeting.Status.values)
    assert Meeting.objects.filter(status="planned", ends_at__lt=timezone.now()).exists()
    assert states["rectifications"] == set(Rectification.Status.values)
    assert states["projects"] == set(Project.Status.values)
    assert {"expiring", "expired", "ended", "active"} <= states["agreements"]
    today = date(2026, 12, 1)
    assert any(today < member.probation_ends_on <= today + timedelta(days=14)
               for member in Member.objects.probationary())
    assert CommitteeSeat.objects.filter(ended_on__isnull=True, term_end__lt=today).exists()
    assert states["failed_sms"] >= 1 and states["inbox_fallbacks"] >= 1
    demo.seed(demo.DemoContext(communities=2, members_per_community=12, log=lambda text: None))
    assert _states() == states
    assert context.users["shuji"]
