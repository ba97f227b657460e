"""Writes of the activities app. Each function is one business action in one transaction."""
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.checkin import window_open
from activities.models import (ActivityPhoto, Attendance, CalendarFeed, Delivery, Meeting,
                               MeetingKind, MeetingPhoto, Notification, Participation,
                               ReminderChannels)
from kernel.queueing import queue_task
from members import points
from members.models import Member
from organizations.models import CommitteeSeat


def queue_reminder_scan():
    """After commit, ask a worker to record reminders now instead of at the next beat tick.

    With the broker down the page still answers: the beat's next scan finds the same work.
    """
    def enqueue():
        from activities.tasks import scan_reminders

        queue_task(scan_reminders)

    transaction.on_commit(enqueue)


def _check_attendees(branch, group, members):
    strangers = [member.name for member in members if member.branch_id != branch.pk]
    if strangers:
        raise ValidationError({"attendees": _("以下党员不属于本支部：%(names)s") % {
            "names": "、".join(strangers)}})
    if group is not None and group.parent_id != branch.pk:
        raise ValidationError({"group": _("党小组必须属于该支部。")})


def default_attendees(branch, group=None, kinds=()):
    """Who is invited when staff leave 参会人员 empty: a 党小组会 its group, a meeting that is
    only a 支委会 the branch's committee (members holding a current seat of the branch), any
    other meeting the whole branch."""
    members = Member.objects.active().filter(branch=branch)
    if group is not None:
        return members.filter(group=group)
    codes = {getattr(kind, "code", kind) for kind in kinds}
    if codes == {MeetingKind.COMMITTEE_MEETING}:
        seats = CommitteeSeat.objects.current().filter(node=branch, member__isnull=False)
        return members.filter(pk__in=seats.values("member_id"))
    return members


def _invited(branch, group, kinds, attendees):
    if attendees:
        return list(attendees)
    invited = list(default_attendees(branch, group, kinds))
    if not invited and group is None and {getattr(k, "code", k) for k in kinds} == {
            MeetingKind.COMMITTEE_MEETING}:
        raise ValidationError({"attendees": _(
            "本支部班子成员尚未关联到党员名册，请在“参会人员”中选择支委。")})
    return invited


@transaction.atomic
def meeting_plan(*, branch, kinds, topic, starts_at, ends_at, place, host, recorder="",
                 group=None, attendees=None, created_by=None):
    attendees = _invited(branch, group, kinds, attendees)
    _check_attendees(branch, group, attendees)
    meeting = Meeting(branch=branch, group=group, topic=topic, starts_at=starts_at,
                      ends_at=ends_at, place=place, host=host, recorder=recorder,
                      created_by=created_by)
    meeting.full_clean(exclude=["kinds"])
    meeting.save()
    meeting.kinds.set(kinds)
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=member)
                                    for member in attendees])
    queue_reminder_scan()
    return meeting


@transaction.atomic
def meeting_update(*, meeting, kinds, attendees=None, **fields):
    """Change a planned meeting. A new start time re-arms its reminders: their key holds it."""
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("只有计划中的会议可以修改。"))
    for name, value in fields.items():
        setattr(meeting, name, value)
    attendees = _invited(meeting.branch, meeting.group, kinds, attendees)
    _check_attendees(meeting.branch, meeting.group, attendees)
    meeting.full_clean(exclude=["kinds"])
    meeting.sequence += 1
    meeting.save()
    meeting.kinds.set(kinds)
    wanted = {member.pk for member in attendees}
    meeting.attendances.exclude(member_id__in=wanted).delete()
    existing = set(meeting.attendances.values_list("member_id", flat=True))
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=member)
                                    for member in attendees if member.pk not in existing])
    queue_reminder_scan()
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting, reason):
    if meeting.status != Meeting.Status.PLANNED:
        raise ValidationError(_("只有计划中的会议可以取消。"))
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.cancel_reason = reason
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancelled_at", "cancel_reason", "sequence",
                                "updated_at"])
    from django.contrib.contenttypes.models import ContentType

    Delivery.objects.filter(content_type=ContentType.objects.get_for_model(Meeting),
                            object_id=meeting.pk, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.VOID)
    return meeting


@transaction.atomic
def meeting_record(*, meeting, minutes, attendance, grades=None, photos=()):
    """Record a meeting as held.

    `attendance` maps member id → (status, reason); `grades` maps member id → appraisal grade.
    This is where attendance is final, so points for attendance are awarded from here.
    """
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("已取消的会议不能记录。"))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("会议尚未开始，不能记录为已召开。"))
    rows = {row.member_id: row for row in meeting.attendances.all()}
    if set(attendance) - set(rows):
        raise ValidationError(_("出席名单中有不属于本次会议的党员。"))
    grades = grades or {}
    for member_id, (status, reason) in attendance.items():
        if status == Attendance.Status.EXCUSED and not reason.strip():
            raise ValidationError(_("请假须填写原因。"))
        row = rows[member_id]
        row.status, row.reason = status, reason.strip()
        row.grade = grades.get(member_id, row.grade)
    Attendance.objects.bulk_update(rows.values(), ["status", "reason", "grade"])
    meeting.minutes = minutes
    meeting.status = Meeting.Status.HELD
    meeting.recorded_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["minutes", "status", "recorded_at", "sequence", "updated_at"])
    for photo in photos:
        meeting_photo_add(meeting=meeting, image=photo)
    _award_attendance_points(meeting, rows.values())
    return meeting


