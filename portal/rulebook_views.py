"""The rules page (portal.rulebook): read by the officials over a level, set by the level's own
(activities.meeting_rules.sets_rules_of), like the 三会一课 frequencies beside it."""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.meeting_rules import levels_below, rule_node, sets_rules_of
from kernel.dates import first_of_month_after
from kernel.forms import saved
from kernel.request_params import parse_month
from members.dues import local_rules
from members.dues.forms import LocalRuleForm
from members.dues.rates import RateBook
from organizations.scope import STREET_ROLES, require_grant
from portal.rulebook import SECTIONS


class RuleForm(forms.Form):
    def __init__(self, *args, section, node, **kwargs):
        super().__init__(*args, **kwargs)
        for value in section.values(node):
            field = value.field
            if field.boolean:
                self.fields[field.name] = forms.BooleanField(
                    label=field.label, required=False, initial=value.value)
            else:
                self.fields[field.name] = self._number(field, value.value, section.kept(value))

    @staticmethod
    def _number(field, current, kept):
        """A number within the field's bounds, or the value in force left as it is where saving
        it writes nothing new (`Section.kept`): one set outside them in the admin must not block
        saving the section's other fields."""
        bounds = {"low": field.low, "high": field.high}
        if not kept or field.low <= current <= field.high:
            return forms.IntegerField(label=field.label, min_value=field.low,
                                      max_value=field.high, initial=current,
                                      help_text=_("%(low)s 至 %(high)s") % bounds)

        def within(value):
            if value != current and not field.low <= value <= field.high:
                raise forms.ValidationError(_("请填写 %(low)s 至 %(high)s 之间的数。") % bounds)
        return forms.IntegerField(
            label=field.label, initial=current, validators=[within],
            help_text=_("%(low)s 至 %(high)s；现行值 %(current)s 不在此范围，可保持不变。") % {
                **bounds, "current": current})


def _section(request, pk, key):
    """The node and section, if the user sets the node's rules, else 404."""
    node = rule_node(request.user, pk)
    if key not in SECTIONS or not sets_rules_of(request.user, node):
        raise Http404
    return node, SECTIONS[key]


def _shown(section, node):
    values = section.values(node)
    return {"section": section, "values": values, "own": any(value.own for value in values)}


@require_grant(*STREET_ROLES)
def rulebook(request, pk):
    node = rule_node(request.user, pk)
    book = RateBook()
    steps = local_rules.schedule(node, book=book)
    return render(request, "portal/rulebook.html", {
        "node": node, "sections": [_shown(section, node) for section in SECTIONS.values()],
        "dues": [(rule, label, steps[rule]) for rule, label in local_rules.RULES.items()],
        "percent_standard": local_rules.percent_standard(node, book),
        "editable": sets_rules_of(request.user, node),
        "below": levels_below(node)})


@require_grant(*STREET_ROLES)
def section_edit(request, pk, key):
    node, section = _section(request, pk, key)
    form = RuleForm(request.POST if request.method == "POST" else None, section=section,
                    node=node)
    if request.method == "POST" and saved(form, lambda: section.set(node, form.cleaned_data)):
        messages.success(request, _("已保存%(section)s规则，对%(node)s及以下生效。") % {
            "section": section.title, "node": node.name})
        return redirect(reverse("rulebook:rules", args=[node.pk]) + f"#{section.key}")
    return render(request, "form_page.html", {
        "form": form, "cancel_url": reverse("rulebook:rules", args=[node.pk]),
        "title": _("%(section)s：%(node)s") % {"section": section.title, "node": node.name},
        "intro": section.intro})


@require_POST
@require_grant(*STREET_ROLES)
def section_clear(request, pk, key):
    node, section = _section(request, pk, key)
    if section.clear(node):
        messages.success(request, _("已恢复上级的%(section)s规则。") % {"section": section.title})
    else:
        messages.info(request, _("本级没有单独设置%(section)s规则。") % {"section": section.title})
    return redirect(reverse("rulebook:rules", args=[node.pk]) + f"#{section.key}")


def _dues_rule(request, pk, rule):
    node = rule_node(request.user, pk)
    if rule not in local_rules.RULES or not sets_rules_of(request.user, node):
        raise Http404
    return node


@require_grant(*STREET_ROLES)
def dues_edit(request, pk, rule):
    node = _dues_rule(request, pk, rule)
    steps = local_rules.schedule(node)[rule]
    next_month = first_of_month_after(local_rules.this_month(), 1)
    form = LocalRuleForm(request.POST if request.method == "POST" else None, rule=rule,
                         initial={"from_month": next_month.strftime("%Y-%m"),
                                  "value": steps[-1].value})

    def save():
        return local_rules.rule_set(node=node, rule=rule, value=form.cleaned_data["value"],
                                    from_month=form.cleaned_data["from_month"])
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已调整%(rule)s：自 %(month)s 起为%(value)s，对%(node)s及以下生效。") % {
            "rule": local_rules.RULES[rule], "value": local_rules.display(
                rule, form.cleaned_data["value"]),
            "month": form.cleaned_data["from_month"].strftime("%Y-%m"), "node": node.name})
        return redirect(reverse("rulebook:rules", args=[node.pk]) + "#dues")
    return render(request, "form_page.html", {
        "form": form, "cancel_url": reverse("rulebook:rules", args=[node.pk]) + "#dues",
        "title": _("%(section)s：%(node)s") % {"section": local_rules.RULES[rule],
                                              "node": node.name},
        "intro": _("%(steps)s。调整从下个月或以后起执行，本月和已过去月份的应交金额不变；同一月份再次调整的，以后一次为准。") % {
            "steps": _("；").join(step.described for step in steps)}})


@require_POST
@require_grant(*STREET_ROLES)
def dues_cancel(request, pk, rule, month):
    node = _dues_rule(request, pk, rule)
    from_month = parse_month(month)
    if from_month is None:
        raise Http404
    try:
        cancelled = local_rules.change_cancel(node=node, rule=rule, from_month=from_month)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if cancelled:
            messages.success(request, _("已撤销自 %(month)s 起的%(rule)s调整。") % {
                "month": month, "rule": local_rules.RULES[rule]})
        else:
            messages.info(request, _("没有可撤销的调整：已开始执行的标准不能撤销。"))
    return redirect(reverse("rulebook:rules", args=[node.pk]) + "#dues")
