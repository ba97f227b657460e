"""The appraisal's rules as plain functions: who counts, voting, the tally, the decision."""
import random
from collections import Counter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.appraisal.models import (AppraisalRule, Appraisee, Ballot, Commitment,
                                         CommitmentRecord, Grade, Participation, Round)
from activities.models import Attendance
from members.models import Member
from organizations.rules import most_specific

# The order of the tally's columns and of the ballot's choices.
GRADES = [Grade.EXCELLENT, Grade.QUALIFIED, Grade.BASIC, Grade.UNQUALIFIED]
# Below this many voters a count per member would tell what each of them voted.
TALLY_MIN_VOTERS = 3


def excellent_max_percent(branch):
    rule = most_specific(AppraisalRule.objects.all(), branch)
    return rule.excellent_max_percent if rule else 100


def excellent_cap(percent, appraised):
    """How many 优秀 a decision (or a ballot) may hold: the share, rounded down."""
    return appraised * percent // 100


def round_create(*, branch, year, period_start, period_end, votes_open_at, votes_close_at,
                 meeting=None):
    """A branch's round for a year: the members on its roster during the period are appraised
    (joined before the period ends, not left)."""
    if Round.objects.filter(branch=branch, year=year).exists():
        raise ValidationError({"year": _("该支部本年度已有民主评议。")})
    if votes_close_at <= votes_open_at:
        raise ValidationError({"votes_close_at": _("投票截止时间必须晚于开始时间。")})
    if period_end < period_start:
        raise ValidationError({"period_end": _("评议期间的结束日期不能早于开始日期。")})
    with transaction.atomic():
        round_ = Round.objects.create(
            branch=branch, year=year, period_start=period_start, period_end=period_end,
            votes_open_at=votes_open_at, votes_close_at=votes_close_at, meeting=meeting)
        members = Member.objects.active().filter(branch=branch, joined_on__lte=period_end)
        Appraisee.objects.bulk_create([Appraisee(round=round_, member=member)
                                       for member in members])
    return round_


def appraisee_of(round_, member):
    """The member's counting place in the round, or None."""
    return Appraisee.objects.counting().filter(round=round_, member=member).first()


def self_appraise(*, round_, member, text, now=None):
    appraisee = appraisee_of(round_, member)
    if appraisee is None:
        raise ValidationError(_("您不在本次民主评议的参评党员中。"))
    if round_.state(now) not in (Round.State.SCHEDULED, Round.State.OPEN):
        raise ValidationError({"self_appraisal": _("投票已截止，自评不能再修改。")})
    appraisee.self_appraisal = text
    appraisee.save(update_fields=["self_appraisal"])
    return appraisee


def ballot_targets(round_, voter):
    """The appraisees a voter rates: every counting member of the round but themselves."""
    return list(Appraisee.objects.counting().filter(round=round_).exclude(member=voter)
                .select_related("member"))


def vote(*, round_, voter, grades, now=None):
    """Record a member's 互评: `grades` maps appraisee id → grade, one for every other member.

    The participation row says the member voted; the ballot rows, inserted in one shuffled
    batch, say what, and hold nothing that leads back to the voter."""
    if not round_.voting_open(now):
        raise ValidationError(_("不在投票时间内。"))
    if not Appraisee.objects.voters().filter(round=round_, member=voter).exists():
        raise ValidationError(_("您在本次民主评议中没有表决权。"))
    targets = {appraisee.pk for appraisee in ballot_targets(round_, voter)}
    own = Appraisee.objects.filter(round=round_, member=voter).values_list("pk", flat=True)
    if set(grades) & set(own):
        raise ValidationError(_("不能给自己投票。"))
    if set(grades) != targets:
        raise ValidationError(_("请对每一位其他党员作出评价。"))
    if any(grade not in Grade.values for grade in grades.values()):
        raise ValidationError(_("评议等次无效。"))
    cap = excellent_cap(excellent_max_percent(round_.branch), len(targets) + len(own))
    if sum(1 for grade in grades.values() if grade == Grade.EXCELLENT) > cap:
        raise ValidationError(_("“优秀”最多可评 %(cap)s 人。") % {"cap": cap})
    try:
        with transaction.atomic():
            Participation.objects.create(round=round_, member=voter)
            _ballot_box_shaken(round_, grades)
    except IntegrityError:
        raise ValidationError(_("您已经投过票，不能重复投票。")) from None


def _ballot_box_shaken(round_, grades):
    """Put the new ballots in the round's box and shake it: every ballot of the round is
    written again in a random order, so the order rows are stored in (SQLite's rowid, the
    physical order a query without ORDER BY returns) says nothing of who voted when."""
    rows = [Ballot(pk=pk, appraisee_id=appraisee_id, grade=grade)
            for pk, appraisee_id, grade in Ballot.objects.filter(appraisee__round=round_)
            .values_list("pk", "appraisee_id", "grade")]
    rows += [Ballot(appraisee_id=pk, grade=grade) for pk, grade in grades.items()]
    random.SystemRandom().shuffle(rows)
    Ballot.objects.filter(appraisee__round=round_).delete()
    Ballot.objects.bulk_create(rows, batch_size=2000)


