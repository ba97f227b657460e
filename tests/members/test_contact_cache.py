"""The 失联 lists of whole communities come from a cache (members/contact_cache.py): served
again until a write they depend on, then judged anew for that community only; for every role
the same lists as judging every member afresh."""
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.factories import AttendanceFactory, MeetingFactory
from activities.models import Attendance, Meeting
from members import contact_cache, moves
from members.dues.models import DuesPayment
from members.factories import MemberFactory
from members.models import ContactRecord, Member, MoveRule, TransferIn
from organizations.factories import BranchFactory, CommunityFactory, GrantFactory
from organizations.scope import Role
from portal import dashboards
from tests.portal.test_redis_outage import redis_stopped  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def moment(day):
    return timezone.make_aware(datetime.combine(day, time(15)))


def entered(member, day):
    Member.objects.filter(pk=member.pk).update(created_at=moment(day))


def lists_of(user):
    lists = moves.silence_lists_of(user, today())
    return ({row.member.pk: (row.last, row.recorded) for row in lists.lost},
            {row.member.pk: (row.last, row.recorded) for row in lists.article_nine})


def ids_of(user):
    lost, article_nine = lists_of(user)
    return set(lost), set(article_nine)


def held(member, day, status=Attendance.Status.PRESENT):
    meeting = MeetingFactory(branch=member.branch, status=Meeting.Status.HELD,
                             starts_at=moment(day))
    return AttendanceFactory(meeting=meeting, member=member, status=status)


def paid(member, day):
    month = day.replace(day=1)
    return DuesPayment.objects.create(member=member, branch=member.branch,
                                      kind=DuesPayment.Kind.MONTHLY, first_month=month,
                                      last_month=month, amount=Decimal("5.00"), paid_on=day)


@pytest.fixture
def silent(world):
    """The world's member, on the roll for two years and never heard of."""
    entered(world.member, today() - timedelta(days=730))
    return world.member


@pytest.fixture
def computed(monkeypatch):
    """The communities judged, call by call."""
    calls = []
    judge = moves._silent_by_community

    def spy(community_ids, day, paths=None):
        calls.append(sorted(community_ids))
        return judge(community_ids, day, paths)

    monkeypatch.setattr(moves, "_silent_by_community", spy)
    return calls


def _invited(world, member):
    return Attendance.objects.create(meeting=MeetingFactory(
        branch=member.branch, status=Meeting.Status.HELD, starts_at=moment(today())),
        member=member)


def _long_ago(world, member):
    return held(member, today() - timedelta(days=700)).meeting


def _sheet(world, member, row):
    row.status = Attendance.Status.PRESENT
    Attendance.objects.bulk_update([row], ["status"])


def _meeting_moved(world, member, meeting):
    meeting.starts_at = moment(today())
    meeting.save()


def _save(member, **fields):
    for name, value in fields.items():
        setattr(member, name, value)
    member.save()


# The write, what is there before the first look (None: nothing), and the lists the member is
# still on afterwards.
WRITES = {
    "contact recorded": (lambda world, m, _: ContactRecord.objects.create(
        member=m, contacted_on=today(), way="电话"), None, {"article_nine"}),
    "contacts imported": (lambda world, m, _: ContactRecord.objects.bulk_create([ContactRecord(
        member=m, contacted_on=today(), way="走访")]), None, {"article_nine"}),
    "attended": (lambda world, m, _: held(m, today()), None, set()),
    "leave asked": (lambda world, m, _: held(m, today(), Attendance.Status.EXCUSED), None,
                    {"article_nine"}),
    "attendance sheet": (_sheet, _invited, set()),
    "attendance updated": (lambda world, m, row: Attendance.objects.filter(pk=row.pk).update(
        status=Attendance.Status.PRESENT), _invited, set()),
    "meeting moved": (_meeting_moved, _long_ago, set()),
    "meetings moved in bulk": (lambda world, m, meeting: Meeting.objects.filter(
        pk=meeting.pk).update(starts_at=moment(today())), _long_ago, set()),
    "dues paid": (lambda world, m, _: paid(m, today()), None, {"article_nine"}),
    "transfer letter": (lambda world, m, _: TransferIn.objects.create(
        member=m, to_branch=m.branch, letter_number="001", origin="外地", received_on=today(),
        outcome=TransferIn.Outcome.MOVED), None, {"article_nine"}),
    "left": (lambda world, m, _: _save(m, left_on=today()), None, set()),
    "moved to another street": (lambda world, m, _: _save(m, branch=BranchFactory(
        parent=world.other_street_community), group=None), None, set()),
    "entry corrected": (lambda world, m, _: entered(m, today()), None, set()),
    "rule": (lambda world, m, _: MoveRule.objects.filter(node__isnull=True).update(
        lost_contact_months=36), None, {"article_nine"}),
}


