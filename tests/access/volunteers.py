from datetime import timedelta

from django.utils import timezone

from tests.access import COMMUNITY_READ, COMMUNITY_WRITE, Entry, expect
from tests.conftest import ROLES

# The lists: community staff and street officials, each seeing their own part.
LISTS = expect(secretary=404, staff_other=200, official_other=200)
# Creating: any community's staff (the form offers their own community only).
STAFF_CREATE = expect(secretary=404, staff_other=200, official=404)


def _records(world):
    from activities.factories import ActivityFactory
    from activities.volunteers.factories import (ServiceRecordFactory, TeamFactory,
                                                 TeamMembershipFactory)
    from activities.volunteers.services import certificate_issue

    if "team" in world.extra:
        return
    team = TeamFactory(community=world.community)
    membership = TeamMembershipFactory(team=team)
    # Served before the suite's clock at any calendar moment: certificates count past services.
    record = ServiceRecordFactory(volunteer=membership.volunteer, team=team,
                                  served_on=timezone.localdate() - timedelta(days=20))
    world.extra.update(
        team=team, membership=membership, volunteer=membership.volunteer, record=record,
        activity=ActivityFactory(community=world.community),
        certificate=certificate_issue(volunteer=membership.volunteer,
                                      community=world.community, user=None))


def _pk(key):
    return lambda world: {"pk": world.extra[key].pk}


ENTRIES = [
    Entry("volunteers:team_list", expect=LISTS),
    Entry("volunteers:team_create", expect=STAFF_CREATE),
    Entry("volunteers:team_detail", _pk("team"), setup=_records, expect=COMMUNITY_READ),
    Entry("volunteers:team_edit", _pk("team"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("volunteers:team_member_add", _pk("team"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("volunteers:team_member_leave", _pk("membership"), setup=_records,
          expect=COMMUNITY_WRITE),
    Entry("volunteers:volunteer_list", expect=LISTS),
    Entry("volunteers:volunteer_create", expect=STAFF_CREATE),
    Entry("volunteers:volunteer_detail", _pk("volunteer"), setup=_records, expect=COMMUNITY_READ),
    # An empty form: staff see its errors, nothing is saved.
    Entry("volunteers:volunteer_entry_add", _pk("volunteer"), setup=_records, method="post",
          expect=COMMUNITY_WRITE),
    Entry("volunteers:certificate_issue", _pk("volunteer"), setup=_records, method="post",
          expect=expect(staff=302, secretary=404, official=404)),
    Entry("volunteers:activity_record", _pk("activity"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("volunteers:record_correct", _pk("record"), setup=_records, expect=COMMUNITY_WRITE),
    Entry("volunteers:certificate_print", _pk("certificate"), setup=_records,
          expect=COMMUNITY_READ),
    # Public: whoever holds a certificate checks its number.
    Entry("volunteers:verify", expect={role: 200 for role in ROLES}),
]
