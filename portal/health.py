"""/healthz: can this portal serve and send its reminders?

Five checks, each a plain function that returns a short text when all is well and raises
`Unhealthy` (or anything else) when not, each bounded in time:
- database: one query. The checks that query (database, beat, deliveries) run under
  PostgreSQL's `statement_timeout`, and a new connection gives up after `connect_timeout`
  (DATABASE_CONNECT_TIMEOUT in settings.py);
- cache: Redis itself is pinged, because the cache forgives its errors (kernel/cache.py) and
  would answer "nothing cached" while Redis is down (its client gives up after a second); other
  cache backends make a round trip;
- broker: one connection with a short timeout; kombu's file-system broker of `make run` is up;
- beat: the `record_heartbeat` task writes the time it ran every minute (portal/celery.py), so
  a stopped beat, broker or worker all show here. When tasks run inline
  (CELERY_TASK_ALWAYS_EAGER: the tests, a bare `runserver`) or HEALTHZ_BEAT_MAX_MINUTES is 0, no
  beat is expected: the check reports the last tick it saw and passes;
- deliveries: the oldest reminder delivery still pending or sending, older than
  HEALTHZ_DELIVERY_MAX_MINUTES fails (the beat queues pending ones every minute and a stuck
  one is retried after DELIVERY_STUCK_MINUTES).
"""
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from activities.models import Delivery
from portal.celery import app
from portal.models import Heartbeat

BEAT = "beat"


class Unhealthy(Exception):
    pass


@dataclass
class Result:
    name: str
    ok: bool
    detail: str
    milliseconds: int


def record_heartbeat(name=BEAT, now=None):
    now = now or timezone.now()
    if not Heartbeat.objects.filter(name=name).update(at=now):
        Heartbeat.objects.update_or_create(name=name, defaults={"at": now})


@contextmanager
def bounded_queries():
    """A transaction whose queries PostgreSQL stops after HEALTHZ_TIMEOUT_SECONDS."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = %s",
                               [int(settings.HEALTHZ_TIMEOUT_SECONDS * 1000)])
        yield


def check_database():
    with bounded_queries(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache():
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        # Past the forgiving wrapper, on the cache's own pool (1 s socket timeouts).
        if not cache._cache.get_client(write=True).ping():
            raise Unhealthy("Redis did not answer PING")
        return "redis"
    key, token = "healthz:probe", str(time.monotonic_ns())
    cache.set(key, token, timeout=30)
    if cache.get(key) != token:
        raise Unhealthy("a value written could not be read back")
    cache.delete(key)
    return type(cache).__name__


def check_broker():
    url = app.conf.broker_url or ""
    if url.startswith(("filesystem://", "memory://")):
        return "embedded"  # in the process or on this machine's disk: up when the portal is
    timeout = settings.HEALTHZ_TIMEOUT_SECONDS
    with app.connection_for_write(connect_timeout=timeout) as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
    return url.split("://", 1)[0]


def beat_expected():
    return settings.HEALTHZ_BEAT_MAX_MINUTES > 0 and not settings.CELERY_TASK_ALWAYS_EAGER


def check_beat(now=None):
    now = now or timezone.now()
    with bounded_queries():
        last = Heartbeat.objects.filter(name=BEAT).values_list("at", flat=True).first()
    seen = f"last tick {_ago(now, last)}" if last else "no tick recorded"
    if not beat_expected():
        return f"not expected (tasks run inline or HEALTHZ_BEAT_MAX_MINUTES=0); {seen}"
    if last is None:
        raise Unhealthy("no tick recorded: is `celery beat` running with a worker?")
    if (now - last).total_seconds() > settings.HEALTHZ_BEAT_MAX_MINUTES * 60:
        raise Unhealthy(f"{seen}, more than {settings.HEALTHZ_BEAT_MAX_MINUTES} min")
    return seen


def check_deliveries(now=None):
    now = now or timezone.now()
    with bounded_queries():
        oldest = Delivery.objects.filter(
            status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING],
        ).aggregate(oldest=Min("created_at"))["oldest"]
    if oldest is None:
        return "none unsent"
    age = f"oldest unsent recorded {_ago(now, oldest)}"
    if (now - oldest).total_seconds() > settings.HEALTHZ_DELIVERY_MAX_MINUTES * 60:
        raise Unhealthy(f"{age}, more than {settings.HEALTHZ_DELIVERY_MAX_MINUTES} min")
    return age


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker,
          "beat": check_beat, "deliveries": check_deliveries}


def run_checks():
    """Every check's result; a check that raises fails, it never stops the others."""
    results = []
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            ok, detail = True, check()
        except Exception as error:  # any failure of a backend is a failed check, never a 500
            ok, detail = False, f"{type(error).__name__}: {error}"[:300]
        results.append(Result(name, ok, detail, round((time.monotonic() - started) * 1000)))
    return results


def _ago(now, moment):
    seconds = max(0, int((now - moment).total_seconds()))
    return f"{seconds // 60} min {seconds % 60} s ago"
