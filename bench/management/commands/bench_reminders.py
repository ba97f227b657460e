"""Benchmark the reminder scan: `python manage.py bench_reminders` seeds members and upcoming
meetings of its own; `--reuse` scans the data already there (a `bench --scale city` database).
Either way everything is rolled back unless --keep."""
import time
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities import reminders
from activities.models import Attendance, Delivery, Meeting, MeetingKind, Notification
from members.factories import make_id_number
from members.models import Member
from organizations.models import Node


class Command(BaseCommand):
    help = "基准测试：在大量党员和会议下运行一次提醒扫描，打印耗时和查询次数。"

    def add_arguments(self, parser):
        parser.add_argument("--members", type=int, default=100_000)
        parser.add_argument("--meetings", type=int, default=20_000)
        parser.add_argument("--branches", type=int, default=500)
        parser.add_argument("--attendees", type=int, default=5, help="每次会议的参会人数")
        parser.add_argument("--keep", action="store_true", help="保留生成的数据（默认回滚）")
        parser.add_argument("--reuse", action="store_true",
                            help="不生成数据，扫描数据库中已有的数据（如 bench --scale city）")

    def handle(self, *args, members, meetings, branches, attendees, keep, reuse, **options):
        with transaction.atomic():
            if reuse:
                self.stdout.write(f"reusing {Member.objects.count()} members, "
                                  f"{Meeting.objects.filter(starts_at__gt=timezone.now()).count()}"
                                  f" upcoming meetings")
            else:
                started = time.perf_counter()
                member_ids = self._seed(members, meetings, branches, attendees)
                self.stdout.write(f"seeded {len(member_ids)} members, {meetings} upcoming "
                                  f"meetings in {time.perf_counter() - started:.1f} s")
            now = timezone.now()
            for name, source in reminders.SOURCES.items():
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    found = len(list(source.scan(now)))
                self.stdout.write(f"  source {name}: {found} due, "
                                  f"{time.perf_counter() - started:.2f} s, {len(queries)} queries")
            ticks = [("first scan", 0, None), ("next tick, nothing written", 1, None),
                     ("a tick after a meeting was moved", 2, self._move_a_meeting),
                     ("the tick after that", 3, None)]
            for label, minutes, write in ticks:
                if write:
                    write(now)
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    found = reminders.scan(now + timedelta(minutes=minutes))
                    elapsed = time.perf_counter() - started
                self.stdout.write(f"{label}: {found} reminders found, {elapsed:.2f} s, "
                                  f"{len(queries)} queries")
            self.stdout.write(f"notifications {Notification.objects.count()}, "
                              f"deliveries {Delivery.objects.count()}")
            if not keep:
                transaction.set_rollback(True)

    def _move_a_meeting(self, now):
        """As staff do all day: one planned meeting put off by a day (its save, with signals)."""
        meeting = Meeting.objects.filter(status=Meeting.Status.PLANNED,
                                         starts_at__gt=now).order_by("starts_at").first()
        if meeting:
            meeting.starts_at += timedelta(days=1)
            meeting.ends_at += timedelta(days=1)
            meeting.save()

    def _seed(self, members, meetings, branches, attendees):
        street = Node.objects.create(kind=Node.Kind.STREET, name=f"基准街道{time.time_ns()}")
        communities = [Node.objects.create(kind=Node.Kind.COMMUNITY, parent=street,
                                           name=f"基准社区{index}", org_type="committee")
                       for index in range(max(1, branches // 10))]
        branch_nodes = [Node.objects.create(kind=Node.Kind.BRANCH, name=f"基准支部{index}",
                                            parent=communities[index % len(communities)])
                        for index in range(branches)]
        stamp = time.time_ns() % 10_000
        users = get_user_model().objects.bulk_create(
            [get_user_model()(username=f"bench{stamp}-{index}", email=f"b{index}@example.cn",
                              password="!") for index in range(members)], batch_size=5000)
        offset = (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        birth = date(1960, 1, 1)
        rows = Member.objects.bulk_create(
            [Member(name=f"党员{index}", gender="male", joined_on=date(1990, 1, 1),
                    id_number=make_id_number(offset + index + stamp * 1000, birth),
                    branch=branch_nodes[index % branches], user=users[index], phone="")
             for index in range(members)], batch_size=5000)
        by_branch = {}
        for member in rows:
            by_branch.setdefault(member.branch_id, []).append(member.pk)
        now = timezone.now()
        planned = Meeting.objects.bulk_create(
            [Meeting(branch=branch_nodes[index % branches], topic=f"基准会议{index}",
                     starts_at=now + timedelta(minutes=30 + index * 43_200 // meetings),
                     ends_at=now + timedelta(minutes=150 + index * 43_200 // meetings),
                     place="会议室", host="书记") for index in range(meetings)], batch_size=5000)
        through = Meeting.kinds.through
        through.objects.bulk_create([through(meeting_id=meeting.pk,
                                             meetingkind_id=MeetingKind.THEME_DAY)
                                     for meeting in planned], batch_size=5000)
        Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, member_id=member_id)
             for index, meeting in enumerate(planned)
             for member_id in by_branch[meeting.branch_id][index % 7::7][:attendees]],
            batch_size=5000)
        return [member.pk for member in rows]
