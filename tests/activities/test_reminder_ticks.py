"""The next tick of the reminder scan: a source runs again in full only when a table it read was
written, its day turned, its code or the settings changed, or an hour passed; the meetings find
what time alone made due (a lead time reached) without reading every planned meeting again."""
import random
from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities import reminders
from activities.factories import MeetingFactory
from activities.models import Meeting, MeetingKind, MeetingRule, Notification, ReminderScan
from activities.reminders import FULL_EVERY, Reminder, register, scan, shared
from kernel import table_versions
from members.factories import MemberFactory
from members.models import Member

pytestmark = pytest.mark.django_db
SHANGHAI = timezone.get_fixed_timezone(8 * 60)


@pytest.fixture
def counted(monkeypatch):
    """A source "counted" finding one reminder per member of the roll, and how often it ran."""
    runs = []

    def scan_members(now):
        runs.append(now)
        return [Reminder(Member, pk, user_id, f"counted:{pk}", "t")
                for pk, user_id in Member.objects.filter(user__isnull=False)
                .values_list("pk", "user_id")]

    monkeypatch.setitem(reminders.SOURCES, "counted", None)
    register("counted")(scan_members)
    return runs


def tick(now):
    return scan(now, sources=["counted"])


def test_sql_statements_name_the_tables_they_write_and_read():
    assert table_versions.written_table('INSERT INTO "a_b" ("x") VALUES (1)') == {"a_b"}
    assert table_versions.written_table('INSERT OR IGNORE INTO "a_b" ("x") VALUES (1)') == {"a_b"}
    assert table_versions.written_table(' UPDATE "a_b" SET "x" = 1') == {"a_b"}
    assert table_versions.written_table('DELETE FROM "a_b" WHERE 1') == {"a_b"}
    assert table_versions.written_table('TRUNCATE "a", "b" RESTART IDENTITY') == {"a", "b"}
    assert table_versions.written_table('SELECT * FROM "a_b"') == set()
    # Raw SQL as people write it: blanks, a comment, names unquoted.
    assert table_versions.written_table('\n  /* fix */ update members_member set x=1') == {
        "members_member"}
    assert table_versions.written_table('-- note\nDELETE FROM a_b') == {"a_b"}
    assert table_versions.written_table('TRUNCATE TABLE a, "b" CASCADE') == {"a", "b"}
    # A login's last_login stamp is no change of anything a reminder reads.
    assert table_versions.written_table(
        'UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s') == set()
    assert table_versions.written_table(
        'UPDATE "auth_user" SET "is_active" = %s WHERE "auth_user"."id" = %s') == {"auth_user"}
    assert table_versions.read_tables(
        'SELECT 1 FROM "a" INNER JOIN "b" ON x WHERE y IN (SELECT z FROM "c")') == {"a", "b", "c"}


def test_nothing_written_nothing_run_again(world, counted):
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    assert tick(now) == 1 and len(counted) == 1
    assert tick(now + timedelta(minutes=1)) == 0 and len(counted) == 1
    # The reminders' own records are not an input: deleting them brings nothing back.
    Notification.objects.all().delete()
    assert tick(now + timedelta(minutes=2)) == 0 and len(counted) == 1
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("write", ["save", "update", "bulk_create", "delete", "raw"])
def test_every_kind_of_write_to_a_table_read_runs_the_source_again(world, counted, write):
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    tick(now)
    member = world.member
    if write == "save":
        member.name = "赵党员（改）"
        member.save()
    elif write == "update":
        Member.objects.filter(pk=member.pk).update(name="赵党员（改）")
    elif write == "bulk_create":
        MemberFactory(branch=world.branch, user=world.users["secretary"])
    elif write == "delete":
        MemberFactory(branch=world.branch).delete()
    else:
        with connection.cursor() as cursor:
            cursor.execute('UPDATE "members_member" SET "name" = %s WHERE "id" = %s',
                           ["赵", member.pk])
    tick(now + timedelta(minutes=1))
    assert len(counted) == 2


