"""Demo data in every state of every workflow, so a demo (and tests/test_crawl.py) meets them.

The apps' demo steps draw states at random; at a small scale some never come up. This last
step makes sure each demo community holds at least one of each: post claims pending, declined
and ended; registrations pending and declined; a cancelled meeting and one whose time has passed
without minutes; a rectification sent back (退回重改) and one overdue; a probation ending within
two weeks; projects planned, done and dropped; an agreement terminated early; a reminder whose
SMS failed (the day's cap) and was shown in the member's inbox instead. Terms that ended
come from the organizations step (community secretaries' terms ending 2026-11-01).

Idempotent: each state is added only where the community lacks it.
"""
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from activities import channels, reminders
from activities.models import Attendance, Delivery, Meeting, MeetingKind, Notification
from members.demo import DEMO_MEMBER
from members.factories import make_id_number
from members.models import Member, Post, PostClaim, Registration
from organizations.models import Node, Unit
from pairing.models import Agreement, Project
from portal.models import Inspection, InspectionPoint, Rectification, RectificationEvent


def seed_states(context):
    staff = context.users.get("shequ")
    official = context.users.get("jiedao")
    if staff is None or official is None:
        return
    for community in context.community_nodes:
        branch = (Node.objects.active().filter(parent=community, kind=Node.Kind.BRANCH)
                  .order_by("sort_order", "pk").first())
        if branch is None:
            continue
        _claims(context, community, staff)
        _registrations(community, staff)
        _meetings(context, branch)
        _probation(context, branch)
        _rectifications(context, community, official, staff)
        _agreements(context, community)
        _failed_sms(community)
    _projects(context)


