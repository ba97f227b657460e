"""The demo holds every state of the volunteer workflow, so the crawl opens each page."""
import pytest

from activities.volunteers.models import (Certificate, ServiceCorrection, ServiceRecord, Team,
                                          TeamMembership, Volunteer, VolunteerEntry)
from portal import demo as portal_demo

pytestmark = pytest.mark.django_db


def test_demo_has_teams_volunteers_records_a_correction_and_a_certificate():
    context = portal_demo.seed(portal_demo.DemoContext(communities=2, members_per_community=12,
                                                       log=lambda text: None))
    community = context.community_nodes[0]
    assert Team.objects.filter(community=community, disbanded_on__isnull=True).count() == 6
    assert Team.objects.filter(community=community, disbanded_on__isnull=False).exists()
    assert Volunteer.objects.filter(community=community, member__isnull=True).exists()
    assert Volunteer.objects.filter(community=community, member__isnull=False).exists()
    assert TeamMembership.objects.filter(team__community=community,
                                         left_on__isnull=False).exists()
    assert ServiceRecord.objects.filter(community=community, activity__isnull=False).exists()
    assert ServiceCorrection.objects.filter(record__community=community).exists()
    assert Certificate.objects.filter(community=community).exists()
    assert VolunteerEntry.objects.filter(community=community).count() == 3
    # Idempotent: a second run adds nothing.
    before = ServiceRecord.objects.count()
    portal_demo.seed(context)
    assert ServiceRecord.objects.count() == before
