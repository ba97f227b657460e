"""Volunteer teams, volunteers, service records and certificates. Community staff keep them,
street officials read them; the certificate check is public."""
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.models import CommunityActivity
from activities.volunteers import selectors, services
from activities.volunteers.forms import (ActivityRecordForm, CorrectionForm, EntryForm, LeaveForm,
                                         TeamForm, TeamMemberForm, VerifyForm, VolunteerForm)
from activities.volunteers.models import (Certificate, ServiceRecord, Team, TeamMembership,
                                          Volunteer)
from kernel.forms import add_service_errors
from kernel.request_params import id_param, page_param, search_param
from organizations.models import Node
from organizations.scope import STAFF_ROLES, STREET_ROLES, covers, has_role, require_grant

READ_ROLES = (*STAFF_ROLES, *STREET_ROLES)
# Checks of certificate numbers per address and hour: plenty for whoever holds a few
# certificates, too few to walk a number space that is already unguessable.
VERIFY_LIMIT = 30


def _can_edit(user, community):
    return covers(user, community.path, STAFF_ROLES)


def _community_filter(request):
    node_id = id_param(request, "community")
    return get_object_or_404(Node.objects.visible_to(request.user), pk=node_id,
                             kind=Node.Kind.COMMUNITY) if node_id else None


@require_grant(*READ_ROLES)
def team_list(request):
    community = _community_filter(request)
    year = timezone.localdate().year
    teams = selectors.team_list(request.user, year=year, community=community)
    page = Paginator(teams, 50).get_page(page_param(request))
    return render(request, "volunteers/team_list.html", {
        "page": page, "community": community, "year": year,
        "can_create": request.user.is_superuser or has_role(request.user, *STAFF_ROLES)})


@require_grant(*STAFF_ROLES)
def team_create(request):
    form = TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        team = form.save()
        messages.success(request, _("已建立服务队。"))
        return redirect(team)
    return render(request, "form_page.html", {"form": form, "title": _("新建志愿者服务队"),
                                              "cancel_url": reverse("volunteers:team_list")})


