"""Needy households, pairings with their care visits, and the contributions ledger.

Household details are personal data: only the holding community's staff open them (and each
opening is logged); street officials see counts and pairings without names."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.forms import saved
from kernel.request_params import id_param, page_param, search_param, year_param
from organizations.scope import Role, require_grant
from pairing import selectors, services
from pairing.forms import CareVisitForm, ContributionForm, EndForm, HouseholdForm, PairingForm
from pairing.models import Contribution, NeedyHousehold, Pairing
from pairing.views import (community_filter, form_page, readers, visible_communities,
                           writers)

PAGE_SIZE = 50


@readers
def household_list(request):
    households = NeedyHousehold.objects.visible_to(request.user).select_related("community")
    households, community = community_filter(request, households)
    show_closed = request.GET.get("closed") == "1"
    if not show_closed:
        households = households.active()
    # By the head's name as typed, in pinyin or initials (张三: zhangsan, zs), or phone.
    search = search_param(request)
    households = households.search(search, also=["phone"])
    return render(request, "pairing/household_list.html", {
        "households": households, "community": community, "show_closed": show_closed,
        "search": search,
        "communities": visible_communities(request),
        "counts": selectors.household_counts(request.user),
        "kinds": NeedyHousehold.Kind.labels,
        "can_write": selectors.staff_communities(request.user).exists()})


@writers
def household_create(request):
    form = HouseholdForm(request.POST or None, user=request.user)
    household = saved(form, lambda: services.household_save(household=form.instance))
    if household:
        messages.success(request, _("已登记困难家庭。"))
        return redirect(household)
    return form_page(request, form, _("登记困难家庭"), reverse("pairing:household_list"))


@require_grant(Role.COMMUNITY_STAFF)  # a read, but of personal data: not for the street
def household_detail(request, pk):
    household = get_object_or_404(NeedyHousehold.objects.visible_to(request.user)
                                  .select_related("community"), pk=pk)
    services.household_view_log(household=household, user=request.user)
    return render(request, "pairing/household_detail.html", {
        "household": household,
        "pairings": household.pairings.select_related("unit", "member"),
    })


@writers
def household_edit(request, pk):
    household = get_object_or_404(NeedyHousehold.objects.managed_by_staff(request.user), pk=pk)
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    if saved(form, lambda: services.household_save(household=form.instance)):
        messages.success(request, _("已保存。"))
        return redirect(household)
    return form_page(request, form, _("编辑困难家庭"), household.get_absolute_url())


def _staff_community_ids(user):
    return set(selectors.staff_communities(user).values_list("pk", flat=True))


@readers
def pairing_list(request):
    pairings = Pairing.objects.visible_to(request.user).select_related(
        "community", "unit", "member", "partner", "household")
    pairings, community = community_filter(request, pairings)
    kind = request.GET.get("kind", "")
    if kind in Pairing.Kind.values:
        pairings = pairings.filter(kind=kind)
    show_ended = request.GET.get("ended") == "1"
    if not show_ended:
        pairings = pairings.active()
    return render(request, "pairing/pairing_list.html", {
        "pairings": pairings, "community": community, "kind": kind, "show_ended": show_ended,
        "kinds": Pairing.Kind.choices, "communities": visible_communities(request),
        "staff_community_ids": _staff_community_ids(request.user)})


@writers
def pairing_create(request):
    form = PairingForm(request.POST or None, user=request.user)
    pairing = saved(form, lambda: services.pairing_start(pairing=form.instance))
    if pairing:
        messages.success(request, _("已建立结对。"))
        return redirect(pairing)
    return form_page(request, form, _("建立结对"), reverse("pairing:pairing_list"))


@readers
def pairing_detail(request, pk):
    pairing = get_object_or_404(Pairing.objects.visible_to(request.user).select_related(
        "community", "unit", "member", "partner", "household"), pk=pk)
    can_edit = pairing.community_id in _staff_community_ids(request.user)
    return render(request, "pairing/pairing_detail.html", {
        "pairing": pairing, "can_edit": can_edit,
        "visits": pairing.visits.all(),
        "contributions": pairing.contributions.select_related("unit"),
    })


@writers
def pairing_end(request, pk):
    pairing = get_object_or_404(Pairing.objects.managed_by_staff(request.user)
                                .filter(ended_on__isnull=True), pk=pk)
    form = EndForm(request.POST or None, not_before=pairing.started_on)
    if form.is_valid():
        services.pairing_end(pairing=pairing, ended_on=form.cleaned_data["ended_on"],
                             reason=form.cleaned_data["reason"])
        messages.success(request, _("结对已结束，记录保留。"))
        return redirect(pairing)
    return form_page(request, form, _("结束结对"), pairing.get_absolute_url())


@writers
def visit_create(request, pk):
    pairing = get_object_or_404(Pairing.objects.managed_by_staff(request.user), pk=pk)
    form = CareVisitForm(request.POST or None, pairing=pairing)
    if saved(form, lambda: services.care_visit_log(visit=form.instance)):
        messages.success(request, _("已记录走访慰问。"))
        return redirect(pairing)
    return form_page(request, form, _("记录走访慰问"), pairing.get_absolute_url())


@readers
def contribution_list(request):
    contributions = Contribution.objects.visible_to(request.user)
    contributions, community = community_filter(request, contributions)
    year = year_param(request, "year", "", earliest=1900)
    if year:
        contributions = contributions.filter(given_on__year=year)
    page = Paginator(contributions.select_related("community", "unit"), PAGE_SIZE).get_page(
        page_param(request))
    return render(request, "pairing/contribution_list.html", {
        "page": page, "community": community, "year": year,
        "communities": visible_communities(request),
        "totals": selectors.totals(contributions),
        "by_unit": selectors.yearly_totals(contributions, "unit__name"),
        "by_community": selectors.yearly_totals(contributions, "community__name"),
        "by_street": selectors.yearly_totals(contributions, "community__parent__name"),
        "can_write": selectors.staff_communities(request.user).exists(),
        "this_year": timezone.localdate().year})


@writers
def contribution_create(request):
    initial = {}
    pairing_id = id_param(request, "pairing")
    if pairing_id:
        pairing = get_object_or_404(Pairing.objects.managed_by_staff(request.user), pk=pairing_id)
        initial = {"pairing": pairing, "community": pairing.community, "unit": pairing.unit}
    form = ContributionForm(request.POST or None, user=request.user, initial=initial)
    contribution = saved(form, lambda: services.contribution_record(
        contribution=form.instance))
    if contribution:
        messages.success(request, _("已记入共建台账。"))
        return redirect(contribution.pairing or "pairing:contribution_list")
    return form_page(request, form, _("记录共建贡献"), reverse("pairing:contribution_list"))
