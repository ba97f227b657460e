"""Meetings: plan, change, cancel, record, print, photos, QR check-in."""
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from activities import checkin, selectors, services
from activities.forms import CancelForm, CheckInForForm, MeetingForm, RecordForm
from activities.models import Meeting, MeetingKind, MeetingPhoto
from activities.views.community import list_narrowing
from kernel.forms import saved
from kernel.request_params import page_param
from kernel.uploads import serve_file
from organizations.scope import WRITE_ROLES, covers, has_role, require_grant
from organizations.streetsettings import rules as street_rules

PAGE_SIZE = 50


def _visible(request, pk):
    return get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)


def _editable(request, pk):
    return get_object_or_404(Meeting.objects.editable_by(request.user), pk=pk)


@require_grant()
def meeting_list(request):
    status = request.GET.get("status", "")
    kind = request.GET.get("kind", "")
    if status not in Meeting.Status.values:
        status = ""
    kinds = list(MeetingKind.objects.all())
    if kind not in {k.code for k in kinds}:
        kind = ""
    node, date_from, date_to = list_narrowing(request, "node")
    meetings = selectors.meeting_list(request.user, status=status, kind=kind, node=node)
    if date_from:
        meetings = meetings.filter(starts_at__date__gte=date_from)
    if date_to:
        meetings = meetings.filter(starts_at__date__lte=date_to)
    page = Paginator(meetings, PAGE_SIZE).get_page(page_param(request))
    return render(request, "activities/meeting_list.html", {
        "page": page, "status": status, "kind": kind, "kinds": kinds,
        "statuses": Meeting.Status.choices,
        "node": node, "date_from": date_from, "date_to": date_to,
        "can_plan": request.user.is_superuser or has_role(request.user, *WRITE_ROLES),
    })


@require_grant(*WRITE_ROLES)
def meeting_create(request):
    form = MeetingForm(request.POST or None, user=request.user)

    def save():
        return services.meeting_plan(
            branch=form.cleaned_data["branch"], kinds=form.cleaned_data["kinds"],
            attendees=form.cleaned_data["attendees"], created_by=request.user,
            **form.meeting_fields())
    if request.method == "POST" and (meeting := saved(form, save)):
        messages.success(request, _("已安排会议，参会党员将收到提醒。"))
        return redirect(meeting)
    return render(request, "form_page.html", {
        "form": form, "title": _("安排会议"), "cancel_url": reverse("activities:meeting_list")})


@require_grant(*WRITE_ROLES)
def meeting_edit(request, pk):
    meeting = _editable(request, pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise Http404
    form = MeetingForm(request.POST or None, instance=meeting, user=request.user)

    def save():
        return services.meeting_update(meeting=meeting, kinds=form.cleaned_data["kinds"],
                                       attendees=form.cleaned_data["attendees"],
                                       **form.meeting_fields())
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已保存。时间有变动时，参会党员会重新收到提醒。"))
        return redirect(meeting)
    return render(request, "form_page.html", {
        "form": form, "title": _("修改会议：%(topic)s") % {"topic": meeting.topic},
        "cancel_url": meeting.get_absolute_url()})


@require_grant(*WRITE_ROLES)
def meeting_cancel(request, pk):
    meeting = _editable(request, pk)
    if meeting.status != Meeting.Status.PLANNED:
        raise Http404
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.meeting_cancel(meeting=meeting, reason=form.cleaned_data["reason"])
        messages.success(request, _("会议已取消，不再发送提醒。"))
        return redirect(meeting)
    return render(request, "form_page.html", {
        "form": form, "title": _("取消会议：%(topic)s") % {"topic": meeting.topic},
        "cancel_url": meeting.get_absolute_url()})


@login_required
def meeting_detail(request, pk):
    queryset = Meeting.objects.visible_to(request.user)
    try:
        meeting = selectors.meeting_for_page(queryset, pk, request.user)
    except Meeting.DoesNotExist:
        raise Http404 from None
    can_edit = covers(request.user, meeting.branch.path, WRITE_ROLES)
    return render(request, "activities/meeting_detail.html", {
        "meeting": meeting, "can_edit": can_edit,
        "warnings": selectors.quorum_warnings(meeting)
        if meeting.status == Meeting.Status.HELD else [],
        "checkin_open": meeting.checkin_open(),
        "qr_offered": street_rules.qr_checkin_offered(meeting.branch),
    })


@require_grant(*WRITE_ROLES)
def meeting_record(request, pk):
    meeting = _editable(request, pk)
    if meeting.status == Meeting.Status.CANCELLED:
        raise Http404
    form = RecordForm(request.POST or None, request.FILES or None, meeting=meeting,
                      all_present=request.GET.get("start") == "present")

    def save():
        return services.meeting_record(meeting=meeting, minutes=form.cleaned_data["minutes"],
                                       attendance=form.attendance(), grades=form.grades(),
                                       photos=form.cleaned_data["photos"])
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("会议记录已保存。"))
        return redirect(meeting)
    return render(request, "activities/meeting_record.html", {"meeting": meeting, "form": form})


