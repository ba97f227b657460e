from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from organizations.scope import Role, grants_of


@login_required
def home(request):
    """Each role lands where its daily work starts."""
    grants = grants_of(request.user)
    if not grants and hasattr(request.user, "member"):
        return redirect("members:me")
    if not grants and not request.user.is_superuser:
        return render(request, "portal/no_role.html")
    roles = {role for _path, role, _node in grants}
    return render(request, "portal/home.html", {
        "grants": grants,
        "street_grants": [node for _p, role, node in grants if role == Role.STREET_OFFICIAL],
        "community_grants": [node for _p, role, node in grants if role == Role.COMMUNITY_STAFF],
        "branch_grants": [node for _p, role, node in grants if role == Role.BRANCH_SECRETARY],
        "roles": roles,
    })
