"""Lists and compliance pages run the same number of queries at two data sizes."""
import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from activities.factories import HeldMeetingFactory, MeetingFactory
from activities.models import Meeting, Notification
from members.factories import MemberFactory
from organizations.factories import BranchFactory, GroupFactory

pytestmark = pytest.mark.django_db


def grow(world, size):
    """`size` more branches in C1 with groups, members, held and planned meetings, notices."""
    content_type = ContentType.objects.get_for_model(Meeting)
    for index in range(size):
        branch = BranchFactory(parent=world.community)
        GroupFactory(parent=branch)
        members = MemberFactory.create_batch(2, branch=branch)
        held = HeldMeetingFactory(branch=branch, attendees=members,
                                  kinds=["theme_day", "committee_meeting"])
        MeetingFactory(branch=world.branch, attendees=[world.member])
        Notification.objects.create(content_type=content_type, object_id=held.pk,
                                    recipient=world.users["member"], kind=f"test:{index}",
                                    category="test", title="提醒", delivered_at=timezone.now())


PAGES = [
    ("staff", lambda w: reverse("activities:meeting_list")),
    ("staff", lambda w: reverse("activities:compliance_community", args=[w.community.pk])),
    ("staff", lambda w: reverse("activities:compliance_community", args=[w.community.pk])
     + "?period=year"),
    ("secretary", lambda w: reverse("activities:compliance_branch", args=[w.branch.pk])),
    ("official", lambda w: reverse("activities:compliance_street", args=[w.street.pk])),
    ("member", lambda w: reverse("activities:inbox")),
    ("staff", lambda w: reverse("activities:activity_list")),
    ("staff", lambda w: reverse("activities:calendar", args=[w.community.pk])),
]


@pytest.mark.parametrize("role, url", PAGES, ids=[f"{i}" for i in range(len(PAGES))])
def test_query_count_does_not_grow(world, client_as, django_assert_num_queries, role, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_as(world.users[role])
    grow(world, 2)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(world)).status_code == 200
    grow(world, 8)
    with django_assert_num_queries(len(small)):
        assert client.get(url(world)).status_code == 200


@pytest.mark.parametrize("role, url, expected", [
    ("staff", lambda w: reverse("activities:meeting_list"), 11),
    ("staff", lambda w: reverse("activities:compliance_community", args=[w.community.pk]), 14),
    # The street page reads its communities fresh beside the cached cells; the branches whose
    # meetings are counted (+1) are read when the counts are not cached.
    ("official", lambda w: reverse("activities:compliance_street", args=[w.street.pk]), 16),
    ("secretary", lambda w: reverse("activities:compliance_branch", args=[w.branch.pk]), 13),
    ("member", lambda w: reverse("activities:inbox"), 11),  # +1: on the roster (提醒方式 link)
], ids=["meetings", "community", "street", "branch", "inbox"])
def test_pinned_query_counts(world, client_as, django_assert_num_queries, role, url, expected):
    client = client_as(world.users[role])
    for size in (3, 12):
        grow(world, size)
        with django_assert_num_queries(expected):
            client.get(url(world))
