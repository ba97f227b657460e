"""The benchmark machinery at a tiny scale, and query counts of the tree pages at two sizes."""
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from members.factories import MemberFactory
from organizations.factories import (BranchFactory, CommunityFactory, GrantFactory, GroupFactory,
                                     StreetFactory, UserFactory)
from organizations.scope import Role
from bench import pages as bench


@pytest.fixture
def bench_json(db, tmp_path):
    path = tmp_path / "bench.json"
    call_command("bench", scale="tiny", json_path=str(path), repeat=3, stdout=io.StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def bench_data(db):
    """The tiny scale seeded, for the tests that need its data and not its timings."""
    bench.seed("tiny", log=lambda text: None)


@pytest.mark.same_every_day(reason="the timing machinery; each page it times has its own "
                                   "calendar tests")
def test_bench_times_every_page_with_numbers(bench_json):
    expected = {page.label for page in bench.pages_to_run()}
    measured = {row["label"]: row for row in bench_json["pages"]}
    assert set(measured) == expected
    for row in measured.values():
        assert row["status"] == 200, row
        assert row["requests"] == 3
        assert 0 < row["median_ms"] <= row["p95_ms"] and row["cpu_ms"] > 0
        assert row["queries"] > 0
        assert row["x_floor"] > 0
    assert measured[bench.FLOOR.label]["x_floor"] == 1.0
    tree = measured["组织架构（街道干部）"]
    assert tree["compare"] == "organizations.node" and tree["x_admin"] > 0
    assert bench_json["scale"] == "tiny" and bench_json["seed_seconds"] > 0
    assert bench_json["rows"]["community_nodes"] == 2  # the demo's own, and the other street's
    assert bench_json["machine"]["cpus"] >= 1
    assert bench_json["rewarm_seconds"] > 0


@pytest.mark.same_every_day(reason="refusing a database that holds data: no date involved")
def test_bench_refuses_a_database_with_data_unless_reused(bench_data, tmp_path):
    path = tmp_path / "again.json"
    with pytest.raises(CommandError):
        call_command("bench", scale="tiny", json_path=str(path), repeat=1)
    call_command("bench", scale="tiny", json_path=str(path), repeat=1, reuse=True,
                 stdout=io.StringIO())
    assert json.loads(path.read_text(encoding="utf-8"))["scale"] == "reused"


def test_a_compared_admin_changelist_is_timed_even_when_not_listed():
    page = bench.Page("花名册", "home", compare="members.member")
    names = [p.url_name for p in bench.pages_to_run([page])]
    assert names == ["bench_floor", "bench_empty", "home", "admin:members_member_changelist"]


def test_percentile_interpolates():
    assert bench.percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert bench.percentile([10], 0.95) == 10
    assert bench.percentile(list(range(101)), 0.95) == 95


def make_street(communities, branches_per_community=3, members_per_branch=4):
    """A street of the given size, with its official."""
    street = StreetFactory()
    for _ in range(communities):
        community = CommunityFactory(parent=street)
        for _ in range(branches_per_community):
            branch = BranchFactory(parent=community)
            group = GroupFactory(parent=branch)
            MemberFactory.create_batch(members_per_branch, branch=branch, group=group)
    official = GrantFactory(user=UserFactory(), node=street, role=Role.STREET_OFFICIAL).user
    return street, official


# Session, user, grants, the nodes, the party groups per branch, the member counts, the member
# link (navigation), session save and its transaction.
TREE_QUERIES = 10


@pytest.mark.parametrize("communities", [1, 6])
def test_tree_queries_do_not_grow_with_the_street(db, client, django_assert_num_queries,
                                                  communities):
    _street, official = make_street(communities)
    client.force_login(official)
    with django_assert_num_queries(TREE_QUERIES):
        response = client.get(reverse("organizations:tree"))
    assert response.status_code == 200
    assert response.content.decode().count("党支部") >= communities * 3


@pytest.mark.parametrize("communities", [1, 6])
def test_node_pages_queries_do_not_grow_with_the_street(db, client, django_assert_num_queries,
                                                        communities):
    street, official = make_street(communities)
    community = street.children.first()
    branch = community.children.first()
    client.force_login(official)
    for node, queries in [(street, NODE_QUERIES["street"]),
                          (community, NODE_QUERIES["community"]),
                          (branch, NODE_QUERIES["branch"])]:
        with django_assert_num_queries(queries):
            response = client.get(node.get_absolute_url())
        assert response.status_code == 200


# The community page includes the joint committee (大党委) of the pairing app: one query more.
NODE_QUERIES = {"street": 12, "community": 15, "branch": 15}


def test_the_tree_lists_groups_only_under_a_root_branch(world, client_as):
    from organizations.selectors import tree_for

    MemberFactory(branch=world.branch, group=None)
    [street] = tree_for(world.users["official"])
    # B1, its sibling B2 in C1, and C2's branch.
    assert street.counts_text == "3 个支部 · 1 个党小组 · 2 名党员"
    community = next(node for node in street.tree_children if node == world.community)
    [branch] = [node for node in community.tree_children if node == world.branch]
    assert branch.counts_text == "1 个党小组 · 2 名党员" and branch.tree_children == []
    assert branch.url == world.branch.get_absolute_url()

    [own_branch] = tree_for(world.users["secretary"])
    [group] = own_branch.tree_children
    assert (group, group.counts_text) == (world.group, "1 名党员")
    page = client_as(world.users["secretary"]).get(reverse("organizations:tree")).content.decode()
    assert world.group.get_absolute_url() in page


@pytest.mark.parametrize("options", [{"users": 500}, {"seconds": 3600}, {"users": 0},
                                     {"think": "3-1"}, {"think": "often"}, {"think": "1-600"}])
def test_the_load_test_is_bounded(db, options):
    with pytest.raises(CommandError):
        call_command("loadtest", **options)


def test_the_load_test_needs_the_demo_logins(db):
    with pytest.raises(CommandError, match="演示账号"):
        call_command("loadtest", users=1, seconds=1)


def test_a_page_that_fails_names_itself(bench_data):
    data = bench.BenchData.load()
    broken = bench.Page("坏页面", "organizations:node_detail", lambda data: {"pk": "x"})
    with pytest.raises(Exception, match="坏页面"):
        bench.run(data, 1, pages=[broken])


def _grow_community(world, size):
    """`size` more members, held meetings with attendance, and rectifications in world's
    community: what the community and branch dashboards and a member's page summarise."""
    from activities.factories import HeldMeetingFactory
    from members import services
    from members.factories import PostFactory, RegistrationFactory
    from portal.factories import InspectionFactory, RectificationFactory

    members = MemberFactory.create_batch(size, branch=world.branch, group=world.group)
    post = PostFactory(community=world.community)
    for member in members:
        HeldMeetingFactory(branch=world.branch, attendees=members + [world.member])
        InspectionFactory(point__community=world.community)
        RectificationFactory(inspection__point__community=world.community)
        RegistrationFactory(member=member, community=world.community)
        services.post_claim_create(post=post, member=member)


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# The dashboards belong to portal/dashboards.py (edited elsewhere): their counts are compared
# between two sizes rather than pinned to a number, so they only fail on growth.
@pytest.mark.parametrize("role, url", [
    ("staff", lambda w: reverse("dashboards:community", args=[w.community.pk])),
    ("secretary", lambda w: reverse("dashboards:branch", args=[w.branch.pk])),
    ("official", lambda w: reverse("dashboards:street", args=[w.street.pk])),
])
def test_dashboard_queries_do_not_grow_with_the_data(world, client_as, role, url):
    client = client_as(world.users[role])
    _grow_community(world, 1)
    small = _queries(client, url(world))
    _grow_community(world, 8)
    assert _queries(client, url(world)) == small


# Session, user, grants, the member with its related rows in one join, "may edit", transfers,
# claims, registrations, points entries and total, the navigation's member link, session save:
# the same for a member with one claim and meeting or with eight.
# Includes the appraisal grades (民主评议党员): those decided by appraisal rounds and those
# recorded on appraisal meetings before rounds existed, one query each; the member's activation
# codes (发放记录); the letters out and in, stays away and contacts of members/moves.py; and the
# street's settings (whether the points ranking is linked).
MEMBER_DETAIL_QUERIES = 21


@pytest.mark.parametrize("size", [1, 8])
def test_member_detail_queries_are_pinned(world, client_as, django_assert_num_queries, size):
    _grow_community(world, size)
    client = client_as(world.users["staff"])
    with django_assert_num_queries(MEMBER_DETAIL_QUERIES):
        response = client.get(reverse("members:member_detail", args=[world.member.pk]))
    assert response.status_code == 200


@pytest.fixture
def city_json(db, tmp_path):
    path = tmp_path / "city.json"
    call_command("bench", scale="tiny-city", json_path=str(path), repeat=1, stdout=io.StringIO())
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_tiny_city_scale_fills_every_street(city_json):
    from activities.models import Meeting
    from members.models import Member
    from organizations.models import Node
    from portal.models import InspectionPoint
    from portal.tasklists.models import Task

    assert {row["status"] for row in city_json["pages"]} == {200}
    assert {row["label"] for row in city_json["pages"]} == \
        {page.label for page in bench.pages_to_run()}
    district = bench.BenchData.load().district
    streets = list(Node.objects.filter(parent=district, kind=Node.Kind.STREET))
    assert len(streets) == 3
    for street in streets:
        within = {"path__startswith": street.path}
        assert Node.objects.filter(kind=Node.Kind.COMMUNITY, **within).count() == 1
        assert Member.objects.filter(**{f"branch__{key}": value
                                        for key, value in within.items()}).count() >= 20
        assert Meeting.objects.filter(**{f"branch__{key}": value
                                         for key, value in within.items()}).exists()
        assert InspectionPoint.objects.filter(**{f"community__{key}": value
                                                 for key, value in within.items()}).exists()
        # Each street's task lists are issued by its own official, and its items reported by
        # a staff member of one of its communities.
        task = Task.objects.filter(street=street).first()
        assert task.issued_by.grants.filter(node=street).exists()
        actors = {event.actor for item in task.items.all() for event in item.events.all()}
        assert all(actor.grants.filter(node__path__startswith=street.path).exists()
                   for actor in actors)
    # The demo logins stay on the first street.
    assert bench.BenchData.load().street == min(streets, key=lambda node: node.pk)


def _street_page_queries(scale):
    from django.test import Client

    bench.seed(scale, log=lambda text: None)
    data = bench.BenchData.load()
    client = Client()
    client.force_login(data.users["jiedao"])
    return {name: _queries(client, reverse(name, args=[data.street.pk]))
            for name in ("dashboards:street", "activities:compliance_street")}


def test_a_street_costs_the_same_queries_alone_and_among_streets(db):
    from django.db import transaction

    # Seed one scale, count, roll back, then the other: the same first street both times.
    counts = {}
    for scale in ("tiny", "tiny-city"):
        with transaction.atomic():
            counts[scale] = _street_page_queries(scale)
            transaction.set_rollback(True)
    assert counts["tiny"] == counts["tiny-city"]


def _source_queries(**sizes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from activities import reminders

    bench.seed("tiny-city", log=lambda text: None, **sizes)
    now, measured = timezone.now(), {}
    for name, source in reminders.SOURCES.items():
        with CaptureQueriesContext(connection) as captured:
            found = len(list(source.scan(now)))
        measured[name] = (len(captured), found)
    return measured


def test_each_reminder_source_costs_the_same_queries_at_two_sizes(db):
    from django.db import transaction

    measured = {}
    for size, streets, communities in (("small", 2, 1), ("large", 4, 2)):
        with transaction.atomic():
            measured[size] = _source_queries(streets=streets, communities=communities)
            transaction.set_rollback(True)
    small, large = measured["small"], measured["large"]
    assert sum(found for _queries, found in large.values()) > \
        sum(found for _queries, found in small.values()) > 0
    # A source may ask once more when it finds something (e.g. whom to tell), never per row:
    # compared where both sizes found something or both found nothing.
    compared = [name for name in small if bool(small[name][1]) == bool(large[name][1])]
    assert len(compared) >= len(small) - 3
    assert {name: small[name][0] for name in compared} == \
        {name: large[name][0] for name in compared}


@pytest.mark.parametrize("reuse", [False, True])
def test_bench_reminders_reports_each_scan_and_rolls_back(db, reuse):
    from activities.models import Notification
    from members.models import Member

    if reuse:
        bench.seed("tiny", log=lambda text: None)
    before = Member.objects.count(), Notification.objects.count()
    out = io.StringIO()
    call_command("bench_reminders", members=30, meetings=10, branches=3, reuse=reuse, stdout=out)
    text = out.getvalue()
    # Not "0 found": at 23:59 the next tick is on the next day, which runs every source again.
    assert "first scan:" in text and "next tick, nothing written:" in text
    assert "a tick after a meeting was moved:" in text
    assert "source meeting_upcoming:" in text
    assert (Member.objects.count(), Notification.objects.count()) == before


def test_the_load_test_tells_the_district_journey_its_district_and_streets(bench_data, tmp_path):
    from bench.management.commands.loadtest import server_env

    data = bench.BenchData.load()
    env = server_env(1, 3, str(tmp_path / "run"))
    assert env["BENCH_DISTRICT"] == str(data.district.pk)
    streets = {int(pk) for pk in env["BENCH_DISTRICT_STREETS"].split(",")}
    assert data.street.pk in streets
    assert streets == set(data.district.children.values_list("pk", flat=True))
