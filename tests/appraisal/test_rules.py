"""民主评议 rules on a constructed calendar: anonymity, voting once within the window, who
counts, the tally, the 优秀 cap and the decision."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from activities.appraisal import services
from activities.appraisal.factories import cast, make_round
from activities.appraisal.models import (AppraisalRule, Appraisee, Ballot, Participation, Round)
from activities.factories import HeldMeetingFactory
from activities.models import Attendance
from members.factories import MemberFactory
from members.models import Member

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
OPENS = datetime(2026, 12, 20, 9, 0, tzinfo=SH)
CLOSES = datetime(2026, 12, 27, 18, 0, tzinfo=SH)
DURING = OPENS + timedelta(days=1)
AFTER = CLOSES + timedelta(hours=1)


@pytest.fixture
def branch_round(world):
    """B1 with ten members (the world's member and nine more), its 2026 round."""
    members = [world.member] + [MemberFactory(branch=world.branch, name=f"党员{index}")
                                for index in range(9)]
    meeting = HeldMeetingFactory(branch=world.branch, kinds=["general_meeting", "appraisal"],
                                 attendees=members)
    round_ = make_round(world.branch, year=2026, opens=OPENS, closes=CLOSES, meeting=meeting)
    return round_, members


def test_the_ballot_model_holds_nothing_that_leads_to_a_voter():
    fields = {field.name: field for field in Ballot._meta.get_fields()}
    assert set(fields) == {"id", "appraisee", "grade"}
    assert isinstance(fields["id"], models.UUIDField)  # random, not a sequence
    assert fields["appraisee"].related_model is Appraisee
    assert not any(isinstance(field, (models.DateTimeField, models.DateField,
                                      models.AutoField, models.BigAutoField))
                   for field in fields.values())
    assert not Ballot._meta.ordering
    with connection.cursor() as cursor:
        columns = {column.name for column in
                   connection.introspection.get_table_description(cursor, Ballot._meta.db_table)}
    assert columns == {"id", "appraisee_id", "grade"}
    # The participation says who voted and nothing of what, nor when.
    assert {f.name for f in Participation._meta.get_fields()} == {"id", "round", "member"}


def test_stored_rows_cannot_be_joined_back_to_a_voter(branch_round):
    round_, members = branch_round
    with time_machine.travel(DURING, tick=False):
        cast(round_, members[1])
        cast(round_, members[2], "basically_qualified")
    rows = list(Ballot.objects.values())
    assert len(rows) == 2 * 9
    assert all(set(row) == {"id", "appraisee_id", "grade"} for row in rows)
    # The keys are random (UUID version 4): no order of insertion to line up with the
    # participations, which hold no time either.
    assert {row["id"].version for row in rows} == {4}
    assert set(Participation.objects.values_list("member_id", flat=True)) == {
        members[1].pk, members[2].pk}


def test_the_storage_order_of_ballots_does_not_follow_the_voters(branch_round):
    """Each vote shakes the ballot box: the rows come back in an order unrelated to who voted
    when (the physical order: SQLite's rowid, PostgreSQL's ctid)."""
    round_, members = branch_round
    with time_machine.travel(DURING, tick=False):
        cast(round_, members[1], "basically_qualified")
        for voter in members[2:4]:
            cast(round_, voter)
    physical = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT grade FROM {Ballot._meta.db_table} ORDER BY {physical}")
        order = [grade for (grade,) in cursor.fetchall()]
    assert len(order) == 27 and order.count("basically_qualified") == 9
    # The first voter's nine ballots are not stored together (chance of that: 1 in 300,000).
    first = [index for index, grade in enumerate(order) if grade == "basically_qualified"]
    assert first[-1] - first[0] != 8


def test_the_audit_trail_records_no_ballot(branch_round):
    from auditlog.context import set_actor
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    round_, members = branch_round
    Ballot.objects.create(appraisee=Appraisee.objects.get(round=round_, member=members[0]),
                          grade="qualified")  # even one saved one by one
    with time_machine.travel(DURING, tick=False), set_actor(members[1].user or None):
        cast(round_, members[1])
    ballot_type = ContentType.objects.get_for_model(Ballot)
    assert not LogEntry.objects.filter(content_type=ballot_type).exists()


def test_a_member_votes_once_and_the_database_enforces_it(branch_round):
    round_, members = branch_round
    with time_machine.travel(DURING, tick=False):
        cast(round_, members[1])
        with pytest.raises(ValidationError, match="重复投票"):
            cast(round_, members[1])
    assert Ballot.objects.count() == 9
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(round=round_, member=members[1])


@pytest.mark.parametrize("moment", [OPENS - timedelta(seconds=1), CLOSES, AFTER])
def test_votes_only_within_the_window(branch_round, moment):
    round_, members = branch_round
    with time_machine.travel(moment, tick=False), pytest.raises(ValidationError,
                                                                match="不在投票时间内"):
        cast(round_, members[1])
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_the_window_opens_and_closes_at_the_set_times(branch_round):
    round_, members = branch_round
    assert round_.state(OPENS - timedelta(seconds=1)) == Round.State.SCHEDULED
    assert round_.state(OPENS) == Round.State.OPEN
    assert round_.state(CLOSES - timedelta(seconds=1)) == Round.State.OPEN
    assert round_.state(CLOSES) == Round.State.CLOSED


def test_nobody_votes_for_themselves_nor_skips_a_member(branch_round):
    round_, members = branch_round
    voter = members[1]
    own = Appraisee.objects.get(round=round_, member=voter)
    grades = {t.pk: "qualified" for t in services.ballot_targets(round_, voter)}
    with time_machine.travel(DURING, tick=False):
        with pytest.raises(ValidationError, match="不能给自己投票"):
            services.vote(round_=round_, voter=voter, grades={**grades, own.pk: "excellent"})
        grades.popitem()
        with pytest.raises(ValidationError, match="每一位"):
            services.vote(round_=round_, voter=voter, grades=grades)
    assert not Ballot.objects.exists() and not Participation.objects.exists()


def test_a_ballot_is_capped_on_excellent(branch_round):
    round_, members = branch_round  # ten appraised, 20 %: two 优秀 at most
    targets = services.ballot_targets(round_, members[1])
    grades = {t.pk: "excellent" if i < 3 else "qualified" for i, t in enumerate(targets)}
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError, match="最多"):
        services.vote(round_=round_, voter=members[1], grades=grades)
    assert not Ballot.objects.exists()


