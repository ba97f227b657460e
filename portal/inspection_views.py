"""督查整改 pages: points, daily inspections, rectifications, the daily bulletin and the weekly
ranking. Street officials write inspections, acceptances and weights; community staff write
fixes; everyone else with a grant in the community reads."""
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.forms import saved
from kernel.request_params import day_param
from kernel.uploads import serve_file
from organizations.models import Node
from organizations.streetsettings import rules as street_rules
from organizations.streetsettings.models import Key
from organizations.scope import (STAFF_ROLES, STREET_ROLES, Role, covers, has_role,
                                 require_grant)
from portal import services
from portal.inspection_forms import (InspectionFilterForm, InspectionForm, InspectionPointForm,
                                     RankingWeightsForm, RectificationFilterForm,
                                     RectificationFixForm, RectificationReturnForm,
                                     community_ids)
from portal.models import (Inspection, InspectionPoint, Rectification, RectificationEvent)
from portal.ranking import RANKING_INPUTS, week_of, weekly_ranking, weights_for
from portal.tasklists import selectors as task_selectors


def street_for_reader(request, pk):
    """A street whose pages (bulletin, ranking) any grant inside it may read: every community
    checks its own place, so the figures of all the street's communities are shown."""
    return get_object_or_404(
        Node.objects.summarized_for(request.user).filter(kind=Node.Kind.STREET), pk=pk)


def street_for_official(request, pk):
    return get_object_or_404(
        Node.objects.overseen_by(request.user).filter(kind=Node.Kind.STREET), pk=pk)


def is_official(user):
    return user.is_superuser or has_role(user, *STREET_ROLES)


def _flash_errors(request, error):
    for message in error.messages:
        messages.error(request, message)


@require_grant()
def point_list(request):
    points = (InspectionPoint.objects.visible_to(request.user).select_related("community")
              .annotate(inspection_count=Count("inspections"),
                        failed_count=Count("inspections", filter=Q(
                            inspections__result=Inspection.Result.FAIL)))
              .order_by("community__sort_order", "community__name", "archived_on", "kind",
                        "name"))
    ids = community_ids(request.GET.get("community"))
    if ids:
        points = points.filter(community__in=ids)
    can_manage = is_official(request.user)
    return render(request, "portal/point_list.html", {
        "points": points, "can_manage": can_manage, "filtered": bool(ids)})


@require_grant(*STREET_ROLES)
def point_create(request):
    form = InspectionPointForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        point = form.save()
        messages.success(request, _("已添加点位“%(name)s”。") % {"name": point.name})
        return redirect("dashboards:point_list")
    return render(request, "form_page.html", {
        "form": form, "title": _("添加督查点位"), "cancel_url": reverse("dashboards:point_list")})


@require_grant(*STREET_ROLES)
def point_edit(request, pk):
    point = get_object_or_404(InspectionPoint.objects.overseen_by(request.user), pk=pk)
    form = InspectionPointForm(request.POST or None, instance=point, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect("dashboards:point_list")
    return render(request, "form_page.html", {
        "form": form, "title": _("编辑点位：%(name)s") % {"name": point.name},
        "cancel_url": reverse("dashboards:point_list")})


@require_grant()
def inspection_list(request):
    form = InspectionFilterForm(request.GET or None)
    inspections = (Inspection.objects.visible_to(request.user)
                   .select_related("community", "point", "inspector", "rectification"))
    if form.is_valid():
        data = form.cleaned_data
        ids = community_ids(data["community"])
        if ids:
            inspections = inspections.filter(community__in=ids)
        if data["result"]:
            inspections = inspections.filter(result=data["result"])
        if data["date_from"]:
            inspections = inspections.filter(inspected_on__gte=data["date_from"])
        if data["date_to"]:
            inspections = inspections.filter(inspected_on__lte=data["date_to"])
    inspections = list(inspections[:500])
    communities = {i.community for i in inspections}
    return render(request, "portal/inspection_list.html", {
        "form": form, "inspections": inspections, "communities": communities,
        "can_inspect": is_official(request.user)})


@require_grant(*STREET_ROLES)
def inspection_create(request):
    form = InspectionForm(request.POST or None, request.FILES or None, user=request.user,
                          initial={"point": request.GET.get("point")})

    def save():
        data = form.cleaned_data
        return services.inspection_record(
            point=data["point"], inspected_on=data["inspected_on"], result=data["result"],
            problem=data["problem"], photo=data["photo"], inspector=request.user,
            deadline=data["deadline"])
    if request.method == "POST" and (inspection := saved(form, save)):
        if inspection.failed:
            messages.success(request, _("已记录，并向%(name)s下发整改，期限 %(date)s。") % {
                "name": inspection.community.name,
                "date": inspection.rectification.deadline.isoformat()})
        else:
            messages.success(request, _("已记录：合格。"))
        return redirect("dashboards:inspection_detail", pk=inspection.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("记录督查"), "cancel_url": reverse("dashboards:inspection_list")})


