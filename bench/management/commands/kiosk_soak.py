import json
import os
import signal
import sys
import time
from pathlib import Path

import psutil
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import reset_queries
from django.test.utils import override_settings
from django.utils import timezone

from bench import soak
from bench.management.commands.loadtest import (collect_static, server_env, start_gunicorn, stop,
                                                wait_until_up)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic",
                 # A hidden or unfocused page must keep its timers at full speed, as a wall
                 # screen does.
                 "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--js-flags=--expose-gc"]

# Installed before the page's own scripts: counts the timeouts still pending and the intervals
# still running, so a refresh loop that stacks timers shows.
TIMER_PROBE = """(() => {
  const timeouts = new Set(), intervals = new Set();
  const setT = window.setTimeout, clearT = window.clearTimeout;
  const setI = window.setInterval, clearI = window.clearInterval;
  window.setTimeout = function (fn, ms, ...args) {
    const id = setT(function () { timeouts.delete(id);
      return typeof fn === "function" ? fn.apply(this, args) : undefined; }, ms);
    timeouts.add(id); return id; };
  window.clearTimeout = function (id) { timeouts.delete(id); intervals.delete(id); return clearT(id); };
  window.setInterval = function (...args) { const id = setI(...args); intervals.add(id); return id; };
  window.clearInterval = function (id) { intervals.delete(id); timeouts.delete(id); return clearI(id); };
  window.__soakTimers = () => timeouts.size + intervals.size;
})();"""

READ_SCREEN = """() => {
  const figures = {}, charts = {};
  document.querySelectorAll("#kiosk [data-figure]").forEach(
    (element) => { figures[element.dataset.figure] = element.textContent; });
  document.querySelectorAll("[data-kiosk-chart]").forEach((element) => {
    const chart = window.echarts && echarts.getInstanceByDom(element);
    if (chart) { charts[element.dataset.kioskChart] = chart.getOption().series.map((s) => s.data); }
  });
  // A district's table of streets, every row: the ones on the pages not shown are hidden, and
  // textContent reads them all the same.
  const rows = document.querySelectorAll("#kiosk-streets tbody tr");
  const table = Array.from(rows, (row) => Array.from(row.cells, (cell) => cell.textContent));
  const hidden = Array.from(rows).filter((row) => row.hidden).length;
  return {figures, charts, table, hidden};
}"""

COUNTS = """() => ({
  elements: document.getElementsByTagName("*").length,
  charts: document.querySelectorAll("[_echarts_instance_]").length,
  timers: window.__soakTimers ? window.__soakTimers() : -1,
  refreshes: parseInt(document.getElementById("kiosk").dataset.refreshes, 10),
  marker: window.__soakMarker || null
})"""


