"""The 失联 and 党章 art. 9 lists read the contact sources in a window, then again only for the
silent (members/contact.py): the same members, days and entry stand-ins as reading every
contact, at awkward dates, and as many queries for a street of any size."""
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.factories import AttendanceFactory, MeetingFactory
from activities.models import Attendance, Meeting
from kernel.dates import add_months
from members import contact, moves
from members.dues.models import DuesPayment
from members.factories import MemberFactory
from members.models import ContactRecord, Member, MoveRule, TransferIn
from organizations.factories import BranchFactory, CommunityFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
LONG_AGO = date(2019, 3, 1)
KINDS = ["meeting", "leave", "call", "letter", "dues"]


def entered(member, day):
    Member.objects.filter(pk=member.pk).update(
        created_at=datetime(day.year, day.month, day.day, 9, tzinfo=SHANGHAI))
    return member


class Contacts:
    """Contacts of each kind; meetings shared per branch and moment, at half past midnight in
    Shanghai (the day before in UTC) to catch a window cut at the wrong midnight."""

    def __init__(self):
        self.meetings = {}

    def add(self, kind, member, day):
        if kind in ("meeting", "leave"):
            key = (member.branch_id, day)
            if key not in self.meetings:
                self.meetings[key] = MeetingFactory(
                    branch=member.branch, status=Meeting.Status.HELD,
                    starts_at=datetime(day.year, day.month, day.day, 0, 30, tzinfo=SHANGHAI))
            AttendanceFactory(meeting=self.meetings[key], member=member,
                              status=Attendance.Status.PRESENT if kind == "meeting"
                              else Attendance.Status.EXCUSED)
        elif kind == "call":
            ContactRecord.objects.create(member=member, contacted_on=day, way="电话")
        elif kind == "letter":
            TransferIn.objects.create(member=member, to_branch=member.branch, letter_number="001",
                                      origin="外地", received_on=day,
                                      outcome=TransferIn.Outcome.MOVED)
        else:
            paid(member, day)


def paid(member, day, **fields):
    month = day.replace(day=1)
    return DuesPayment.objects.create(member=member, branch=member.branch,
                                      kind=fields.pop("kind", DuesPayment.Kind.MONTHLY),
                                      first_month=month, last_month=month,
                                      amount=Decimal("5.00"), paid_on=day, **fields)


def reference(members, today, months_for, kinds=None):
    """The list as computed before the window: every contact read, then the rule."""
    last = contact.latest(members, today, kinds)
    found = {}
    for row in contact.entered(members):
        if row.entered > today:
            continue
        day_contacted = last.get(row.pk) or date.min
        day = max(day_contacted, row.entered)
        if add_months(day, months_for(row)) <= today:
            found[row.pk] = (day, day_contacted >= row.entered)
    return found


def as_found(silences):
    return {row.member.pk: (row.last, row.recorded) for row in silences}


def todays():
    return sorted({date(2027, 2, 28), date(2027, 8, 31), date(2028, 2, 29),
                   timezone.localdate()})


@pytest.fixture
def street(world):
    """Three branches whose rules say 12, 3 and (the default) 6 months."""
    MoveRule.objects.create(node=world.community, lost_contact_months=12)
    MoveRule.objects.create(node=world.other_community, lost_contact_months=3)
    default_branch = BranchFactory(parent=CommunityFactory(parent=world.street))
    return {world.branch: 12, world.other_branch: 3, default_branch: 6}