def _aware(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _free_members(community, **filters):
    """Active members of the community but the demo member, who keeps a clean slate."""
    return (Member.objects.active().filter(branch__path__startswith=community.path, **filters)
            .exclude(user__username=DEMO_MEMBER).order_by("pk"))


def _claims(context, community, staff):
    claims = PostClaim.objects.filter(post__community=community)
    posts = list(Post.objects.filter(community=community, archived_at__isnull=True)
                 .order_by("sort_order"))
    if not posts:
        return
    now = timezone.now()
    wanted = [
        (PostClaim.Status.PENDING, {}),
        (PostClaim.Status.DECLINED, {"decline_reason": "该岗位本月名额已满，请认领其他岗位",
                                     "decided_at": now, "decided_by": staff}),
        (PostClaim.Status.APPROVED, {"decided_at": now - timedelta(days=120), "decided_by": staff,
                                     "ended_on": context.today - timedelta(days=30)}),
    ]
    taken = set(claims.values_list("member_id", flat=True))
    candidates = (pk for pk in _free_members(community).values_list("pk", flat=True)
                  if pk not in taken)
    for index, (status, fields) in enumerate(wanted):
        exists = claims.filter(status=status)
        if "ended_on" in fields:
            exists = exists.filter(ended_on__isnull=False)
        if exists.exists():
            continue
        member_id = next(candidates, None)
        if member_id is None:
            return
        PostClaim.objects.create(post=posts[index % len(posts)], member_id=member_id,
                                 status=status, **fields)


def _registrations(community, staff):
    registrations = Registration.objects.filter(community=community)
    registered = set(Registration.objects.values_list("member_id", flat=True))

    unit = Unit.objects.filter(communities=community, archived_at__isnull=True) \
        .order_by("pk").first()
    if unit is None:
        return
    candidates = (member for member in _free_members(
        community, category=Member.Category.EMPLOYED) if member.pk not in registered)
    for status, fields in [
        (Registration.Status.PENDING, {}),
        (Registration.Status.DECLINED, {"decline_reason": "所填单位与工作单位不一致，请核对后重新报到",
                                        "decided_at": timezone.now(), "decided_by": staff}),
    ]:
        if registrations.filter(status=status).exists():
            continue
        member = next(candidates, None)
        if member is None:
            return
        Registration.objects.create(member=member, community=community, unit=unit,
                                    address=member.address, status=status, **fields)


def _meetings(context, branch):
    today = context.today
    meetings = Meeting.objects.filter(branch=branch)
    members = list(Member.objects.active().filter(branch=branch).values_list("pk", flat=True))
    if not meetings.filter(status=Meeting.Status.CANCELLED).exists():
        starts = _aware(today - timedelta(days=9), 15)
        meeting = Meeting.objects.create(
            branch=branch, topic="学习贯彻上级会议精神（改期）", starts_at=starts,
            ends_at=starts + timedelta(hours=2), place="党群服务中心会议室", host="支部书记",
            status=Meeting.Status.CANCELLED, cancelled_at=starts - timedelta(days=1),
            cancel_reason="与社区防汛值班冲突，改期召开")
        meeting.kinds.add(MeetingKind.THEME_DAY)
    past_planned = meetings.filter(status=Meeting.Status.PLANNED,
                                   ends_at__lt=_aware(today, 0))
    if not past_planned.exists():
        starts = _aware(today - timedelta(days=2), 9)
        meeting = Meeting.objects.create(
            branch=branch, topic="研究近期社区志愿服务安排", starts_at=starts,
            ends_at=starts + timedelta(hours=2), place="党群服务中心会议室", host="支部书记",
            recorder="组织委员", status=Meeting.Status.PLANNED)
        meeting.kinds.add(MeetingKind.COMMITTEE_MEETING)
        Attendance.objects.bulk_create([Attendance(meeting=meeting, member_id=pk)
                                        for pk in members[:7]])


def _probation(context, branch):
    today = context.today
    soon = [member for member in Member.objects.active().probationary().filter(branch=branch)
            if today < member.probation_ends_on <= today + timedelta(days=30)]
    if soon:
        return
    ends_on = today + timedelta(days=14)
    # A year before the end; 29 February has no anniversary, the 28th stands in.
    joined_on = ends_on.replace(year=ends_on.year - 1, day=min(ends_on.day, 28)
                                if ends_on.month == 2 else ends_on.day)
    number = (Member.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    birth_date = date(1996, 5, 4)
    Member.objects.create(
        name="程晓雨", gender=Member.Gender.FEMALE, birth_date=birth_date,
        id_number=make_id_number(number, birth_date), phone=f"139{number % 100000000:08d}",
        education=Member.Education.BACHELOR,
        joined_on=joined_on, status=Member.Status.PROBATIONARY,
        category=Member.Category.EMPLOYED, branch=branch)


def _rectifications(context, community, official, staff):
    """One sent back (退回重改) and one fixed and awaiting acceptance, whatever the random
    inspections of the demo left."""
    point = InspectionPoint.objects.filter(community=community).order_by("pk").first()
    if point is None:
        return
    today = context.today
    now = timezone.now()
    opened = (RectificationEvent.Action.OPENED, official, "", 6)
    fixed = (RectificationEvent.Action.FIXED, staff, "已联系物业清运", 4)
    states = [
        (Rectification.Status.RETURNED, "垃圾满溢，未及时清运", {}, [
            opened, fixed,
            (RectificationEvent.Action.RETURNED, official, "复查时仍有垃圾堆放，请彻底清理", 3)]),
        (Rectification.Status.FIXED, "楼道堆放杂物", {"fixed_on": today - timedelta(days=1)}, [
            opened, (RectificationEvent.Action.FIXED, staff, "已清理楼道杂物", 1)]),
    ]
    for status, problem, fields, history in states:
        if Rectification.objects.filter(community=community, status=status).exists():
            continue
        inspection = Inspection.objects.create(
            point=point, community=community, inspected_on=today - timedelta(days=6),
            result=Inspection.Result.FAIL, problem=problem, inspector=official)
        rectification = Rectification.objects.create(
            inspection=inspection, community=community, deadline=today - timedelta(days=2),
            status=status, **fields)
        RectificationEvent.objects.bulk_create([
            RectificationEvent(rectification=rectification, action=action, actor=actor,
                               note=note, at=now - timedelta(days=days_ago))
            for action, actor, note, days_ago in history])


def _projects(context):
    """Across the street: the projects are few (one per need a unit's resource meets)."""
    projects = Project.objects.filter(community__in=context.community_nodes)
    in_progress = list(projects.filter(status=Project.Status.IN_PROGRESS).order_by("pk"))
    changes = [
        (Project.Status.DONE, {"finished_on": context.today - timedelta(days=10),
                               "outcome": "已按计划完成，居民反映良好。", "rating": 5}),
        (Project.Status.DROPPED, {"drop_reason": "单位人员调整，暂无法提供该项服务"}),
        (Project.Status.PLANNED, {}),
    ]
    for status, fields in changes:
        # One project stays in progress.
        if projects.filter(status=status).exists() or len(in_progress) < 2:
            continue
        project = in_progress.pop()
        project.status = status
        for name, value in fields.items():
            setattr(project, name, value)
        project.save()


def _agreements(context, community):
    agreements = Agreement.objects.filter(community=community)
    if agreements.filter(ended_on__isnull=False).exists():
        return
    candidate = (agreements.filter(ended_on__isnull=True, ends_on__gt=context.today + timedelta(
        days=60)).order_by("-pk").first())
    if candidate is None:
        return
    candidate.ended_on = context.today - timedelta(days=45)
    candidate.end_reason = "单位搬迁出本社区，双方协商终止"
    candidate.save(update_fields=["ended_on", "end_reason"])


def _failed_sms(community):
    """A member's meeting reminder whose SMS hit the day's cap: failed with the reason, in the
    inbox marked 短信未送达, listed on the member's 提醒与发送记录 page."""
    failed = Delivery.objects.filter(channel=channels.SMS, status=Delivery.Status.FAILED,
                                     recipient__member__branch__path__startswith=community.path)
    if failed.exists():
        return
    member = _free_members(community, user__isnull=False).exclude(phone="").first()
    meeting = (Meeting.objects.filter(branch=member.branch).order_by("-starts_at").first()
               if member else None)
    if meeting is None:
        return
    kind = f"meeting_upcoming:demo:{meeting.pk}"
    text = reminders.reminder_text("会议提醒：%(topic)s",
                                   "%(when)s 在 %(place)s 召开“%(topic)s”，请准时参加。",
                                   topic=meeting.topic, when=meeting.starts_at,
                                   place=meeting.place)
    reminders.record([reminders.Reminder(Meeting, meeting.pk, member.user_id, kind, **text)])
    rows = Delivery.objects.filter(recipient_id=member.user_id, kind=kind)
    now = timezone.now()
    rows.filter(channel=channels.IN_APP).update(status=Delivery.Status.SENT, attempts=1,
                                                sent_at=now)
    sms = rows.filter(channel=channels.SMS)
    sms.update(status=Delivery.Status.FAILED, attempts=1,
               error=gettext("已达每日短信上限（%(cap)d 条），改为站内通知。") % {"cap": 5})
    channels.fall_back(sms.values_list("pk", flat=True), now)
    Notification.objects.filter(recipient_id=member.user_id, kind=kind).update(delivered_at=now)
