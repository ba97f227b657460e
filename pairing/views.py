"""Pages of co-building. Street officials read; community staff keep their community's records;
branch secretaries and members have no pairing pages (404)."""

from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.forms import saved
from kernel.request_params import id_param
from kernel.uploads import serve_file
from organizations.models import Node
from organizations.scope import STAFF_ROLES, STREET_ROLES, Role, covers, require_grant
from pairing import reports, selectors, services
from pairing.forms import (AgreementForm, EndForm, JointSeatForm, PeriodForm, ResourceForm,
                           ResourceWithdrawForm, UnitArchiveForm, UnitForm)
from pairing.models import (Agreement, Contribution, JointCommitteeSeat, Need, NeedyHousehold,
                            Pairing, Resource, Unit)

readers = require_grant(*STREET_ROLES, Role.COMMUNITY_STAFF)
writers = require_grant(Role.COMMUNITY_STAFF)


def form_page(request, form, title, cancel_url, submit_label=None):
    return render(request, "form_page.html", {"form": form, "title": title,
                                              "cancel_url": cancel_url,
                                              "submit_label": submit_label})


def community_filter(request, queryset, lookup="community"):
    """Narrow a list to one visible community chosen in ?community=; returns (rows, community).
    A value that names no visible community is a 404."""
    community_id = id_param(request, "community")
    if community_id is None:
        return queryset, None
    community = get_object_or_404(Node.objects.visible_to(request.user),
                                  pk=community_id, kind=Node.Kind.COMMUNITY)
    return queryset.filter(**{lookup: community}), community


def visible_communities(request):
    return list(Node.objects.visible_to(request.user).filter(
        kind=Node.Kind.COMMUNITY, archived_at__isnull=True).order_by("sort_order", "name"))


@readers
def overview(request):
    year = timezone.localdate().year
    contributions = Contribution.objects.visible_to(request.user)
    return render(request, "pairing/overview.html", {
        "year": year,
        "this_year": selectors.totals(contributions.filter(given_on__year=year)),
        "by_street": selectors.yearly_totals(contributions, "community__parent__name"),
        "by_community": selectors.yearly_totals(contributions.filter(given_on__year=year),
                                                "community__name"),
        "unit_count": Unit.objects.visible_to(request.user).active().count(),
        "agreement_count": Agreement.objects.visible_to(request.user).current().count(),
        "pairing_count": Pairing.objects.visible_to(request.user).active().count(),
        "open_need_count": Need.objects.visible_to(request.user).open().count(),
        "household_counts": selectors.household_counts(request.user),
        "household_kinds": NeedyHousehold.Kind.labels,
    })


# Units ------------------------------------------------------------------------------------

@readers
def unit_list(request):
    units = (Unit.objects.visible_to(request.user).select_related("street")
             .prefetch_related("communities").order_by(F("archived_at").asc(nulls_first=True),
                                                       "name"))
    show_archived = request.GET.get("archived") == "1"
    if not show_archived:
        units = units.active()
    units, community = community_filter(request, units, "communities")
    return render(request, "pairing/unit_list.html", {
        "units": units, "community": community, "communities": visible_communities(request),
        "show_archived": show_archived,
        "can_write": bool(selectors.staff_communities(request.user).exists())})


@writers
def unit_create(request):
    form = UnitForm(request.POST or None, user=request.user)
    unit = saved(form, lambda: services.unit_register(
        unit=form.instance, community=form.cleaned_data["community"]))
    if unit:
        messages.success(request, _("已登记共建单位“%(name)s”。") % {"name": unit.name})
        return redirect(unit)
    return form_page(request, form, _("登记共建单位"), reverse("pairing:unit_list"))


@readers
def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.visible_to(request.user).select_related("street",
                                                                                  "grid"), pk=pk)
    communities = list(unit.communities.order_by("sort_order"))
    return render(request, "pairing/unit_detail.html", {
        "unit": unit,
        "communities": communities,
        "record": selectors.unit_record_by_community(unit, request.user),
        "resources": unit.resources.order_by(F("withdrawn_on").asc(nulls_first=True), "category"),
        "seats": unit.joint_seats.filter(
            community__in=Node.objects.visible_to(request.user)).select_related("community"),
        # As Unit.objects.managed_by_staff: staff of one of the unit's communities.
        "can_edit": any(covers(request.user, community.path, STAFF_ROLES)
                        for community in communities),
        "period_form": PeriodForm(initial={"start": timezone.localdate().replace(month=1, day=1),
                                           "end": timezone.localdate()}),
    })


@writers
def unit_edit(request, pk):
    unit = get_object_or_404(Unit.objects.managed_by_staff(request.user), pk=pk)
    form = UnitForm(request.POST or None, instance=unit, user=request.user)
    if saved(form, lambda: services.unit_update(unit=form.instance)):
        messages.success(request, _("已保存。"))
        return redirect(unit)
    return form_page(request, form, _("编辑：%(name)s") % {"name": unit.name},
                      unit.get_absolute_url())


@writers
def unit_archive(request, pk):
    unit = get_object_or_404(Unit.objects.managed_by_staff(request.user).active(), pk=pk)
    blockers = services.unit_archive_blockers(unit)
    form = UnitArchiveForm(request.POST or None)
    if not blockers and saved(form, lambda: services.unit_archive(
            unit=unit, reason=form.cleaned_data["reason"])):
        messages.success(request, _("已将“%(name)s”归档，记录保留，可随时恢复。") % {"name": unit.name})
        return redirect(unit)
    return render(request, "pairing/unit_archive.html",
                  {"unit": unit, "form": form, "blockers": blockers})


