"""The parts of `manage.py kiosk_soak` that need neither a browser nor gunicorn: the changes it
makes to the database, how the screen's figures are compared with the server's, and the verdict
over the minute-by-minute samples (tests call them directly).

The verdict compares means, not single samples: one minute's heap depends on where V8's
collector happened to be and on the chart being redrawn; a leak shows as the whole last window
standing above the first one.
"""
import json
from dataclasses import asdict, dataclass
from itertools import zip_longest
from datetime import timedelta
from decimal import Decimal
from statistics import mean

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

# The last window's mean may be at most this many times the first window's (after warm-up).
TOLERANCE = 1.2
# The gunicorn workers' RSS is the Python process: its allocator keeps pages it once used, so it
# gets more room than the browser's heap, which is measured after a full collection.
RSS_TOLERANCE = 1.5
WARMUP_MINUTES = 2
WINDOW_MINUTES = 10

# Figures on the screen that are not counts: the street's or district's name, the day, the time
# of the update.
NOT_COMPARED = {"street", "district", "today", "updated_at"}
# A district's per-street charts: each series is one figure of every street's row, in order.
DISTRICT_CHARTS = {"street_compliance": ["green", "amber", "red", "grey"],
                   "street_members": ["full", "probationary"],
                   "street_activities": ["activities", "hours"],
                   "street_inspections": ["passed", "failed"]}
# The cells of a row of the district's table of streets (kiosk.js's STREET_CELLS).
STREET_CELLS = ["street", "communities", "branches", "members", "red_branches", "wishes_done"]


@dataclass
class Sample:
    minute: float
    heap_mb: float        # V8 heap used after a full collection
    dom_nodes: int        # live DOM nodes, detached ones included (Memory.getDOMCounters)
    elements: int         # elements in the document
    listeners: int        # JS event listeners
    charts: int           # ECharts instances on the page
    timers: int           # pending timeouts + live intervals
    rss_mb: float         # the gunicorn workers' resident memory, summed
    refreshes: int        # the screen's successful refreshes so far
    changes: int          # database changes made so far

    as_dict = asdict


GROWING = [("heap_mb", "JS 堆", TOLERANCE), ("dom_nodes", "DOM 节点", TOLERANCE),
           ("listeners", "事件监听器", TOLERANCE), ("rss_mb", "gunicorn 工作进程内存", RSS_TOLERANCE)]


