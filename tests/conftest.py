"""Shared test data: a small world of two streets, with one user for every role.

`world` is what the access matrix and most view tests use:
- street A (光明路) with community C1 (branch B1 with group G1, grid GR1) and community C2;
- street B (东湖) with community C3;
- users: member (a member of B1 with a login), secretary (of B1), staff (of C1),
  staff_other (of C2), official (of A), official_other (of B), superuser.
"""
from dataclasses import dataclass, field
from datetime import date

import pytest

from members.factories import MemberFactory
from organizations.factories import (BranchFactory, CommunityFactory, GrantFactory, GridFactory,
                                     GroupFactory, StreetFactory, UserFactory)
from organizations.scope import Role

ROLES = ["anonymous", "member", "secretary", "staff", "staff_other", "official_other", "official"]


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
    users: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


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
                 member=member, users=users)


@pytest.fixture
def client_as(client):
    """client_as(user) → the test client logged in as that user (or anonymous for None)."""
    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client
    return login