def turnout(round_):
    """(voted, voters): members with a vote who voted, of all members with a vote."""
    voters = Appraisee.objects.voters().filter(round=round_).values("member_id")
    voted = Participation.objects.filter(round=round_, member_id__in=voters).count()
    return voted, voters.count()


def tally(round_, appraisee_ids=None):
    """{appraisee id: [votes per grade in GRADES order]}, counted only once voting closed (a
    running count would let whoever watches it learn each new ballot) and only from
    TALLY_MIN_VOTERS voters on (one or two ballots counted are those ballots)."""
    if round_.state() in (Round.State.SCHEDULED, Round.State.OPEN):
        return {}
    if Participation.objects.filter(round=round_).count() < TALLY_MIN_VOTERS:
        return {}
    counts = Counter()
    rows = (Ballot.objects.filter(appraisee__round=round_).values("appraisee_id", "grade")
            .order_by().annotate(votes=Count("id")))
    for row in rows:
        counts[row["appraisee_id"], row["grade"]] = row["votes"]
    if appraisee_ids is None:
        appraisee_ids = Appraisee.objects.filter(round=round_).values_list("pk", flat=True)
    return {pk: [counts[pk, grade] for grade in GRADES] for pk in appraisee_ids}


def suggested_grade(votes):
    """The grade most votes gave (the milder one on a tie), as the decision form's start."""
    if not any(votes):
        return Grade.QUALIFIED
    best = max(votes)
    ties = [grade for grade, count in zip(GRADES, votes) if count == best]
    return Grade.QUALIFIED if Grade.QUALIFIED in ties else ties[0]


def public_counts_set(*, round_, counts):
    """群众评议: `counts` maps appraisee id → four counts (优秀, 合格, 基本合格, 不合格)."""
    if round_.decided_at:
        raise ValidationError(_("等次已决定，不能再修改。"))
    rows = Appraisee.objects.filter(round=round_, pk__in=counts)
    for row in rows:
        (row.public_excellent, row.public_qualified, row.public_basic,
         row.public_unqualified) = counts[row.pk]
    Appraisee.objects.bulk_update(rows, ["public_excellent", "public_qualified", "public_basic",
                                         "public_unqualified"])


def decide(*, round_, decisions, by, now=None):
    """The branch's decision: `decisions` maps appraisee id → (grade, reason, follow_up, note).

    Refused while votes are open, without the concluding meeting, over the 优秀 cap, or for a
    不合格 without reason and follow-up. The grade is also written on the concluding meeting's
    attendance rows, where the portal kept appraisal grades before rounds existed."""
    state = round_.state(now)
    if state == Round.State.DECIDED:
        raise ValidationError(_("等次已决定。"))
    if state != Round.State.CLOSED:
        raise ValidationError(_("投票截止后才能决定等次。"))
    if round_.meeting_id is None:
        raise ValidationError({"meeting": _("请先指定总结评议的支部党员大会。")})
    counting = list(Appraisee.objects.counting().filter(round=round_))
    errors = {}
    for appraisee in counting:
        grade, reason, follow_up, _note = decisions.get(appraisee.pk, ("", "", "", ""))
        if not grade:
            errors[f"grade_{appraisee.pk}"] = _("请选择等次。")
        elif grade == Grade.UNQUALIFIED:
            if not reason.strip():
                errors[f"reason_{appraisee.pk}"] = _("评为不合格须写明理由。")
            if not follow_up:
                errors[f"follow_up_{appraisee.pk}"] = _("评为不合格须选择组织处置。")
    cap = excellent_cap(excellent_max_percent(round_.branch), len(counting))
    excellent = sum(1 for a in counting if decisions.get(a.pk, ("",))[0] == Grade.EXCELLENT)
    if excellent > cap:
        errors["__all__"] = _("“优秀”不得超过参评党员的 %(percent)s%%，即最多 %(cap)s 人，"
                              "现为 %(count)s 人。") % {
            "percent": excellent_max_percent(round_.branch), "cap": cap, "count": excellent}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for appraisee in counting:
            grade, reason, follow_up, note = decisions[appraisee.pk]
            unqualified = grade == Grade.UNQUALIFIED
            appraisee.grade = grade
            appraisee.reason = reason.strip()
            appraisee.follow_up = follow_up if unqualified else ""
            appraisee.follow_up_note = note.strip() if unqualified else ""
        Appraisee.objects.bulk_update(counting, ["grade", "reason", "follow_up",
                                                 "follow_up_note"])
        attendances = list(Attendance.objects.filter(
            meeting_id=round_.meeting_id, member_id__in=[a.member_id for a in counting]))
        grade_of = {a.member_id: a.grade for a in counting}
        for row in attendances:
            row.grade = grade_of[row.member_id]
        Attendance.objects.bulk_update(attendances, ["grade"])
        round_.decided_at = now or timezone.now()
        round_.decided_by = by
        round_.save(update_fields=["decided_at", "decided_by"])


def commitment_save(*, member, year, text):
    commitment, _created = Commitment.objects.update_or_create(
        member=member, year=year, defaults={"text": text})
    return commitment


def commitment_record_add(*, commitment, done_on, what, evidence=None):
    record = CommitmentRecord(commitment=commitment, done_on=done_on, what=what)
    if evidence:
        record.evidence = evidence
    record.save()
    return record
