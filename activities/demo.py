"""Demo meetings and community activities, inserted in bulk (benchmarks seed 500 branches ×
5 years).

Every branch holds a monthly 主题党日 (with the quarter's 党员大会 and 党课 in the last month of
each quarter, and the 组织生活会 with 民主评议 in December), its committee meets monthly, and
each party group meets monthly. One branch in five held nothing last month and this month, so
the compliance pages show red. Attendance rows are written for the recent months only (all of
them for a small demo): older meetings keep their minutes, kinds and dates.
"""
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from activities.defaults import ensure_defaults
from activities.models import (Attendance, CommunityActivity, Meeting, MeetingKind, Participation)
from members.models import Member
from organizations.models import CommitteeSeat, Node

TOPICS = ["学习贯彻党的二十届三中全会精神", "学习《中国共产党章程》", "开展“我为群众办实事”实践活动",
          "学习习近平新时代中国特色社会主义思想", "传达上级党组织会议精神", "研究发展党员工作",
          "开展党史学习教育", "讨论社区治理和志愿服务工作"]
ACTIVITY_TITLES = {
    CommunityActivity.Kind.VOLUNTEER: "敬老助残志愿服务", CommunityActivity.Kind.CLEAN_UP: "楼道环境清理",
    CommunityActivity.Kind.PATROL: "夜间义务巡逻", CommunityActivity.Kind.CIVILIZATION: "文明城市创建宣传",
    CommunityActivity.Kind.CARE_VISIT: "走访慰问困难党员", CommunityActivity.Kind.PUBLICITY: "反诈知识宣讲",
}
GRADES = [Attendance.Grade.EXCELLENT] + [Attendance.Grade.QUALIFIED] * 8 + [
    Attendance.Grade.BASIC]


def seed(context):
    from django.apps import apps

    ensure_defaults(apps)
    branches = [branch for branch in context.branch_nodes if not branch.meetings.exists()]
    if not branches:
        return
    rng = context.rng
    today = context.today
    members = defaultdict(list)
    for pk, branch_id, group_id in Member.objects.active().filter(branch__in=branches).values_list(
            "pk", "branch_id", "group_id"):
        members[branch_id].append((pk, group_id))
    committees = defaultdict(list)
    for node_id, member_id in CommitteeSeat.objects.current(today).filter(
            node__in=branches, member__isnull=False).values_list("node_id", "member_id"):
        committees[node_id].append(member_id)
    groups = defaultdict(list)
    for pk, parent_id in Node.objects.active().filter(kind=Node.Kind.GROUP,
                                                       parent__in=branches).values_list(
            "pk", "parent_id"):
        groups[parent_id].append(pk)
    total_members = sum(len(rows) for rows in members.values())
    detail_since = _month_start(today, -12 if total_members <= 5000 else -2)
    first_month = _month_start(today, -12 * context.years + 1)
    months = []
    month = first_month
    while month <= _month_start(today, 1):
        months.append(month)
        month = _month_start(month, 1)

    plans = []   # (Meeting, [kind codes], [member ids], grade?)
    for index, branch in enumerate(branches):
        idle = index % 5 == 4
        has_committee = len(committees[branch.pk]) >= 3
        everyone = [pk for pk, _group in members[branch.pk]]
        for month in months:
            if idle and month >= _month_start(today, -1):
                continue
            day = month.replace(day=min(28, 5 + index % 20))
            upcoming = _at(day, 15) > timezone.now()
            status = Meeting.Status.PLANNED if upcoming else Meeting.Status.HELD
            kinds = [MeetingKind.THEME_DAY]
            if month.month % 3 == 0:
                kinds += [MeetingKind.GENERAL_MEETING, MeetingKind.PARTY_LECTURE]
            if month.month == 12:
                kinds += [MeetingKind.LIFE_MEETING, MeetingKind.APPRAISAL, MeetingKind.TALK]
            detailed = month >= detail_since
            plans.append((_meeting(branch, None, day, 15, status, rng), kinds,
                          everyone if detailed else [], month.month == 12 and detailed))
            if has_committee:
                plans.append((_meeting(branch, None, day - timedelta(days=2), 9, status, rng),
                              [MeetingKind.COMMITTEE_MEETING],
                              committees[branch.pk] if detailed else [], False))
            for group_id in groups[branch.pk]:
                group_members = [pk for pk, group in members[branch.pk] if group == group_id]
                plans.append((_meeting(branch, group_id, day + timedelta(days=3), 19, status, rng),
                              [MeetingKind.GROUP_MEETING],
                              group_members if detailed else [], False))
    Meeting.objects.bulk_create([plan[0] for plan in plans], batch_size=2000)
    through = Meeting.kinds.through
    through.objects.bulk_create([through(meeting_id=meeting.pk, meetingkind_id=code)
                                 for meeting, codes, _members, _graded in plans for code in codes],
                                batch_size=5000)
    attendances = []
    for meeting, _codes, member_ids, graded in plans:
        held = meeting.status == Meeting.Status.HELD
        for member_id in member_ids:
            roll = rng.random()
            status = (Attendance.Status.INVITED if not held else Attendance.Status.PRESENT
                      if roll < 0.85 else Attendance.Status.EXCUSED if roll < 0.95
                      else Attendance.Status.ABSENT)
            attendances.append(Attendance(
                meeting=meeting, member_id=member_id, status=status,
                reason="外出探亲" if status == Attendance.Status.EXCUSED else "",
                checked_in_at=meeting.starts_at if status == Attendance.Status.PRESENT else None,
                grade=rng.choice(GRADES) if graded and held else ""))
    Attendance.objects.bulk_create(attendances, batch_size=5000)
    _seed_activities(context, members, detail_since)
    context.log(f"组织生活：新增 {len(plans)} 次会议，{len(attendances)} 条出席记录")