def _award_attendance_points(meeting, attendances):
    """Points for each kind the meeting counts as, to every member present.

    The attendance row is the source, so recording the meeting again awards nothing twice.
    """
    held_on = timezone.localdate(meeting.starts_at)
    kind_codes = [kind.code for kind in meeting.kinds.all()]
    present = [row for row in attendances if row.status == Attendance.Status.PRESENT]
    members = Member.objects.select_related("branch").in_bulk([row.member_id for row in present])
    for row in present:
        for code in kind_codes:
            points.award(member=members[row.member_id], item=f"attendance:{code}", quantity=1,
                         source=row, occurred_on=held_on)


@transaction.atomic
def meeting_photo_add(*, meeting, image, caption=""):
    photo = MeetingPhoto(meeting=meeting, image=image, caption=caption)
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def meeting_check_in(*, meeting, member, by=None, reason="", now=None):
    """Check a member in: themselves through the QR code, or staff on their behalf with a reason."""
    now = now or timezone.now()
    if not window_open(meeting, now):
        raise ValidationError(_("不在签到时间内：会议开始前30分钟至会议结束前可以签到。"))
    if by is not None and not reason.strip():
        raise ValidationError(_("代签须填写原因。"))
    attendance = Attendance.objects.select_for_update().filter(meeting=meeting,
                                                                member=member).first()
    if attendance is None:
        raise ValidationError(_("您不在本次会议的参会名单中。"))
    if attendance.checked_in_at is None:
        attendance.status = Attendance.Status.PRESENT
        attendance.checked_in_at = now
        attendance.checked_in_by = by
        attendance.on_behalf_reason = reason.strip()
        attendance.save(update_fields=["status", "checked_in_at", "checked_in_by",
                                       "on_behalf_reason"])
    return attendance


@transaction.atomic
def activity_save(*, activity, units=(), participants=(), photos=()):
    """Create or change a community activity with its units, participants and photos.

    `participants` is [(member, hours)]; the volunteer hours are final here, so points for
    volunteer hours are awarded from here.
    """
    strangers = [member.name for member, _hours in participants
                 if not member.branch.path.startswith(activity.community.path)]
    if strangers:
        raise ValidationError(_("以下党员不属于本社区：%(names)s") % {"names": "、".join(strangers)})
    activity.full_clean()
    activity.save()
    activity.units.set(units)
    kept = {member.pk for member, _hours in participants}
    activity.participations.exclude(member_id__in=kept).delete()
    for member, hours in participants:
        participation, _created = Participation.objects.update_or_create(
            activity=activity, member=member, defaults={"hours": hours})
        # Once per participation: hours corrected later are fixed by a manual adjustment.
        points.award(member=member, item="volunteer_hour", quantity=hours, source=participation,
                     occurred_on=activity.held_on)
    for image in photos:
        photo = ActivityPhoto(activity=activity, image=image)
        photo.full_clean()
        photo.save()
    return activity


def calendar_feed_for(member):
    feed = member.calendar_feeds.filter(revoked_at__isnull=True).first()
    return feed or CalendarFeed.objects.create(member=member)


@transaction.atomic
def calendar_feed_reset(*, member):
    """Stop the old address (kept as revoked) and give the member a new one."""
    member.calendar_feeds.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return CalendarFeed.objects.create(member=member)


def notification_mark_read(*, user, notification_id=None):
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


WECOM_USER_ID = re.compile(r"[A-Za-z0-9_.@-]{1,64}")


@transaction.atomic
def reminder_channels_choose(*, member, sms, wecom, email=True):
    """The member's choice of channels besides the inbox. A channel turned off stops the
    reminders already waiting on it too."""
    from activities.channels import EMAIL, SMS, WECOM

    chosen, _created = ReminderChannels.objects.get_or_create(member=member)
    chosen.sms, chosen.wecom, chosen.email = bool(sms), bool(wecom), bool(email)
    chosen.save()
    off = [code for code, on in ((SMS, chosen.sms), (WECOM, chosen.wecom),
                                 (EMAIL, chosen.email)) if not on]
    _void_pending(member, off)
    return chosen


@transaction.atomic
def wecom_link(*, member, wecom_user_id):
    """Link the member's 企业微信 account (its userid in the street's corp, 帐号 in the admin)."""
    wecom_user_id = (wecom_user_id or "").strip()
    if not WECOM_USER_ID.fullmatch(wecom_user_id):
        raise ValidationError({"wecom_user_id": _(
            "企业微信账号为 1 至 64 位字母、数字或 _ . @ - ，请在企业微信通讯录的“账号”中查看。")})
    taken = ReminderChannels.objects.filter(wecom_user_id=wecom_user_id).exclude(member=member)
    if taken.exists():
        raise ValidationError({"wecom_user_id": _("这个企业微信账号已绑定其他党员。")})
    chosen, _created = ReminderChannels.objects.get_or_create(member=member)
    chosen.wecom_user_id = wecom_user_id
    chosen.save()
    return chosen


@transaction.atomic
def wecom_unlink(*, member):
    from activities.channels import WECOM

    chosen = ReminderChannels.objects.filter(member=member).first()
    if chosen and chosen.wecom_user_id:
        chosen.wecom_user_id = ""
        chosen.save()  # saved, not updated: the audit trail records who unlinked it
    _void_pending(member, [WECOM])


def _void_pending(member, channels):
    if member.user_id and channels:
        Delivery.objects.filter(recipient_id=member.user_id, channel__in=channels,
                                status=Delivery.Status.PENDING).update(
            status=Delivery.Status.VOID, error=_("党员已关闭此提醒方式。"))
