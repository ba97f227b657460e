"""The district's 大屏: its links are the district officials' (not its streets' officials', not
another district's), and its screen puts the district's streets side by side with nothing
personal, each street's row what its own screen shows, at the same queries for two streets or
ten."""
import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.factories import ActivityFactory, ParticipationFactory
from members.factories import MemberFactory
from members.models import Member
from organizations.factories import BranchFactory, CommunityFactory, StreetFactory
from portal.factories import InspectionFactory
from portal.kiosk import figures as kiosk_figures
from portal.kiosk import services
from portal.kiosk.models import KioskLink
from tests.kiosk import links

pytestmark = pytest.mark.django_db


def _create(world, label="区委大屏", expires_on=None):
    return links.create(world.district, world.users["district_official"], label, expires_on)


def _links(district):
    return reverse("kiosk:district_link_list", args=[district.pk])


def _add_street(world, name, communities=1):
    street = StreetFactory(parent=world.district, name=name)
    for index in range(communities):
        community = CommunityFactory(parent=street, name=f"{name}第{index}社区")
        MemberFactory(branch=BranchFactory(parent=community))
    return street


def test_the_district_dashboard_links_to_its_kiosk_page(district_world, client_as):
    world = district_world
    page = client_as(world.users["district_official"]).get(
        reverse("dashboards:district", args=[world.district.pk])).content.decode()
    assert _links(world.district) in page


def test_a_district_official_creates_a_link_that_opens_the_district_screen(district_world,
                                                                          client_as):
    world = district_world
    client = client_as(world.users["district_official"])
    response = client.post(_links(world.district), {"label": "区委一楼大屏", "expires_on": ""})
    assert response.status_code == 302 and response["Location"] == _links(world.district)
    link = KioskLink.objects.get()
    assert (link.node, link.created_by) == (world.district, world.users["district_official"])
    page = client.get(_links(world.district)).content.decode()
    assert "返回区级工作台" in page and 'id="new-link"' in page
    token = page.split("/kiosk/screen/")[1].split("/")[0]

    client.logout()
    screen = client.get(links.screen(token))
    assert screen.status_code == 200 and "no-store" in screen["Cache-Control"]
    html = screen.content.decode()
    assert 'id="kiosk-streets"' in html and "城关区" in html and "区委一楼大屏" not in html
    data = client.get(links.figures(token)).json()
    assert data["district"] == "城关区"
    assert [row["street"] for row in data["streets"]] == [world.street.name]
    # Street B is in another district: not on this screen.
    assert world.other_street.name not in json.dumps(data, ensure_ascii=False)


def test_street_officials_and_another_district_cannot_manage_the_districts_links(
        district_world, client_as):
    world = district_world
    link, token = _create(world, label="区委东门大屏")
    revoke = reverse("kiosk:link_revoke", args=[link.pk])
    # Street A's own official (in the district), street B's, and the other district's.
    for role in ("official", "official_other", "district_other", "staff", "secretary",
                 "member"):
        client = client_as(world.users[role])
        assert client.get(_links(world.district)).status_code == 404, role
        assert client.post(_links(world.district), {"label": "x"}).status_code == 404, role
        assert client.post(revoke).status_code == 404, role
    # Street A's official lists street A's links: the district's are not among them.
    own = client_as(world.users["official"]).get(
        reverse("kiosk:link_list", args=[world.street.pk]))
    assert own.status_code == 200 and "区委东门大屏" not in own.content.decode()
    # A street's links page does not open on a district, nor a district's on a street.
    official = client_as(world.users["district_official"])
    assert official.get(reverse("kiosk:link_list", args=[world.district.pk])).status_code == 404
    assert official.get(_links(world.street)).status_code == 404
    assert KioskLink.objects.get().revoked_at is None and KioskLink.objects.count() == 1

    response = official.post(revoke)
    assert response.status_code == 302 and response["Location"] == _links(world.district)
    link.refresh_from_db()
    assert link.revoked_by == world.users["district_official"]
    assert client_as(None).get(links.figures(token)).status_code == 404


def test_revoked_and_expired_district_links_answer_404(district_world, client):
    world = district_world
    link, token = _create(world)
    expired, expired_token = _create(world, expires_on=timezone.localdate())
    assert client.get(links.figures(expired_token)).status_code == 200  # through its last day
    KioskLink.objects.filter(pk=expired.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1))
    assert client.get(links.screen(token)).status_code == 200
    services.link_revoke(link=link, user=world.users["district_official"])
    for bad in (token, expired_token):
        assert client.get(links.screen(bad)).status_code == 404
        assert client.get(links.figures(bad)).status_code == 404


