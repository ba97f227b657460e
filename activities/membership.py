"""A member's invitations and calendar feed follow their place on the roster
(registered with `members.lifecycle` in `ActivitiesConfig.ready`).

Moving to another branch: invited to the new branch's meetings still to come, no longer to the
old one's. Leaving: the calendar address stops and invitations to meetings not yet held go.
Returning: invited again to the branch's meetings still to come. The member's pages show the
next meetings and the appraisals (registered with `members.sections`).
"""
from datetime import datetime, time

from django.db.models import Max, Q
from django.db.models.functions import TruncDate
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone

from activities import selectors
from activities.models import Attendance, CalendarFeed, Meeting
from members import contact, contact_cache, lifecycle
from members.sections import section
from organizations.models import bulk_written


def future_invitations_withdraw(*, member, branch=None, now=None):
    """Drop the member from planned meetings that have not started (of `branch` if given)."""
    rows = Attendance.objects.filter(member=member, status=Attendance.Status.INVITED,
                                     meeting__status=Meeting.Status.PLANNED,
                                     meeting__starts_at__gt=now or timezone.now())
    if branch is not None:
        rows = rows.filter(meeting__branch=branch)
    return rows.delete()[0]


def future_invitations_add(*, member, now=None):
    """Invite the member to their branch's planned meetings still to come: the branch's own
    meetings and those of their party group, as planning a meeting would have."""
    meetings = Meeting.objects.filter(
        branch_id=member.branch_id, status=Meeting.Status.PLANNED,
        starts_at__gt=now or timezone.now()).filter(
        Q(group__isnull=True) | Q(group_id=member.group_id)).values_list("pk", flat=True)
    Attendance.objects.bulk_create([Attendance(meeting_id=pk, member=member) for pk in meetings],
                                   ignore_conflicts=True)


@lifecycle.follow
class MeetingsFollowMembership:
    @staticmethod
    def moved(*, member, from_branch):
        future_invitations_withdraw(member=member, branch=from_branch)
        future_invitations_add(member=member)

    @staticmethod
    def left(*, member, now):
        CalendarFeed.objects.filter(member=member, revoked_at__isnull=True).update(revoked_at=now)
        future_invitations_withdraw(member=member, now=now)

    @staticmethod
    def returned(*, member):
        future_invitations_add(member=member)


@section("me", "upcoming_meetings")
def upcoming_meetings(member):
    return selectors.upcoming_meetings_for(member, limit=5)


@section("member_detail", "appraisals")
def appraisals(member):
    return selectors.appraisal_grades_for(member)


# The attendance that is contact, and the kind of contact each status is.
CONTACT_KINDS = {Attendance.Status.PRESENT: contact.ORGANIZATIONAL_LIFE,
                 Attendance.Status.EXCUSED: contact.CONTACT}


@contact.sources(*CONTACT_KINDS.values())
def meeting_contacts(members, until, since=None, kinds=tuple(CONTACT_KINDS.values())):
    """{kind: {member id: day}}: the last meeting a member attended (signed in, QR check-in or
    by staff), their organizational life; the last meeting they asked leave for, a contact:
    they were in touch, though not at the meeting. Both from one reading of the attendance,
    which for a street's 50,000 members costs some 0.4 s (members/contact.py)."""
    statuses = {status: kind for status, kind in CONTACT_KINDS.items() if kind in kinds}
    rows = Attendance.objects.filter(member__in=members.values("pk"), status__in=statuses,
                                     meeting__starts_at__date__lte=until)
    if since is not None:
        # The instant the local day begins, not `__date__gte`: the meetings' starts_at index
        # then narrows five years of meetings to the window.
        rows = rows.filter(meeting__starts_at__gte=timezone.make_aware(
            datetime.combine(since, time.min)))
    day = TruncDate("meeting__starts_at")
    rows = rows.values("member_id").annotate(**{
        status: Max(day, filter=Q(status=status)) for status in statuses}).values_list(
        "member_id", *statuses)
    found = {kind: {} for kind in statuses.values()}
    kinds_found = [found[kind] for kind in statuses.values()]
    for member_id, *days in rows:
        for dates, day in zip(kinds_found, days):
            if day is not None:
                dates[member_id] = day
    return found


# The 失联 lists cached per community (members/contact_cache.py) follow the attendance, and the
# day of the meetings it was taken at.
contact_cache.listen(Attendance, ["member", "meeting", "status"],
                     is_contact=lambda row: row.status in CONTACT_KINDS)


def _meeting_saving(sender, instance, raw=False, **kwargs):
    instance._contact_starts_at = None if instance.pk is None or raw else (
        sender.objects.filter(pk=instance.pk).values_list("starts_at", flat=True).first())


def _meeting_saved(sender, instance, created=False, raw=False, **kwargs):
    if not created and not raw and instance._contact_starts_at != instance.starts_at:
        contact_cache.members_changed(instance.attendances.values_list("member_id", flat=True))


def _meeting_deleting(sender, instance, **kwargs):
    # Its attendance goes with it: the lists renewed once here, not row by row.
    contact_cache.members_changed(instance.attendances.filter(
        status__in=CONTACT_KINDS).values_list("member_id", flat=True))


def _meetings_bulk_written(sender, fields=None, **kwargs):
    if fields is not None and "starts_at" in fields:
        contact_cache.changed()


pre_save.connect(_meeting_saving, sender=Meeting, dispatch_uid="contact-meeting-saving")
post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="contact-meeting-saved")
pre_delete.connect(_meeting_deleting, sender=Meeting, dispatch_uid="contact-meeting-deleting")
bulk_written.connect(_meetings_bulk_written, sender=Meeting, dispatch_uid="contact-meetings")
