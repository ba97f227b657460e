"""The benchmark: a registry of key pages and the code that times them side by side.

`manage.py bench` seeds a database at a chosen scale with the demo factories, then requests every
page of `PAGES` through Django's test client as the role that uses it, next to two references on
the same stack and data: a trivial view (the floor) and the Django admin changelist of the same
model. Adding a page is one line in `PAGES`.

This module is also the URLconf the bench runs under: the portal's URLs plus the floor views, so
those views never reach the production URLs.
"""
import gc
import logging
import os
import platform
import statistics
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from time import perf_counter, process_time
from typing import Callable

import django
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path, reverse

from activities import compliance_cache, meeting_rules
from activities.models import MeetingKind, MeetingRule
from members import contact_cache
from portal import demo

SCALES = {
    # For tests and a quick look: one community.
    "tiny": {"communities": 1, "members_per_community": 20, "years": 1},
    # seed_demo's default: one street, the 7 communities of the source material.
    "small": {"communities": 7, "members_per_community": 60, "years": 1},
    # A district: 50 communities, 500 branches, 50,000 members, 5 years of records.
    "district": {"communities": 50, "members_per_community": 1000, "years": 5},
    # A district of ten such streets: 500 communities, 500,000 members (communities count
    # per street).
    "city": {"streets": 10, "communities": 50, "members_per_community": 1000, "years": 5},
    # For tests: three streets of one community each.
    "tiny-city": {"streets": 3, "communities": 1, "members_per_community": 20, "years": 1},
}


@login_required
def floor(request):
    """The cheapest logged-in page: session, user and middleware, nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def empty_page(request):
    """base.html with no content: what every page pays for the header and navigation."""
    return render(request, "base.html")


urlpatterns = [
    path("__bench__/floor/", floor, name="bench_floor"),
    path("__bench__/empty/", empty_page, name="bench_empty"),
    path("", include("portal.urls")),
]


@dataclass
class BenchData:
    """The seeded objects the pages are opened on, found through the demo logins' grants."""

    users: dict
    district: object
    street: object
    community: object
    branch: object
    member: object

    @classmethod
    def load(cls):
        from members.models import Member
        from organizations.scope import Role

        logins = {"quwei", "jiedao", "shequ", "shuji", "dangyuan", "admin"}
        users = {user.username: user for user in get_user_model().objects.filter(
            username__in=logins)}
        missing = logins - users.keys()
        if missing:
            raise LookupError(f"演示账号缺失：{', '.join(sorted(missing))}（请先建立演示数据）")

        def granted(username, role):
            return users[username].grants.select_related("node").get(role=role).node

        return cls(users=users, district=granted("quwei", Role.DISTRICT_OFFICIAL),
                   street=granted("jiedao", Role.STREET_OFFICIAL),
                   community=granted("shequ", Role.COMMUNITY_STAFF),
                   branch=granted("shuji", Role.BRANCH_SECRETARY),
                   member=Member.objects.filter(user=users["dangyuan"]).first())


@dataclass(frozen=True)
class Page:
    """One page to time: who opens it, on what, and which admin changelist it compares with."""

    label: str
    url_name: str
    kwargs: Callable = lambda data: {}
    user: str = "jiedao"        # a demo login: quwei, jiedao, shequ, shuji, dangyuan, admin
    query: str = ""             # e.g. "status=full", for a filtered list
    compare: str = ""           # "app.model" whose admin changelist it is compared with
    # Timed as the first view after a meeting of shequ's community was recorded ("community":
    # that community's cached 三会一课 figures are computed anew for every request) or after a
    # tree changed or the day began ("all": every community's are, and the held meetings are
    # counted again), or after a street's officials saved a rule of their street ("street
    # rule": that street's communities are, from the held meetings' cached counts) or the
    # district's a rule of the district ("district rule": every street's are, likewise).
    # The 失联 lists: after a contact recorded in shequ's community ("contact": its lists are
    # judged anew) or a move rule changed or the day began ("contact all": every community's).
    after_write: str = ""

    def url(self, data):
        url = reverse(self.url_name, kwargs=self.kwargs(data))
        return f"{url}?{self.query}" if self.query else url