def test_each_street_is_shown_as_its_own_screen_shows_it_and_the_district_adds_them_up(
        district_world, client):
    world = district_world
    MemberFactory.create_batch(3, branch=world.other_branch)
    MemberFactory(status=Member.Status.PROBATIONARY, branch=world.branch)
    second = _add_street(world, "新华街道党工委", communities=2)
    MemberFactory(branch=world.other_street_community.children.first()
                  or BranchFactory(parent=world.other_street_community))  # district B's
    _link, token = _create(world)
    data = client.get(links.figures(token)).json()
    streets = [kiosk_figures.screen_figures(street) for street in (world.street, second)]
    assert [row["street"] for row in data["streets"]] == [world.street.name, second.name]
    for row, street in zip(data["streets"], streets):
        assert row["members"] == street["members"]["total"]
        assert (row["full"], row["probationary"]) == (street["members"]["full"],
                                                      street["members"]["probationary"])
        assert row["communities"] == len(street["communities"])
        assert row["branches"] == street["branches"]["total"]
        assert row["wishes_done"] == street["wishes"]["done"]
    assert [row["members"] for row in data["streets"]] == [5, 2]
    assert data["totals"]["members"] == 7 and data["totals"]["probationary"] == 1
    assert data["totals"]["communities"] == 4
    assert data["totals"]["branches"] == sum(row["branches"] for row in data["streets"])
    assert len(data["contributions"]["kinds"]) == 4


def _row_on_its_own_screen(figures):
    """A street's row of the district screen, as read off the street's own screen."""
    compliance, inspections = figures["compliance"], figures["inspections"]["totals"]
    activities, volunteers = figures["activities"]["totals"], figures["volunteers"]["totals"]
    return {"street": figures["street"], "communities": len(figures["communities"]),
            "branches": figures["branches"]["total"], "members": figures["members"]["total"],
            "full": figures["members"]["full"],
            "probationary": figures["members"]["probationary"],
            **{status: sum(row[status] for row in compliance["summary"]) if compliance else 0
               for status in kiosk_figures.STATUSES},
            "red_branches": compliance["red_branches"] if compliance else 0,
            "inspections": inspections["total"],
            "passed": inspections["total"] - inspections["failed"],
            "failed": inspections["failed"], "open": inspections["open"],
            "activities": activities["activities"], "hours": activities["hours"],
            "volunteers": volunteers["volunteers"], "teams": volunteers["teams"],
            "volunteer_hours": volunteers["hours"],
            "wishes_received": figures["wishes"]["received"],
            "wishes_done": figures["wishes"]["done"], "wishes_open": figures["wishes"]["open"]}


def test_each_row_of_the_demo_is_what_the_streets_own_screen_shows(client):
    from organizations.models import Node
    from portal import demo as portal_demo

    context = portal_demo.seed(portal_demo.DemoContext(
        communities=2, members_per_community=8, streets=2, log=lambda text: None))
    district = Node.objects.get(kind=Node.Kind.DISTRICT)
    streets = list(Node.objects.filter(kind=Node.Kind.STREET, parent=district)
                   .order_by("sort_order", "name"))
    # Kept out of the counts as the street screen keeps them: a member who left, an archived
    # branch's member (counted) and an archived community's.
    community = streets[0].children.filter(kind=Node.Kind.COMMUNITY).first()
    MemberFactory(branch=BranchFactory(parent=community, archived_at=timezone.now()))
    MemberFactory(branch=community.children.first(), left_on=timezone.localdate())
    archived = CommunityFactory(parent=streets[1], archived_at=timezone.now())
    MemberFactory(branch=BranchFactory(parent=archived))
    # Figures of this year and month even in its first minute, when the demo has none yet.
    ParticipationFactory(activity=ActivityFactory(community=community,
                                                  held_on=timezone.localdate()))
    InspectionFactory(point__community=community)
    _link, token = services.link_create(node=district, label="大屏", expires_on=None,
                                        user=context.users["quwei"])
    data = client.get(links.figures(token)).json()
    own = [_row_on_its_own_screen(kiosk_figures.screen_figures(street)) for street in streets]
    assert data["streets"] == own
    for key in ("members", "full", "probationary", "branches", "activities", "hours",
                "volunteers", "teams", "inspections", "passed", "open"):
        assert data["totals"][key] == pytest.approx(sum(row[key] for row in own)), key
        assert data["totals"][key] > 0, key
    assert sum(data["totals"][status] for status in kiosk_figures.STATUSES) > 0
    kinds = [kiosk_figures.screen_figures(street)["contributions"]["kinds"]
             for street in streets]
    assert [kind["label"] for kind in data["contributions"]["kinds"]] == [
        kind["label"] for kind in kinds[0]]
    assert [kind["total"] for kind in data["contributions"]["kinds"]] == pytest.approx(
        [sum(street[index]["total"] for street in kinds) for index in range(len(kinds[0]))])
    assert any(kind["total"] for kind in data["contributions"]["kinds"])


