"""Siblings come in their natural order (sort order, then creation), not in the text order of
their materialized paths, where "/1/2/100/" sorts before "/1/2/99/"."""
import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from activities.compliance import community_branches
from organizations import selectors, services
from organizations.factories import (BranchFactory, CommunityFactory, GroupFactory,
                                     StreetFactory, UserFactory)
from organizations.models import Node

# Primary keys that cross a digit boundary: as text, 100…106 sort before 95…99.
PKS = range(95, 107)


@pytest.fixture
def community(db):
    community = CommunityFactory(parent=StreetFactory())
    for pk in PKS:
        BranchFactory(pk=pk, parent=community, name=f"支部{pk}")
    return community


def _branch_pks(nodes):
    return [node.pk for node in nodes if node.kind == Node.Kind.BRANCH]


def test_twelve_siblings_come_in_creation_order_everywhere(community):
    assert sorted(node.path for node in Node.objects.under(community))[1].endswith("/100/")
    assert _branch_pks(Node.objects.under(community)) == list(PKS)
    assert _branch_pks(community_branches(community)) == list(PKS)
    root = selectors.tree_for(UserFactory(username="root", is_superuser=True))[0]
    assert _branch_pks(root.tree_children[0].tree_children) == list(PKS)


def test_the_tree_page_lists_them_in_that_order(community, client):
    client.force_login(UserFactory(username="root", is_superuser=True))
    html = client.get(reverse("organizations:tree")).content.decode()
    positions = [html.index(f"支部{pk}<") for pk in PKS]
    assert positions == sorted(positions)
    html = client.get(reverse("organizations:node_detail", args=[community.pk])).content.decode()
    positions = [html.index(f"支部{pk}<") for pk in PKS]
    assert positions == sorted(positions)


def test_the_sort_order_comes_first_and_carries_the_subtree(community):
    last = Node.objects.get(pk=PKS[-1])
    group = GroupFactory(parent=last)
    last.sort_order = 0
    Node.objects.filter(pk__in=PKS).exclude(pk=last.pk).update(sort_order=1)
    for node in Node.objects.filter(pk__in=PKS):
        node.save()  # each re-keyed with its new sort order
    order = list(Node.objects.under(community).values_list("pk", flat=True))
    assert order[1:3] == [last.pk, group.pk]
    assert order[3:] == list(PKS[:-1])


def test_a_move_carries_the_sort_key_of_the_subtree(community):
    branch = Node.objects.get(pk=PKS[0])
    group = GroupFactory(parent=branch)
    target = CommunityFactory(parent=community.parent)
    services.node_move(node=branch, new_parent=target)
    group.refresh_from_db()
    assert group.sort_key.startswith(target.sort_key)
    assert list(Node.objects.under(target)) == [target, branch, group]
    assert list(Node.objects.order_by("sort_key")) == [
        community.parent, community, *Node.objects.filter(pk__in=PKS[1:]), target, branch, group]


def test_the_migration_fills_the_keys_of_an_existing_tree(community):
    GroupFactory(parent=Node.objects.get(pk=PKS[3]))
    expected = dict(Node.objects.values_list("pk", "sort_key"))
    Node.objects.update(sort_key="")
    migration = importlib.import_module("organizations.migrations.0005_node_sort_key")
    migration.fill_sort_keys(apps, None)
    assert dict(Node.objects.values_list("pk", "sort_key")) == expected