@pytest.mark.parametrize("write", WRITES)
def test_each_write_the_lists_read_is_on_the_next_look(world, silent, write):
    change, before, still_on = WRITES[write]
    there = before(world, silent) if before else None
    official = world.users["official"]
    assert ids_of(official) == ({silent.pk}, {silent.pk})
    assert ids_of(official) == ({silent.pk}, {silent.pk})  # from the cache
    change(world, Member.objects.get(pk=silent.pk), there)
    lost, article_nine = ids_of(official)
    assert lost == ({silent.pk} if "lost" in still_on else set())
    assert article_nine == ({silent.pk} if "article_nine" in still_on else set())


def test_a_look_again_judges_no_one_and_a_write_judges_its_community_only(
        world, silent, computed):
    official = world.users["official"]
    other = MemberFactory(branch=world.other_branch)
    entered(other, today() - timedelta(days=730))
    assert ids_of(official)[0] == {silent.pk, other.pk}
    assert computed == [sorted([world.community.pk, world.other_community.pk])]
    assert ids_of(official)[0] == {silent.pk, other.pk}
    assert len(computed) == 1
    ContactRecord.objects.create(member=other, contacted_on=today(), way="电话")
    assert ids_of(official)[0] == {silent.pk}
    assert computed[1:] == [[world.other_community.pk]]
    # A change of a branch's name is nothing the lists read.
    world.branch.name = "改名的支部"
    world.branch.save()
    ids_of(official)
    assert len(computed) == 2


def test_an_import_of_many_rows_makes_every_community_stale(world, silent, computed,
                                                            monkeypatch):
    """Asking the communities of thousands of rows costs more than judging them all again."""
    ids_of(world.users["official"])
    monkeypatch.setattr(contact_cache, "MOST_ROWS", 1)
    other = MemberFactory(branch=world.branch)
    ids_of(world.users["official"])
    assert computed[1:] == [[world.community.pk]]
    ContactRecord.objects.bulk_create([ContactRecord(member=member, contacted_on=today(),
                                                     way="电话") for member in (silent, other)])
    assert ids_of(world.users["official"]) == (set(), {silent.pk})
    assert computed[2:] == [sorted([world.community.pk, world.other_community.pk])]


def test_a_warm_look_reads_no_source_and_the_midnight_warm_fills_it(client, world, silent):
    dashboards.warm(world.street, today())
    client.force_login(world.users["official"])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("members:lost_list"))
    assert silent.name in response.content.decode()
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "activities_attendance" not in sql and "dues_duespayment" not in sql


def _same_as_afresh(user):
    afresh = moves.silence_lists(Member.objects.visible_to(user), today())
    expected = ({row.member.pk: (row.last, row.recorded) for row in afresh.lost},
                {row.member.pk: (row.last, row.recorded) for row in afresh.article_nine})
    assert lists_of(user) == expected
    assert lists_of(user) == expected  # from the cache
    return expected


@pytest.mark.parametrize("role", ["official", "official_other", "staff", "staff_other",
                                  "secretary", "secretary_other", "member", "superuser",
                                  "district_official"])
def test_every_role_sees_what_judging_its_members_afresh_finds(district_world, role):
    world = district_world
    for branch in (world.branch, world.sibling_branch, world.other_branch):
        entered(MemberFactory(branch=branch), today() - timedelta(days=400))
    lost_elsewhere = MemberFactory(branch=BranchFactory(parent=world.other_street_community))
    entered(lost_elsewhere, today() - timedelta(days=400))
    entered(world.member, today() - timedelta(days=400))
    held(world.member, today() - timedelta(days=30), Attendance.Status.EXCUSED)
    lost, article_nine = _same_as_afresh(world.users[role])
    # The three entered in street A; the superuser also reads street B's.
    wide = {"official": 3, "district_official": 3, "superuser": 4}
    if role in wide:
        assert len(lost) == wide[role]
        assert world.member.pk not in lost and world.member.pk in article_nine


