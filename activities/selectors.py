"""Reads of the activities app, each owning its select_related / prefetch_related."""
import calendar
from datetime import date, datetime, time, timedelta

from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (Attendance, CommunityActivity, Delivery, Meeting, MeetingKind,
                               Notification)
from members import moves
from members.models import Member
from organizations.models import CommitteeSeat, Node
from organizations.scope import covers

COMMITTEE_SEAT_ROLES = [CommitteeSeat.Role.SECRETARY, CommitteeSeat.Role.DEPUTY_SECRETARY,
                        CommitteeSeat.Role.COMMITTEE_MEMBER]


def meeting_list(user, *, status="", kind="", node=None):
    # Counted in correlated subqueries rather than a join with GROUP BY: the paginator's
    # COUNT(*) then drops them instead of grouping every attendance row of the scope.
    attendances = Attendance.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting")
    meetings = (Meeting.objects.visible_to(user).select_related("branch", "group")
                .prefetch_related("kinds")
                .annotate(invited=_count(attendances),
                          present=_count(attendances.filter(status=Attendance.Status.PRESENT))))
    if status:
        meetings = meetings.filter(status=status)
    if kind:
        meetings = meetings.filter(kinds__code=kind)
    if node is not None:
        meetings = meetings.filter(branch__path__startswith=node.path)
    return meetings.order_by("-starts_at", "-pk")


def _count(rows):
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def meeting_for_page(queryset, pk, user):
    """The meeting with its kinds, photos and attendance, as `user` may read it: whoever keeps
    or oversees the branch (a grant covering it) reads every row; a member invited to it reads
    who came, and the leave reason, on-behalf reason and appraisal grade of their own row only
    (a reason may be medical; a grade is between the member and the branch)."""
    meeting = (queryset.select_related("branch", "group", "branch__parent")
               .prefetch_related("kinds", "photos",
                                 Prefetch("attendances",
                                          queryset=Attendance.objects.select_related(
                                              "member", "checked_in_by").order_by("member__name_pinyin", "member__name")))
               .get(pk=pk))
    if not covers(user, meeting.branch.path):
        for row in meeting.attendances.all():
            if row.member.user_id != user.pk:
                row.reason = row.on_behalf_reason = row.grade = ""
    return meeting


def quorum_warnings(meeting):
    """docs/RULES.md quorums, for a held meeting: general meeting > half of the full members (who
    vote); committee meeting > half of the committee."""
    codes = meeting.kind_codes()
    attendances = list(meeting.attendances.all())
    present = {row.member_id for row in attendances if row.status == Attendance.Status.PRESENT}
    warnings = []
    if MeetingKind.GENERAL_MEETING in codes:
        voting = Member.objects.active().full().filter(branch=meeting.branch)
        # Lost members (失联) are not expected to come, where the branch's rule says so; one
        # who came anyway is counted (members/moves.py).
        lost = moves.quorum_exclusions(voting, meeting.branch,
                                       timezone.localdate(meeting.starts_at)) - present
        voters = set(voting.values_list("pk", flat=True)) - lost
        if voters and len(present & voters) * 2 <= len(voters):
            message = _("出席的正式党员 %(n)d 名，未超过应到 %(total)d 名的半数，会议决定无效。")
            if lost:
                message += _("（失联党员 %(lost)d 名不计入应到人数）")
            warnings.append(message % {"n": len(present & voters), "total": len(voters),
                                       "lost": len(lost)})
    if MeetingKind.COMMITTEE_MEETING in codes:
        committee = set(CommitteeSeat.objects.current(timezone.localdate(meeting.starts_at))
                        .filter(node=meeting.branch, role__in=COMMITTEE_SEAT_ROLES,
                                member__isnull=False).values_list("member_id", flat=True))
        if committee and len(present & committee) * 2 <= len(committee):
            warnings.append(_("出席的支委 %(n)d 名，未超过支委会 %(total)d 名的半数。") % {
                "n": len(present & committee), "total": len(committee)})
    return warnings


def upcoming_meetings_for(member, limit=5):
    """The member's next planned meetings, soonest first (for the member home page)."""
    return list(Meeting.objects.planned().filter(attendances__member=member,
                                                 ends_at__gte=timezone.now())
                .select_related("branch", "group").prefetch_related("kinds")
                .order_by("starts_at")[:limit])


def appraisal_grades_for(member):
    """[(year, grade label, meeting)] of the member's appraisals (民主评议党员), newest first."""
    rows = (Attendance.objects.filter(member=member, meeting__status=Meeting.Status.HELD)
            .exclude(grade="").select_related("meeting").order_by("-meeting__starts_at"))
    return [(timezone.localtime(row.meeting.starts_at).year, row.get_grade_display(), row.meeting)
            for row in rows]


def meetings_of_member(member):
    return (Meeting.objects.for_member(member).select_related("branch", "group")
            .order_by("starts_at"))


def inbox_for(user):
    return Notification.objects.filter(recipient=user, delivered_at__isnull=False)


def unread_count(user):
    return inbox_for(user).filter(read_at__isnull=True).count()


def on_roster(user):
    """The user is a member still on the roster (who chooses how reminders reach them)."""
    return Member.objects.filter(user=user, left_on__isnull=True).exists()


DELIVERIES_SHOWN = 100


def deliveries_of(member, limit=DELIVERIES_SHOWN):
    """The member's latest deliveries, each with `notification` (its title): two queries."""
    if not member.user_id:
        return []
    deliveries = list(Delivery.objects.filter(recipient_id=member.user_id)
                      .order_by("-created_at", "-pk")[:limit])
    keys = {(d.content_type_id, d.object_id, d.kind) for d in deliveries}
    notifications = {
        (n.content_type_id, n.object_id, n.kind): n
        for n in Notification.objects.filter(recipient_id=member.user_id,
                                             kind__in={kind for _c, _o, kind in keys},
                                             object_id__in={o for _c, o, _k in keys})}
    for delivery in deliveries:
        delivery.notification = notifications.get(
            (delivery.content_type_id, delivery.object_id, delivery.kind))
    return deliveries


def month_bounds(year, month):
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    return first, last, start, end


def month_calendar(node, year, month, user):
    """Weeks of (day, [meetings], [activities]) for a community or branch and one month."""
    first, last, start, end = month_bounds(year, month)
    meetings = (Meeting.objects.visible_to(user).filter(branch__path__startswith=node.path,
                                                        starts_at__gte=start, starts_at__lt=end)
                .exclude(status=Meeting.Status.CANCELLED).select_related("branch")
                .order_by("starts_at"))
    by_day = {}
    for meeting in meetings:
        by_day.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    activities_by_day = {}
    if node.kind in (Node.Kind.COMMUNITY, Node.Kind.STREET):
        for activity in CommunityActivity.objects.visible_to(user).filter(
                community__path__startswith=node.path, held_on__range=(first, last)):
            activities_by_day.setdefault(activity.held_on, []).append(activity)
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([(day, day.month == month, by_day.get(day, []),
                       activities_by_day.get(day, [])) for day in week])
    return weeks


def activity_list(user, *, kind="", community=None):
    activities = (CommunityActivity.objects.visible_to(user).select_related("community")
                  .annotate(participant_count=Count("participations", distinct=True)))
    if kind:
        activities = activities.filter(kind=kind)
    if community is not None:
        activities = activities.filter(community=community)
    return activities.order_by("-held_on", "-pk")
