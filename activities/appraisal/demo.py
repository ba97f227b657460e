"""Demo appraisals in every state, in the community of the demo secretary (兰新社区): this
year's round of the secretary's branch open for voting (the demo member has not voted yet), last
year's decided at its 党员大会, and this year's round of the next branch closed and tallied,
waiting for the decision; and a commitment with its record for most members of the community.

Idempotent: a round is added only where the branch lacks that year's round."""
import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from activities.appraisal import services
from activities.appraisal.models import Appraisee, Commitment, CommitmentRecord, Grade, Round
from activities.models import Attendance, Meeting, MeetingKind
from members.models import Member
from organizations.models import Node

COMMITMENTS = ["每月参加一次楼道环境清理", "结对帮扶一户困难老人，每周上门看望", "担任楼栋长，收集反映居民诉求",
               "参加夜间义务巡逻，每月不少于两次", "为社区老年人讲解智能手机使用", "参与垃圾分类督导志愿服务"]
DEEDS = ["清理楼道杂物", "上门看望结对老人", "收集居民意见并反映社区", "参加夜间巡逻", "开展手机使用讲解"]


def seed(context):
    secretary = context.users.get("shuji")
    if secretary is None:
        return
    branch = Node.objects.filter(grants__user=secretary, kind=Node.Kind.BRANCH).first()
    if branch is None:
        return
    community = branch.parent
    # Its own draws: taking from the shared generator would change what the later steps draw.
    rng = random.Random(2026)
    now = timezone.now()
    year = timezone.localdate().year
    _commitments(community, year, rng)
    if not Round.objects.filter(branch=branch, year=year).exists():
        round_ = _round(branch, year, now - timedelta(days=2), now + timedelta(days=10))
        _votes(round_, rng, share=0.5, skip_demo_member=True)
    if not Round.objects.filter(branch=branch, year=year - 1).exists():
        closes = _aware(date(year - 1, 12, 20), 18)
        round_ = _round(branch, year - 1, closes - timedelta(days=7), closes)
        _votes(round_, rng, share=0.9)
        _decide(round_, secretary)
    sibling = (Node.objects.active().filter(parent=community, kind=Node.Kind.BRANCH)
               .exclude(pk=branch.pk).order_by("sort_order", "pk").first())
    if sibling is not None and not Round.objects.filter(branch=sibling, year=year).exists():
        round_ = _round(sibling, year, now - timedelta(days=9), now - timedelta(days=1))
        _votes(round_, rng, share=0.8)
        appraisee = Appraisee.objects.filter(round=round_).first()
        if appraisee is not None:
            services.public_counts_set(round_=round_, counts={appraisee.pk: [12, 30, 2, 0]})


def _aware(day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _round(branch, year, opens, closes):
    return services.round_create(branch=branch, year=year, period_start=date(year, 1, 1),
                                 period_end=date(year, 12, 31), votes_open_at=opens,
                                 votes_close_at=closes)


def _votes(round_, rng, share, skip_demo_member=False):
    """Part of the members with a vote cast ballots, mostly 合格, within the cap on 优秀."""
    moment = round_.votes_open_at + timedelta(hours=1)
    voters = list(Appraisee.objects.voters().filter(round=round_).select_related("member"))
    cap = services.excellent_cap(services.excellent_max_percent(round_.branch),
                                 Appraisee.objects.counting().filter(round=round_).count())
    for voter in voters:
        if skip_demo_member and voter.member.user_id and voter.member.user.username == "dangyuan":
            continue
        if rng.random() > share:
            continue
        targets = services.ballot_targets(round_, voter.member)
        grades = {}
        for index, target in enumerate(targets):
            grades[target.pk] = (Grade.EXCELLENT if index < min(cap, 1) else
                                 Grade.BASIC if rng.random() < 0.05 else Grade.QUALIFIED)
        services.vote(round_=round_, voter=voter.member, grades=grades, now=moment)


def _decide(round_, secretary):
    """Last year's 党员大会 that heard the appraisal and decided each member's grade."""
    starts = round_.votes_close_at + timedelta(days=2)
    meeting = Meeting.objects.create(
        branch=round_.branch, topic=f"{round_.year}年度组织生活会和民主评议党员", starts_at=starts,
        ends_at=starts + timedelta(hours=2), place="党群服务中心会议室", host="支部书记",
        recorder="组织委员", status=Meeting.Status.HELD, recorded_at=starts + timedelta(hours=3),
        minutes="开展批评与自我批评，党员互评，支部党员大会决定评议等次。")
    meeting.kinds.set(MeetingKind.objects.filter(
        code__in=[MeetingKind.GENERAL_MEETING, MeetingKind.LIFE_MEETING, MeetingKind.APPRAISAL]))
    counting = list(Appraisee.objects.counting().filter(round=round_))
    Attendance.objects.bulk_create([
        Attendance(meeting=meeting, member_id=a.member_id, status=Attendance.Status.PRESENT,
                   checked_in_at=starts) for a in counting])
    round_.meeting = meeting
    round_.save(update_fields=["meeting"])
    tally = services.tally(round_)
    decisions = {a.pk: (services.suggested_grade(tally[a.pk]), "", "", "") for a in counting}
    cap = services.excellent_cap(services.excellent_max_percent(round_.branch), len(counting))
    for appraisee in counting[:cap]:
        decisions[appraisee.pk] = (Grade.EXCELLENT, "", "", "")
    if len(counting) > cap + 1:
        decisions[counting[-1].pk] = (Grade.UNQUALIFIED, "全年无故不参加组织生活，经教育仍无改进。",
                                      "correct", "限期三个月改正，由支部书记谈话帮助。")
    services.decide(round_=round_, decisions=decisions, by=secretary,
                    now=round_.votes_close_at + timedelta(days=2, hours=3))


def _commitments(community, year, rng):
    if Commitment.objects.filter(member__branch__path__startswith=community.path,
                                 year=year).exists():
        return
    members = list(Member.objects.active().filter(branch__path__startswith=community.path)
                   .order_by("pk"))
    commitments = Commitment.objects.bulk_create([
        Commitment(member=member, year=year, text=COMMITMENTS[index % len(COMMITMENTS)])
        for index, member in enumerate(members) if index % 6 != 5])
    records = []
    for index, commitment in enumerate(commitments):
        for month in range(1, 1 + index % 3):
            records.append(CommitmentRecord(
                commitment=commitment, done_on=date(year, min(month * 3, 11), 8 + index % 15),
                what=DEEDS[(index + month) % len(DEEDS)]))
    CommitmentRecord.objects.bulk_create(records)