def test_an_official_with_grants_and_a_record_outside_the_street(world):
    """Their own record in another street and a secretary's grant on a branch there: the
    street's communities from the cache, the rest judged apart, nobody twice."""
    official = world.users["official"]
    far_branch = BranchFactory(parent=world.other_street_community)
    own = MemberFactory(branch=BranchFactory(parent=world.other_street_community), user=official)
    GrantFactory(user=official, node=far_branch, role=Role.BRANCH_SECRETARY)
    far = MemberFactory(branch=far_branch)
    for member in (own, far, world.member):
        entered(member, today() - timedelta(days=400))
    official = type(official).objects.get(pk=official.pk)  # grants read anew
    communities, whole, rest = moves.whole_communities(official)
    assert whole == [world.street.path]
    assert sorted(communities) == sorted([world.community.pk, world.other_community.pk])
    assert set(rest.values_list("pk", flat=True)) == {own.pk, far.pk}
    lost, _ = _same_as_afresh(official)
    assert set(lost) == {own.pk, far.pk, world.member.pk}


def _tables(queries):
    return {table for query in queries
            for table in re.findall(r'(?:FROM|JOIN)\s+"(\w+)"', query["sql"])}


def test_the_cache_listens_to_every_table_the_lists_read(world, silent):
    """A new source of contact must be connected (`contact_cache.listen`), or its writes leave
    the lists stale: the tables read must be those INPUT_MODELS names."""
    held(world.member, today() - timedelta(days=500))
    ContactRecord.objects.create(member=world.member, contacted_on=today() - timedelta(days=400),
                                 way="电话")
    with CaptureQueriesContext(connection) as captured:
        moves._silent_by_community([world.community.pk], today())
    listened = {apps.get_model(label)._meta.db_table for label in contact_cache.INPUT_MODELS}
    assert _tables(captured.captured_queries) == listened


def test_the_table_check_can_fail():
    assert _tables([{"sql": 'SELECT 1 FROM "members_member" INNER JOIN "organizations_node" '
                            'ON 1'}]) == {"members_member", "organizations_node"}


def test_a_street_read_by_its_path_gives_what_its_communities_give(world, silent):
    other = MemberFactory(branch=world.other_branch)
    entered(other, today() - timedelta(days=400))
    ids = [world.community.pk, world.other_community.pk]
    by_street = moves._silent_by_community(ids, today(), [world.street.path])
    assert by_street == moves._silent_by_community(ids, today())
    assert set(by_street[world.other_community.pk][0]) == {other.pk}


def test_a_member_restored_is_on_the_lists_again(world, silent):
    from members import services

    services.member_leave(member=silent, left_on=today(), reason=Member.LeaveReason.DECEASED)
    assert ids_of(world.users["official"]) == (set(), set())
    services.member_restore(member=Member.objects.get(pk=silent.pk), user=world.users["staff"])
    assert ids_of(world.users["official"]) == ({silent.pk}, {silent.pk})


def test_a_member_moved_in_is_on_the_new_communitys_lists(world, silent):
    staff_other = world.users["staff_other"]
    assert ids_of(staff_other) == (set(), set())
    _save(Member.objects.get(pk=silent.pk), branch=world.other_branch, group=None)
    assert ids_of(staff_other) == ({silent.pk}, {silent.pk})
    assert ids_of(world.users["staff"]) == (set(), set())


def test_a_street_moved_to_another_district_follows_its_move_rules(district_world, silent):
    world = district_world
    MoveRule.objects.create(node=world.other_district, lost_contact_months=36)
    official = world.users["official"]
    assert ids_of(official) == ({silent.pk}, {silent.pk})
    world.street.parent = world.other_district
    world.street.save()
    assert ids_of(official) == (set(), {silent.pk})


