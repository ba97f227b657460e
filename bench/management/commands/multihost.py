import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from secrets import token_hex

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from bench import multihost
from bench.management.commands.loadtest import (check_load, collect_static, print_summary,
                                                run_locust, server_env, start_gunicorn, stop,
                                                wait_until_up)

PASSWORD = "Demo@2026"


class Command(BaseCommand):
    help = ("多机部署演练：在本机启动两个 gunicorn（127.0.0.1:8771、:8772）和两个 Celery worker，"
            "共用当前的 PostgreSQL 和 Redis；检查在一台登录的会话在另一台有效、负载测试分摊到两台、"
            "两个 worker 同时扫描时每名党员每个渠道的提醒只发一次；打印报告，任何一项失败即以非零状态退出。")

    def add_arguments(self, parser):
        parser.add_argument("--ports", default="8771,8772", help="两个 gunicorn 的端口，逗号分隔")
        parser.add_argument("--gunicorn-workers", type=int, default=2, help="每个 gunicorn 的工作进程数")
        parser.add_argument("--users", type=int, default=20, help="负载测试的并发用户数")
        parser.add_argument("--spawn-rate", type=float, default=2, help="每秒新增用户数")
        parser.add_argument("--seconds", type=int, default=60, help="负载测试秒数")
        parser.add_argument("--think", default="1-3", help="两次请求之间等待的秒数范围")
        parser.add_argument("--members", type=int, default=30, help="收到到期提醒的党员人数")

    def handle(self, *args, ports, gunicorn_workers, users, spawn_rate, seconds, think, members,
               **options):
        self._require_shared_services()
        try:
            ports = [int(port) for port in ports.split(",")]
        except ValueError:
            raise CommandError("--ports 写成逗号分隔的端口号，如 8771,8772。") from None
        if len(ports) < 2 or len(set(ports)) != len(ports):
            raise CommandError("--ports 至少两个不同的端口。")
        if not 1 <= members <= 500:
            raise CommandError("--members 取 1–500。")
        low, high = check_load(users, seconds, think)
        folder = Path(settings.VAR_DIR) / "multihost" / timezone.now().strftime("%Y%m%d-%H%M%S")
        folder.mkdir(parents=True, exist_ok=True)
        csv_prefix = str(folder / "locust")
        hosts = [f"http://127.0.0.1:{port}" for port in ports]
        env = server_env(low, high, csv_prefix)
        env.update({
            "BENCH_HOSTS": ",".join(hosts),
            # Nothing leaves the machine: texts only logged, mail into files, no 企业微信.
            "SMS_PROVIDER": "log", "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "CELERY_TASK_ALWAYS_EAGER": "false", "HEALTHZ_BEAT_MAX_MINUTES": "0",
            # A line a request from two servers would bury the report (the workers keep INFO:
            # their lines are what the reminder check counts).
            "LOG_LEVEL": "WARNING",
        })
        for name in ("WECOM_CORP_ID", "WECOM_SECRET", "WECOM_AGENT_ID", "EMAIL_HOST"):
            env.pop(name, None)
        collect_static(env)

        results, started = [], []
        try:
            for port in ports:
                started.append(start_gunicorn(port, gunicorn_workers, env))
            workers = [self._start_worker(env, folder, number) for number in (1, 2)]
            started.extend(process for process, _log, _queue in workers)
            for host, server in zip(hosts, started):
                wait_until_up(f"{host}/accounts/login/", server)
            for process, log, _queue in workers:
                self._wait_for_worker(process, log)
            self.stdout.write(f"已启动：gunicorn {', '.join(hosts)}（各 {gunicorn_workers} 个工作进程），"
                              f"Celery worker {', '.join(queue for *_rest, queue in workers)}")

            results.append(("会话", self._check_sessions(hosts)))
            self.stdout.write(f"负载测试：{users} 个用户，{seconds} 秒，登录在一台、页面在另一台")
            run_locust(hosts[0], env, users, spawn_rate, seconds, csv_prefix)
            results.append(("负载", self._check_load(print_summary(self, csv_prefix), hosts)))
            results.append(("提醒", self._check_reminders(workers, members, folder)))
            results.append(("健康检查", self._check_health(hosts)))
        finally:
            for process in reversed(started):
                stop(process)

        self.stdout.write("")
        self.stdout.write("多机演练报告")
        failed = False
        for label, problems in results:
            if problems:
                failed = True
                self.stdout.write(self.style.ERROR(f"{label}：失败"))
                for problem in problems[:20]:
                    self.stdout.write(self.style.ERROR(f"  {problem}"))
            else:
                self.stdout.write(self.style.SUCCESS(f"{label}：通过"))
        if failed or len(results) < 4:
            raise CommandError("多机演练未通过。")

    def _require_shared_services(self):
        """Two hosts share only what lives outside them: a file cache, a file broker or SQLite
        would pass here and fail on two machines."""
        missing = []
        if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
            missing.append("DATABASE_URL=postgres://…")
        if not settings.CACHE_URL.startswith(("redis://", "rediss://")):
            missing.append("CACHE_URL=redis://…")
        if not settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
            missing.append("CELERY_BROKER_URL=redis://…")
        if missing:
            raise CommandError(f"多机部署需要共用的数据库、缓存和消息队列，请设置：{'，'.join(missing)}")

    def _start_worker(self, env, folder, number):
        """A worker with its own name, its own queue (so each can be handed one scan) besides
        the shared default one, and its own var folder (the mail it writes)."""
        queue = f"multihost-{number}"
        log = folder / f"worker-{number}.log"
        worker_env = {**env, "PORTAL_VAR_DIR": str(folder / f"worker-{number}"),
                      "LOG_LEVEL": "INFO"}
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "celery"), "-A", "portal", "worker",
             "--pool", "solo", "--loglevel", "INFO", "-n", f"{queue}@%h",
             "-Q", f"celery,{queue}", "--purge",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=settings.BASE_DIR, env=worker_env, stdout=log.open("w"),
            stderr=subprocess.STDOUT)
        return process, log, queue

    def _wait_for_worker(self, process, log):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise CommandError(f"Celery worker 启动失败，见 {log}")
            if "ready." in log.read_text(errors="replace"):
                return
            time.sleep(0.5)
        raise CommandError(f"Celery worker 60 秒内未就绪，见 {log}")

    def _check_sessions(self, hosts):
        """Log in on the first server, open a page with that cookie on the second, log out there
        and find the first server logged out too: one session store for every host."""
        import requests

        first, second = hosts[0], hosts[1]
        browser = requests.Session()
        form = browser.get(f"{first}/accounts/login/", timeout=30)
        token = multihost.CSRF.search(form.text)
        login = browser.post(f"{first}/accounts/login/", timeout=30, allow_redirects=False, data={
            "username": "dangyuan", "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else ""})
        if login.status_code != 302:
            return [f"在 {first} 登录失败：{login.status_code}"]
        cookies = {name: browser.cookies.get(name)
                   for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)}
        problems = []
        page = requests.get(f"{second}/members/me/", cookies=cookies, timeout=30,
                            allow_redirects=False)
        if page.status_code != 200:
            problems.append(f"{first} 的会话在 {second} 无效：{page.status_code} "
                            f"{page.headers.get('Location', '')}")
            return problems
        self.stdout.write(f"会话：在 {first} 登录，{second} 的 /members/me/ 为 200")
        token = multihost.CSRF.search(page.text)
        requests.post(f"{second}/accounts/logout/", cookies=cookies, timeout=30,
                      allow_redirects=False,
                      data={"csrfmiddlewaretoken": token.group(1) if token else ""})
        after = requests.get(f"{first}/members/me/", cookies=cookies, timeout=30,
                             allow_redirects=False)
        if after.status_code != 302:
            problems.append(f"在 {second} 退出后，{first} 仍接受该会话：{after.status_code}")
        else:
            self.stdout.write(f"会话：在 {second} 退出后，{first} 要求重新登录")
        return problems

    def _check_health(self, hosts):
        """What the balancer asks each instance: database, cache, broker and deliveries through
        the shared services (no beat runs here: HEALTHZ_BEAT_MAX_MINUTES=0)."""
        import requests

        problems = []
        for host in hosts:
            answer = requests.get(f"{host}/healthz", timeout=30)
            self.stdout.write(f"健康检查：{host}/healthz {answer.status_code} {answer.text.strip()}")
            if answer.status_code != 200:
                problems.append(f"{host}/healthz 为 {answer.status_code}")
        return problems

    def _check_load(self, summary, hosts):
        problems = []
        for kind in ("login", "pages"):
            if summary[kind]["failures"]:
                problems.append(f"负载测试 {kind} 失败 {summary[kind]['failures']} 次")
        per_host = summary.get("hosts", {})
        self.stdout.write("各服务器请求数：" + "，".join(
            f"{host} {per_host.get(host, 0)}" for host in hosts))
        for host in hosts:
            if not per_host.get(host):
                problems.append(f"{host} 没有收到负载测试的请求")
        return problems

    def _check_reminders(self, workers, count, folder):
        """Due reminders for `count` members, the scan sent to both workers at once."""
        from django.contrib.auth import get_user_model
        from django.contrib.contenttypes.models import ContentType

        from activities.channels import EMAIL, IN_APP, SMS, addresses_for
        from activities.models import Attendance, Delivery, Meeting, Notification
        from members.models import Member
        from portal.celery import app

        chosen = list(Member.objects.filter(user__isnull=False, left_on__isnull=True)
                      .exclude(phone="").select_related("user").order_by("pk")[:count])
        if len(chosen) < count:
            return [f"只有 {len(chosen)} 名有账号和手机号的党员，少于 --members {count}"]
        token = token_hex(3)
        users = get_user_model().objects
        # Demo accounts have no email: give the chosen ones an address for this run (mail goes
        # to files), so the email channel is raced too; put back afterwards.
        without_email = [member.user_id for member in chosen if not member.user.email]
        for user_id in without_email:
            users.filter(pk=user_id).update(email=f"multihost-{user_id}@example.invalid")
        starts_at = timezone.now() + timedelta(minutes=90)  # the 2-hour reminder is due
        meetings = []
        try:
            for member in chosen:
                meeting = Meeting.objects.create(
                    branch_id=member.branch_id, topic=f"多机演练 MH{token}-u{member.user_id}",
                    starts_at=starts_at, ends_at=starts_at + timedelta(hours=1),
                    place="党群服务中心", host="演练")
                Attendance.objects.create(meeting=meeting, member=member)
                meetings.append(meeting.pk)
            user_ids = [member.user_id for member in chosen]
            # 企业微信 is off for the workers (nothing leaves the machine).
            expected = {user_id: {channel for channel, _address in channels
                                  if channel in (IN_APP, EMAIL, SMS)}
                        for user_id, channels in addresses_for(user_ids).items()}
            ours = Delivery.objects.filter(content_type=ContentType.objects.get_for_model(Meeting),
                                           object_id__in=meetings)
            # Both at once, one on each worker's own queue: two scans racing to record the
            # same rows, then two send_deliveries racing to claim them.
            for _process, _log, queue in workers:
                app.send_task("activities.tasks.scan_reminders", queue=queue)
            wanted_rows = sum(len(channels) for channels in expected.values())
            deadline = time.monotonic() + 180
            while time.monotonic() < deadline:
                logs = [log.read_text(errors="replace") for _process, log, _queue in workers]
                scans = [multihost.tasks_succeeded(text, "activities.tasks.scan_reminders")
                         for text in logs]
                if (all(scans) and ours.count() >= wanted_rows
                        and not ours.filter(status__in=["pending", "sending"]).exists()):
                    break
                time.sleep(1)
            time.sleep(3)  # room for a late duplicate to show up
            logs = [log.read_text(errors="replace") for _process, log, _queue in workers]
            sent = Counter()
            for number, text in enumerate(logs, start=1):
                sms = multihost.sms_sent(text, token)
                mail_folder = folder / f"worker-{number}" / "mail"
                mails = multihost.mails_sent(
                    [path.read_text(errors="replace") for path in mail_folder.glob("*")]
                    if mail_folder.exists() else [], token)
                sent.update({(user_id, SMS): times for user_id, times in sms.items()})
                sent.update({(user_id, EMAIL): times for user_id, times in mails.items()})
                self.stdout.write(
                    f"worker {number}：扫描 {multihost.tasks_succeeded(text, 'activities.tasks.scan_reminders')} 次，"
                    f"发送任务 {multihost.tasks_succeeded(text, 'activities.tasks.send_deliveries')} 个，"
                    f"短信 {sum(sms.values())} 条，邮件 {sum(mails.values())} 封")
            delivered = Notification.objects.filter(
                content_type=ContentType.objects.get_for_model(Meeting), object_id__in=meetings,
                delivered_at__isnull=False).values_list("recipient_id", flat=True)
            sent.update({(user_id, IN_APP): 1 for user_id in delivered})
            rows = list(ours.values_list("recipient_id", "channel", "status", "attempts"))
            problems = multihost.exactly_once(expected, rows, sent)
            self.stdout.write(
                f"提醒：{len(chosen)} 名党员，{wanted_rows} 条应发，发送记录 {len(rows)} 条，"
                f"实际发出 {sum(sent.values())} 次（站内 / 邮件 / 短信）")
            return problems
        finally:
            # Leave the demo data as it was: this run's meetings, reminders and addresses go.
            subject = {"content_type": ContentType.objects.get_for_model(Meeting),
                       "object_id__in": meetings}
            Delivery.objects.filter(**subject).delete()
            Notification.objects.filter(**subject).delete()
            Meeting.objects.filter(pk__in=meetings).delete()
            users.filter(pk__in=without_email).update(email="")