@require_POST
@writers
def unit_restore(request, pk):
    unit = get_object_or_404(Unit.objects.managed_by_staff(request.user)
                             .filter(archived_at__isnull=False), pk=pk)
    services.unit_restore(unit=unit)
    messages.success(request, _("已恢复共建单位“%(name)s”。") % {"name": unit.name})
    return redirect(unit)


@writers
def resource_create(request, pk):
    # An archived unit offers nothing new; restore it first.
    unit = get_object_or_404(Unit.objects.managed_by_staff(request.user).active(), pk=pk)
    form = ResourceForm(request.POST or None, unit=unit)
    if saved(form, lambda: services.resource_offer(resource=form.instance)):
        messages.success(request, _("已登记资源。"))
        return redirect(unit)
    return form_page(request, form, _("%(unit)s：登记资源") % {"unit": unit.name},
                      unit.get_absolute_url())


@writers
def resource_withdraw(request, pk):
    resource = get_object_or_404(Resource.objects.managed_by_staff(request.user)
                                 .filter(withdrawn_on__isnull=True).select_related("unit"), pk=pk)
    form = ResourceWithdrawForm(request.POST or None)
    if saved(form, lambda: services.resource_withdraw(
            resource=resource, withdrawn_on=form.cleaned_data["withdrawn_on"],
            reason=form.cleaned_data["reason"])):
        messages.success(request, _("已撤回资源“%(title)s”，不再用于匹配需求，记录保留。")
                         % {"title": resource.title})
        return redirect(resource.unit)
    return form_page(request, form, _("撤回资源：%(title)s") % {"title": resource},
                     resource.unit.get_absolute_url(), submit_label=_("确认撤回"))


def _report_for(request, pk):
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=pk)
    form = PeriodForm(request.GET or None)
    if not form.is_valid():
        return unit, form, None
    return unit, form, reports.unit_feedback(unit, request.user, form.cleaned_data["start"],
                                             form.cleaned_data["end"])


@readers
def unit_report(request, pk):
    unit, form, report = _report_for(request, pk)
    return render(request, "pairing/unit_report.html",
                  {"unit": unit, "form": form, "report": report})


@readers
def unit_report_xlsx(request, pk):
    unit, form, report = _report_for(request, pk)
    if report is None:
        return redirect("pairing:unit_report", pk=unit.pk)
    response = HttpResponse(
        reports.unit_feedback_xlsx(report),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = (
        f'attachment; filename="unit-{unit.pk}-{report["start"]}-{report["end"]}.xlsx"')
    return response


# Agreements and the joint committee ------------------------------------------------------

@readers
def agreement_list(request):
    agreements = (Agreement.objects.visible_to(request.user)
                  .select_related("community", "unit").prefetch_related("areas"))
    agreements, community = community_filter(request, agreements)
    status = request.GET.get("status", "")
    rows = [agreement for agreement in agreements
            if not status or agreement.status == status]
    return render(request, "pairing/agreement_list.html", {
        "agreements": rows, "community": community, "status": status,
        "statuses": Agreement.Status.choices, "communities": visible_communities(request),
        "can_write": selectors.staff_communities(request.user).exists()})


@writers
def agreement_create(request):
    form = AgreementForm(request.POST or None, request.FILES or None, user=request.user)
    agreement = saved(form, lambda: services.agreement_sign(
        agreement=form.instance, areas=form.cleaned_data["areas"]))
    if agreement:
        messages.success(request, _("已登记共建协议。"))
        return redirect(agreement)
    return form_page(request, form, _("签订共建协议"), reverse("pairing:agreement_list"))


@readers
def agreement_detail(request, pk):
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user)
                                  .select_related("community", "unit"), pk=pk)
    return render(request, "pairing/agreement_detail.html", {
        "agreement": agreement, "areas": agreement.areas.all(),
        "can_edit": covers(request.user, agreement.community.path, STAFF_ROLES)})


@writers
def agreement_end(request, pk):
    agreement = get_object_or_404(Agreement.objects.managed_by_staff(request.user)
                                  .filter(ended_on__isnull=True), pk=pk)
    form = EndForm(request.POST or None, not_before=agreement.signed_on)
    if form.is_valid():
        services.agreement_end(agreement=agreement, ended_on=form.cleaned_data["ended_on"],
                               reason=form.cleaned_data["reason"])
        messages.success(request, _("协议已终止，记录保留。"))
        return redirect(agreement)
    return form_page(request, form, _("终止协议：%(title)s") % {"title": agreement},
                      agreement.get_absolute_url())


@readers
def agreement_document(request, pk):
    agreement = get_object_or_404(Agreement.objects.visible_to(request.user), pk=pk)
    if not agreement.document:
        raise Http404
    return serve_file(agreement.document, download_name=f"agreement-{agreement.pk}")


@writers
def joint_seat_create(request):
    form = JointSeatForm(request.POST or None, user=request.user)
    seat = saved(form, lambda: services.joint_seat_save(seat=form.instance))
    if seat:
        messages.success(request, _("已添加大党委兼职委员。"))
        return redirect(seat.unit)
    return form_page(request, form, _("添加大党委兼职委员"), reverse("pairing:unit_list"))


@writers
def joint_seat_edit(request, pk):
    seat = get_object_or_404(JointCommitteeSeat.objects.managed_by_staff(request.user), pk=pk)
    form = JointSeatForm(request.POST or None, instance=seat, user=request.user)
    if saved(form, lambda: services.joint_seat_save(seat=form.instance)):
        messages.success(request, _("已保存。"))
        return redirect(seat.unit)
    return form_page(request, form, _("编辑兼职委员：%(name)s") % {"name": seat.person_name},
                      seat.unit.get_absolute_url())