def windows(samples, warmup=WARMUP_MINUTES, window=WINDOW_MINUTES):
    """(first, last) windows of the samples after warm-up: `window` minutes each, or half the
    samples when the run is shorter than two windows (empty when fewer than two samples)."""
    settled = [sample for sample in samples if sample.minute >= warmup]
    size = min(window, len(settled) // 2)
    if size == 0:
        return [], []
    return settled[:size], settled[-size:]


def verdict(samples, *, reloaded, failed_refreshes, stale_checks, warmup=WARMUP_MINUTES,
            window=WINDOW_MINUTES):
    """{"ok", "problems": [Chinese lines], "growth": {field: last/first}} of a run."""
    problems = []
    if reloaded:
        problems.append("页面整页重新加载过（window 上的标记不见了）")
    if failed_refreshes:
        problems.append(f"刷新失败 {failed_refreshes} 次（应为 0）")
    if stale_checks:
        problems.append(f"{stale_checks} 次改动之后，屏幕在下一次刷新后仍未显示新数据")
    first, last = windows(samples, warmup, window)
    growth = {}
    if not first:
        problems.append(f"预热 {warmup} 分钟之后的样本不足两个，无法判断是否泄漏")
    else:
        for field, label, tolerance in GROWING:
            before = mean(getattr(sample, field) for sample in first)
            after = mean(getattr(sample, field) for sample in last)
            growth[field] = round(after / before, 3) if before else None
            if before and after > before * tolerance:
                problems.append(f"{label}增长：后 {len(last)} 分钟均值 {after:.1f} > "
                                f"前 {len(first)} 分钟均值 {before:.1f} × {tolerance}")
        settled = first + last
        if len({sample.charts for sample in settled}) > 1:
            problems.append("图表实例数在运行中变化："
                            + "、".join(str(sample.charts) for sample in settled))
        if max(sample.timers for sample in last) > max(sample.timers for sample in first):
            problems.append("定时器数量增长")
    return {"ok": not problems, "problems": problems, "growth": growth}


def as_browser_sees(figures):
    """The figures as the browser gets them from the JSON view (Decimals become strings)."""
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


def lookup(figures, path):
    """kiosk.js's lookup: a dotted path, `length` of a list."""
    value = figures
    for key in path.split("."):
        if value is None:
            return None
        value = len(value) if key == "length" and isinstance(value, list) else value.get(key)
    return value


def _number(text):
    """A figure as kiosk.js formats it ("1,234.5", "—"), back to a number (None for "—")."""
    if text is None:
        return None
    text = str(text).replace(",", "").strip()
    if text in {"", "—"}:
        return None
    try:
        return round(float(text), 1)
    except ValueError:
        return text


def _series_numbers(series):
    return [[_number(item.get("value") if isinstance(item, dict) else item) for item in data]
            for data in series]


def expected_series(figures):
    """The series data kiosk.js puts in each compared chart."""
    if "streets" in figures:  # a district's screen
        return {key: [[row[field] for row in figures["streets"]] for field in fields]
                for key, fields in DISTRICT_CHARTS.items()}
    found = {}
    if figures.get("members"):
        found["members"] = [s["data"] for s in figures["members"]["chart"]["series"]]
    if figures.get("activities"):
        chart = figures["activities"]["chart"]
        found["activities"] = [chart["activities"], chart["hours"]]
    if figures.get("inspections"):
        chart = figures["inspections"]["chart"]
        found["inspections"] = [chart["passed"], chart["failed"]]
    return found


def expected_table(figures):
    """The cells of a district's table of streets, row by row (None for a street's screen)."""
    if "streets" not in figures:
        return None
    return [[row[cell] for cell in STREET_CELLS] for row in figures["streets"]]


def differences(screen, figures):
    """What the screen shows that the figures do not, as Chinese lines ([] when it agrees).

    screen: {"figures": {data-figure path: text}, "charts": {key: [series data]},
    "table": [[cell text]]} read from the page; figures: as_browser_sees(node_figures(node)).
    The district's table is read whole, the rows of the pages not shown included: they hold
    what the screen shows when their page's turn comes, and a refresh redraws them all.
    """
    found = []
    for path, text in sorted(screen["figures"].items()):
        if path in NOT_COMPARED:
            continue
        want = _number(lookup(figures, path))
        if _number(text) != want:
            found.append(f"{path}：屏幕 {text}，应为 {want}")
    for key, series in sorted(expected_series(figures).items()):
        shown = screen["charts"].get(key)
        if shown is not None and _series_numbers(shown) != _series_numbers(series):
            found.append(f"图表 {key}：屏幕 {shown}，应为 {series}")
    table = expected_table(figures)
    if table is not None:
        shown = screen.get("table", [])
        if len(shown) != len(table):
            found.append(f"街道表格：屏幕 {len(shown)} 行，应为 {len(table)} 行")
        for shown_row, row in zip(shown, table):
            if [_number(cell) for cell in shown_row] != [_number(cell) for cell in row]:
                found.append(f"街道表格 {row[0]}：屏幕 {shown_row}，应为 {row}")
    return found


def changed(before, after):
    """Whether a change moved anything the screen shows (the update time aside)."""
    def strip(figures):
        return {key: value for key, value in figures.items() if key != "updated_at"}
    return strip(before) != strip(after)


def in_turn(groups):
    """The items of several lists taking turns: the first of each, then the second of each, …
    (a shorter list drops out when it runs out)."""
    return [item for items in zip_longest(*groups) for item in items if item is not None]


class Changes:
    """The changes of a run, in turn: a meeting recorded as held, a community activity with a
    member's volunteer hours, a volunteer team's service at that activity, a failed inspection
    that opens a rectification. Each goes through the service the views use, in the street's
    communities in turn, so the figures (三会一课, activities, hours, inspections) move.

    For a district the communities of its streets take turns street by street, so that every
    street's row of the district's screen moves, not only the first one's."""

    def __init__(self, node, official):
        from organizations.models import Node
        from portal.district import streets_of

        self.official = official
        self.district = node.kind == Node.Kind.DISTRICT
        streets = streets_of(node) if self.district else [node]
        self.places = in_turn([[(street, community) for community in Node.objects.active()
                                .under(street).of_kind(Node.Kind.COMMUNITY).order_by("path")]
                               for street in streets])
        self.count = 0
        self.last_activity = None

    def next(self):
        """Make the next change; returns its Chinese label."""
        steps = [self.meeting, self.activity, self.volunteer_hours, self.rectification]
        step = steps[self.count % len(steps)]
        street, community = self.places[(self.count // len(steps)) % len(self.places)]
        self.count += 1
        label = step(community)
        return f"{street.name}：{label}" if self.district else label

    def meeting(self, community):
        from activities import services
        from activities.models import Attendance, MeetingKind
        from members.models import Member
        from organizations.models import Node

        branch = (Node.objects.active().under(community).of_kind(Node.Kind.BRANCH)
                  .filter(pk__in=Member.objects.active().values("branch_id"))
                  .order_by("?").first())
        if branch is None:  # no branch with members here: an activity instead
            return self.activity(community)
        now = timezone.now()
        meeting = services.meeting_plan(
            branch=branch, kinds=MeetingKind.objects.filter(code=MeetingKind.THEME_DAY),
            topic=f"大屏测试主题党日（第{self.count}次）", starts_at=now - timedelta(hours=2),
            ends_at=now - timedelta(hours=1), place="党群服务中心", host="王书记")
        attendance = {row.member_id: (Attendance.Status.PRESENT, "")
                      for row in meeting.attendances.all()}
        services.meeting_record(meeting=meeting, minutes="学习了上级精神。", attendance=attendance)
        return f"会议 {branch.name}"

    def activity(self, community):
        from activities import services
        from activities.models import CommunityActivity
        from members.models import Member

        member = Member.objects.active().filter(branch__path__startswith=community.path).first()
        activity = CommunityActivity(
            community=community, kind=CommunityActivity.Kind.VOLUNTEER,
            title=f"大屏测试志愿服务（第{self.count}次）", held_on=timezone.localdate(),
            place="小区广场", organizer="社区党委", residents_count=20)
        self.last_activity = services.activity_save(
            activity=activity, participants=[(member, Decimal("2"))] if member else [])
        return f"活动 {community.name}"

    def volunteer_hours(self, community):
        from activities.volunteers import services
        from activities.volunteers.models import Team

        activity = self.last_activity
        today = timezone.localdate()
        for team in Team.objects.filter(community=activity.community, disbanded_on__isnull=True):
            if services.team_members_on(team, today).exists():
                services.service_record_from_activity(
                    activity=activity, team=team, hours=Decimal("1.5"), content="巡逻",
                    user=self.official)
                return f"志愿服务时长 {team.name}"
        return self.activity(community)  # no team with members: the activity's hours instead

    def rectification(self, community):
        from portal import services
        from portal.models import Inspection, InspectionPoint

        point = InspectionPoint.objects.active().filter(community=community).first()
        if point is None:
            point = InspectionPoint.objects.create(
                community=community, kind=InspectionPoint.Kind.OTHER, name="大屏测试点位")
        today = timezone.localdate()
        services.inspection_record(
            point=point, inspected_on=today, result=Inspection.Result.FAIL,
            problem="楼道堆放杂物", photo=None, inspector=self.official,
            deadline=today + timedelta(days=7))
        return f"督查不合格、待整改 {community.name}"