def _meeting(branch, group_id, day, hour, status, rng):
    starts_at = _at(day, hour)
    held = status == Meeting.Status.HELD
    return Meeting(branch=branch, group_id=group_id, topic=rng.choice(TOPICS),
                   starts_at=starts_at, ends_at=starts_at + timedelta(hours=2),
                   place="党群服务中心会议室" if group_id is None else "党小组活动室",
                   host="支部书记", recorder="组织委员", status=status,
                   minutes="会议传达学习了上级精神，结合实际进行了讨论，明确了下一步工作。" if held else "",
                   recorded_at=starts_at + timedelta(hours=3) if held else None)


def _seed_activities(context, members, since):
    rng = context.rng
    by_community = defaultdict(list)
    for branch in context.branch_nodes:
        by_community[branch.parent_id].extend(pk for pk, _group in members.get(branch.pk, []))
    activities, participant_picks = [], []
    kinds = list(ACTIVITY_TITLES)
    for community in context.community_nodes:
        if community.community_activities.exists():
            continue
        month = since
        while month <= context.today:
            for _ in range(2):
                kind = rng.choice(kinds)
                held_on = month.replace(day=rng.randint(1, 28))
                if held_on > context.today:
                    continue
                activities.append(CommunityActivity(
                    community=community, kind=kind, title=ACTIVITY_TITLES[kind], held_on=held_on,
                    place="社区广场", organizer=community.name, residents_count=rng.randint(10, 80),
                    description="党员志愿者积极参与，居民反响良好。"))
                pool = by_community[community.pk]
                participant_picks.append(rng.sample(pool, min(len(pool), 5)))
            month = _month_start(month, 1)
    CommunityActivity.objects.bulk_create(activities, batch_size=2000)
    Participation.objects.bulk_create(
        [Participation(activity=activity, member_id=member_id, hours=rng.choice([1, 1.5, 2, 3]))
         for activity, picks in zip(activities, participant_picks) for member_id in picks],
        batch_size=5000)


def _month_start(day, months):
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _at(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))