@require_grant()
def inspection_detail(request, pk):
    inspection = get_object_or_404(
        Inspection.objects.visible_to(request.user)
        .select_related("community", "point", "inspector"), pk=pk)
    rectification = Rectification.objects.filter(inspection=inspection).first()
    return render(request, "portal/inspection_detail.html", {
        "inspection": inspection, "rectification": rectification})


@require_grant()
def inspection_photo(request, pk):
    inspection = get_object_or_404(Inspection.objects.visible_to(request.user), pk=pk)
    if not inspection.photo:
        raise Http404
    return serve_file(inspection.photo)


RECTIFICATION_STATE_FILTERS = {
    "open": lambda qs, today: qs.unresolved(),
    "overdue": lambda qs, today: qs.overdue(today),
    "due_week": lambda qs, today: qs.due_between(today, week_of(today)[1]),
    **{status: (lambda qs, today, status=status: qs.filter(status=status))
       for status in Rectification.Status.values},
}


@require_grant()
def rectification_list(request):
    today = timezone.localdate()
    form = RectificationFilterForm(request.GET or None)
    rectifications = (Rectification.objects.visible_to(request.user)
                      .select_related("community", "inspection__point"))
    if form.is_valid():
        data = form.cleaned_data
        ids = community_ids(data["community"])
        if ids:
            rectifications = rectifications.filter(community__in=ids)
        if data["state"] in RECTIFICATION_STATE_FILTERS:
            rectifications = RECTIFICATION_STATE_FILTERS[data["state"]](rectifications, today)
        if data["deadline_from"]:
            rectifications = rectifications.filter(deadline__gte=data["deadline_from"])
        if data["deadline_to"]:
            rectifications = rectifications.filter(deadline__lte=data["deadline_to"])
    rectifications = list(rectifications.order_by("deadline", "pk")[:500])
    return render(request, "portal/rectification_list.html", {
        "form": form, "rectifications": rectifications, "today": today,
        "communities": {r.community for r in rectifications}})


@require_grant()
def rectification_detail(request, pk):
    rectification = get_object_or_404(
        Rectification.objects.visible_to(request.user)
        .select_related("community", "inspection__point", "inspection__inspector")
        .prefetch_related(Prefetch("events", RectificationEvent.objects.select_related("actor"))),
        pk=pk)
    can_fix = rectification.status in (Rectification.Status.OPEN, Rectification.Status.RETURNED) \
        and covers(request.user, rectification.community.path, STAFF_ROLES)
    can_review = rectification.status == Rectification.Status.FIXED \
        and covers(request.user, rectification.community.path, STREET_ROLES)
    fixes = [event for event in rectification.events.all()
             if event.action == RectificationEvent.Action.FIXED and event.photo]
    return render(request, "portal/rectification_detail.html", {
        "rectification": rectification, "inspection": rectification.inspection,
        "after_photo_event": fixes[-1] if fixes else None,
        "today": timezone.localdate(), "can_fix": can_fix, "can_review": can_review,
        "return_form": RectificationReturnForm() if can_review else None})


@require_grant(Role.COMMUNITY_STAFF)
def rectification_fix(request, pk):
    rectification = get_object_or_404(
        Rectification.objects.managed_by_staff(request.user).select_related("inspection__point"), pk=pk)
    form = RectificationFixForm(request.POST or None, request.FILES or None)

    def save():
        return services.rectification_fix(rectification=rectification, actor=request.user,
                                          note=form.cleaned_data["note"],
                                          photo=form.cleaned_data["photo"])
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已报告整改完成，等待街道验收。"))
        return redirect("dashboards:rectification_detail", pk=rectification.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("报告整改完成：%(point)s") % {
            "point": rectification.inspection.point},
        "cancel_url": reverse("dashboards:rectification_detail", args=[rectification.pk])})


