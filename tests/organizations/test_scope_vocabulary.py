"""One scope vocabulary: each queryset method means the same roles on every model, and views
reach scope through those methods, never through the primitive."""
import ast
from pathlib import Path

import pytest
from django.apps import apps

from activities.models import CommunityActivity
from members.models import Post, PostClaim, Registration
from organizations.models import Grant, Grid, Node, ScopedQuerySet
from pairing.models import NeedyHousehold, Unit
from portal.models import Rectification

ROOT = Path(__file__).resolve().parents[2]
APPS = ("activities", "members", "organizations", "pairing", "portal")
PRIMITIVES = {"scope_q", "granted_paths"}


def _view_modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).parts
            if ("views" in parts or path.name.endswith("views.py")
                    or "templatetags" in parts):
                yield path


def test_no_view_or_templatetag_uses_the_scope_primitive():
    """Views and template tags call `visible_to` / `editable_by` / `managed_by_staff` /
    `overseen_by` / `covers`; `scope_q` and the raw grant lists stay inside the querysets."""
    offenders = []
    for path in _view_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.Name):
                names = [node.id]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            offenders += [f"{path.relative_to(ROOT)}:{node.lineno} {name}"
                          for name in names if name in PRIMITIVES]
    assert list(_view_modules()), "the scan found no views"
    assert offenders == []


def test_the_scan_finds_a_view_that_calls_scope_q(tmp_path):
    """The check above can fail: a views module calling scope_q is reported."""
    source = "from organizations.scope import scope_q\nx = scope_q(None, 'path')\n"
    found = [node for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Name) and node.id in PRIMITIVES]
    assert found


def _scoped_querysets():
    for model in apps.get_models():
        queryset = model._default_manager.all()
        if isinstance(queryset, ScopedQuerySet):
            yield model, queryset


def test_no_scoped_model_redefines_what_editable_by_means():
    """`editable_by` is the record keepers' write scope (staff and secretaries) everywhere; a
    model whose records secretaries must not write turns it off and names the narrower scope."""
    for model, queryset in _scoped_querysets():
        assert type(queryset).editable_by is ScopedQuerySet.editable_by, model
        assert type(queryset).managed_by_staff is ScopedQuerySet.managed_by_staff or \
            model is Unit, model


def test_records_held_by_a_community_are_not_written_by_secretaries():
    """A secretary's grant is on a branch, below any community: on records held by a community,
    `editable_by` would quietly mean "staff only", a second sense. Such models turn it off and
    their views say `managed_by_staff`."""
    held = [model for model, queryset in _scoped_querysets()
            if "community__" in type(queryset).scope_path]
    assert Grid in held and CommunityActivity in held
    assert [model for model in held if model.objects.all().secretaries_write] == []


@pytest.mark.parametrize("model", [Post, Grant, Node, NeedyHousehold, Rectification, Unit, Grid,
                                   CommunityActivity, PostClaim, Registration])
def test_models_that_secretaries_do_not_write_refuse_editable_by(world, model):
    with pytest.raises(TypeError):
        model.objects.editable_by(world.users["secretary"])


def test_posts_are_written_by_staff_only(world):
    from members.factories import PostFactory

    post = PostFactory(community=world.community)
    assert list(Post.objects.managed_by_staff(world.users["staff"])) == [post]
    assert not Post.objects.managed_by_staff(world.users["secretary"]).exists()
    assert not Post.objects.managed_by_staff(world.users["staff_other"]).exists()
    assert list(Post.objects.visible_to(world.users["official"])) == [post]


def test_street_pages_are_summarized_for_every_grant_inside_the_street(world):
    for role in ("official", "staff", "secretary"):
        assert world.street in Node.objects.summarized_for(world.users[role]), role
    assert world.street not in Node.objects.summarized_for(world.users["official_other"])
    # At or above the grant only: staff of a community do not summarize its sibling.
    assert world.other_community not in Node.objects.summarized_for(world.users["staff"])
    assert world.branch not in Node.objects.summarized_for(world.users["staff_other"])
