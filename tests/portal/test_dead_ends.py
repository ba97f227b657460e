"""Links a role is shown lead to pages that role may open (issue 14: found by the crawl)."""
import re

from django.urls import reverse

from members.factories import MemberFactory, PostClaimFactory, PostFactory, RegistrationFactory
from organizations.streetsettings.services import settings_set


def _hrefs(response):
    return set(re.findall(r'href="([^"]+)"', response.content.decode()))


def test_the_secretary_reads_the_ranking_without_links_into_other_lists(world, client_as):
    # The street shows its ranking to its communities and branches (by default: officials only).
    settings_set(street=world.street, values={"weekly_ranking": "communities"})
    client = client_as(world.users["secretary"])
    response = client.get(reverse("dashboards:ranking", args=[world.street.pk]))
    assert response.status_code == 200
    assert "兰新社区党委" in response.content.decode()
    assert not [href for href in _hrefs(response) if "community=" in href
                or "/communities/" in href]
    staff = client_as(world.users["staff"]).get(
        reverse("dashboards:ranking", args=[world.street.pk]))
    linked = [href for href in _hrefs(staff) if "/compliance/" in href]
    assert linked and all(f"/communities/{world.community.pk}/" in href for href in linked)


def test_the_secretary_branch_page_links_only_what_the_secretary_may_open(world, client_as):
    client = client_as(world.users["secretary"])
    response = client.get(reverse("organizations:node_detail", args=[world.branch.pk]))
    assert response.status_code == 200
    for href in _hrefs(response):
        if href.startswith("/org/"):
            assert client.get(href).status_code == 200, href
    page = response.content.decode()
    assert "兰新社区党委" in page  # the breadcrumb names the community, without a link
    staff = client_as(world.users["staff"]).get(
        reverse("organizations:node_detail", args=[world.branch.pk]))
    assert reverse("organizations:node_move", args=[world.branch.pk]) in _hrefs(staff)


def test_the_secretary_sees_the_branch_members_requests_without_links_to_404(world, client_as):
    PostClaimFactory(post=PostFactory(community=world.community), member=world.member)
    PostClaimFactory(post=PostFactory(community=world.community),
                     member=MemberFactory(branch=world.other_branch))
    RegistrationFactory(community=world.community)
    client = client_as(world.users["secretary"])
    response = client.get(reverse("dashboards:branch", args=[world.branch.pk]))
    assert response.status_code == 200
    work = next(panel for panel in response.context["panels"] if panel.key == "week_work")
    assert (work.data["pending_claims"], work.data["claims_url"]) == (1, None)
    assert work.data["registrations_url"] is None
    for href in _hrefs(response):
        if href.startswith("/members/"):
            assert client.get(href).status_code == 200, href
    staff = client_as(world.users["staff"]).get(
        reverse("dashboards:community", args=[world.community.pk]))
    work = next(panel for panel in staff.context["panels"] if panel.key == "week_work")
    assert work.data["pending_claims"] == 2
    assert work.data["claims_url"] == reverse("members:post_board", args=[world.community.pk])


def test_the_official_is_not_shown_record_or_edit_links_that_answer_404(world, client_as):
    from datetime import timedelta

    from django.utils import timezone

    from activities.factories import MeetingFactory
    from organizations.factories import SeatFactory

    meeting = MeetingFactory(branch=world.branch, starts_at=timezone.now() - timedelta(days=2))
    seat = SeatFactory(node=world.community)
    official = client_as(world.users["official"])
    for url in [reverse("dashboards:community", args=[world.community.pk]),
                reverse("organizations:node_detail", args=[world.community.pk])]:
        response = official.get(url)
        assert response.status_code == 200
        for href in _hrefs(response):
            if href.startswith(("/org/", "/activities/meetings/")):
                assert official.get(href).status_code in (200, 302), href
    dashboard = official.get(reverse("dashboards:community", args=[world.community.pk]))
    assert reverse("activities:meeting_detail", args=[meeting.pk]) in _hrefs(dashboard)
    staff = client_as(world.users["staff"])
    assert reverse("activities:meeting_record", args=[meeting.pk]) in _hrefs(
        staff.get(reverse("dashboards:community", args=[world.community.pk])))
    assert reverse("organizations:seat_edit", args=[seat.pk]) in _hrefs(
        staff.get(reverse("organizations:node_detail", args=[world.community.pk])))