def admin_url_name(model_label):
    app_label, model_name = model_label.lower().split(".")
    return f"admin:{app_label}_{model_name}_changelist"


def admin_changelist(model_label):
    """The admin changelist of "app.model", timed as the superuser."""
    return Page(f"admin {model_label.lower()}", admin_url_name(model_label), user="admin")


district = lambda data: {"pk": data.district.pk}  # noqa: E731
street = lambda data: {"pk": data.street.pk}  # noqa: E731
community = lambda data: {"pk": data.community.pk}  # noqa: E731
branch = lambda data: {"pk": data.branch.pk}  # noqa: E731
member = lambda data: {"pk": data.member.pk}  # noqa: E731


def first_task(data):
    from portal.tasklists.models import Task

    return Task.objects.filter(street=data.street).order_by("pk").values_list("pk", flat=True)[0]


def kiosk_link(node):
    """A fresh 大屏 link to the node's screen: the screen's JSON is what it fetches every
    KIOSK_REFRESH_SECONDS, without a login."""
    def kwargs(data):
        from portal.kiosk.services import link_create

        _link, token = link_create(node=node(data), label="bench", expires_on=None,
                                   user=data.users["admin"])
        return {"token": token}
    return kwargs


def appraisal_round(state):
    """The demo round of shuji's branch (decided: last year's) or of the next one (closed)."""
    def kwargs(data):
        from activities.appraisal.models import Round
        rounds = Round.objects.filter(branch__parent_id=data.branch.parent_id).order_by("pk")
        return {"pk": next(r.pk for r in rounds if r.state() == state)}
    return kwargs
def team(data):
    from activities.volunteers.models import Team

    return {"pk": Team.objects.filter(community=data.community).order_by("pk").first().pk}