@require_grant(*STAFF_ROLES)
def team_edit(request, pk):
    team = get_object_or_404(Team.objects.managed_by_staff(request.user), pk=pk)
    form = TeamForm(request.POST or None, instance=team, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(team)
    return render(request, "form_page.html", {
        "form": form, "title": _("修改：%(name)s") % {"name": team.name},
        "cancel_url": team.get_absolute_url()})


@require_grant(*READ_ROLES)
def team_detail(request, pk):
    team = get_object_or_404(Team.objects.visible_to(request.user)
                             .select_related("community", "kind", "leader"), pk=pk)
    memberships = team.memberships.select_related("volunteer__member").order_by(
        "left_on", "volunteer__name", "pk")
    can_edit = _can_edit(request.user, team.community)
    return render(request, "volunteers/team_detail.html", {
        "team": team, "memberships": memberships, "can_edit": can_edit,
        "member_form": TeamMemberForm(team=team) if can_edit else None,
        "records": team.service_records.select_related("volunteer", "activity")[:50]})


@require_grant(*STAFF_ROLES)
def team_member_add(request, pk):
    team = get_object_or_404(Team.objects.managed_by_staff(request.user), pk=pk)
    form = TeamMemberForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_add(team=team, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已加入服务队。"))
            return redirect(team)
    return render(request, "form_page.html", {
        "form": form, "title": _("加入服务队：%(name)s") % {"name": team.name},
        "cancel_url": team.get_absolute_url()})


@require_grant(*STAFF_ROLES)
def team_member_leave(request, pk):
    membership = get_object_or_404(
        TeamMembership.objects.filter(team__in=Team.objects.managed_by_staff(request.user),
                                      left_on__isnull=True).select_related("team", "volunteer"),
        pk=pk)
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_member_leave(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已记录退出。"))
            return redirect(membership.team)
    return render(request, "form_page.html", {
        "form": form, "title": _("%(name)s 退出 %(team)s") % {
            "name": membership.volunteer.name, "team": membership.team.name},
        "cancel_url": membership.team.get_absolute_url()})


@require_grant(*READ_ROLES)
def volunteer_list(request):
    community = _community_filter(request)
    team_id = id_param(request, "team")
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=team_id) \
        if team_id else None
    kind = request.GET.get("kind", "")
    if kind not in ("member", "resident"):
        kind = ""
    search = search_param(request)
    year = timezone.localdate().year
    volunteers = selectors.volunteer_list(request.user, year=year, community=community,
                                          team=team, kind=kind, search=search)
    page = Paginator(volunteers, 50).get_page(page_param(request))
    return render(request, "volunteers/volunteer_list.html", {
        "page": page, "community": community, "team": team, "kind": kind, "year": year,
        "search": search,
        "can_create": request.user.is_superuser or has_role(request.user, *STAFF_ROLES)})


@require_grant(*STAFF_ROLES)
def volunteer_create(request):
    form = VolunteerForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        volunteer = form.save()
        messages.success(request, _("已登记志愿者。"))
        return redirect(volunteer)
    return render(request, "form_page.html", {"form": form, "title": _("登记志愿者"),
                                              "cancel_url": reverse("volunteers:volunteer_list")})


@require_grant(*READ_ROLES)
def volunteer_detail(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.visible_to(request.user)
                                  .select_related("community", "member__branch"), pk=pk)
    can_edit = _can_edit(request.user, volunteer.community)
    records = list(selectors.records_of(volunteer))
    return render(request, "volunteers/volunteer_detail.html", {
        "volunteer": volunteer, "can_edit": can_edit, "records": records,
        "total_hours": sum(record.hours for record in records if
                           record.community_id == volunteer.community_id),
        "memberships": volunteer.memberships.select_related("team").order_by("left_on", "pk"),
        "entries": volunteer.entries.all(),
        "certificates": volunteer.certificates.filter(community=volunteer.community),
        "entry_form": EntryForm() if can_edit else None})


@require_grant(*STAFF_ROLES)
@require_POST
def volunteer_entry_add(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.managed_by_staff(request.user), pk=pk)
    form = EntryForm(request.POST)
    if form.is_valid():
        entry = form.save(commit=False)
        entry.volunteer, entry.community = volunteer, volunteer.community
        entry.save()
        messages.success(request, _("已记录。"))
        return redirect(volunteer)
    return render(request, "form_page.html", {
        "form": form, "title": _("培训、表彰与评价：%(name)s") % {"name": volunteer.name},
        "cancel_url": volunteer.get_absolute_url()})


@require_grant(*STAFF_ROLES)
def activity_record(request, pk):
    """Record a team's service at a community activity in one step (谁组织谁记录)."""
    activity = get_object_or_404(CommunityActivity.objects.managed_by_staff(request.user)
                                 .select_related("community"), pk=pk)
    form = ActivityRecordForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        try:
            created, skipped = services.service_record_from_activity(
                activity=activity, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已记录 %(created)d 人的志愿服务；%(skipped)d 人此前已记录，未重复记录。")
                             % {"created": len(created), "skipped": len(skipped)})
            return redirect("volunteers:activity_record", activity.pk)
    return render(request, "volunteers/activity_record.html", {
        "activity": activity, "form": form, "records": selectors.activity_records(activity)})


@require_grant(*STAFF_ROLES)
def record_correct(request, pk):
    record = get_object_or_404(ServiceRecord.objects.managed_by_staff(request.user)
                               .select_related("volunteer", "activity"), pk=pk)
    form = CorrectionForm(request.POST or None, initial={"hours": record.hours})
    if request.method == "POST" and form.is_valid():
        try:
            services.service_record_correct(record=record, user=request.user,
                                            **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已更正，原记录保留在更正历史中。"))
            return redirect("volunteers:volunteer_detail", record.volunteer_id)
    return render(request, "volunteers/record_correct.html", {"form": form, "record": record})


@require_grant(*STAFF_ROLES)
@require_POST
def certificate_issue(request, pk):
    volunteer = get_object_or_404(Volunteer.objects.managed_by_staff(request.user)
                                  .select_related("community"), pk=pk)
    try:
        certificate = services.certificate_issue(volunteer=volunteer,
                                                 community=volunteer.community, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(volunteer)
    return redirect("volunteers:certificate_print", certificate.pk)


@require_grant(*READ_ROLES)
def certificate_print(request, pk):
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user)
                                    .select_related("community", "volunteer"), pk=pk)
    return render(request, "volunteers/certificate_print.html", {
        "certificate": certificate, "rows": selectors.certificate_rows(certificate),
        "entries": certificate.volunteer.entries.filter(
            community=certificate.community, occurred_on__lte=certificate.issued_on),
        "verify_url": request.build_absolute_uri(
            f"{reverse('volunteers:verify')}?number={certificate.number}")})


def verify(request):
    """Public: whoever holds a certificate checks its number. Shows the masked name, the
    issuer, the hours and the date, nothing else."""
    certificate, form, limited = None, None, False
    if "number" in request.GET:
        key = f"volunteers:verify:{request.META.get('REMOTE_ADDR', '')}"
        cache.add(key, 0, 3600)
        try:
            limited = cache.incr(key) > VERIFY_LIMIT
        except ValueError:  # the entry expired between add and incr
            limited = False
        form = VerifyForm(request.GET)
        if not limited and form.is_valid():
            certificate = (Certificate.objects.select_related("community", "volunteer")
                           .filter(number=form.cleaned_data["number"]).first())
    else:
        form = VerifyForm()
    response = render(request, "volunteers/verify.html", {
        "form": form, "certificate": certificate, "limited": limited,
        "checked": form.is_bound and not limited and form.is_valid()})
    if limited:
        response.status_code = 429
    return response