class Command(BaseCommand):
    help = ("大屏长时间运行测试：启动 gunicorn，用 Chromium 以 1920×1080 打开街道大屏（--district："
            "区级大屏），按间隔修改数据库"
            "（会议、活动、志愿服务时长、督查整改），检查每次改动后屏幕显示新数据，每分钟记录 JS 堆、"
            "DOM 节点、图表实例、定时器和 gunicorn 内存，最后判断有无整页重载、泄漏和刷新失败。")

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=60, help="运行分钟数（1–240）")
        parser.add_argument("--refresh", type=int, default=settings.KIOSK_REFRESH_SECONDS,
                            help="大屏刷新间隔秒数（至少 5；长时间测试可用 10）")
        parser.add_argument("--change-every", type=int, default=30,
                            help="每隔多少秒修改一次数据库（不少于刷新间隔的 2 倍）")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数")
        parser.add_argument("--port", type=int, default=8770)
        parser.add_argument("--district", action="store_true",
                            help="测试区级大屏：演示区（quwei 的区）的链接，改动轮流在区内各街道")
        parser.add_argument("--json", dest="json_path", default="",
                            help="结果 JSON 路径（默认 var/soak/kiosk-soak-<时间>.json）")

    def handle(self, *args, minutes, refresh, change_every, workers, port, json_path, district,
               **options):
        if not 1 <= minutes <= 240:
            raise CommandError("--minutes 取 1–240。")
        if refresh < 5:
            raise CommandError("--refresh 至少 5 秒（与 KIOSK_REFRESH_SECONDS 的下限相同）。")
        if change_every < 2 * refresh:
            raise CommandError("--change-every 不少于刷新间隔的 2 倍：每次改动要等屏幕刷新后检查。")
        backend = settings.CACHES["default"]["BACKEND"]
        if backend.endswith(("LocMemCache", "DummyCache")):
            # The changes are made in this process; gunicorn must see the same cache entries
            # they invalidate.
            raise CommandError("需要进程间共享的缓存（CACHE_URL=redis://… 或文件缓存）。")
        out = Path(json_path or Path(settings.VAR_DIR) / "soak"
                   / f"kiosk-soak-{timezone.now():%Y%m%d-%H%M}.json")
        out.parent.mkdir(parents=True, exist_ok=True)

        env = server_env(0, 0, str(out.parent / "gunicorn"))
        # A request line a second for an hour would bury the table; warnings still show.
        env.update(KIOSK_REFRESH_SECONDS=str(refresh), LOG_LEVEL="WARNING")
        # Playwright's sync API runs an event loop in this thread; the ORM calls between its
        # calls are synchronous and safe here (as in the browser tests).
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        from bench.pages import BenchData
        from portal.kiosk import services

        data = BenchData.load()
        node, official = ((data.district, data.users["quwei"]) if district
                          else (data.street, data.users["jiedao"]))
        # gunicorn runs with the run's own SECRET_KEY, which the token's hash is keyed with.
        with override_settings(SECRET_KEY=env["SECRET_KEY"]):
            link, token = services.link_create(node=node, label="大屏长时间运行测试",
                                               expires_on=None, user=official)
        # `kill` of a run in the background: leave through the `finally` below, which stops
        # gunicorn and revokes the link (the browser closes with Playwright).
        signal.signal(signal.SIGTERM, lambda *_: sys.exit("已终止。"))
        collect_static(env)
        host = f"http://127.0.0.1:{port}"
        server = start_gunicorn(port, workers, env)
        try:
            wait_until_up(f"{host}/accounts/login/", server)
            self.stdout.write(f"gunicorn：{workers} 个工作进程，{host}；{node.name}的大屏每 "
                              f"{refresh} 秒刷新，每 {change_every} 秒改一次数据，共 {minutes} 分钟")
            result = Run(self, server, node, official, f"{host}/kiosk/screen/{token}/",
                         minutes, refresh, change_every).go()
        finally:
            stop(server)
            services.link_revoke(link=link, user=official)
        result["settings"] = {"node": node.name, "district": district,
                              "minutes": minutes, "refresh": refresh,
                              "change_every": change_every, "workers": workers,
                              "tolerance": soak.TOLERANCE, "rss_tolerance": soak.RSS_TOLERANCE,
                              "warmup_minutes": soak.WARMUP_MINUTES,
                              "window_minutes": soak.WINDOW_MINUTES}
        out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        self.report(result, out)
        if not result["verdict"]["ok"]:
            raise CommandError("大屏长时间运行测试未通过。")

    def report(self, result, out):
        verdict = result["verdict"]
        self.stdout.write(f"JSON：{out}")
        self.stdout.write(f"改动 {result['changes']} 次（其中 {result['changes_moving_figures']} 次"
                          f"改变了屏幕数据），刷新成功 {result['refreshes']} 次、失败 "
                          f"{result['failed_refreshes']} 次，改动后未显示新数据 "
                          f"{result['stale_checks']} 次，整页重载：{'是' if result['reloaded'] else '否'}")
        self.stdout.write("增长（后窗口均值 / 前窗口均值）：" + "，".join(
            f"{field} {ratio}" for field, ratio in verdict["growth"].items()))
        if verdict["ok"]:
            self.stdout.write(self.style.SUCCESS("结论：通过"))
        else:
            for problem in verdict["problems"]:
                self.stdout.write(self.style.ERROR(f"  {problem}"))
            self.stdout.write(self.style.ERROR("结论：未通过"))


