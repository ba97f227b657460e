"""Benchmark: server time and query count of the street dashboard on the current database.

Run after `seed_demo` (e.g. `--communities 50 --members-per-community 1000 --years 5`); adds
the demo inspections first when the street has none, then renders the dashboard as the demo
street official several times and prints the median time and the query count.
"""
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organizations.models import Node
from organizations.scope import Role


class Command(BaseCommand):
    help = "测量街道工作台的服务器耗时和查询次数（先运行 seed_demo）。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="jiedao")
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args, username, runs, **options):
        user = get_user_model().objects.filter(username=username).first()
        grant = user and user.grants.filter(role=Role.STREET_OFFICIAL).select_related(
            "node").first()
        if grant is None:
            raise CommandError(f"{username} 不是街道干部：请先运行 seed_demo。")
        street = grant.node
        self._seed_inspections(street)
        client = Client()
        client.force_login(user)
        url = reverse("dashboards:street", args=[street.pk])
        timings, queries = [], 0
        for _run in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} 返回 {response.status_code}")
            queries = len(captured)
        communities = Node.objects.filter(parent=street, kind=Node.Kind.COMMUNITY).count()
        self.stdout.write(
            f"{connection.vendor}: {communities} 个社区；街道工作台 中位数 "
            f"{statistics.median(timings):.0f} ms（最快 {min(timings):.0f} ms），{queries} 次查询")

    def _seed_inspections(self, street):
        from portal.demo import DemoContext
        from portal.demo_inspections import seed_inspections
        from portal.models import InspectionPoint

        communities = list(Node.objects.filter(parent=street, kind=Node.Kind.COMMUNITY))
        if InspectionPoint.objects.filter(community__in=communities).exists():
            return
        users = {user.username: user for user in get_user_model().objects.filter(
            username__in=["jiedao", "shequ"])}
        context = DemoContext(communities=len(communities), members_per_community=0,
                              log=lambda text: self.stdout.write(text), street=street,
                              community_nodes=communities, users=users)
        seed_inspections(context)
