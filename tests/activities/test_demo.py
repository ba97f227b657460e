"""The demo seed: idempotent, with compliant and red branches."""
from datetime import timedelta

import pytest
from django.utils import timezone

from activities.compliance import GREEN, RED, Span, branches_compliance
from activities.models import Attendance, CommunityActivity, Meeting
from portal import demo

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent_and_shows_green_and_red_branches():
    context = demo.seed(demo.DemoContext(communities=3, members_per_community=40, years=2,
                                         log=lambda text: None))
    counts = (Meeting.objects.count(), Attendance.objects.count(),
              CommunityActivity.objects.count())
    assert all(counts)
    demo.seed(demo.DemoContext(communities=3, members_per_community=40, years=2,
                               log=lambda text: None))
    assert (Meeting.objects.count(), Attendance.objects.count(),
            CommunityActivity.objects.count()) == counts
    last_month = Span.of("month", timezone.localdate().replace(day=1) - timedelta(days=1))
    _kinds, table = branches_compliance(context.branch_nodes, last_month)
    theme_days = {statuses["theme_day"].status for _branch, statuses in table}
    assert theme_days == {GREEN, RED}
    assert Meeting.objects.filter(status="held", starts_at__lt=timezone.now()
                                  - timedelta(days=365)).exists()
