"""The district level (区委): outside the paths, carried on every node, read by scope and rules."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from activities.compliance import Span, branch_compliance
from activities.models import MeetingKind, MeetingRule
from organizations.factories import (BranchFactory, CommunityFactory, DistrictFactory,
                                     GrantFactory, StreetFactory, UserFactory)
from organizations.models import Grant, Node
from organizations.scope import STREET_ROLES, Role, covers, grants_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def districts(world):
    """District D1 holds street A (and a second street A2); district D2 holds street B."""
    d1, d2 = DistrictFactory(name="城关区"), DistrictFactory(name="七里河区")
    for street, district in [(world.street, d1), (world.other_street, d2)]:
        street.parent = district
        street.save()
    for node in (world.community, world.branch, world.group, world.other_community,
                 world.other_branch, world.other_street_community):
        node.refresh_from_db()
    second = StreetFactory(parent=d1, name="酒泉路街道党工委")
    users = {name: GrantFactory(user=UserFactory(username=name), node=node,
                                role=Role.DISTRICT_OFFICIAL).user
             for name, node in [("quwei", d1), ("quwei_other", d2)]}
    return d1, d2, second, users


def test_a_street_keeps_its_path_and_its_subtree_carries_the_district(world, districts):
    d1, d2, _second, _users = districts
    world.street.refresh_from_db()
    assert world.street.path == f"/{world.street.pk}/"
    assert d1.path == f"/{d1.pk}/"
    branch = Node.objects.get(pk=world.branch.pk)
    assert branch.path == f"/{world.street.pk}/{world.community.pk}/{branch.pk}/"
    assert branch.district_id == d1.pk
    assert Node.objects.filter(path__startswith=world.street.path).exclude(
        district=d1).count() == 0
    # A new node reads its district from its parent, as it reads its path.
    assert BranchFactory(parent=world.community).district_id == d1.pk


def test_moving_a_street_to_another_district_moves_its_subtree_in_one_update(
        world, districts, django_assert_max_num_queries):
    d1, d2, _second, _users = districts
    street = Node.objects.get(pk=world.street.pk)
    paths = dict(Node.objects.values_list("pk", "path"))
    street.parent = d2
    # Six, and the savepoint of Node.save's transaction and its release: none per node moved.
    with django_assert_max_num_queries(8):
        street.save()
    assert set(Node.objects.filter(path__startswith=street.path)
               .values_list("district_id", flat=True)) == {d2.pk}
    assert dict(Node.objects.values_list("pk", "path")) == paths
    street.parent = None
    street.save()
    assert Node.objects.get(pk=world.group.pk).district_id is None


def test_ancestor_ids_put_the_district_first(world, districts):
    d1, *_rest = districts
    group = Node.objects.get(pk=world.group.pk)
    assert group.ancestor_ids() == [d1.pk, world.street.pk, world.community.pk,
                                    world.branch.pk, group.pk]
    assert list(group.ancestors()) == [d1, world.street, world.community, world.branch]
    assert Node.objects.get(pk=world.street.pk).parent_path == ""


def test_a_street_parent_must_be_a_district(world, districts):
    street = Node.objects.get(pk=world.street.pk)
    street.parent = world.other_street
    with pytest.raises(ValidationError):
        street.clean()
    street.parent = districts[0]
    street.clean()
    assert Node(kind=Node.Kind.DISTRICT, name="区").child_kind == Node.Kind.STREET


def test_a_district_grant_only_on_a_district(world, districts):
    grant = Grant(user=world.users["member"], node=world.street, role=Role.DISTRICT_OFFICIAL)
    with pytest.raises(ValidationError):
        grant.clean()
    assert Role.DISTRICT_OFFICIAL in STREET_ROLES


def test_a_district_official_reads_every_street_of_the_district_and_no_other(
        world, districts, django_assert_num_queries):
    d1, d2, second, users = districts
    user = users["quwei"]
    with django_assert_num_queries(2):
        nodes = {node for _path, _role, node in grants_of(user)}
        assert grants_of(user) is grants_of(user)
    assert nodes == {d1, world.street, second}
    assert covers(user, world.branch.path, STREET_ROLES)
    assert not covers(user, world.other_street_community.path)
    visible = set(Node.objects.visible_to(user).values_list("pk", flat=True))
    assert {world.street.pk, world.community.pk, world.branch.pk, second.pk, d1.pk} <= visible
    assert not visible & {world.other_street.pk, world.other_street_community.pk, d2.pk}
    assert set(Node.objects.overseen_by(user).filter(kind=Node.Kind.STREET)) == {
        world.street, second}


def test_a_street_official_grant_is_not_widened(world, districts, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert [node for _p, _r, node in grants_of(world.users["official"])] == [world.street]


@pytest.mark.parametrize("name, args", [
    ("dashboards:street", "street"), ("dashboards:community", "community"),
    ("dashboards:ranking", "street"), ("streetsettings:edit", "street"),
    ("dashboards:inspection_list", None)])
def test_the_district_official_opens_the_officials_pages_of_its_streets(
        world, districts, client_as, name, args):
    users = districts[3]
    url = reverse(name, args=[getattr(world, args).pk] if args else [])
    assert client_as(users["quwei"]).get(url).status_code == 200
    if args:
        assert client_as(users["quwei_other"]).get(url).status_code == 404


def _lecture_required(branch):
    branch = Node.objects.get(pk=branch.pk)
    return branch_compliance(branch, Span.year(date.today().year), date.today())[
        "party_lecture"].required


def test_rule_precedence_default_then_district_then_street(world, districts):
    d1, d2, second, _users = districts
    default = _lecture_required(world.branch)
    MeetingRule.objects.create(node=d1, kind_id=MeetingKind.PARTY_LECTURE, period="year",
                               minimum=default + 2)
    in_second = BranchFactory(parent=CommunityFactory(parent=second))
    assert _lecture_required(world.branch) == default + 2
    assert _lecture_required(in_second) == default + 2
    assert _lecture_required(world.other_branch) == default + 2
    other = BranchFactory(parent=world.other_street_community)
    assert _lecture_required(other) == default
    MeetingRule.objects.create(node=world.street, kind_id=MeetingKind.PARTY_LECTURE,
                               period="year", minimum=default + 1)
    assert _lecture_required(world.branch) == default + 1
    assert _lecture_required(in_second) == default + 2


def _cached_calls(community, calls):
    from activities import compliance_cache

    return compliance_cache.cached_by_community(
        "district-test", ("x",), [community.pk],
        lambda missing: {pk: calls.append(pk) or len(calls) for pk in missing})[community.pk]


def test_a_district_rule_or_a_street_changing_district_refreshes_the_cached_figures(
        world, districts):
    d1, d2, _second, _users = districts
    calls = []
    assert _cached_calls(world.community, calls) == _cached_calls(world.community, calls) == 1
    MeetingRule.objects.create(node=d1, kind_id=MeetingKind.TALK, period="year", minimum=3)
    assert _cached_calls(world.community, calls) == 2
    street = Node.objects.get(pk=world.street.pk)
    street.parent = d2
    street.save()
    assert _cached_calls(world.community, calls) == 3
    # Its descendants' district follows in one bulk UPDATE, which also announces itself.
    from activities import compliance_cache
    before = compliance_cache.CACHE.versions([compliance_cache.EVERYWHERE])
    Node.objects.filter(pk=world.branch.pk).update(district_id=d1.pk)
    assert compliance_cache.CACHE.versions([compliance_cache.EVERYWHERE]) != before


def test_district_settings_apply_to_its_streets_unless_a_street_decided(
        world, districts, client_as):
    from organizations.streetsettings.models import StreetSetting
    from organizations.streetsettings.rules import settings_for

    d1, _d2, second, users = districts
    url = reverse("streetsettings:edit", args=[d1.pk])
    assert client_as(world.users["official"]).get(url).status_code == 404
    assert client_as(users["quwei_other"]).get(url).status_code == 404
    client = client_as(users["quwei"])
    bad = client.post(url, {"weekly_ranking": "nonsense"})
    assert bad.status_code == 200 and bad.context["form"].errors["weekly_ranking"]
    assert client.post(url, {"weekly_ranking": "everyone", "points_ranking": "officials",
                             "qr_checkin": "off", "rectification_photo": "required"}
                       ).status_code == 302
    assert settings_for(world.community)["weekly_ranking"] == "everyone"
    assert settings_for(second)["rectification_photo"] == "required"
    assert settings_for(world.other_street_community)["weekly_ranking"] == "officials"
    StreetSetting.objects.create(node=world.street, key="weekly_ranking", value="off")
    assert settings_for(world.community)["weekly_ranking"] == "off"
    assert settings_for(second)["weekly_ranking"] == "everyone"


def test_the_development_board_of_a_district_official_is_a_street_of_the_district(
        world, districts, client_as):
    response = client_as(districts[3]["quwei"]).get(reverse("development:index"))
    assert response.status_code == 302
    assert response.url in {reverse("development:board", args=[street.pk])
                            for street in (world.street, districts[2])}