# The key pages, one line each. A page with `compare` gets that admin changelist timed too.
PAGES = [
    Page("组织架构（街道干部）", "organizations:tree", user="jiedao", compare="organizations.node"),
    Page("社区页（社区工作人员）", "organizations:node_detail", community, user="shequ"),
    Page("社区页（街道干部）", "organizations:node_detail", community, user="jiedao"),
    Page("支部页（支部书记）", "organizations:node_detail", branch, user="shuji"),
    Page("我的主页（党员）", "members:me", user="dangyuan"),
    Page("工作台（街道干部）", "home", user="jiedao"),
    Page("街道驾驶舱（街道干部）", "dashboards:street", street, user="jiedao"),
    Page("街道驾驶舱 刚记录会议后（街道干部）", "dashboards:street", street, user="jiedao",
         after_write="community"),
    Page("街道驾驶舱 全部重算（街道干部）", "dashboards:street", street, user="jiedao",
         after_write="all"),
    Page("街道驾驶舱 改规则后（街道干部）", "dashboards:street", street, user="jiedao",
         after_write="street rule"),
    Page("区驾驶舱（区委组织部）", "dashboards:district", district, user="quwei"),
    Page("区驾驶舱 全部重算（区委组织部）", "dashboards:district", district, user="quwei",
         after_write="all"),
    Page("区驾驶舱 一个街道改规则后（区委组织部）", "dashboards:district", district, user="quwei",
         after_write="street rule"),
    Page("区驾驶舱 区改规则后（区委组织部）", "dashboards:district", district, user="quwei",
         after_write="district rule"),
    Page("区月报（区委组织部）", "dashboards:district_report", district, user="quwei"),
    Page("大屏数据 街道（公开链接）", "kiosk:figures", kiosk_link(lambda data: data.street)),
    Page("大屏数据 区（公开链接）", "kiosk:figures", kiosk_link(lambda data: data.district)),
    Page("社区驾驶舱（社区工作人员）", "dashboards:community", community, user="shequ"),
    Page("支部驾驶舱（支部书记）", "dashboards:branch", branch, user="shuji"),
    Page("花名册 正式党员（社区工作人员）", "members:roster", user="shequ", query="status=full",
         compare="members.member"),
    Page("花名册 正式党员（街道干部）", "members:roster", user="jiedao", query="status=full",
         compare="members.member"),
    Page("党员详情（社区工作人员）", "members:member_detail", member, user="shequ"),
    Page("花名册导出 xlsx（社区工作人员）", "members:export", user="shequ"),
    Page("转出 回执（社区工作人员）", "members:transfer_out_list", user="shequ"),
    Page("转入（街道干部）", "members:transfer_in_list", user="jiedao"),
    Page("流动党员（社区工作人员）", "members:mobile_list", user="shequ"),
    Page("失联党员（支部书记）", "members:lost_list", user="shuji"),
    Page("失联党员（街道干部）", "members:lost_list", user="jiedao"),
    Page("失联党员 刚记录联系后（街道干部）", "members:lost_list", user="jiedao",
         after_write="contact"),
    Page("失联党员 全部重算（街道干部）", "members:lost_list", user="jiedao",
         after_write="contact all"),
    Page("失联党员（区委组织部）", "members:lost_list", user="quwei"),
    Page("会议列表（支部书记）", "activities:meeting_list", user="shuji",
         compare="activities.meeting"),
    Page("会议列表（街道干部）", "activities:meeting_list", user="jiedao",
         compare="activities.meeting"),
    Page("达标情况 街道（街道干部）", "activities:compliance_street", street, user="jiedao"),
    Page("达标情况 街道 刚记录会议后（街道干部）", "activities:compliance_street", street,
         user="jiedao", after_write="community"),
    Page("达标情况 社区（社区工作人员）", "activities:compliance_community", community,
         user="shequ"),
    Page("达标情况 支部（支部书记）", "activities:compliance_branch", branch, user="shuji"),
    Page("消息（党员）", "activities:inbox", user="dangyuan"),
    Page("民主评议计票 已决定（支部书记）", "appraisal:round_detail", appraisal_round("decided"),
         user="shuji"),
    Page("民主评议计票 待决定（社区工作人员）", "appraisal:round_detail",
         appraisal_round("closed"), user="shequ"),
    Page("民主评议投票（党员）", "appraisal:vote", appraisal_round("open"), user="dangyuan"),
    Page("志愿者服务队（社区工作人员）", "volunteers:team_list", user="shequ",
         compare="volunteers.team"),
    Page("志愿者服务队（街道干部）", "volunteers:team_list", user="jiedao",
         compare="volunteers.team"),
    Page("服务队详情（社区工作人员）", "volunteers:team_detail", team, user="shequ"),
    Page("志愿者（社区工作人员）", "volunteers:volunteer_list", user="shequ"),
    Page("结对共建概览（社区工作人员）", "pairing:overview", user="shequ"),
    Page("共建单位（社区工作人员）", "pairing:unit_list", user="shequ", compare="organizations.unit"),
    Page("党费台账（支部书记）", "dues:ledger", branch, user="shuji"),
    Page("党费欠缴名单（支部书记）", "dues:arrears", branch, user="shuji"),
    Page("党费收缴统计 社区（社区工作人员）", "dues:report", community, user="shequ"),
    Page("党费收缴统计 街道（街道干部）", "dues:report", street, user="jiedao"),
    Page("我的党费（党员）", "dues:mine", user="dangyuan"),
    Page("发展党员 街道（街道干部）", "development:board", street, user="jiedao",
         compare="development.candidate"),
    Page("发展党员 社区（社区工作人员）", "development:board", community, user="shequ"),
    Page("发展党员 支部（支部书记）", "development:board", branch, user="shuji"),
    Page("任务清单（街道干部）", "tasklists:task_list", street, user="jiedao"),
    Page("任务详情（街道干部）", "tasklists:task_detail", lambda data: {"pk": first_task(data)},
         user="jiedao"),
    Page("任务事项 全街道（街道干部）", "tasklists:item_list", user="jiedao"),
    Page("任务事项 未完成（社区工作人员）", "tasklists:item_list", user="shequ", query="state=open"),
    Page("居民微心愿（社区工作人员）", "wishes:list", user="shequ", compare="wishes.wish"),
    Page("居民微心愿（街道干部）", "wishes:list", user="jiedao", compare="wishes.wish"),
    Page("微心愿办理统计（街道干部）", "wishes:figures", user="jiedao"),
    Page("心愿接单（党员）", "wishes:my_wishes", user="dangyuan"),
    Page("心愿墙（公开）", "wishes:public_wall", lambda data: {"community_pk": data.community.pk},
         user="jiedao"),
    admin_changelist("members.member"),
    admin_changelist("organizations.node"),
]

