"""责任区认领 pages: a community's zones for a year, claimed and unclaimed. Street officials and
the community's staff read them; the staff record zones and claims."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.forms import add_service_errors
from kernel.request_params import year_param
from organizations.models import Node
from organizations.scope import STAFF_ROLES, STREET_ROLES, Role, covers, require_grant
from pairing.zones import services
from pairing.zones.forms import ClaimForm, ZoneForm
from pairing.zones.models import Claim, Zone
from pairing.zones.selectors import done_in_zones


def _year(request):
    return year_param(request, "year", timezone.localdate().year)


@require_grant(*STREET_ROLES, Role.COMMUNITY_STAFF)
def community_zones(request, pk):
    community = get_object_or_404(Node.objects.visible_to(request.user).filter(
        kind=Node.Kind.COMMUNITY), pk=pk)
    year = _year(request)
    zones = list(Zone.objects.visible_to(request.user).filter(community=community)
                 .select_related("grid"))
    claims = {claim.zone_id: claim for claim in Claim.objects.filter(
        zone__in=zones, year=year).select_related("zone", "unit", "branch")
        .prefetch_related("duties")}
    done = done_in_zones(claims.values())
    rows = [(zone, claims.get(zone.pk), done.get(claims[zone.pk].pk) if zone.pk in claims
             else None) for zone in zones]
    return render(request, "zones/community_zones.html", {
        "community": community, "year": year, "rows": rows,
        "claimed": sum(1 for _zone, claim, _done in rows if claim),
        "can_manage": covers(request.user, community.path, STAFF_ROLES)})


@require_grant(Role.COMMUNITY_STAFF)
def zone_create(request, pk):
    community = get_object_or_404(Node.objects.managed_by_staff(request.user).filter(
        kind=Node.Kind.COMMUNITY), pk=pk)
    form = ZoneForm(request.POST or None, community=community)
    back = reverse("zones:community", args=[community.pk])
    if request.method == "POST" and form.is_valid():
        try:
            zone = services.zone_create(community=community, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已添加责任区“%(name)s”。") % {"name": zone.name})
            return redirect(back)
    return render(request, "form_page.html", {
        "form": form, "title": _("添加责任区：%(name)s") % {"name": community.name},
        "cancel_url": back})


@require_grant(Role.COMMUNITY_STAFF)
def claim_create(request, pk):
    zone = get_object_or_404(Zone.objects.managed_by_staff(request.user)
                             .select_related("community"), pk=pk)
    form = ClaimForm(request.POST or None, zone=zone, initial={"year": _year(request)})
    back = reverse("zones:community", args=[zone.community_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_record(zone=zone, created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已登记认领。"))
            return redirect(f"{back}?year={form.cleaned_data['year']}")
    return render(request, "form_page.html", {
        "form": form, "title": _("登记认领：%(name)s") % {"name": zone.name},
        "cancel_url": back})
