import csv
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LOCUSTFILE = settings.BASE_DIR / "bench" / "locustfile.py"
MAX_USERS = 200
MAX_SECONDS = 600


class Command(BaseCommand):
    help = ("负载测试：在 127.0.0.1 上启动 gunicorn（使用当前 DATABASE_URL），用 Locust 模拟街道干部、"
            "社区工作人员和党员三种日常操作，打印每秒请求数、p50/p95 和失败数，然后停止 gunicorn。")

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help=f"并发用户数（至多 {MAX_USERS}）")
        parser.add_argument("--spawn-rate", type=float, default=2,
                            help="每秒新增用户数（每个新用户先登录，登录的密码哈希很耗 CPU）")
        parser.add_argument("--seconds", type=int, default=60, help=f"运行秒数（至多 {MAX_SECONDS}）")
        parser.add_argument("--think", default="1-3",
                            help="每个用户两次请求之间等待的秒数范围，如 1-3（快速点击）或 5-15（阅读页面）")
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                            help="gunicorn 工作进程数")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--csv", dest="csv_prefix",
                            default=str(Path(settings.VAR_DIR) / "loadtest" / "locust"),
                            help="Locust 的 CSV 结果前缀")

    def handle(self, *args, users, spawn_rate, seconds, think, workers, port, csv_prefix,
               **options):
        low, high = check_load(users, seconds, think)
        env = server_env(low, high, csv_prefix)
        collect_static(env)
        host = f"http://127.0.0.1:{port}"
        self.stdout.write(f"gunicorn：{workers} 个工作进程，{host}，数据库 {settings.DATABASES['default']['ENGINE']}")
        server = start_gunicorn(port, workers, env)
        try:
            wait_until_up(f"{host}/accounts/login/", server)
            self.stdout.write(f"Locust：{users} 个用户，{seconds} 秒，每次等待 {low}–{high} 秒")
            run_locust(host, env, users, spawn_rate, seconds, csv_prefix)
        finally:
            stop(server)
        print_summary(self, csv_prefix)


# The parts below are shared with `manage.py multihost`, which runs the same journeys against
# two servers at once.

def check_load(users, seconds, think):
    """(least, most) seconds of thinking, after checking the command's limits."""
    if not 1 <= users <= MAX_USERS or not 1 <= seconds <= MAX_SECONDS:
        raise CommandError(f"--users 取 1–{MAX_USERS}，--seconds 取 1–{MAX_SECONDS}。")
    try:
        low, high = (float(part) for part in think.split("-"))
    except ValueError:
        raise CommandError("--think 写成“最少-最多”秒数，如 1-3。") from None
    if not 0 <= low <= high <= 120:
        raise CommandError("--think 的秒数取 0–120，且最少不大于最多。")
    return low, high


def server_env(low, high, csv_prefix):
    """The environment of gunicorn and Locust: the configured database and cache, production
    settings, one SECRET_KEY (every server of a run shares it, as every host must), and the
    nodes the journeys open."""
    from bench.pages import BenchData

    try:
        data = BenchData.load()
    except LookupError as error:
        raise CommandError(f"{error}：先运行 manage.py bench 或 seed_demo。") from None
    streets_communities = data.street.children.filter(archived_at__isnull=True)
    branches = data.community.children.filter(archived_at__isnull=True)
    district_streets = data.district.children.filter(archived_at__isnull=True)
    Path(csv_prefix).parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("_stats.csv", "_summary.json"):
        Path(f"{csv_prefix}{suffix}").unlink(missing_ok=True)
    return {
        **os.environ,
        # Production-like: no debug, no HTTPS redirect on loopback, static files collected.
        "DEBUG": "false", "HTTPS": "false", "SECRET_KEY": secrets.token_urlsafe(40),
        # The demo logins keep the demo password: with the forced change on, every page
        # would be the change-password form instead of the page the journey asks for.
        "FORCE_PASSWORD_CHANGE": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "PYTHONUNBUFFERED": "1",
        "BENCH_SUMMARY": f"{csv_prefix}_summary.json", "BENCH_THINK": f"{low}-{high}",
        "BENCH_COMMUNITY": str(data.community.pk),
        "BENCH_BRANCHES": ",".join(str(pk) for pk in branches.values_list("pk", flat=True)),
        "BENCH_STREET_COMMUNITIES": ",".join(
            str(pk) for pk in streets_communities.values_list("pk", flat=True)),
        "BENCH_DISTRICT": str(data.district.pk),
        "BENCH_DISTRICT_STREETS": ",".join(
            str(pk) for pk in district_streets.values_list("pk", flat=True)),
    }


def collect_static(env):
    subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), "collectstatic",
                    "--noinput", "-v0"], env=env, check=True)


def start_gunicorn(port, workers, env):
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "portal.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"],
        cwd=settings.BASE_DIR, env=env)


def stop(process, seconds=20):
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_locust(host, env, users, spawn_rate, seconds, csv_prefix):
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
         "--users", str(users), "--spawn-rate", str(spawn_rate),
         "--run-time", f"{seconds}s", "--host", host, "--csv", csv_prefix,
         "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING"],
        cwd=settings.BASE_DIR, env=env, check=False)


def wait_until_up(url, server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError("gunicorn 启动失败。")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if response.status == 200:
                    return
        except OSError:  # refused, reset or timed out while the workers start
            pass
        time.sleep(0.5)
    raise CommandError("gunicorn 60 秒内未就绪。")


def print_summary(command, csv_prefix):
    """Print Locust's table and the login / pages lines; returns the JSON summary."""
    stats_path, summary_path = f"{csv_prefix}_stats.csv", f"{csv_prefix}_summary.json"
    try:
        with open(stats_path, newline="", encoding="utf-8") as stats:
            rows = list(csv.DictReader(stats))
    except FileNotFoundError:
        raise CommandError(f"Locust 没有写出结果 {stats_path}。") from None
    command.stdout.write("")
    command.stdout.write(f"{'次数':>6}{'失败':>6}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'max ms':>8}  请求")
    for row in rows:
        name = "合计" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        command.stdout.write(
            f"{row['Request Count']:>8}{row['Failure Count']:>8}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>8}{row['95%']:>8}"
            f"{float(row['Max Response Time']):>8.0f}  {name}")
    try:
        with open(summary_path, encoding="utf-8") as summary_file:
            summary = json.load(summary_file)
    except FileNotFoundError:
        raise CommandError(f"Locust 没有写出结果 {summary_path}。") from None
    for kind, label in [
        ("login", "登录（打开登录页并提交）"),
        ("pages", "页面（登录后的各项操作，全程）"),
        ("pages_settled", f"页面（{summary['settled_after_seconds']} 秒时全部用户登录完毕之后）"),
    ]:
        figures = summary[kind]
        style = command.style.SUCCESS if figures["failures"] == 0 else command.style.ERROR
        command.stdout.write(style(
            f"{label}：{figures['requests']} 次，每秒 {figures['per_second']} 个请求，"
            f"p50 {figures['p50_ms']} ms，p95 {figures['p95_ms']} ms，失败 {figures['failures']} 次"))
    return summary
