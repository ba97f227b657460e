"""Benchmark: preview and import a 10,000-row roster file on the configured database.

Everything it creates lives in one transaction that is rolled back at the end, so it can run
against a demo or production-like database without leaving anything behind.
"""
import time
from contextlib import contextmanager
from datetime import date, timedelta
from io import BytesIO

from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from members import excel
from members.factories import make_id_number
from members.models import Member
from organizations.factories import (BranchFactory, CommunityFactory, GridFactory, GroupFactory,
                                     StreetFactory, UserFactory)


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the preview and import of a generated roster file (default 10,000 rows)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=10_000)

    def handle(self, *args, rows, **options):
        try:
            with transaction.atomic():
                self._run(rows)
                raise Rollback
        except Rollback:
            self.stdout.write("（基准数据已回滚）")

    def _run(self, rows):
        street = StreetFactory(name="基准测试街道")
        community = CommunityFactory(parent=street, name="基准测试社区")
        branches = [BranchFactory(parent=community, name=f"基准测试第{i}支部") for i in range(20)]
        for branch in branches:
            GroupFactory(parent=branch, name="第一党小组")
        GridFactory(community=community, name="第一网格")
        user = UserFactory(username="bench-import-admin", is_superuser=True)
        content = _roster_file(rows, branches)
        self.stdout.write(f"数据库：{connection.vendor}；文件：{rows} 行，"
                          f"{len(content) / 1024 / 1024:.1f} MB")

        with _timer(self.stdout, "预览"):
            result = excel.preview(SimpleUploadedFile("bench.xlsx", content), user)
        assert result.is_valid, result.failed[:3]
        with _timer(self.stdout, "导入"):
            added, _updated = excel.import_rows(result)
        self.stdout.write(f"  新增 {added} 名")

        self.stdout.write(f"党员名册页查询次数：{_roster_queries(user)}"
                          f"（库中党员 {Member.objects.count()} 名）")


@contextmanager
def _timer(stdout, label):
    # Wall time is what a user waits; this process's CPU time shows the code's own cost when
    # other work shares the machine.
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    stdout.write(f"{label}：{time.perf_counter() - wall:.2f} 秒"
                 f"（本进程 CPU {time.process_time() - cpu:.2f} 秒）")


def _roster_file(rows, branches):
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(excel.HEADERS)
    for n in range(rows):
        born = date(1940, 1, 1) + timedelta(days=(n * 7) % 20000)
        sheet.append([f"基准{n}", "男" if n % 2 else "女", "汉族",
                      make_id_number(900_000 + n, born), born, f"139{n:08d}", "高中/中专",
                      "光明路", born + timedelta(days=25 * 366), born + timedelta(days=26 * 366),
                      "正式党员", "离退休党员", "", branches[n % len(branches)].name, "第一党小组",
                      "第一网格"])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _roster_queries(user):
    from members.views import roster

    request = RequestFactory().get("/members/", {"status": "full"})
    request.user, request.session = user, SessionStore()
    with CaptureQueriesContext(connection) as queries:
        response = roster(request)
    assert response.status_code == 200
    return len(queries)
