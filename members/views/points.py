"""Points pages: the rules (street officials edit them), adjustments and rankings."""
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.forms import saved
from kernel.request_params import year_param
from members import points, services
from members.forms import PointsAdjustForm, PointsRuleForm
from members.models import Member, PointsRule
from members.views.roster import editable_member
from organizations.models import Node
from organizations.scope import STREET_ROLES, require_grant
from organizations.streetsettings import rules as street_rules
from organizations.streetsettings.models import Key


def _street(request, pk):
    return get_object_or_404(Node.objects.overseen_by(request.user).filter(
        kind=Node.Kind.STREET), pk=pk)


@require_grant(*STREET_ROLES)
def points_rules(request, pk):
    street = _street(request, pk)
    rules = points.rules_for_branch(street)
    rows = [(item, label, rules.get(item)) for item, label in points.ITEMS.items()]
    return render(request, "members/points_rules.html", {
        "street": street, "rows": rows,
        "show_ranking": street_rules.shown_to(request.user, street, Key.POINTS_RANKING), "categories": dict(Member.Category.choices)})


@require_grant(*STREET_ROLES)
def points_rule_edit(request, pk, item):
    street = _street(request, pk)
    if item not in points.ITEMS:
        raise Http404
    current = points.rules_for_branch(street).get(item)
    own = PointsRule.objects.filter(node=street, item=item).first()
    initial = current or PointsRule(item=item)
    form = PointsRuleForm(request.POST or None, instance=PointsRule(
        node=street, item=item, points=initial.points, yearly_cap=initial.yearly_cap,
        exempt_categories=initial.exempt_categories) if own is None else own)
    if request.method == "POST" and form.is_valid():
        services.points_rule_save(node=street, item=item, points_value=form.cleaned_data["points"],
                                  yearly_cap=form.cleaned_data["yearly_cap"],
                                  exempt_categories=form.cleaned_data["exempt_categories"])
        messages.success(request, _("已保存积分规则，对本街道所有社区生效。"))
        return redirect("members:points_rules", pk=street.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("积分规则：%(item)s") % {"item": points.item_label(item)},
        "cancel_url": reverse("members:points_rules", args=[street.pk])})


@require_grant()
def points_adjust(request, pk):
    member = editable_member(request, pk)
    form = PointsAdjustForm(request.POST or None)

    def save():
        return services.points_adjust(member=member, points_delta=form.cleaned_data["points"],
                                      reason=form.cleaned_data["reason"],
                                      occurred_on=form.cleaned_data["occurred_on"],
                                      user=request.user)
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已调整积分。"))
        return redirect(member)
    return render(request, "form_page.html", {
        "form": form, "title": _("调整积分：%(name)s") % {"name": member.name},
        "cancel_url": member.get_absolute_url()})


@require_grant()
def points_ranking(request, pk):
    node = get_object_or_404(Node.objects.visible_to(request.user).filter(
        kind__in=[Node.Kind.STREET, Node.Kind.COMMUNITY, Node.Kind.BRANCH]), pk=pk)
    if not street_rules.shown_to(request.user, node, Key.POINTS_RANKING):
        raise Http404
    this_year = timezone.localdate().year
    year = year_param(request, "year", this_year, latest=this_year)
    return render(request, "members/points_ranking.html", {
        "node": node, "year": year, "years": range(this_year, this_year - 5, -1),
        "members": points.ranking(node, year, limit=100),
    })
