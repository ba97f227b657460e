"""Against the real services: a `celery worker` process on Redis and the test PostgreSQL database.

Run only when CELERY_BROKER_URL is redis://… (CI); skipped otherwise. The worker process reads
the test database through DATABASE_URL and writes mail with the file backend into a temporary
folder, so the test can count what was really sent.
"""
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from activities.models import Delivery, Notification

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(not settings.CELERY_BROKER_URL.startswith("redis://"),
                       reason="needs CELERY_BROKER_URL=redis://… and PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"
PRIVATE_REDIS_PORT = 6390


def database_url():
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the worker process needs PostgreSQL to share the test database")
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


class Worker:
    """A real `celery -A portal worker` process on the given broker."""

    def __init__(self, broker, folder):
        self.folder = folder
        self.log = folder / f"worker-{uuid.uuid4().hex[:6]}.log"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings",
               "DATABASE_URL": database_url(), "CELERY_BROKER_URL": broker,
               "CELERY_TASK_ALWAYS_EAGER": "false", "PORTAL_VAR_DIR": str(folder),
               "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
               "DATABASE_CONN_MAX_AGE": "0"}
        env.pop("EMAIL_HOST", None)
        self.process = subprocess.Popen(
            [str(CELERY), "-A", "portal", "worker", "--pool", "solo", "--loglevel", "INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             "-n", f"test-{uuid.uuid4().hex[:8]}@%h"],
            cwd=ROOT, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        wait_for(lambda: "ready." in self.log.read_text(), 60, f"worker start: {self.log}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def mails_about(self, text):
        """How many messages the file email backend wrote whose subject mentions `text`."""
        from email import message_from_string
        from email.header import decode_header, make_header

        folder = self.folder / "mail"
        count = 0
        for path in folder.iterdir() if folder.exists() else []:
            for chunk in path.read_text(errors="replace").split("-" * 79):
                if chunk.strip():
                    message = message_from_string(chunk.strip())
                    subject = str(make_header(decode_header(message.get("Subject", ""))))
                    count += text in subject
        return count


def wait_for(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def point_celery_at(broker):
    """This process's Celery app (eager in tests) publishes to `broker` for real."""
    from kombu import pools

    from portal.celery import app

    app.conf.update(broker_url=broker, broker_write_url=broker, broker_read_url=broker,
                    task_always_eager=False)
    # Forget connections made to another (or a stopped) broker.
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    return app


@pytest.fixture
def restore_celery():
    from portal.celery import app

    eager = app.conf.task_always_eager
    broker = app.conf.broker_url
    yield
    point_celery_at(broker).conf.task_always_eager = eager


@pytest.fixture
def member_with_email(default_rules):
    from members.factories import MemberFactory
    from organizations.factories import UserFactory

    user = UserFactory(email="dangyuan@example.cn")
    return MemberFactory(user=user)


def meeting_soon(member, topic):
    from activities.factories import MeetingFactory

    return MeetingFactory(branch=member.branch, attendees=[member], topic=topic,
                          starts_at=timezone.now() + timedelta(minutes=90))


@pytest.mark.real_clock  # the worker is another process, on the machine's clock
def test_real_worker_sends_a_reminder_once_for_two_beat_ticks(tmp_path, member_with_email,
                                                              restore_celery):
    app = point_celery_at(settings.CELERY_BROKER_URL)
    app.control.purge()
    topic = f"支委会{uuid.uuid4().hex[:6]}"
    meeting_soon(member_with_email, topic)
    worker = Worker(settings.CELERY_BROKER_URL, tmp_path)
    try:
        app.send_task("activities.tasks.scan_reminders")
        app.send_task("activities.tasks.scan_reminders")
        wait_for(lambda: worker.mails_about(topic) >= 1, 60, "the reminder email")
        wait_for(lambda: not Delivery.objects.filter(status__in=["pending", "sending"]).exists(),
                 30, "all deliveries finished")
        time.sleep(3)  # room for a duplicate to show up
    finally:
        worker.stop()
    inbox = Notification.objects.filter(recipient=member_with_email.user,
                                        delivered_at__isnull=False)
    assert inbox.count() == 1 and topic in inbox.get().title
    assert worker.mails_about(topic) == 1
    # In-app, email and SMS, each once.
    assert Delivery.objects.filter(recipient=member_with_email.user, status="sent").count() == 3


@pytest.fixture
def private_redis(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")

    class PrivateRedis:
        url = f"redis://127.0.0.1:{PRIVATE_REDIS_PORT}/0"

        def start(self):
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(PRIVATE_REDIS_PORT), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for(self.answers, 15, "private redis")

        def answers(self):
            try:
                with socket.create_connection(("127.0.0.1", PRIVATE_REDIS_PORT), timeout=0.5):
                    return True
            except OSError:
                return False

        def stop(self):
            self.process.terminate()
            self.process.wait(10)
            wait_for(lambda: not self.answers(), 10, "private redis to stop")

    redis = PrivateRedis()
    redis.start()
    yield redis
    if redis.process.poll() is None:
        redis.stop()


@pytest.mark.real_clock  # the worker is another process, on the machine's clock
def test_redis_outage_pages_work_and_the_reminder_arrives_once_afterwards(
        tmp_path, member_with_email, private_redis, restore_celery, client):
    from organizations.factories import GrantFactory, UserFactory
    from organizations.scope import Role

    app = point_celery_at(private_redis.url)
    secretary = GrantFactory(user=UserFactory(), node=member_with_email.branch,
                             role=Role.BRANCH_SECRETARY).user
    private_redis.stop()

    client.force_login(secretary)
    topic = f"停电{uuid.uuid4().hex[:6]}"
    starts = timezone.localtime() + timedelta(minutes=90)
    started = time.monotonic()
    response = client.post(reverse("activities:meeting_create"), {
        "branch": member_with_email.branch.pk, "kinds": ["general_meeting"], "topic": topic,
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "place": "会议室", "host": "王书记"})
    assert response.status_code == 302, "the page must work while Redis is down"
    assert time.monotonic() - started < 15
    assert not Notification.objects.exists()

    private_redis.start()
    app = point_celery_at(private_redis.url)  # fresh connections after the outage
    worker = Worker(private_redis.url, tmp_path)
    try:
        app.send_task("activities.tasks.scan_reminders")
        wait_for(lambda: worker.mails_about(topic) >= 1, 60, "the reminder after the outage")
        app.send_task("activities.tasks.scan_reminders")
        wait_for(lambda: not Delivery.objects.filter(status__in=["pending", "sending"]).exists(),
                 30, "all deliveries finished")
        time.sleep(3)
    finally:
        worker.stop()
    assert Notification.objects.filter(recipient=member_with_email.user,
                                       delivered_at__isnull=False).count() == 1
    assert worker.mails_about(topic) == 1