FLOOR = Page("基准：最小视图", "bench_floor", user="jiedao")
REFERENCES = [FLOOR, Page("基准：空白页 base.html", "bench_empty", user="jiedao")]


def pages_to_run(pages=None):
    """References first, then the pages, then any compared admin changelist not listed."""
    pages = list(PAGES if pages is None else pages)
    listed = {page.url_name for page in pages}
    extra = []
    for page in pages:
        if page.compare and admin_url_name(page.compare) not in listed:
            extra.append(admin_changelist(page.compare))
            listed.add(admin_url_name(page.compare))
    return REFERENCES + pages + extra


def seed(scale, log=print, **overrides):
    """Seed the demo data at `scale` in one transaction; returns the seconds it took.

    `overrides` (streets, communities, members_per_community, years) replace the scale's own
    sizes: a street alone and the same street among many, measured side by side."""
    started = perf_counter()
    previous = [started]

    def timed_log(text):
        now = perf_counter()
        log(f"  [{now - started:7.1f} s, +{now - previous[0]:.1f} s] {text}")
        previous[0] = now

    sizes = {**SCALES[scale], **{key: value for key, value in overrides.items()
                                 if value is not None}}
    context = demo.DemoContext(**sizes, log=timed_log)
    with transaction.atomic():
        demo.seed(context)
    seconds = perf_counter() - started
    if connection.vendor == "postgresql":
        # Fresh tables have no planner statistics, and no visibility map for index-only scans,
        # until autovacuum comes by; a live database has both. (VACUUM cannot run inside a
        # transaction: in the tests, which seed inside one, the statistics must do.)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return seconds


def percentile(values, fraction):
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _get(client, url):
    response = client.get(url)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    return response.status_code, len(body)


def _write(page, data):
    if page.after_write == "community":
        compliance_cache.changed(data.community.pk)
    elif page.after_write == "all":
        compliance_cache.changed()
    elif page.after_write == "contact":
        contact_cache.CACHE.renew([data.community.pk])
    elif page.after_write == "contact all":
        contact_cache.changed()
    elif page.after_write in ("street rule", "district rule"):
        # Saved and dropped in turn, as the street's (or district's) page does; the same as the
        # default, so the figures stay what they were.
        node = data.street if page.after_write == "street rule" else data.district
        kind = MeetingKind.objects.get(code=MeetingKind.THEME_DAY)
        if MeetingRule.objects.filter(node=node, kind=kind).exists():
            meeting_rules.rule_clear(node=node, kind=kind)
        else:
            meeting_rules.rule_set(node=node, kind=kind, period="month", minimum=1)


def time_rewarm():
    """Seconds the worker's task takes to judge every street again after a default rule
    changed (from the held meetings' cached counts)."""
    from portal.tasks import warm_dashboards

    warm_dashboards()  # the 失联 lists too, which a meeting rule leaves as they are
    compliance_cache.judging_changed()
    started = perf_counter()
    warm_dashboards()
    return round(perf_counter() - started, 2)


def measure(page, data, repeat, warmup=2):
    """Median and p95 server time (ms), queries and size of one page, as its user."""
    client = Client()
    client.force_login(data.users[page.user])
    url = page.url(data)
    for _ in range(warmup):
        _get(client, url)
    timings, cpu = [], []
    for _ in range(repeat):
        _write(page, data)
        started, cpu_started = perf_counter(), process_time()
        status, size = _get(client, url)
        timings.append((perf_counter() - started) * 1000)
        cpu.append((process_time() - cpu_started) * 1000)
        if status != 200:
            break
    _write(page, data)
    with CaptureQueriesContext(connection) as queries:
        _get(client, url)
    return {
        "label": page.label, "url_name": page.url_name, "url": url, "user": page.user,
        "status": status, "bytes": size, "requests": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        # The web process's own CPU time (the database's is not in it): steadier than the
        # wall-clock figures on a machine shared with other work.
        "cpu_ms": round(statistics.median(cpu), 2),
        "queries": len(queries), "compare": page.compare or None,
    }