def _add_communities(street, n):
    for index in range(n):
        community = CommunityFactory(parent=street, name=f"{street.name}新增{index}")
        MemberFactory(branch=BranchFactory(parent=community))


def test_the_figures_cost_the_same_queries_whatever_the_streets_and_communities(
        district_world, client, django_assert_num_queries):
    world = district_world
    second = _add_street(world, "新华街道党工委")
    _link, token = _create(world)

    def count_queries(streets):
        client.get(links.figures(token))  # the 三会一课 statuses are cached from now on
        with django_assert_num_queries(QUERIES):
            response = client.get(links.figures(token))
        assert len(response.json()["streets"]) == streets
        return response.json()

    assert count_queries(2)["totals"]["communities"] == 3
    _add_communities(world.street, 3)
    _add_communities(second, 4)
    assert count_queries(2)["totals"]["communities"] == 10
    _add_street(world, "东岗街道党工委", communities=3)
    assert count_queries(3)["totals"]["communities"] == 13


# The link and its last visit; the district's streets, their communities and branches; then a
# grouped query or two per figure (inspections, rectifications, activities, volunteer hours,
# volunteers, wishes, contributions), each over the whole district. The members are counted per
# community once, then read from the cache (test_the_screens_member_counts_follow_every_change_…).
QUERIES = 12


def test_the_screens_member_counts_follow_every_change_of_a_member(district_world, client):
    """The counts by status are cached per community: each write that changes them shows on
    the next refresh, in the street it left as in the one it joined."""
    from members import services as member_services

    world = district_world
    second = _add_street(world, "新华街道党工委")
    to_branch = second.children.first().children.first()
    _link, token = _create(world)
    today = timezone.localdate()

    def counts():
        rows = {row["street"]: (row["members"], row["full"], row["probationary"])
                for row in client.get(links.figures(token)).json()["streets"]}
        for street in (world.street, second):
            own = kiosk_figures.screen_figures(street)["members"]
            assert rows[street.name] == (own["total"], own["full"], own["probationary"])
        return rows[world.street.name], rows[second.name]

    (total, full, probationary), there = counts()
    member = MemberFactory(branch=world.branch, status=Member.Status.PROBATIONARY,
                           joined_on=today - timedelta(days=400))
    assert counts() == ((total + 1, full, probationary + 1), there)
    member_services.member_convert(member=member, decided_on=today)
    assert counts() == ((total + 1, full + 1, probationary), there)
    member_services.member_transfer(member=member, to_branch=to_branch, transferred_on=today)
    moved = (there[0] + 1, there[1] + 1, there[2])
    assert counts() == ((total, full, probationary), moved)
    # In bulk, as an import or a correction in the shell writes: every community again.
    Member.objects.filter(pk=member.pk).update(status=Member.Status.PROBATIONARY)
    assert counts() == ((total, full, probationary), (moved[0], moved[1] - 1, moved[2] + 1))
    member.refresh_from_db()
    member_services.member_leave(member=member, left_on=today,
                                 reason=Member.LeaveReason.TRANSFERRED_OUT)
    assert counts() == ((total, full, probationary), there)


def test_no_personal_data_on_the_district_screen(district_world, client):
    world = district_world
    second = _add_street(world, "新华街道党工委")
    people = [("欧阳铁柱", "13912345601", "62010219500101123X"),
              ("司马翠花", "13912345602", "620102195201021234")]
    for (name, phone, id_number), street in zip(people, (world.street, second)):
        branch = BranchFactory(parent=street.children.first())
        MemberFactory(branch=branch, name=name, phone=phone, id_number=id_number)
    _link, token = _create(world)
    page = client.get(links.screen(token)).content.decode()
    data = client.get(links.figures(token)).content.decode()
    assert json.loads(data)["totals"]["members"] == 4
    for text in (page, data):
        for person in people:
            for value in person:
                assert value not in text
        assert world.member.name not in text


def test_the_district_screen_of_the_demo_shows_nobodys_data(client):
    from organizations.models import Node
    from portal import demo as portal_demo

    context = portal_demo.seed(portal_demo.DemoContext(
        communities=2, members_per_community=8, streets=2, log=lambda text: None))
    district = Node.objects.get(kind=Node.Kind.DISTRICT)
    _link, token = services.link_create(node=district, label="大屏", expires_on=None,
                                        user=context.users["quwei"])
    page = client.get(links.screen(token)).content.decode()
    data = client.get(links.figures(token)).content.decode()
    assert len(json.loads(data)["streets"]) == 2 and json.loads(data)["totals"]["members"] > 0
    links.assert_no_personal_data(page, data)
