"""How reminders reach a member: the member's own choice (phone page), and for the staff of the
member's community the 企业微信 link and every delivery with its channel and failure."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from activities import channels, selectors, services, wecom
from activities.forms import ReminderChannelsForm, WeComLinkForm
from kernel.forms import saved
from members.models import Member
from members.views.own import own_member
from organizations.scope import STAFF_ROLES, require_grant


def _link_or_unlink(request, member):
    """The 企业微信 part of both pages: (form, done) for a POST with action=link or unlink."""
    action = request.POST.get("action") if request.method == "POST" else None
    form = WeComLinkForm(request.POST if action == "link" else None)
    if action == "unlink":
        services.wecom_unlink(member=member)
        messages.success(request, _("已解除企业微信绑定。"))
        return form, True
    if action == "link" and saved(form, lambda: services.wecom_link(
            member=member, wecom_user_id=form.cleaned_data["wecom_user_id"])):
        messages.success(request, _("已绑定企业微信账号。"))
        return form, True
    return form, False


@login_required
def my_channels(request):
    member = own_member(request, related=())
    chosen = channels.channels_of(member)
    available = {"sms": bool(member.phone), "email": bool(request.user.email),
                 "wecom": bool(chosen.wecom_user_id) and wecom.configured()}
    initial = {name: getattr(chosen, name) and available[name] for name in available}
    choose = request.method == "POST" and request.POST.get("action") == "choose"
    form = ReminderChannelsForm(request.POST if choose else None, initial=initial,
                                available=available)
    link_form, linked = _link_or_unlink(request, member)
    if linked:
        return redirect("activities:my_channels")
    if choose and saved(form, lambda: services.reminder_channels_choose(
            member=member, **{name: (form.cleaned_data[name] if available[name]
                                     else getattr(chosen, name)) for name in available})):
        messages.success(request, _("已保存提醒方式。"))
        return redirect("activities:my_channels")
    return render(request, "activities/my_channels.html", {
        "member": member, "chosen": chosen, "form": form, "link_form": link_form,
        "wecom_on": wecom.configured()})


@require_grant(*STAFF_ROLES)
def member_channels(request, pk):
    """Staff of the member's community: link 企业微信, and read every delivery of the
    member's reminders with its channel and why it failed."""
    member = get_object_or_404(Member.objects.managed_by_staff(request.user)
                               .select_related("branch", "user"), pk=pk)
    link_form, linked = _link_or_unlink(request, member)
    if linked:
        return redirect("activities:member_channels", pk=member.pk)
    return render(request, "activities/member_channels.html", {
        "member": member, "chosen": channels.channels_of(member), "link_form": link_form,
        "wecom_on": wecom.configured(),
        "deliveries": selectors.deliveries_of(member)})