@require_POST
@require_grant(*STREET_ROLES)
def rectification_accept(request, pk):
    rectification = get_object_or_404(Rectification.objects.overseen_by(request.user), pk=pk)
    try:
        services.rectification_accept(rectification=rectification, actor=request.user)
    except ValidationError as error:
        _flash_errors(request, error)
    else:
        messages.success(request, _("已验收通过。"))
    return redirect("dashboards:rectification_detail", pk=rectification.pk)


@require_grant(*STREET_ROLES)
def rectification_return(request, pk):
    rectification = get_object_or_404(
        Rectification.objects.overseen_by(request.user).select_related("inspection__point"),
        pk=pk)
    form = RectificationReturnForm(request.POST or None)

    def save():
        return services.rectification_return(rectification=rectification, actor=request.user,
                                             reason=form.cleaned_data["reason"])
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已退回社区重新整改。"))
        return redirect("dashboards:rectification_detail", pk=rectification.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("退回整改：%(point)s") % {
            "point": rectification.inspection.point},
        "cancel_url": reverse("dashboards:rectification_detail", args=[rectification.pk])})


@require_grant()
def rectification_event_photo(request, pk):
    event = get_object_or_404(RectificationEvent.objects.filter(
        rectification__in=Rectification.objects.visible_to(request.user)), pk=pk)
    if not event.photo:
        raise Http404
    return serve_file(event.photo)


@require_grant()
def bulletin(request, pk):
    """日通报: one day's inspections of the street, grouped by community; printable."""
    street = street_for_reader(request, pk)
    today = timezone.localdate()
    day = day_param(request, "day", today)
    inspections = list(
        Inspection.objects.filter(community__path__startswith=street.path, inspected_on=day)
        .select_related("community", "point", "rectification")
        .order_by("community__sort_order", "community__name", "result", "point__name"))
    by_community = {}
    for inspection in inspections:
        by_community.setdefault(inspection.community, []).append(inspection)
    summary = [(community, len(items), sum(1 for i in items if i.failed))
               for community, items in by_community.items()]
    return render(request, "portal/bulletin.html", {
        "street": street, "day": day, "by_community": by_community.items(),
        "summary": summary, "total": len(inspections),
        "failed": sum(1 for i in inspections if i.failed),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1) if day < today else None,
        "visible_community_ids": set(Node.objects.visible_to(request.user).filter(
            kind=Node.Kind.COMMUNITY, path__startswith=street.path).values_list("pk", flat=True)),
        "task_figures": task_selectors.day_figures(street, day),
    })


@require_grant()
def ranking(request, pk):
    """周排名 with the formula and every input of the week, so a community can check its place."""
    street = street_for_reader(request, pk)
    if not street_rules.shown_to(request.user, street, Key.WEEKLY_RANKING):
        # The street's officials keep the link in their menu: tell them why it is empty.
        if covers(request.user, street.path, STREET_ROLES):
            return render(request, "portal/ranking_off.html", {"street": street})
        raise Http404
    today = timezone.localdate()
    start, end = week_of(day_param(request, "week", today))
    communities = list(Node.objects.active().filter(parent=street, kind=Node.Kind.COMMUNITY)
                       .order_by("sort_order", "name"))
    rows, weights = weekly_ranking(street, communities, start, end, today)
    for row in rows:
        row.linked = covers(request.user, row.community.path)
    return render(request, "portal/ranking.html", {
        "street": street, "rows": rows, "week_start": start, "week_end": end,
        "inputs": [(item, weights[item.key]) for item in RANKING_INPUTS],
        "previous_week": start - timedelta(days=7),
        "next_week": start + timedelta(days=7) if end < today else None,
        "can_edit_weights": covers(request.user, street.path, STREET_ROLES),
        "chart": {"communities": [row.community.name for row in rows],
                  "scores": [float(row.score) for row in rows]},
    })


@require_grant(*STREET_ROLES)
def ranking_weights(request, pk):
    street = street_for_official(request, pk)
    form = RankingWeightsForm(request.POST or None, weights=weights_for(street))
    if request.method == "POST" and form.is_valid():
        services.ranking_weights_set(street=street, weights=form.cleaned_data)
        messages.success(request, _("已保存排名权重。"))
        return redirect("dashboards:ranking", pk=street.pk)
    return render(request, "form_page.html", {
        "form": form, "title": _("周排名权重：%(name)s") % {"name": street.name},
        "cancel_url": reverse("dashboards:ranking", args=[street.pk])})
