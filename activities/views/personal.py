"""A user's own pages: inbox, my meetings, the iCalendar feed."""
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import selectors, services
from activities.models import CalendarFeed, Meeting, Notification
from kernel.request_params import page_param, parse_token

INBOX_PAGE = 30


def _member(request):
    member = getattr(request.user, "member", None)
    if member is None:
        raise Http404
    return member


@login_required
def my_meetings(request):
    member = _member(request)
    feed = services.calendar_feed_for(member)
    return render(request, "activities/my_meetings.html", {
        "member": member,
        "upcoming": selectors.upcoming_meetings_for(member, limit=20),
        "grades": selectors.appraisal_grades_for(member),
        "feed_url": request.build_absolute_uri(
            reverse("activities:calendar_feed", args=[feed.token])),
    })


@require_POST
@login_required
def calendar_feed_reset(request):
    services.calendar_feed_reset(member=_member(request))
    messages.success(request, _("已更换日历订阅地址，旧地址已失效。请在手机日历中重新订阅。"))
    return redirect("activities:my_meetings")


def calendar_feed(request, token):
    """The member's meetings as iCalendar, for a phone calendar to subscribe to (no login)."""
    from icalendar import Calendar, Event

    if parse_token(token) is None:  # a NUL byte is a database error on PostgreSQL
        raise Http404
    feed = get_object_or_404(CalendarFeed.objects.select_related("member"), token=token,
                             revoked_at__isnull=True, member__left_on__isnull=True)
    calendar = Calendar()
    calendar.add("prodid", "-//dangjian//activities//CN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("组织生活"))
    since = timezone.now() - timedelta(days=90)
    for meeting in selectors.meetings_of_member(feed.member).filter(starts_at__gte=since):
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@dangjian")
        event.add("summary", meeting.topic)
        event.add("dtstart", meeting.starts_at)
        event.add("dtend", meeting.ends_at)
        event.add("dtstamp", meeting.updated_at)
        event.add("last-modified", meeting.updated_at)
        event.add("sequence", meeting.sequence)
        event.add("location", meeting.place)
        event.add("description", f"{meeting.branch.name} · {_('主持人')}：{meeting.host}")
        if meeting.status == Meeting.Status.HELD:
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def inbox(request):
    notifications = selectors.inbox_for(request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, INBOX_PAGE).get_page(page_param(request))
    return render(request, "activities/inbox.html", {
        "page": page, "unread": selectors.unread_count(request.user),
        "on_roster": selectors.on_roster(request.user)})


@login_required
def notification_open(request, pk):
    notification = get_object_or_404(Notification.objects.filter(recipient=request.user,
                                                                 delivered_at__isnull=False),
                                     pk=pk)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("activities:inbox")


@require_POST
@login_required
def inbox_read_all(request):
    services.notification_mark_read(user=request.user)
    return redirect("activities:inbox")


@login_required
def unread_count(request):
    return JsonResponse({"unread": selectors.unread_count(request.user)})