class Run:
    """One soak: the browser, the timeline of changes and samples, and what was seen."""

    HEADER = (f"{'分钟':>5}{'JS堆MB':>9}{'DOM节点':>9}{'元素':>7}{'监听器':>8}{'图表':>6}"
              f"{'定时器':>7}{'gunicorn MB':>13}{'刷新':>7}{'改动':>6}")

    def __init__(self, command, server, node, official, url, minutes, refresh, change_every):
        self.command, self.server, self.node, self.url = command, server, node, url
        self.minutes, self.refresh, self.change_every = minutes, refresh, change_every
        self.samples, self.checks = [], []
        self.failed_refreshes, self.stale_checks, self.navigations = 0, 0, 0
        self.changes = soak.Changes(node, official)

    def go(self):
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return self.watch(browser)
            finally:
                browser.close()

    def watch(self, browser):
        context = browser.new_context(viewport={"width": 1920, "height": 1080},
                                      locale="zh-CN")
        context.add_init_script(TIMER_PROBE)
        page = context.new_page()
        page.on("response", self.on_response)
        page.on("requestfailed", self.on_request_failed)
        page.on("framenavigated", self.on_navigated)
        page.goto(self.url)
        page.wait_for_selector("[data-kiosk-chart][data-ready='1']")
        page.evaluate("() => { window.__soakMarker = 'kiosk-soak'; }")
        cdp = context.new_cdp_session(page)
        cdp.send("HeapProfiler.enable")
        self.page, self.cdp = page, cdp

        start = time.monotonic()
        end = start + self.minutes * 60
        next_sample, next_change = start, start + self.change_every
        self.command.stdout.write(self.HEADER)
        while True:
            now = time.monotonic()
            if now >= next_sample:
                self.sample((now - start) / 60)
                next_sample += 60
                if now >= end:
                    break
            elif now >= next_change:
                # No change the screen could not show before the end.
                if now < end - 2 * self.refresh - 40:
                    self.change_and_check()
                next_change += self.change_every
            else:
                wait = min(next_sample, next_change) - now
                page.wait_for_timeout(max(100, min(wait, 5) * 1000))
            reset_queries()
        counts = page.evaluate(COUNTS)
        reloaded = counts["marker"] != "kiosk-soak" or self.navigations > 1
        verdict = soak.verdict(self.samples, reloaded=reloaded,
                               failed_refreshes=self.failed_refreshes,
                               stale_checks=self.stale_checks)
        return {"url_path": "/kiosk/screen/<token>/", "reloaded": reloaded,
                "navigations": self.navigations, "refreshes": counts["refreshes"],
                "failed_refreshes": self.failed_refreshes, "stale_checks": self.stale_checks,
                "changes": len(self.checks),
                "changes_moving_figures": sum(1 for check in self.checks if check["moved"]),
                "checks": self.checks, "samples": [s.as_dict() for s in self.samples],
                "verdict": verdict}

    def on_response(self, response):
        if "/figures/" in response.url and response.status != 200:
            self.failed_refreshes += 1

    def on_request_failed(self, request):
        if "/figures/" in request.url:
            self.failed_refreshes += 1

    def on_navigated(self, frame):
        if frame.parent_frame is None:  # the page itself, not a frame inside it
            self.navigations += 1

    def screen_figures(self):
        from portal.kiosk.figures import node_figures

        return soak.as_browser_sees(node_figures(self.node))

    def change_and_check(self):
        """One change; the screen must show the new figures after the next refresh (or the
        one after, when a fetch that started before the change was still in flight)."""
        before = self.screen_figures()
        refreshes = self.page.evaluate(COUNTS)["refreshes"]
        label = self.changes.next()
        after = self.screen_figures()
        found = []
        for wanted in (refreshes + 1, refreshes + 2):
            self.page.wait_for_function(
                f"() => parseInt(document.getElementById('kiosk').dataset.refreshes, 10) >= {wanted}",
                timeout=(2 * self.refresh + 40) * 1000)
            screen = self.page.evaluate(READ_SCREEN)
            found = soak.differences(screen, after)
            if not found:
                break
        if found:
            self.stale_checks += 1
            self.command.stdout.write(self.command.style.ERROR(f"  {label}：{'；'.join(found)}"))
        # hidden_rows: the district's table rows compared while on a page not shown.
        self.checks.append({"at": timezone.localtime().strftime("%H:%M:%S"), "change": label,
                            "moved": soak.changed(before, after), "differences": found,
                            "hidden_rows": screen["hidden"]})

    def sample(self, minute):
        self.cdp.send("HeapProfiler.collectGarbage")
        heap = self.cdp.send("Runtime.getHeapUsage")["usedSize"]
        dom = self.cdp.send("Memory.getDOMCounters")
        counts = self.page.evaluate(COUNTS)
        workers = psutil.Process(self.server.pid).children()
        sample = soak.Sample(
            minute=round(minute, 1), heap_mb=round(heap / 2**20, 2), dom_nodes=dom["nodes"],
            elements=counts["elements"], listeners=dom["jsEventListeners"],
            charts=counts["charts"], timers=counts["timers"],
            rss_mb=round(sum(worker.memory_info().rss for worker in workers) / 2**20, 1),
            refreshes=counts["refreshes"], changes=self.changes.count)
        self.samples.append(sample)
        self.command.stdout.write(
            f"{sample.minute:>6.1f}{sample.heap_mb:>10.2f}{sample.dom_nodes:>10}"
            f"{sample.elements:>8}{sample.listeners:>10}{sample.charts:>7}{sample.timers:>9}"
            f"{sample.rss_mb:>14.1f}{sample.refreshes:>8}{sample.changes:>7}")
        self.command.stdout.flush()  # a run in the background logs to a file: a line a minute
