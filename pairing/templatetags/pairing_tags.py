from django import template
from django.utils import timezone

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
        "can_edit_joint_committee": selectors.staff_communities(user).filter(pk=node.pk).exists(),
    }
