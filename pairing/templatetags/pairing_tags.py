from django import template
from django.utils import timezone

from organizations.scope import STAFF_ROLES, covers
from pairing import selectors

register = template.Library()


@register.inclusion_tag("pairing/_joint_committee.html", takes_context=True)
def joint_committee(context, node):
    """The 大党委 section of a community's organization page: `{% joint_committee node %}`."""
    user = context["request"].user
    return {
        "node": node,
        "joint_seats": selectors.joint_committee_for(node),
        "today": timezone.localdate(),
        "can_edit_joint_committee": (
            # As selectors.staff_communities, in memory.
            node.kind == node.Kind.COMMUNITY and node.archived_at is None
            and covers(user, node.path, STAFF_ROLES)),
    }
