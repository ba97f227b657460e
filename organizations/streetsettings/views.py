"""The street settings page: its officials decide what the portal shows and asks (减负)."""
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
    street = get_object_or_404(Node.objects.overseen_by(request.user).filter(
        kind=Node.Kind.STREET), pk=pk)
    form = StreetSettingsForm(request.POST or None, values=settings_for(street))
    if request.method == "POST" and form.is_valid():
        services.settings_set(street=street, values=form.cleaned_data)
        messages.success(request, _("已保存街道设置。"))
        return redirect("streetsettings:edit", pk=street.pk)
    return render(request, "streetsettings/edit.html", {"street": street, "form": form})