def test_the_versions_are_renewed_again_after_the_commit(
        world, silent, django_capture_on_commit_callbacks):
    """A look taken by another request between the write and its commit read the rows before
    the write, and stored them under the version of that moment: not served after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        ContactRecord.objects.create(member=silent, contacted_on=today(), way="电话")
        during = contact_cache.CACHE.versions([world.community.pk])
    assert contact_cache.CACHE.versions([world.community.pk]) != during


def test_a_meeting_deleted_takes_its_attendance_off_in_queries_not_by_row(world, silent):
    """The meeting's own receiver renews the lists once; its attendance rows, deleted with it,
    ask nothing each (the communities are read from the members' branch paths)."""
    counts = []
    for size in (1, 4):
        meeting = held(silent, today() - timedelta(days=10)).meeting
        for member in MemberFactory.create_batch(size - 1, branch=world.branch):
            AttendanceFactory(meeting=meeting, member=member, status=Attendance.Status.PRESENT)
        assert silent.pk not in ids_of(world.users["official"])[0]
        with CaptureQueriesContext(connection) as captured:
            meeting.delete()
        counts.append(sum('"organizations_node"."path"' in query["sql"]
                          for query in captured.captured_queries))
        assert silent.pk in ids_of(world.users["official"])[0]
    assert counts[0] == counts[1]


def test_an_invitation_is_no_contact_and_leaves_the_lists_cached(world, silent, computed):
    other = MemberFactory(branch=world.branch)
    ids_of(world.users["official"])
    meeting = MeetingFactory(branch=world.branch, starts_at=moment(today() + timedelta(days=3)))
    Attendance.objects.bulk_create([Attendance(meeting=meeting, member=silent)])
    Attendance.objects.create(meeting=meeting, member=other)
    computed.clear()
    ids_of(world.users["official"])
    assert computed == []


def test_a_contact_given_to_another_member_renews_both(world, silent):
    other = MemberFactory(branch=world.other_branch)
    entered(other, today() - timedelta(days=730))
    record = ContactRecord.objects.create(member=silent, contacted_on=today(), way="电话")
    assert ids_of(world.users["official"])[0] == {other.pk}
    record.member = other
    record.save()
    assert ids_of(world.users["official"])[0] == {silent.pk}


def test_the_code_of_every_source_is_in_the_key():
    modules = contact_cache.CACHE.modules()
    assert {"activities.membership", "members.dues.services", "members.contact"} <= set(modules)


def test_after_a_move_rule_change_a_worker_judges_again_before_the_official_asks(
        client, world, silent, computed, settings, django_capture_on_commit_callbacks):
    settings.COMPLIANCE_REWARM_SECONDS = 0
    client.force_login(world.users["official"])
    client.get(reverse("members:lost_list"))
    computed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        MoveRule.objects.filter(node__isnull=True).update(lost_contact_months=36)
    assert computed, "the worker (inline here) judged the streets again"
    computed.clear()
    response = client.get(reverse("members:lost_list"))
    assert response.status_code == 200 and computed == []
    assert ids_of(world.users["official"]) == (set(), {silent.pk})


def test_with_redis_stopped_every_look_judges_afresh_and_sees_each_write(
        client, world, silent, computed, redis_stopped):
    """Nothing cached can be read or kept: each look judges the street, a contact recorded
    between two looks shows at once, and the page answers."""
    client.force_login(world.users["official"])
    for _look in range(2):
        response = client.get(reverse("members:lost_list"))
        assert response.status_code == 200 and silent.name in response.content.decode()
    assert len(computed) == 2
    ContactRecord.objects.create(member=silent, contacted_on=today(), way="电话")
    assert ids_of(world.users["official"]) == (set(), {silent.pk})


def test_a_node_added_judges_no_one_again(world, silent, computed):
    official = world.users["official"]
    assert ids_of(official)[0] == {silent.pk}
    community = CommunityFactory(parent=world.street)
    branch = BranchFactory(parent=community)
    assert ids_of(official)[0] == {silent.pk}
    # Only the new community is judged (it has no list yet), not the street's others.
    assert computed[1:] in ([], [[community.pk]])
    # Its first member is judged as any other.
    newcomer = MemberFactory(branch=branch)
    entered(newcomer, today() - timedelta(days=730))
    assert ids_of(official)[0] == {silent.pk, newcomer.pk}
    # A node moved still renews every list.
    branch.parent = world.community
    branch.save()
    ids_of(official)
    assert computed[-1] == sorted([world.community.pk, world.other_community.pk, community.pk])