def build(street):
    contacts = Contacts()
    kinds = iter(KINDS * 10_000)
    for today in todays():
        # Around where each rule's months and art. 9's end, for every branch: the window
        # starts at the longest rule's first day, inside the shorter rules' silence.
        firsts = {contact.counting_from(today, months) for months in {*street.values(), 6}}
        days = set(firsts)
        for months in {*street.values(), 6}:
            boundary = add_months(today, -months)
            days |= {boundary - timedelta(days=1), boundary, boundary + timedelta(days=1),
                     contact.counting_from(today, months) - timedelta(days=1)}
        days |= {date(today.year - 1, 8, 29), date(today.year - 1, 8, 31),
                 date(today.year - 1, 9, 1), date(today.year, 2, 28), today,
                 today + timedelta(days=1)}
        for branch in street:
            for day in sorted(days):
                # A contact of one kind that day; an entry that day and no contact since.
                contacts.add(next(kinds), entered(MemberFactory(branch=branch), LONG_AGO), day)
                contacts.add(next(kinds), entered(MemberFactory(branch=branch), day),
                             LONG_AGO - timedelta(days=30))
            for day in firsts:
                # Entered and contacted on a window's first day, by each kind: recorded.
                for kind in KINDS:
                    contacts.add(kind, entered(MemberFactory(branch=branch), day), day)
            # A meeting only before every window, and a recent call: lost for neither list
            # but art. 9's, and a voided payment in the window that counts for nothing.
            both = entered(MemberFactory(branch=branch), LONG_AGO)
            contacts.add("meeting", both, LONG_AGO + timedelta(days=1))
            contacts.add("call", both, today - timedelta(days=3))
            voided = entered(MemberFactory(branch=branch), LONG_AGO)
            payment = paid(voided, today - timedelta(days=10))
            paid(voided, today - timedelta(days=9), kind=DuesPayment.Kind.CORRECTION,
                 corrects=payment, voids=True, reason="错账")
    for branch in street:
        entered(MemberFactory(branch=branch), LONG_AGO)  # never contacted
        entered(MemberFactory(branch=branch, left_on=date(2026, 3, 1)), LONG_AGO)  # off the roll


def test_the_lists_are_those_of_every_contact_read(world, street, monkeypatch):
    build(street)
    members = Member.objects.filter(branch__path__startswith=world.street.path)
    rules = moves.MoveRules()

    def lost_months(row):
        return rules.for_path(row.branch_path).lost_contact_months

    def article_nine_months(row):
        return moves.ARTICLE_NINE_MONTHS

    seen = set()
    for today in todays():
        lost = reference(members.active(), today, lost_months)
        article_nine = reference(members.active(), today, article_nine_months,
                                 {contact.ORGANIZATIONAL_LIFE})
        lists = moves.silence_lists(members, today)
        assert as_found(lists.lost) == lost, today
        assert as_found(lists.article_nine) == article_nine, today
        assert contact.silent(members, today, lost_months) == reference(members, today,
                                                                        lost_months), today
        # Many silent: the second reading takes everyone instead of a list of ids.
        monkeypatch.setattr(contact, "LONGEST_ID_LIST", 0)
        lists = moves.silence_lists(members, today)
        assert as_found(lists.lost) == lost and as_found(lists.article_nine) == article_nine
        monkeypatch.undo()
        seen |= {recorded for _, recorded in lost.values()}
        assert 0 < len(lost) < members.active().count()
    assert seen == {True, False}  # contacts and entry stand-ins both among the silent


def test_only_the_silent_are_read_again_without_the_window(world, street, monkeypatch):
    today = date(2027, 2, 28)
    since = contact.counting_from(today, 12)  # the longest rule among the branches
    assert since == date(2026, 3, 1)
    branch = world.branch
    recent = MemberFactory(branch=branch)
    ContactRecord.objects.create(member=recent, contacted_on=since, way="电话")
    before = MemberFactory(branch=branch)
    ContactRecord.objects.create(member=before, contacted_on=since - timedelta(days=1),
                                 way="电话")
    never = MemberFactory(branch=branch)
    just_entered = MemberFactory(branch=branch)
    for member in (world.member, recent, before, never):
        entered(member, LONG_AGO)
    entered(just_entered, since)
    readings = []

    def spy(members, until, since=None):
        readings.append((set(members.values_list("pk", flat=True)), since))
        return {}

    monkeypatch.setattr(contact, "_sources", list(contact._sources))
    contact.source(contact.CONTACT)(spy)
    lists = moves.silence_lists(Member.objects.filter(branch=branch), today)
    everyone = {world.member.pk, recent.pk, before.pk, never.pk, just_entered.pk}
    assert readings[0] == (everyone, since)
    # The art. 9 list, read in the same window, has no meeting for anyone.
    assert readings[1] == ({world.member.pk, recent.pk, before.pk, never.pk}, None)
    assert len(readings) == 2
    assert as_found(lists.lost) == {before.pk: (since - timedelta(days=1), True),
                                   never.pk: (LONG_AGO, False), world.member.pk: (LONG_AGO, False)}