def test_a_member_who_left_the_roster_does_not_count(branch_round):
    round_, members = branch_round
    leaver = members[9]
    Member.objects.filter(pk=leaver.pk).update(left_on="2026-12-01")
    leaver.refresh_from_db()
    assert services.turnout(round_) == (0, 9)
    assert leaver.pk not in {t.member_id for t in services.ballot_targets(round_, members[1])}
    with time_machine.travel(DURING, tick=False):
        with pytest.raises(ValidationError, match="没有表决权"):
            cast(round_, leaver)
        for voter in members[:4]:
            cast(round_, voter)
    assert services.turnout(round_) == (4, 9)
    with time_machine.travel(AFTER, tick=False):
        tally = services.tally(round_)
    assert len(tally) == 10  # every appraisee row, the page shows the counting ones
    counting = set(Appraisee.objects.counting().filter(round=round_)
                   .values_list("pk", flat=True))
    assert Appraisee.objects.get(round=round_, member=leaver).pk not in counting


def test_probationary_members_are_appraised_without_a_vote(branch_round):
    round_, members = branch_round
    Member.objects.filter(pk=members[3].pk).update(status=Member.Status.PROBATIONARY)
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError,
                                                                match="没有表决权"):
        cast(round_, members[3])
    assert services.turnout(round_) == (0, 9)
    assert members[3].pk in {t.member_id for t in services.ballot_targets(round_, members[1])}


def test_the_tally_waits_for_the_close_and_for_enough_voters(branch_round):
    round_, members = branch_round
    with time_machine.travel(DURING, tick=False):
        cast(round_, members[1], "basically_qualified")
        cast(round_, members[2])
        assert services.tally(round_) == {}  # open: turnout only
    with time_machine.travel(AFTER, tick=False):
        assert services.tally(round_) == {}  # two ballots counted would be those two
    with time_machine.travel(DURING, tick=False):
        cast(round_, members[3])
    with time_machine.travel(AFTER, tick=False):
        tally = services.tally(round_)
    target = Appraisee.objects.get(round=round_, member=members[0])
    assert tally[target.pk] == [0, 2, 1, 0]


def _decisions(round_, **overrides):
    rows = Appraisee.objects.counting().filter(round=round_).select_related("member")
    decisions = {a.pk: ("qualified", "", "", "") for a in rows}
    for a in rows:
        if a.member.name in overrides:
            decisions[a.pk] = overrides[a.member.name]
    return decisions


def test_the_share_of_excellent_is_capped_by_the_rule_as_data(branch_round, world):
    round_, members = branch_round
    too_many = _decisions(round_, **{f"党员{i}": ("excellent", "", "", "") for i in range(3)})
    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(ValidationError, match="最多 2 人"):
            services.decide(round_=round_, decisions=too_many, by=world.users["secretary"])
        assert not Appraisee.objects.exclude(grade="").exists()
        # The community raises the share to 30 %: three of ten may be 优秀.
        AppraisalRule.objects.create(node=world.community, excellent_max_percent=30)
        services.decide(round_=round_, decisions=too_many, by=world.users["secretary"])
    assert Appraisee.objects.filter(grade="excellent").count() == 3