def test_a_table_not_read_leaves_the_source_alone(world, counted):
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    tick(now)
    MeetingFactory(branch=world.branch)
    tick(now + timedelta(minutes=1))
    assert len(counted) == 1


def test_the_day_turning_an_hour_passing_or_a_setting_changed_runs_it_again(world, counted):
    now = datetime(2026, 11, 18, 23, 30, tzinfo=SHANGHAI)
    tick(now)
    tick(now + timedelta(minutes=29))
    assert len(counted) == 1
    tick(now + timedelta(minutes=31))  # the next day in Shanghai
    assert len(counted) == 2
    tick(now + timedelta(minutes=31) + FULL_EVERY - timedelta(minutes=1))
    assert len(counted) == 2
    tick(now + timedelta(minutes=31) + FULL_EVERY)
    assert len(counted) == 3
    with override_settings(PROBATION_NOTICE_EXTRA=7):
        tick(now + timedelta(minutes=32) + FULL_EVERY)
    assert len(counted) == 4
    # A tick earlier than the last one (a clock set back) cannot trust it either.
    tick(now + timedelta(minutes=40))
    assert len(counted) == 5


def test_a_deploy_of_other_code_runs_the_source_again(world, counted, monkeypatch):
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    tick(now)
    tick(now + timedelta(minutes=1))
    assert len(counted) == 1
    monkeypatch.setattr(reminders, "_code_digest", lambda: "another-release")
    tick(now + timedelta(minutes=2))
    assert len(counted) == 2


def test_the_code_digest_follows_a_python_file_of_the_project(settings, tmp_path):
    (tmp_path / "app").mkdir()
    module = tmp_path / "app" / "sources.py"
    module.write_text("LEAD = 3\n", encoding="utf-8")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("x = 1\n", encoding="utf-8")
    settings.BASE_DIR = tmp_path

    def digest():
        reminders._code_digest.cache_clear()
        return reminders._code_digest()

    try:
        first = digest()
        (tmp_path / "tests" / "test_x.py").write_text("x = 2\n", encoding="utf-8")
        assert digest() == first  # the tests are not deployed code
        module.write_text("LEAD = 7\n", encoding="utf-8")
        assert digest() != first
    finally:
        reminders._code_digest.cache_clear()


def test_a_write_django_never_saw_is_found_by_the_hourly_full_run(world, counted):
    """A row changed by psql or another program renews no version: the ticks after it trust the
    last full run, the first tick an hour after that run reads it."""
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    other = MemberFactory(branch=world.branch)
    tick(now)
    assert Notification.objects.count() == 1
    connection.execute_wrappers.remove(table_versions._watch)
    try:
        Member.objects.filter(pk=other.pk).update(user=world.users["secretary"])
    finally:
        connection.execute_wrappers.insert(0, table_versions._watch)
    tick(now + timedelta(minutes=5))
    assert len(counted) == 1 and Notification.objects.count() == 1
    tick(now + FULL_EVERY)
    assert len(counted) == 2 and Notification.objects.count() == 2


def test_a_scan_rolled_back_leaves_no_trace_and_the_next_runs_in_full(world, counted):
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    with pytest.raises(RuntimeError), transaction.atomic():
        tick(now)
        raise RuntimeError("the worker died before the commit")
    assert not ReminderScan.objects.exists() and not Notification.objects.exists()
    assert tick(now + timedelta(minutes=1)) == 1 and len(counted) == 2


