"""Dashboards: the figures, the links behind them, where each role lands, and a query count
that does not grow with the number of communities."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities import compliance_cache
from members.factories import MemberFactory
from members.models import Member
from organizations.factories import (BranchFactory, CommunityFactory, GrantFactory,
                                     StreetFactory, UserFactory)
from organizations.scope import Role
from portal.dashboards import street_scope, inspections_panel, members_panel
from portal.factories import InspectionFactory, RectificationFactory
from portal.models import Rectification

TODAY = timezone.localdate


def _street_with(communities):
    street = StreetFactory()
    for index in range(communities):
        community = CommunityFactory(parent=street, sort_order=index)
        for _branch in range(2):
            branch = BranchFactory(parent=community)
            MemberFactory.create_batch(2, branch=branch)
            MemberFactory(branch=branch, category=Member.Category.EMPLOYED,
                          status=Member.Status.PROBATIONARY, full_member_on=None)
        InspectionFactory(point__community=community)
        RectificationFactory(inspection__point__community=community)
        RectificationFactory(inspection__point__community=community,
                             deadline=TODAY() - timedelta(days=1))
    official = GrantFactory(user=UserFactory(), node=street, role=Role.STREET_OFFICIAL).user
    return street, official


def _queries(client, street, official):
    client.force_login(official)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboards:street", args=[street.pk]))
    assert response.status_code == 200
    return len(captured), response


# Session (read, and saved in a savepoint: 4), user, grants, the street, its communities, its
# branches (shared by the panels), 三会一课 (the branches to judge, five facts and the branches
# whose held meetings are counted for the cache: 7), members (counted for the cache: the
# communities' branches, by category and status, the employed by unit: 3),
# inspections, rectifications, ranking weights, six ranking inputs (the compliance rate reuses
# the panel's facts: its branches, 1), open rectifications, activities and hours (2), volunteer
# teams, volunteers and hours (1), posts, claims, registrations, contributions, the navigation's
# member link, account activation by branch and the disabled accounts among them (2), the
# street's settings (whether the ranking is shown), and the month's residents' wishes (1).
STREET_DASHBOARD_QUERIES = 41
# Once the 三会一课 figures are cached: the branches to judge and the facts (7) and the rate's
# branches (1) are not read, the meeting kinds are (1); nor are the members (3).
STREET_DASHBOARD_CACHED_QUERIES = STREET_DASHBOARD_QUERIES - 8 + 1 - 3


@pytest.mark.parametrize("communities", [2, 6])
def test_street_dashboard_query_count_does_not_grow(client, db, communities,
                                                   django_assert_num_queries):
    street, official = _street_with(communities)
    client.force_login(official)
    with django_assert_num_queries(STREET_DASHBOARD_QUERIES):
        response = client.get(reverse("dashboards:street", args=[street.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="status-dot status-red"') >= communities
    with django_assert_num_queries(STREET_DASHBOARD_CACHED_QUERIES):
        cached = client.get(reverse("dashboards:street", args=[street.pk]))
    assert cached.content.decode().count('class="status-dot status-red"') == \
        response.content.decode().count('class="status-dot status-red"')


def test_street_dashboard_figures(client, db):
    street, official = _street_with(2)
    count, response = _queries(client, street, official)
    scope = street_scope(street, TODAY())
    members = members_panel(scope).data
    assert members["totals"]["total"] == 12
    assert members["totals"]["probationary"] == 4
    assert members["totals"][Member.Category.EMPLOYED] == 4
    inspections = inspections_panel(scope).data
    assert inspections["totals"]["total"] == 6
    assert inspections["totals"]["failed"] == 4
    assert inspections["totals"]["open"] == 4
    assert inspections["totals"]["overdue"] == 2
    page = response.content.decode()
    for chart in ["chart-members", "chart-inspections", "chart-ranking"]:
        assert f'id="{chart}"' in page
    assert "<script>" not in page.replace('<script src=', '')


def test_every_figure_links_to_its_filtered_list(client, world):
    RectificationFactory(inspection__point__community=world.community,
                         deadline=TODAY() - timedelta(days=2))
    RectificationFactory(inspection__point__community=world.other_community)
    client.force_login(world.users["official"])
    page = client.get(reverse("dashboards:street", args=[world.street.pk])).content.decode()
    overdue_url = (reverse("dashboards:rectification_list")
                   + f"?community={world.community.pk}&amp;state=overdue")
    assert overdue_url in page
    listed = client.get(reverse("dashboards:rectification_list"),
                        {"community": world.community.pk, "state": "overdue"})
    assert len(listed.context["rectifications"]) == 1
    assert listed.context["rectifications"][0].community == world.community


@pytest.mark.parametrize("role, template_title", [
    ("official", "街道工作台"), ("staff", "社区工作台"), ("secretary", "支部工作台")])
def test_each_role_lands_on_its_dashboard(client, world, role, template_title):
    client.force_login(world.users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["title"] == template_title


def test_the_branch_view_lists_the_rectifications_due_this_week(client, world):
    due = RectificationFactory(inspection__point__community=world.community,
                               deadline=TODAY())
    RectificationFactory(inspection__point__community=world.community,
                         deadline=TODAY() + timedelta(days=30))
    RectificationFactory(inspection__point__community=world.other_community, deadline=TODAY())
    client.force_login(world.users["secretary"])
    response = client.get(reverse("dashboards:branch", args=[world.branch.pk]))
    tasks = next(panel for panel in response.context["panels"] if panel.key == "week_tasks")
    assert tasks.data["to_fix"] == [due]


def test_the_community_dashboard_shows_fixes_awaiting_acceptance(client, world):
    awaiting = RectificationFactory(inspection__point__community=world.community,
                                    deadline=TODAY(), status=Rectification.Status.FIXED,
                                    fixed_on=TODAY())
    client.force_login(world.users["staff"])
    response = client.get(reverse("dashboards:community", args=[world.community.pk]))
    tasks = next(panel for panel in response.context["panels"] if panel.key == "week_tasks")
    assert tasks.data["to_accept"] == [awaiting]
    assert tasks.data["to_fix"] == []


def _community_with(branches):
    from activities.factories import ActivityFactory, HeldMeetingFactory, MeetingFactory
    from members.factories import PostClaimFactory, PostFactory, RegistrationFactory
    from pairing.factories import ContributionFactory

    street = StreetFactory()
    community = CommunityFactory(parent=street)
    two_days_ago = timezone.now() - timedelta(days=2)
    for _index in range(branches):
        branch = BranchFactory(parent=community)
        MemberFactory(branch=branch, category=Member.Category.EMPLOYED)
        # Both two days ago, so they fall in the same month whatever the day (the report
        # below asks for that month).
        HeldMeetingFactory(branch=branch, starts_at=two_days_ago)
        MeetingFactory(branch=branch, starts_at=two_days_ago)
        ActivityFactory(community=community)
        PostClaimFactory(post=PostFactory(community=community))
        RegistrationFactory(community=community)
        ContributionFactory(community=community, given_on=TODAY())
        RectificationFactory(inspection__point__community=community)
    staff = GrantFactory(user=UserFactory(), node=community, role=Role.COMMUNITY_STAFF).user
    return street, community, staff


# Session (4), user, grants, the community and its street, this week's rectifications, its open
# task items, this week's work (5), its branches (shared by the panels), 三会一课 (7, as on the
# street's), members (3, as on the street's),
# inspections, rectifications, activities and hours (2), volunteer teams, volunteers and hours
# (1), posts, claims, registrations, contributions, the navigation's member link, account
# activation and the disabled accounts (2), the street's settings (whether the ranking button is
# shown), and the month's residents' wishes (1).
COMMUNITY_DASHBOARD_QUERIES = 40
# Session (4), user, grants, the street, its communities, rectifications, the dashboard panels
# (branches, 三会一课 7 as on the dashboard, inspections 2, activities 2, service 3,
# contributions, residents' wishes; the members as the dashboard above cached them), the month's
# meetings (and their kinds), activities and contributions.
STREET_REPORT_QUERIES = 31


@pytest.mark.parametrize("branches", [1, 4])
@pytest.mark.calendar
def test_community_dashboard_and_report_query_counts_do_not_grow(client, db, branches,
                                                                 django_assert_num_queries):
    street, community, staff = _community_with(branches)
    client.force_login(staff)
    with django_assert_num_queries(COMMUNITY_DASHBOARD_QUERIES):
        response = client.get(reverse("dashboards:community", args=[community.pk]))
    assert response.status_code == 200
    work = next(panel for panel in response.context["panels"] if panel.key == "week_work")
    assert work.data["unrecorded_count"] == branches
    official = GrantFactory(user=UserFactory(), node=street, role=Role.STREET_OFFICIAL).user
    client.force_login(official)
    month = f"{timezone.localdate() - timedelta(days=2):%Y-%m}"
    # Counted afresh: on most days the dashboard above has just cached the same counts.
    compliance_cache.HELD.renew([compliance_cache.EVERYWHERE])
    with django_assert_num_queries(STREET_REPORT_QUERIES):
        response = client.get(reverse("dashboards:monthly_report", args=[street.pk]),
                              {"month": month})
    assert response.status_code == 200
    assert len(response.context["report"].meetings) == 2 * branches


def test_the_activity_and_meeting_lists_take_the_dashboard_filters(client, world):
    from activities.factories import ActivityFactory, MeetingFactory

    ActivityFactory(community=world.community, title="本周的活动", held_on=TODAY())
    ActivityFactory(community=world.community, title="去年的活动",
                    held_on=TODAY() - timedelta(days=400))
    ActivityFactory(community=world.other_community, title="别的社区的活动", held_on=TODAY())
    MeetingFactory(branch=world.branch, topic="未记录的会",
                   starts_at=timezone.now() - timedelta(days=1))
    MeetingFactory(branch=world.other_branch, topic="别的支部的会",
                   starts_at=timezone.now() - timedelta(days=1))
    client.force_login(world.users["official"])
    page = client.get(reverse("activities:activity_list"), {
        "community": world.community.pk, "date_from": TODAY().replace(day=1).isoformat(),
        "date_to": TODAY().isoformat()}).content.decode()
    assert "本周的活动" in page and "去年的活动" not in page and "别的社区的活动" not in page
    page = client.get(reverse("activities:meeting_list"), {
        "node": world.community.pk, "status": "planned",
        "date_to": TODAY().isoformat()}).content.decode()
    assert "未记录的会" in page and "别的支部的会" not in page
    assert client.get(reverse("activities:activity_list"),
                      {"date_from": "bad", "date_to": "0001-01-01"}).status_code == 200
    # A community the portal never links to names nothing (kernel/request_params.py).
    for community in ("x", "²", "99999999999999999999"):
        assert client.get(reverse("activities:activity_list"),
                          {"community": community}).status_code == 404
    client.force_login(world.users["staff"])
    assert client.get(reverse("activities:activity_list"),
                      {"community": world.other_community.pk}).status_code == 404
