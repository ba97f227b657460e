"""大屏: the officials' page of kiosk links, and the screen those links open.

A street's links page is the street's officials', a district's the district's (another street's
or district's official, the district's street officials, staff, members and visitors get 404).
The screen and its figures need no login: the token in the path is the key, and an unknown,
revoked or expired token is a 404. Both answer GET only, are never cached or indexed, and send
no referrer (the token must not leak through a link or a log).
"""
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.defaults import page_not_found

from kernel.forms import saved
from organizations.models import Node
from organizations.scope import STREET_ROLES, require_grant
from portal.compliance_panels import STATUS_LABELS
from portal.dashboard_views import district_for_official
from portal.inspection_views import street_for_official
from portal.kiosk import figures, services
from portal.kiosk.forms import KioskLinkForm
from portal.kiosk.models import KioskLink

# The token of a link just created, shown once on the next page and then forgotten.
NEW_LINK_SESSION_KEY = "kiosk_new_link"


# The links page of a node, and its dashboard (the way back), by the node's kind.
LINKS_PAGE = {Node.Kind.STREET: "kiosk:link_list", Node.Kind.DISTRICT: "kiosk:district_link_list"}
DASHBOARD = {Node.Kind.STREET: "dashboards:street", Node.Kind.DISTRICT: "dashboards:district"}


@require_grant(*STREET_ROLES)
def link_list(request, pk):
    return _link_list(request, street_for_official(request, pk))


@require_grant(*STREET_ROLES)
def district_link_list(request, pk):
    return _link_list(request, district_for_official(request, pk))


def _link_list(request, node):
    form = KioskLinkForm(request.POST or None)
    if request.method == "POST":
        created = saved(form, lambda: services.link_create(
            node=node, label=form.cleaned_data["label"],
            expires_on=form.cleaned_data["expires_on"], user=request.user))
        if created:
            link, token = created
            request.session[NEW_LINK_SESSION_KEY] = [link.pk, token]
            messages.success(request, _("已创建大屏链接“%(label)s”。") % {"label": link.label})
            return redirect(LINKS_PAGE[node.kind], pk=node.pk)
    links = (KioskLink.objects.overseen_by(request.user).filter(node=node)
             .select_related("created_by", "revoked_by"))
    new_link = None
    pending = (request.session.pop(NEW_LINK_SESSION_KEY, None) if request.method == "GET"
               else None)
    if pending:
        link_pk, token = pending
        if any(link.pk == link_pk for link in links):
            new_link = request.build_absolute_uri(reverse("kiosk:screen", args=[token]))
    return render(request, "kiosk/links.html", {
        "node": node, "form": form, "links": links, "new_link": new_link,
        "dashboard_url": reverse(DASHBOARD[node.kind], args=[node.pk]),
        "today": timezone.localdate()})


@require_POST
@require_grant(*STREET_ROLES)
def link_revoke(request, pk):
    link = get_object_or_404(KioskLink.objects.overseen_by(request.user).select_related("node"),
                             pk=pk)
    services.link_revoke(link=link, user=request.user)
    messages.success(request, _("已撤销大屏链接“%(label)s”，使用它的屏幕将不再显示数据。")
                     % {"label": link.label})
    return redirect(LINKS_PAGE[link.node.kind], pk=link.node_id)


def _private(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def kiosk_response(view):
    """GET only; the token names the link (the portal's 404 page for any other, itself kept
    out of caches and indexes: its URL holds a token too); the answer is neither cached,
    indexed nor followed by a referrer."""
    @require_GET
    @wraps(view)
    def wrapped(request, token):
        link = services.link_for_token(token)
        if link is None:
            return _private(page_not_found(request, Http404()))
        services.link_seen(link)
        return _private(view(request, link, token))
    return wrapped


@kiosk_response
def screen(request, link, token):
    """A street's screen, or a district's with its streets side by side."""
    context = {"node": link.node, "figures": figures.node_figures(link.node),
               "figures_url": reverse("kiosk:figures", args=[token]),
               "refresh_seconds": settings.KIOSK_REFRESH_SECONDS}
    if link.node.kind == Node.Kind.DISTRICT:
        labels = {"branches": _("党支部"), "full": _("正式党员"), "probationary": _("预备党员"),
                  # kiosk.js fills in the page of the table of streets, and their number.
                  "page": _("第 %(page)s/%(pages)s 页"),
                  **{f"status_{status}": str(label) for status, label in STATUS_LABELS.items()}}
        return render(request, "kiosk/district_screen.html", {
            **context, "page_seconds": settings.KIOSK_PAGE_SECONDS, "labels": labels})
    return render(request, "kiosk/screen.html", {**context, "street": link.node,
                                                 "labels": {"branches": _("党支部")}})


@kiosk_response
def screen_figures(request, link, _token):
    return JsonResponse(figures.node_figures(link.node),
                        json_dumps_params={"ensure_ascii": False})