def test_unqualified_needs_a_reason_and_a_follow_up(branch_round, world):
    round_, members = branch_round
    bare = _decisions(round_, 党员1=("unqualified", "", "", ""))
    with time_machine.travel(AFTER, tick=False):
        with pytest.raises(ValidationError) as caught:
            services.decide(round_=round_, decisions=bare, by=world.users["secretary"])
        assert not Round.objects.filter(decided_at__isnull=False).exists()
        target = Appraisee.objects.get(round=round_, member__name="党员1")
        assert {f"reason_{target.pk}", f"follow_up_{target.pk}"} <= set(caught.value.error_dict)
        services.decide(round_=round_, decisions=_decisions(
            round_, 党员1=("unqualified", "无故不参加组织生活", "correct", "三个月内改正")),
            by=world.users["secretary"])
    target.refresh_from_db()
    assert (target.grade, target.follow_up) == ("unqualified", "correct")
    # The database refuses a 不合格 without them too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Appraisee.objects.filter(pk=target.pk).update(reason="")


def test_no_decision_before_the_close_nor_without_the_meeting(branch_round, world):
    round_, members = branch_round
    with time_machine.travel(DURING, tick=False), pytest.raises(ValidationError, match="截止后"):
        services.decide(round_=round_, decisions=_decisions(round_), by=world.users["secretary"])
    Round.objects.filter(pk=round_.pk).update(meeting=None)
    round_.refresh_from_db()
    with time_machine.travel(AFTER, tick=False), pytest.raises(ValidationError, match="党员大会"):
        services.decide(round_=round_, decisions=_decisions(round_), by=world.users["secretary"])


def test_the_decided_grade_is_kept_where_the_member_page_reads_it(branch_round, world):
    round_, members = branch_round
    with time_machine.travel(AFTER, tick=False):
        services.decide(round_=round_, decisions=_decisions(
            round_, 赵党员=("excellent", "带头参加志愿服务", "", "")), by=world.users["secretary"])
    row = Attendance.objects.get(meeting=round_.meeting, member=world.member)
    assert row.grade == "excellent"


def test_voting_opening_between_two_ticks_is_reminded_at_the_second(branch_round):
    """Nothing is written between the ticks: the scan does not run the source in full, and
    the round that opened in between is found all the same."""
    from activities.models import Notification, ReminderScan
    from activities.reminders import scan

    round_, members = branch_round
    scan(OPENS - timedelta(minutes=1), sources=["appraisal_vote"])
    assert not Notification.objects.exists()
    full_at = ReminderScan.objects.get(source="appraisal_vote").full_at
    assert scan(OPENS, sources=["appraisal_vote"]) == 1
    assert ReminderScan.objects.get(source="appraisal_vote").full_at == full_at
    assert Notification.objects.get().recipient == members[0].user
    assert scan(OPENS + timedelta(minutes=1), sources=["appraisal_vote"]) == 0


def test_a_round_appraises_the_members_on_the_roster_during_the_period(world):
    MemberFactory(branch=world.branch, name="已离开", left_on=date(2026, 3, 1))
    MemberFactory(branch=world.branch, name="明年入党", joined_on=date(2027, 1, 5))
    round_ = make_round(world.branch, year=2026, opens=OPENS, closes=CLOSES)
    names = set(Appraisee.objects.filter(round=round_).values_list("member__name", flat=True))
    assert names == {"赵党员"}
    with pytest.raises(ValidationError, match="已有"):
        make_round(world.branch, year=2026, opens=OPENS, closes=CLOSES)


def test_members_with_a_vote_are_reminded_once_while_voting_is_open(branch_round):
    from activities.models import Notification
    from activities.reminders import scan
    from organizations.factories import UserFactory

    round_, members = branch_round
    for member in members[1:4]:
        member.user = UserFactory()
        member.save(update_fields=["user"])
    Member.objects.filter(pk=members[3].pk).update(status=Member.Status.PROBATIONARY)
    with time_machine.travel(DURING, tick=False):
        cast(round_, members[2])
        scan(sources=["appraisal_vote"])
        scan(sources=["appraisal_vote"])  # a second tick adds nothing
    reminded = set(Notification.objects.filter(kind__startswith="appraisal_vote")
                   .values_list("recipient_id", flat=True))
    # The world's member and members[1] have not voted; members[2] voted; members[3] has no vote.
    assert reminded == {world_user.pk for world_user in (members[0].user, members[1].user)}
    with time_machine.travel(AFTER, tick=False):
        assert scan(sources=["appraisal_vote"]) == 0
