"""The one scoping mechanism: who sees and changes which part of the tree."""
import pytest

from members.factories import MemberFactory
from members.models import Member
from organizations.factories import BranchFactory, UserFactory
from organizations.models import Grant, Grid, Node


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_staff_see_their_community_and_nothing_else(world):
    visible = names(Node.objects.visible_to(world.users["staff"]))
    assert visible == {"兰新社区党委", "兰新社区第一党支部", "第一党小组", "兰新社区西区党支部"}


def test_street_official_sees_the_whole_street_only(world):
    visible = names(Node.objects.visible_to(world.users["official"]))
    assert "袁庄社区第一党支部" in visible and "兰新社区第一党支部" in visible
    assert "东湖社区党委" not in visible


def test_secretary_sees_the_branch_and_its_groups(world):
    assert names(Node.objects.visible_to(world.users["secretary"])) == {
        "兰新社区第一党支部", "第一党小组"}


def test_anonymous_and_ungranted_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Node.objects.visible_to(AnonymousUser()).exists()
    assert not Node.objects.visible_to(UserFactory(username="nobody")).exists()


def test_superuser_sees_everything(world):
    assert Node.objects.visible_to(world.users["superuser"]).count() == Node.objects.count()


def test_superuser_sees_every_member_where_members_also_see_their_own(world, client_as):
    """Member.visible_to adds "or the user's own record" to the scope: for a superuser that
    must stay everyone, not shrink to the superuser's own record."""
    from django.urls import reverse

    from members.factories import MemberFactory
    from members.models import Member

    MemberFactory(branch=world.branch)
    superuser = world.users["superuser"]
    assert Member.objects.visible_to(superuser).count() == Member.objects.count() > 1
    assert client_as(superuser).get(
        reverse("members:member_detail", args=[world.member.pk])).status_code == 200


def test_a_path_prefix_does_not_leak_into_a_sibling_with_a_longer_id(world):
    """/1/ must not match /10/: paths end with a slash."""
    community_path = world.community.path
    assert community_path.endswith("/")
    sibling = Node.objects.filter(kind=Node.Kind.COMMUNITY).exclude(pk=world.community.pk)
    for node in sibling:
        assert not node.path.startswith(community_path)


def test_members_see_only_their_own_record(world):
    MemberFactory(branch=world.branch)
    assert list(Member.objects.visible_to(world.users["member"])) == [world.member]
    assert Member.objects.visible_to(world.users["staff"]).count() == 2
    assert not Member.objects.visible_to(world.users["staff_other"]).exists()


def _reads_the_user_column(queryset):
    return '"user_id"' in str(queryset.query).split(" WHERE ")[1]


@pytest.mark.parametrize("own_branch, scope_only", [
    ("branch", True),  # a secretary who is a member of the branch they keep
    ("other_branch", False),  # the same secretary, a member in another community
    (None, True),  # no member record at all: nothing of their own to add
])
def test_a_users_own_record_is_added_to_the_scope_only_when_the_scope_misses_it(
        world, own_branch, scope_only, django_assert_num_queries):
    """Member.visible_to is "in my scope, or my own record"; the OR is left out when the scope
    already holds the record, since on PostgreSQL it makes every roster read the whole table.
    Knowing where the record lies costs no query: it comes with the grants."""
    secretary = world.users["secretary"]
    own = MemberFactory(branch=getattr(world, own_branch), user=secretary) if own_branch else None
    MemberFactory(branch=world.branch)
    with django_assert_num_queries(2):  # the grants, with the own record's branch; the rows
        visible = set(Member.objects.visible_to(secretary))
    in_branch = set(Member.objects.filter(branch=world.branch))
    assert visible == in_branch | ({own} if own else set())
    assert _reads_the_user_column(Member.objects.visible_to(secretary)) != scope_only


def test_members_without_a_grant_and_district_officials_keep_their_own_record(district_world):
    world = district_world
    assert not _reads_the_user_column(Member.objects.visible_to(world.users["official"]))
    # A district official who is a member in another district's street.
    elsewhere = MemberFactory(branch=BranchFactory(parent=world.other_street_community),
                              user=world.users["district_official"])
    visible = Member.objects.visible_to(world.users["district_official"])
    assert elsewhere in visible and world.member in visible
    assert list(Member.objects.visible_to(world.users["member"])) == [world.member]


def test_street_officials_read_but_do_not_write_member_records(world):
    assert Member.objects.visible_to(world.users["official"]).exists()
    assert not Member.objects.editable_by(world.users["official"]).exists()
    assert Member.objects.editable_by(world.users["secretary"]).exists()


def test_grids_are_kept_by_staff_not_by_secretaries(world):
    assert Grid.objects.managed_by_staff(world.users["staff"]).get() == world.grid
    assert not Grid.objects.managed_by_staff(world.users["secretary"]).exists()


def test_only_community_staff_manage_grants(world):
    assert Grant.objects.managed_by_staff(world.users["staff"]).exists()
    assert not Grant.objects.managed_by_staff(world.users["official"]).exists()
    assert not Grant.objects.managed_by_staff(world.users["secretary"]).exists()


@pytest.mark.parametrize("role", ["staff_other", "official_other", "member"])
def test_outsiders_get_404_for_every_node_of_the_community(world, client_as, role):
    client = client_as(world.users[role])
    for node in Node.objects.filter(path__startswith=world.community.path):
        assert client.get(f"/org/{node.pk}/").status_code == 404
        assert client.get(f"/org/{node.pk}/edit/").status_code == 404


@pytest.mark.parametrize("role, by_id, expected", [
    ("member", True, {"far"}),
    ("secretary", True, {"mine", "far"}),
    ("staff", True, {"mine", "sibling", "far"}),
    ("official", False, {"mine", "sibling", "next_community", "far"}),
])
def test_meetings_of_a_scope_below_the_street_are_listed_by_id(world, role, by_id, expected):
    """Meeting.visible_to is "of my branches, or one I am invited to". For a community or a
    branch (or a member without a grant) it lists the ids, a UNION without an OR, which
    PostgreSQL answers from indexes; for a street the OR lets it walk the date index and stop
    after a page. Both forms give the same meetings."""
    from activities.factories import MeetingFactory
    from activities.models import Meeting

    far_branch = BranchFactory(parent=world.other_street_community)
    user = world.users[role]
    # The user's own member record was invited far away, say before a move.
    own = world.member if role == "member" else MemberFactory(branch=world.branch, user=user)
    meetings = {"mine": MeetingFactory(branch=world.branch),
                "sibling": MeetingFactory(branch=world.sibling_branch),
                "next_community": MeetingFactory(branch=world.other_branch),
                "far": MeetingFactory(branch=far_branch, attendees=[own])}
    visible = Meeting.objects.visible_to(user)
    assert set(visible) == {meetings[name] for name in expected}
    assert (" OR " in str(visible.query).split(" WHERE ", 1)[1]) != by_id
