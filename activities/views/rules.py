"""The meeting rules pages: a district's or a street's officials set how often the branches below
them must meet and when attendees are reminded (activities.meeting_rules), for their whole level
or for one community."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import meeting_rules
from activities.forms import MeetingRuleForm, ReminderLeadsForm
from activities.models import MeetingKind
from kernel.forms import saved
from organizations.scope import STREET_ROLES, require_grant


def _set_node(request, pk):
    """The node, if the user sets its rules (meeting_rules.sets_rules_of), else 404."""
    node = meeting_rules.rule_node(request.user, pk)
    if not meeting_rules.sets_rules_of(request.user, node):
        raise Http404
    return node


@require_grant(*STREET_ROLES)
def rule_list(request, pk):
    node = meeting_rules.rule_node(request.user, pk)
    return render(request, "activities/meeting_rules.html", {
        "node": node, "requirements": meeting_rules.requirements(node),
        "leads": meeting_rules.leads_of(node),
        "editable": meeting_rules.sets_rules_of(request.user, node),
        "below": meeting_rules.levels_below(node)})


@require_grant(*STREET_ROLES)
def rule_edit(request, pk, code):
    node = _set_node(request, pk)
    requirement = _requirement(node, code)
    current = requirement.rule
    form = MeetingRuleForm(request.POST if request.method == "POST" else None, initial={
        "period": current.period if current else "month",
        "minimum": current.minimum if current else 1})

    def save():
        return meeting_rules.rule_set(node=node, kind=requirement.kind,
                                      period=form.cleaned_data["period"],
                                      minimum=form.cleaned_data["minimum"])
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已保存%(kind)s的频次要求，对%(node)s以下各支部生效。") % {
            "kind": requirement.kind.label, "node": node.name})
        return redirect("activities:meeting_rules", pk=node.pk)
    return render(request, "form_page.html", {
        "form": form, "cancel_url": reverse("activities:meeting_rules", args=[node.pk]),
        "title": _("%(kind)s频次：%(node)s") % {"kind": requirement.kind.label,
                                               "node": node.name},
        "intro": _("上级的要求：%(above)s。本级只能提高频次，不能降低。") % {
            "above": meeting_rules.describe(requirement.above)}})


@require_POST
@require_grant(*STREET_ROLES)
def rule_clear(request, pk, code):
    node = _set_node(request, pk)
    requirement = _requirement(node, code)
    if meeting_rules.rule_clear(node=node, kind=requirement.kind):
        messages.success(request, _("已恢复上级对%(kind)s的要求：%(above)s。") % {
            "kind": requirement.kind.label, "above": meeting_rules.describe(requirement.above)})
    else:
        messages.info(request, _("本级没有单独设置%(kind)s的要求。") % {
            "kind": requirement.kind.label})
    return redirect("activities:meeting_rules", pk=node.pk)


@require_grant(*STREET_ROLES)
def reminders_edit(request, pk):
    node = _set_node(request, pk)
    leads = meeting_rules.leads_of(node)
    # Bound on every POST: one with every box unticked carries no field at all.
    form = ReminderLeadsForm(request.POST if request.method == "POST" else None,
                             current=leads.minutes,
                             initial={"leads": list(leads.minutes)})

    def save():
        return meeting_rules.leads_set(node=node, minutes=form.cleaned_data["leads"])
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已保存会议提醒时间，对%(node)s以下各支部的会议生效。") % {
            "node": node.name})
        return redirect("activities:meeting_rules", pk=node.pk)
    return render(request, "form_page.html", {
        "form": form, "cancel_url": reverse("activities:meeting_rules", args=[node.pk]),
        "title": _("会议提醒时间：%(node)s") % {"node": node.name}})


@require_POST
@require_grant(*STREET_ROLES)
def reminders_clear(request, pk):
    node = _set_node(request, pk)
    meeting_rules.leads_clear(node=node)
    messages.success(request, _("已恢复上级的会议提醒时间。"))
    return redirect("activities:meeting_rules", pk=node.pk)


def _requirement(node, code):
    return meeting_rules.requirements(node, [get_object_or_404(MeetingKind, code=code)])[0]
