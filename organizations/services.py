"""Writes to the organization tree. Views call these; tests call them directly."""
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kernel import archiving
from organizations import occupants
from organizations.models import Grant, Node


def node_archive_blockers(node):
    """Reasons a node cannot be archived now: live children or members would be orphaned."""
    reasons = []
    children = node.children.filter(archived_at__isnull=True).count()
    if children:
        reasons.append(_("还有 %(n)d 个下级组织，请先撤销或移走。") % {"n": children})
    members = occupants.roster().count_under(node)
    if members:
        reasons.append(_("还有 %(n)d 名在册党员，请先转接。") % {"n": members})
    if node.kind == Node.Kind.COMMUNITY and node.grids.filter(archived_at__isnull=True).exists():
        reasons.append(_("还有网格，请先撤销网格。"))
    return reasons


@transaction.atomic
def node_archive(*, node, reason):
    return archiving.archive(node, reason=reason, blockers=node_archive_blockers(node))


@transaction.atomic
def node_restore(*, node):
    if node.parent_id and node.parent.archived_at:
        raise ValidationError(_("上级组织已撤销，请先恢复上级组织。"))
    return archiving.restore(node)


@transaction.atomic
def node_move(*, node, new_parent):
    node.parent = new_parent
    node.full_clean()
    node.save()
    return node


@transaction.atomic
def account_create(*, username, full_name, password, node, role):
    """A login with one grant: how staff give colleagues and secretaries access."""
    user = get_user_model().objects.create_user(
        username=username, password=password, first_name=full_name)
    grant = Grant(user=user, node=node, role=role)
    grant.full_clean()
    grant.save()
    return user
