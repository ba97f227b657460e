"""The street settings page: its officials decide what the portal shows and asks (减负).

The same page on a district: its district officials set what every street of the district
shows and asks, unless the street has decided for itself (the street's own row wins)."""
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from organizations.models import Node
from organizations.scope import STREET_ROLES, require_grant
from organizations.streetsettings import services
from organizations.streetsettings.forms import StreetSettingsForm
from organizations.streetsettings.rules import settings_for


@require_grant(*STREET_ROLES)
def edit(request, pk):
    # A street's officials oversee their street only, a district's officials the district too.
    node = get_object_or_404(Node.objects.overseen_by(request.user).filter(
        kind__in=[Node.Kind.STREET, Node.Kind.DISTRICT]), pk=pk)
    form = StreetSettingsForm(request.POST or None, values=settings_for(node))
    if request.method == "POST" and form.is_valid():
        services.settings_set(street=node, values=form.cleaned_data)
        messages.success(request, _("已保存区级设置。") if node.kind == Node.Kind.DISTRICT
                         else _("已保存街道设置。"))
        return redirect("streetsettings:edit", pk=node.pk)
    return render(request, "streetsettings/edit.html", {
        "street": node, "form": form, "is_district": node.kind == Node.Kind.DISTRICT})