def test_with_the_cache_down_every_tick_runs_in_full(world, counted):
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    with override_settings(CACHES={"default": {
            "BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        tick(now)
        tick(now + timedelta(minutes=1))
    assert len(counted) == 2


def test_a_value_shared_between_sources_counts_as_read_by_each(world, monkeypatch):
    """Source "b" reuses what "a" read in the same scan: a write to that table runs "b" again
    though "b" made no query of it."""
    runs = []

    def roll():
        return list(Member.objects.values_list("pk", "user_id"))

    def make(name):
        def source(now):
            runs.append(name)
            return [Reminder(Member, pk, user_id, f"{name}:{pk}", "t")
                    for pk, user_id in shared("roll", roll) if user_id]
        return source

    for name in ("a", "b"):
        monkeypatch.setitem(reminders.SOURCES, name, None)
        register(name)(make(name))
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    scan(now, sources=["a", "b"])
    assert ReminderScan.objects.get(source="b").basis["tables"].keys() >= {"members_member"}
    Member.objects.filter(pk=world.member.pk).update(name="赵")
    runs.clear()
    scan(now + timedelta(minutes=1), sources=["b"])
    assert runs == ["b"]


def test_the_gaps_kept_in_the_cache_are_judged_again_after_a_rule_changes(world):
    """compliance_gap reads its judgement from the cache, without a query of the meetings or
    rules: it names them as inputs."""
    now = datetime(2026, 11, 21, 10, tzinfo=SHANGHAI)  # from the 20th: the season of the gaps
    scan(now, sources=["compliance_gap"])  # judges, and keeps the judgement in the cache
    ReminderScan.objects.all().delete()
    with CaptureQueriesContext(connection) as queries:
        scan(now, sources=["compliance_gap"])  # in full, from the cache
    assert not any('FROM "activities_meetingrule"' in query["sql"] for query in queries)
    scan(now + timedelta(minutes=1), sources=["compliance_gap"])
    assert ReminderScan.objects.get(source="compliance_gap").full_at == now
    MeetingRule.objects.create(node=world.street, period="month", minimum=3,
                               kind=MeetingKind.objects.get(code="committee_meeting"))
    scan(now + timedelta(minutes=2), sources=["compliance_gap"])
    assert ReminderScan.objects.get(source="compliance_gap").full_at == (
        now + timedelta(minutes=2))


@pytest.fixture
def attendees(world):
    return [MemberFactory(branch=world.branch, user=world.users[name])
            for name in ("secretary", "staff")]


def meeting_kinds():
    return sorted(Notification.objects.filter(category="meeting_upcoming")
                  .values_list("kind", flat=True))


def test_a_meeting_reaching_its_next_lead_time_is_reminded_without_a_full_run(world, attendees):
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    starts_at = now + timedelta(minutes=150)
    MeetingFactory(branch=world.branch, attendees=attendees, starts_at=starts_at)
    scan(now, sources=["meeting_upcoming"])
    full_at = ReminderScan.objects.get(source="meeting_upcoming").full_at
    assert meeting_kinds() == ["meeting_upcoming:4320:202611180430"] * 2
    with CaptureQueriesContext(connection) as queries:
        assert scan(starts_at - timedelta(minutes=121), sources=["meeting_upcoming"]) == 0
    assert not any('FROM "activities_attendance"' in query["sql"] for query in queries)
    assert scan(starts_at - timedelta(minutes=119), sources=["meeting_upcoming"]) == 2
    assert ReminderScan.objects.get(source="meeting_upcoming").full_at == full_at
    assert meeting_kinds() == ["meeting_upcoming:120:202611180430"] * 2 + [
        "meeting_upcoming:4320:202611180430"] * 2


def test_the_next_tick_costs_the_same_queries_for_one_meeting_or_many(world, attendees):
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)

    def next_tick_queries():
        scan(now, sources=["meeting_upcoming"])
        with CaptureQueriesContext(connection) as queries:
            scan(now + timedelta(minutes=1), sources=["meeting_upcoming"])
        ReminderScan.objects.all().delete()
        return len(queries)

    MeetingFactory(branch=world.branch, attendees=attendees, starts_at=now + timedelta(hours=3))
    one = next_tick_queries()
    for hours in range(4, 24):
        MeetingFactory(branch=world.branch, attendees=attendees,
                       starts_at=now + timedelta(hours=hours))
    assert next_tick_queries() == one


def test_ticks_every_few_minutes_record_what_a_full_scan_at_each_tick_would(world, attendees):
    """Two days of ticks with meetings planned, moved and cancelled between them: after each,
    a scan that forgets every earlier run finds nothing the ticks had not recorded."""
    rng = random.Random(20261206)
    now = datetime(2026, 11, 18, 8, tzinfo=SHANGHAI)
    meetings = []
    for step in range(0, 2 * 24 * 60, 37):
        moment = now + timedelta(minutes=step)
        action = rng.random()
        if action < 0.3 or not meetings:
            meetings.append(MeetingFactory(
                branch=world.branch, attendees=attendees,
                starts_at=moment + timedelta(minutes=rng.randrange(30, 3000))))
        elif action < 0.45:
            Meeting.objects.filter(pk=rng.choice(meetings).pk).update(
                starts_at=moment + timedelta(minutes=rng.randrange(30, 3000)))
        elif action < 0.5:
            Meeting.objects.filter(pk=rng.choice(meetings).pk).update(
                status=Meeting.Status.CANCELLED)
        scan(moment, sources=["meeting_upcoming"])
        recorded = Notification.objects.count()
        with transaction.atomic():
            ReminderScan.objects.all().delete()
            assert scan(moment, sources=["meeting_upcoming"]) >= 0
            assert Notification.objects.count() == recorded, moment
            transaction.set_rollback(True)
    assert recorded > 20


@pytest.mark.django_db(transaction=True)
def test_a_write_counts_for_other_readers_when_its_transaction_commits():
    from organizations.factories import StreetFactory

    table = "organizations_node"
    first = table_versions.versions([table])
    StreetFactory()  # autocommit: at once
    second = table_versions.versions([table])
    assert second != first
    with transaction.atomic():
        StreetFactory()
        assert table_versions.versions([table]) == second  # others do not see it yet
    third = table_versions.versions([table])
    assert third != second
    with pytest.raises(RuntimeError), transaction.atomic():
        StreetFactory()
        raise RuntimeError("rolled back")
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            StreetFactory()
            raise RuntimeError("a savepoint rolled back, with the commit's callback")
        assert table_versions.versions([table]) == third
        StreetFactory()
    assert table_versions.versions([table]) != third


def test_what_since_reads_counts_from_then_on(world, attendees):
    """The full run found no lead time reached and read no attendance; `since` then reminded the
    attendees. An attendee added afterwards (a member moving in) runs the source in full."""
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    meeting = MeetingFactory(branch=world.branch, attendees=attendees[:1],
                             starts_at=now + timedelta(minutes=4320 + 30))
    assert scan(now, sources=["meeting_upcoming"]) == 0
    assert scan(now + timedelta(minutes=31), sources=["meeting_upcoming"]) == 1
    meeting.attendances.create(member=attendees[1])
    scan(now + timedelta(minutes=32), sources=["meeting_upcoming"])
    assert Notification.objects.count() == 2


def test_sources_that_read_who_was_told_still_skip_a_tick(world):
    """The dues sources leave out whom they told (the reminders' own records, which have no
    version): that read does not make them run every tick."""
    now = datetime(2026, 11, 18, 10, tzinfo=SHANGHAI)
    scan(now, sources=["dues_arrears", "dues_arrears_branch"])
    scan(now + timedelta(minutes=1), sources=["dues_arrears", "dues_arrears_branch"])
    assert set(ReminderScan.objects.values_list("full_at", flat=True)) == {now}


def test_versions_the_cache_refuses_never_fail_the_write(world, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(table_versions.cache, "set_many", refuse)
    world.member.name = "赵"
    world.member.save()
    table_versions.flush()
    assert "Table versions not renewed" in caplog.text