@pytest.mark.parametrize("months", [0, 1, 3, 6, 12, 18])
def test_counting_from_is_the_first_day_a_contact_keeps_a_member_off(months):
    for today in [date(2027, 2, 28), date(2028, 2, 29), date(2027, 3, 31), date(2026, 8, 31),
                  date(2026, 12, 31), date(2027, 1, 1), timezone.localdate()]:
        first = contact.counting_from(today, months)
        assert add_months(first, months) > today
        assert add_months(first - timedelta(days=1), months) <= today


def test_the_street_list_runs_as_many_queries_for_more_members(world, client_as,
                                                              django_assert_max_num_queries,
                                                              django_assert_num_queries):
    today = timezone.localdate()
    contacts = Contacts()

    def add(n):
        for index in range(n):
            branch = world.branch if index % 2 else world.other_branch
            for kind in KINDS:
                contacts.add(kind, entered(MemberFactory(branch=branch), LONG_AGO),
                             today - timedelta(days=20))
                contacts.add(kind, entered(MemberFactory(branch=branch), LONG_AGO),
                             today - timedelta(days=400))
            entered(MemberFactory(branch=branch), LONG_AGO)

    client = client_as(world.users["official"])
    add(2)
    with django_assert_max_num_queries(20) as few:
        page = client.get(reverse("members:lost_list"))
    # The old contacts and the never contacted: the second reading runs both times.
    assert page.status_code == 200 and len(page.context["lists"].lost) == 2 * 6
    add(6)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("members:lost_list"))
    assert len(page.context["lists"].lost) == 8 * 6


def test_a_meeting_attended_and_a_leave_asked_come_from_one_reading(world):
    today = timezone.localdate()
    contacts = Contacts()
    came, asked_leave = MemberFactory(branch=world.branch), MemberFactory(branch=world.branch)
    contacts.add("meeting", came, today - timedelta(days=3))
    contacts.add("leave", asked_leave, today - timedelta(days=5))
    members = Member.objects.filter(pk__in=[came.pk, asked_leave.pk])
    with CaptureQueriesContext(connection) as read:
        found = contact.latest_by_kind(members, today)
    assert found[contact.ORGANIZATIONAL_LIFE] == {came.pk: today - timedelta(days=3)}
    assert found[contact.CONTACT] == {asked_leave.pk: today - timedelta(days=5)}
    assert sum("activities_attendance" in query["sql"] for query in read.captured_queries) == 1
    # Asked for organizational life alone, the leave is not read.
    only = contact.latest_by_kind(members, today, {contact.ORGANIZATIONAL_LIFE})
    assert only == {contact.ORGANIZATIONAL_LIFE: {came.pk: today - timedelta(days=3)}}


def test_a_record_entered_just_after_midnight_counts_from_that_local_day(world):
    member = MemberFactory(branch=world.branch)
    # 00:30 on 1 March in Shanghai is still 28 February in UTC.
    Member.objects.filter(pk=member.pk).update(
        created_at=datetime(2026, 3, 1, 0, 30, tzinfo=SHANGHAI))
    [row] = contact.entered(Member.objects.filter(pk=member.pk))
    assert row.entered == date(2026, 3, 1)
