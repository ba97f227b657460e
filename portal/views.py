from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from organizations.scope import Role, grants_of
from portal import dashboard_views


@login_required
def home(request):
    """Each role lands where its daily work starts: street officials on the street dashboard,
    community staff on the community dashboard, branch secretaries on the branch view."""
    grants = grants_of(request.user)
    if not grants and hasattr(request.user, "member"):
        return redirect("members:me")
    if not grants and not request.user.is_superuser:
        return render(request, "portal/no_role.html")
    landing = {Role.STREET_OFFICIAL: dashboard_views.render_street_dashboard,
               Role.COMMUNITY_STAFF: dashboard_views.render_community_dashboard,
               Role.BRANCH_SECRETARY: dashboard_views.render_branch_dashboard}
    for wanted, render_dashboard in landing.items():
        for _path, role, node in grants:
            if role == wanted:
                return render_dashboard(request, node)
    return render(request, "portal/home.html", {"grants": grants})
