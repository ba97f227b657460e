"""Shared test data: a small world of two streets, with one user for every role.

`world` is what the access matrix and most view tests use:
- street A (光明路) with community C1 (branch B1 with group G1, grid GR1; sibling branch B2)
  and community C2;
- street B (东湖) with community C3;
- users: member (a member of B1 with a login), secretary (of B1), staff (of C1),
  staff_other (of C2), official (of A), official_other (of B), secretary_other (of B2: a
  secretary of another branch in the same community), superuser.
"""
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from members.factories import MemberFactory
from organizations.factories import (BranchFactory, CommunityFactory, GrantFactory, GridFactory,
                                     GroupFactory, StreetFactory, UserFactory)
from organizations.scope import Role

ROLES = ["anonymous", "member", "secretary", "secretary_other", "staff", "staff_other",
         "official_other", "official", "district_official", "district_other"]


@dataclass
class World:
    street: object
    community: object
    branch: object
    group: object
    grid: object
    other_community: object
    other_branch: object
    other_street: object
    other_street_community: object
    member: object
    sibling_branch: object = None
    # Set by the `district_world` fixture only.
    district: object = None
    other_district: object = None
    users: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


# Every test starts at the same moment, so no result depends on the day the suite runs.
# CI runs the calendar-marked tests again at the awkward moments listed in .ci/calendar-moments
# (first and last days of months, quarters and years, 29 February, just before and after
# midnight in Shanghai when the UTC date differs) by setting PORTAL_TEST_NOW.
DEFAULT_TEST_NOW = "2026-11-18T10:00:00+08:00"


def test_now():
    """The moment the suite runs at: PORTAL_TEST_NOW (ISO 8601, naive = Asia/Shanghai)."""
    moment = datetime.fromisoformat(os.environ.get("PORTAL_TEST_NOW") or DEFAULT_TEST_NOW)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    return moment


test_now.__test__ = False  # a helper, not a test


# Reading the clock directly, or through the factories and demo data that date records from it.
CLOCK_READS = re.compile(r"timezone\.now|localdate|localtime|date\.today|datetime\.now|TODAY\b|"
                         r"test_now\(|MeetingFactory|ActivityFactory|RectificationFactory|"
                         r"InspectionFactory|seed_demo|\bdemo\b")


def pytest_collection_modifyitems(items):
    """A module that reads the clock holds calendar tests: CI runs them at every awkward moment.
    Marking by what the source reads keeps a new date-dependent test from escaping the matrix;
    a test of such a module that reads no date says so with `same_every_day` and its reason."""
    reads_clock = {}
    for item in items:
        path = str(item.path)
        if path not in reads_clock:
            reads_clock[path] = bool(CLOCK_READS.search(item.path.read_text(encoding="utf-8")))
        if reads_clock[path] and not item.get_closest_marker("same_every_day"):
            item.add_marker(pytest.mark.calendar)


@pytest.fixture(autouse=True)
def _fixed_clock(request):
    """The clock ticks from test_now(): code that measures durations still sees time pass.
    A test that needs the machine's own clock is marked `real_clock`."""
    if request.node.get_closest_marker("real_clock"):
        yield None
        return
    with time_machine.travel(test_now(), tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures are keyed by ids that the next test's database reuses."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _chinese():
    """The language middleware activates the request's language in the test's thread, where a
    page asked in English would otherwise leave the next test speaking English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def world(db):
    street = StreetFactory(name="光明路街道党工委")
    community = CommunityFactory(parent=street, name="兰新社区党委")
    branch = BranchFactory(parent=community, name="兰新社区第一党支部")
    group = GroupFactory(parent=branch, name="第一党小组")
    grid = GridFactory(community=community, name="第一网格")
    # B2: the branch next door, in the same community; its secretary must not reach B1.
    sibling_branch = BranchFactory(parent=community, name="兰新社区西区党支部")
    other_community = CommunityFactory(parent=street, name="袁庄社区党委")
    other_branch = BranchFactory(parent=other_community, name="袁庄社区第一党支部")
    other_street = StreetFactory(name="东湖街道党工委")
    other_street_community = CommunityFactory(parent=other_street, name="东湖社区党委")
    member_user = UserFactory(username="dangyuan", first_name="赵党员")
    # Fixed dates: tests of age bands and imports must not depend on the factory's sequence.
    member = MemberFactory(branch=branch, group=group, grid=grid, user=member_user, name="赵党员",
                           birth_date=date(1956, 5, 4), joined_on=date(1982, 7, 1),
                           full_member_on=date(1983, 7, 1))
    users = {"anonymous": None, "member": member_user,
             "superuser": UserFactory(username="admin", is_superuser=True, is_staff=True)}
    for role_name, node, role in [
        ("secretary", branch, Role.BRANCH_SECRETARY),
        ("secretary_other", sibling_branch, Role.BRANCH_SECRETARY),
        ("staff", community, Role.COMMUNITY_STAFF),
        ("staff_other", other_community, Role.COMMUNITY_STAFF),
        ("official", street, Role.STREET_OFFICIAL),
        ("official_other", other_street, Role.STREET_OFFICIAL),
    ]:
        users[role_name] = GrantFactory(user=UserFactory(username=role_name), node=node,
                                        role=role).user
    return World(street=street, community=community, branch=branch, group=group, grid=grid,
                 other_community=other_community, other_branch=other_branch,
                 other_street=other_street, other_street_community=other_street_community,
                 member=member, sibling_branch=sibling_branch, users=users)


@pytest.fixture
def district_world(world):
    """`world` with its streets in two districts: street A in 城关区, street B in 七里河区, each
    with a district official (`district_official`, `district_other`). Only the access matrix
    and the district tests use it: every other test keeps streets without a district."""
    from organizations.factories import DistrictFactory

    for street, name, username in [(world.street, "城关区", "district_official"),
                                   (world.other_street, "七里河区", "district_other")]:
        district = DistrictFactory(name=name)
        street.parent = district
        street.save()
        world.extra.setdefault("districts", []).append(district)
        world.users[username] = GrantFactory(user=UserFactory(username=username),
                                             node=district, role=Role.DISTRICT_OFFICIAL).user
    # The nodes below the streets now carry the district: reload the ones the tests hold.
    for name in ("community", "branch", "group", "other_community", "other_branch",
                 "other_street_community", "sibling_branch"):
        getattr(world, name).refresh_from_db()
    world.district, world.other_district = world.extra.pop("districts")
    return world


@pytest.fixture
def client_as(client):
    """client_as(user) → the test client logged in as that user (or anonymous for None)."""
    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client
    return login
