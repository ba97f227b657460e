from datetime import date

import pytest
from django.core.exceptions import ValidationError

from members.factories import MemberFactory
from members.models import Member
from organizations import selectors, services
from organizations.factories import (BranchFactory, CommunityFactory, GroupFactory, SeatFactory,
                                     StreetFactory)
from organizations.models import CommitteeSeat, Node, TermRule
from organizations.rules import most_specific


@pytest.fixture
def street(db):
    return StreetFactory()


def test_path_is_the_chain_of_ids(street):
    community = CommunityFactory(parent=street)
    branch = BranchFactory(parent=community)
    assert branch.path == f"/{street.pk}/{community.pk}/{branch.pk}/"
    assert branch.ancestor_ids() == [street.pk, community.pk, branch.pk]
    assert branch.community == community and branch.street == street


def test_moving_a_branch_carries_its_groups(street):
    first, second = CommunityFactory(parent=street), CommunityFactory(parent=street)
    branch = BranchFactory(parent=first)
    group = GroupFactory(parent=branch)
    services.node_move(node=branch, new_parent=second)
    group.refresh_from_db()
    assert group.path == f"/{street.pk}/{second.pk}/{branch.pk}/{group.pk}/"
    assert not Node.objects.under(first).filter(kind=Node.Kind.GROUP).exists()


def test_a_node_must_hang_under_the_right_level(street):
    with pytest.raises(ValidationError):
        services.node_move(node=BranchFactory(parent=CommunityFactory(parent=street)),
                           new_parent=street)


def test_archiving_is_refused_while_members_or_children_remain(street):
    community = CommunityFactory(parent=street)
    branch = BranchFactory(parent=community)
    member = MemberFactory(branch=branch)
    with pytest.raises(ValidationError) as refused:
        services.node_archive(node=branch, reason="合并")
    assert "1 名在册党员" in refused.value.messages[0]
    member.left_on = date(2026, 1, 1)
    member.save()
    services.node_archive(node=branch, reason="合并")
    assert Node.objects.active().filter(pk=branch.pk).count() == 0
    assert Node.objects.filter(pk=branch.pk).exists(), "archived, never deleted"
    with pytest.raises(ValidationError):
        services.node_archive(node=community, reason="撤并") if community.children.filter(
            archived_at__isnull=True).exists() else services.node_archive(
            node=street, reason="x")


def test_restoring_under_an_archived_parent_is_refused(street):
    community = CommunityFactory(parent=street)
    branch = BranchFactory(parent=community)
    services.node_archive(node=branch, reason="合并")
    services.node_archive(node=community, reason="撤并")
    with pytest.raises(ValidationError):
        services.node_restore(node=branch)
    services.node_restore(node=community)
    services.node_restore(node=branch)
    assert Node.objects.active().filter(pk=branch.pk).exists()


def test_tree_counts_branches_groups_and_members(street):
    community = CommunityFactory(parent=street)
    branches = [BranchFactory(parent=community) for _ in range(2)]
    GroupFactory(parent=branches[0])
    MemberFactory.create_batch(3, branch=branches[0])
    MemberFactory(branch=branches[1], left_on=date(2025, 1, 1))
    user = _superuser()
    (root,) = [node for node in selectors.tree_for(user) if node.pk == street.pk]
    assert (root.branch_count, root.group_count, root.member_count) == (2, 1, 3)
    (community_node,) = root.tree_children
    assert [child.member_count for child in community_node.tree_children] == [3, 0]


def _superuser():
    from organizations.factories import UserFactory

    return UserFactory(username="root", is_superuser=True)


@pytest.mark.parametrize("communities", [1, 5])
def test_tree_page_query_count_does_not_grow(street, client, django_assert_num_queries,
                                             communities):
    for _ in range(communities):
        branch = BranchFactory(parent=CommunityFactory(parent=street))
        GroupFactory(parent=branch)
        MemberFactory.create_batch(2, branch=branch)
    client.force_login(_superuser())
    # Per request: session read and save (idle timeout), user, grants, member link; the page:
    # nodes, party groups per branch and one aggregate of member counts. The same at any size.
    with django_assert_num_queries(10):
        assert client.get("/org/").status_code == 200


def test_structure_warnings_follow_the_rules(street):
    branch = BranchFactory(parent=CommunityFactory(parent=street))
    MemberFactory.create_batch(2, branch=branch)
    assert len(selectors.branch_structure_warnings(branch)) == 1  # fewer than 3 full members
    MemberFactory.create_batch(5, branch=branch)
    (warning,) = selectors.branch_structure_warnings(branch)
    assert "应成立支部委员会" in warning
    SeatFactory(node=branch, role=CommitteeSeat.Role.COMMITTEE_MEMBER)
    assert selectors.branch_structure_warnings(branch) == []
    MemberFactory.create_batch(44, branch=branch, status=Member.Status.PROBATIONARY)
    (warning,) = selectors.branch_structure_warnings(branch)
    assert "超过 50 名" in warning


def test_term_length_comes_from_the_rules_and_a_street_can_override_it(street):
    branch = BranchFactory(parent=CommunityFactory(parent=street))
    assert CommitteeSeat.default_term_end(branch, date(2024, 3, 1)) == date(2027, 3, 1)
    TermRule.objects.create(node=street, kind=Node.Kind.BRANCH, years=5)
    assert CommitteeSeat.default_term_end(branch, date(2024, 3, 1)) == date(2029, 3, 1)
    other_branch = BranchFactory()
    assert TermRule.years_for(other_branch) == 3
    community = branch.parent
    TermRule.objects.create(node=community, kind=Node.Kind.BRANCH, years=4)
    assert most_specific(TermRule.objects.filter(kind=Node.Kind.BRANCH), branch).years == 4


def test_leap_day_terms_end_on_28_february(street):
    branch = BranchFactory(parent=CommunityFactory(parent=street))
    assert CommitteeSeat.default_term_end(branch, date(2024, 2, 29)) == date(2027, 2, 28)
