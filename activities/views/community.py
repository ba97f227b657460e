"""Community activities: list, record, change, photos."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from activities import selectors, services
from activities.forms import ActivityForm, ParticipationFormSet
from activities.models import ActivityPhoto, CommunityActivity
from kernel.request_params import day_param, id_param, page_param
from kernel.uploads import serve_file
from organizations.models import Node
from organizations.scope import STAFF_ROLES, STREET_ROLES, covers, has_role, require_grant

# Community activities belong to the community: its staff record them, the street reads them.
ACTIVITY_READ_ROLES = (*STAFF_ROLES, *STREET_ROLES)


@require_grant(*ACTIVITY_READ_ROLES)
def activity_list(request):
    kind = request.GET.get("kind", "")
    if kind not in CommunityActivity.Kind.values:
        kind = ""
    node, date_from, date_to = list_narrowing(request, "community")
    activities = selectors.activity_list(request.user, kind=kind, community=node)
    if date_from:
        activities = activities.filter(held_on__gte=date_from)
    if date_to:
        activities = activities.filter(held_on__lte=date_to)
    page = Paginator(activities, 50).get_page(page_param(request))
    return render(request, "activities/activity_list.html", {
        "page": page, "kind": kind, "kinds": CommunityActivity.Kind.choices,
        "node": node, "date_from": date_from, "date_to": date_to,
        "can_create": request.user.is_superuser or has_role(request.user, *STAFF_ROLES)})


def list_narrowing(request, node_param):
    """(visible node or None, date_from, date_to) from ?<node_param>=pk&date_from=&date_to=, the
    filters the dashboards link with: an unreadable node is a 404, an unreadable day ignored."""
    node_id = id_param(request, node_param)
    node = get_object_or_404(Node.objects.visible_to(request.user), pk=node_id) \
        if node_id else None
    return node, day_param(request, "date_from"), day_param(request, "date_to")


def _save(request, form, formset, activity):
    participants = [(row.cleaned_data["member"], row.cleaned_data["hours"])
                    for row in formset.forms
                    if row.cleaned_data.get("member") and not row.cleaned_data.get("DELETE")]
    try:
        return services.activity_save(activity=activity, units=form.cleaned_data["units"],
                                      participants=participants,
                                      photos=form.cleaned_data["photos"])
    except ValidationError as error:
        form.add_error(None, error)
        return None


@require_grant(*STAFF_ROLES)
def activity_create(request):
    form = ActivityForm(request.POST or None, request.FILES or None, user=request.user)
    formset = ParticipationFormSet(request.POST or None, prefix="participants",
                                   form_kwargs={"user": request.user})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        activity = _save(request, form, formset, form.save(commit=False))
        if activity:
            messages.success(request, _("已记录社区活动。"))
            return redirect(activity)
    return render(request, "activities/activity_form.html", {
        "form": form, "formset": formset, "title": _("记录社区活动"),
        "cancel_url": reverse("activities:activity_list")})


@require_grant(*STAFF_ROLES)
def activity_edit(request, pk):
    activity = get_object_or_404(CommunityActivity.objects.managed_by_staff(request.user), pk=pk)
    form = ActivityForm(request.POST or None, request.FILES or None, instance=activity,
                        user=request.user)
    formset = ParticipationFormSet(request.POST or None, instance=activity, prefix="participants",
                                   form_kwargs={"user": request.user})
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        if _save(request, form, formset, form.save(commit=False)):
            messages.success(request, _("已保存。"))
            return redirect(activity)
    return render(request, "activities/activity_form.html", {
        "form": form, "formset": formset, "title": _("修改：%(title)s") % {"title": activity.title},
        "cancel_url": activity.get_absolute_url()})


@require_grant(*ACTIVITY_READ_ROLES)
def activity_detail(request, pk):
    activity = get_object_or_404(
        CommunityActivity.objects.visible_to(request.user).select_related("community"), pk=pk)
    participations = activity.participations.select_related("member", "member__branch")
    return render(request, "activities/activity_detail.html", {
        "activity": activity, "participations": participations,
        "total_hours": participations.aggregate(total=Sum("hours"))["total"] or 0,
        "units": activity.units.all(), "photos": activity.photos.all(),
        "can_edit": covers(request.user, activity.community.path, STAFF_ROLES)})


@require_grant(*ACTIVITY_READ_ROLES)
def activity_photo(request, pk):
    photo = get_object_or_404(ActivityPhoto.objects.filter(
        activity__in=CommunityActivity.objects.visible_to(request.user)), pk=pk)
    return serve_file(photo.image)