@contextmanager
def quiet(logger_name):
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def run(data, repeat, pages=None, log=None):
    """Time every page; add the ratios to the floor and to the compared admin changelist."""
    results = []
    # What is loaded by now is frozen out of the collector's full collections, as portal/wsgi.py
    # does in a gunicorn worker.
    gc.freeze()
    # DEBUG off while timing, as in production: no query log, no template debug information.
    # The request log is held to warnings: a JSON line per timed request flooded the printed
    # table. Formatting a line costs ~0.1 ms, which the figures therefore leave out.
    with override_settings(ROOT_URLCONF=__name__, DEBUG=False), quiet("portal.requests"):
        for page in pages_to_run(pages):
            try:
                result = measure(page, data, repeat)
            except Exception as error:
                raise RuntimeError(f"{page.label}（{page.url_name}，{page.user}）出错：{error!r}") \
                    from error
            results.append(result)
            if log:
                log(f"  {result['label']}: {result['median_ms']} ms")
    floor_ms = results[0]["median_ms"]
    by_name = {result["url_name"]: result for result in results}
    for result in results:
        result["x_floor"] = round(result["median_ms"] / floor_ms, 1) if floor_ms else None
        admin = by_name.get(admin_url_name(result["compare"])) if result["compare"] else None
        result["x_admin"] = round(result["median_ms"] / admin["median_ms"], 2) \
            if admin and admin["median_ms"] else None
    return results


def machine():
    memory_gb = None
    try:
        with open("/proc/meminfo") as meminfo:
            memory_gb = round(int(meminfo.readline().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    database = connection.vendor
    if database == "postgresql":
        database += f" {connection.pg_version // 10000}"
    elif database == "sqlite":
        import sqlite3

        database += f" {sqlite3.sqlite_version}"
    return {"cpus": os.cpu_count(), "memory_gb": memory_gb,
            "load_average": [round(load, 2) for load in os.getloadavg()], "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "python": sys.version.split()[0], "django": django.get_version(),
            "database": database}


def counts():
    from members.models import Member
    from organizations.models import Node

    rows = {"nodes": Node.objects.count(), "members": Member.objects.count()}
    for kind in (Node.Kind.COMMUNITY, Node.Kind.BRANCH):
        rows[f"{kind}_nodes"] = Node.objects.filter(kind=kind).count()
    return rows


def table(results):
    """A plain-text table; widths count Chinese characters as two columns."""
    header = ["页面", "用户", "状态", "中位 ms", "p95 ms", "CPU ms", "查询", "KB", "×基准", "×admin"]
    rows = [[r["label"], r["user"], str(r["status"]), f"{r['median_ms']:.1f}",
             f"{r['p95_ms']:.1f}", f"{r['cpu_ms']:.1f}", str(r["queries"]), f"{r['bytes'] / 1024:.0f}",
             f"{r['x_floor']}" if r["x_floor"] is not None else "",
             f"{r['x_admin']}" if r["x_admin"] is not None else ""] for r in results]

    def width(text):
        return sum(2 if ord(char) > 0x2E80 else 1 for char in text)

    widths = [max(width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(row):
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - width(cell))
            cells.append(cell + pad if i < 2 else pad + cell)
        return "  ".join(cells)

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


def markdown_table(results):
    lines = ["| 页面 | 用户 | 中位 ms | p95 ms | CPU ms | 查询 | ×基准 | ×admin |",
             "|---|---|--:|--:|--:|--:|--:|--:|"]
    for r in results:
        lines.append(f"| {r['label']} | {r['user']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
                     f"{r['cpu_ms']:.1f} | "
                     f"{r['queries']} | {r['x_floor'] or ''} | {r['x_admin'] or ''} |")
    return "\n".join(lines)