@login_required
def meeting_print(request, pk):
    queryset = Meeting.objects.visible_to(request.user)
    try:
        meeting = selectors.meeting_for_page(queryset, pk, request.user)
    except Meeting.DoesNotExist:
        raise Http404 from None
    return render(request, "activities/meeting_print.html", {"meetings": [meeting]})


@login_required
def meeting_photo(request, pk):
    photo = get_object_or_404(
        MeetingPhoto.objects.filter(meeting__in=Meeting.objects.visible_to(request.user)), pk=pk)
    return serve_file(photo.image)


@require_grant(*WRITE_ROLES)
def meeting_qr(request, pk):
    meeting = _editable(request, pk)
    if not street_rules.qr_checkin_offered(meeting.branch):
        raise Http404
    return render(request, "activities/meeting_qr.html", {
        "meeting": meeting, "checkin_open": meeting.checkin_open()})


@require_grant(*WRITE_ROLES)
def meeting_qr_image(request, pk):
    """The QR code of this minute's token, as SVG; the page reloads it every few seconds."""
    import segno

    meeting = _editable(request, pk)
    if not meeting.checkin_open() or not street_rules.qr_checkin_offered(meeting.branch):
        raise Http404
    url = request.build_absolute_uri(
        reverse("activities:checkin", args=[checkin.make_token(meeting)]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, xmldecl=False)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def checkin_page(request, token):
    """The page a member's phone opens from the QR code; the button checks them in."""
    member = getattr(request.user, "member", None)
    if member is None:
        raise Http404
    error, meeting = None, None
    try:
        meeting = Meeting.objects.filter(pk=checkin.read_token(token)).first()
        if meeting is None:
            raise checkin.TokenError(_("签到码无效。"))
    except checkin.TokenError as problem:
        error = str(problem)
    if meeting is not None and request.method == "POST":
        try:
            services.meeting_check_in(meeting=meeting, member=member)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, _("签到成功！"))
            return redirect("activities:my_meetings")
    return render(request, "activities/checkin.html",
                  {"meeting": meeting if error is None else None, "error": error},
                  status=200 if error is None else 400)


@require_grant(*WRITE_ROLES)
def meeting_checkin_for(request, pk):
    meeting = _editable(request, pk)
    form = CheckInForForm(request.POST or None, meeting=meeting)

    def save():
        return services.meeting_check_in(meeting=meeting, member=form.cleaned_data["member"],
                                         by=request.user, reason=form.cleaned_data["reason"])
    if request.method == "POST" and saved(form, save):
        messages.success(request, _("已为%(name)s代签到。") % {
            "name": form.cleaned_data["member"].name})
        return redirect(meeting)
    return render(request, "form_page.html", {
        "form": form, "title": _("代为签到：%(topic)s") % {"topic": meeting.topic},
        "cancel_url": meeting.get_absolute_url()})
