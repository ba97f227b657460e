import json
import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from organizations.scope import Role, grants_of
from portal import dashboard_views, health

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """Each role lands where its daily work starts: district officials on the district
    dashboard, street officials on the street dashboard,
    community staff on the community dashboard, branch secretaries on the branch view."""
    grants = grants_of(request.user)
    if not grants and hasattr(request.user, "member"):
        return redirect("members:me")
    if not grants and not request.user.is_superuser:
        return render(request, "portal/no_role.html")
    landing = {Role.DISTRICT_OFFICIAL: dashboard_views.render_district_dashboard,
               Role.STREET_OFFICIAL: dashboard_views.render_street_dashboard,
               Role.COMMUNITY_STAFF: dashboard_views.render_community_dashboard,
               Role.BRANCH_SECRETARY: dashboard_views.render_branch_dashboard}
    for wanted, render_dashboard in landing.items():
        for _path, role, node in grants:
            # A district grant also reads as one per street (organizations.scope.grants_of):
            # the district official lands on the district itself.
            if role == wanted and (role != Role.DISTRICT_OFFICIAL
                                   or node.kind == node.Kind.DISTRICT):
                return render_dashboard(request, node)
    return render(request, "portal/home.html", {"grants": grants})


@never_cache
@require_safe
def healthz(request):
    """For the load balancer: "ok" (200) or "fail" (503), nothing else. Superusers read each
    check's result as JSON; the details name hosts and errors, so nobody else does."""
    results = health.run_checks()
    healthy = all(result.ok for result in results)
    for result in results:
        if not result.ok:
            logger.warning("Health check %s failed: %s", result.name, result.detail)
    status = 200 if healthy else 503
    if request.user.is_superuser:
        return JsonResponse({"status": "ok" if healthy else "fail", "checks": {
            result.name: {"ok": result.ok, "detail": result.detail, "ms": result.milliseconds}
            for result in results}}, status=status, json_dumps_params={"ensure_ascii": False})
    return HttpResponse("ok" if healthy else "fail", status=status,
                        content_type="text/plain; charset=utf-8")
# 社区党建 is the product's name, the same in every language (the manifest is fetched once
# and kept by the phone, whatever language the page that linked it was in).
MANIFEST = {
    "name": "社区党建", "short_name": "社区党建", "lang": "zh-CN",
    "start_url": "/", "scope": "/", "display": "standalone",
    "theme_color": "#b71c1c", "background_color": "#ffffff",
}


@require_safe
@cache_control(max_age=86400, public=True)
def manifest(request):
    """The web app manifest: members add the portal to their home screen like an app (适老化)."""
    icons = [{"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}",
              "type": "image/png", "purpose": "any maskable"} for size in (192, 512)]
    return HttpResponse(json.dumps({**MANIFEST, "icons": icons}, ensure_ascii=False),
                        content_type="application/manifest+json")
