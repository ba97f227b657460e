"""/healthz: "ok" or "fail" for the load balancer, each check's result for superusers only."""
import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone

from activities.models import Delivery
from kernel.cache import caches_for
from members.models import Member
from portal import health
from portal.celery import app
from portal.models import Heartbeat
from portal.tasks import record_heartbeat
from tests.portal.test_redis_outage import STOPPED_REDIS, redis_stopped  # noqa: F401

URL = "/healthz"


def unsent_delivery(world, minutes_old, status=Delivery.Status.PENDING):
    return Delivery.objects.create(
        content_type=ContentType.objects.get_for_model(Member), object_id=world.member.pk,
        recipient=world.users["member"], kind=f"test:{minutes_old}:{status}", channel="email",
        status=status, created_at=timezone.now() - timedelta(minutes=minutes_old))


def details(client):
    response = client.get(URL)
    assert response["Content-Type"] == "application/json"
    return response.status_code, json.loads(response.content)


def test_the_url_is_healthz():
    assert reverse("healthz") == URL


def test_all_well_answers_ok_in_plain_text_and_is_never_cached(world, client):
    response = client.get(URL)
    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert client.head(URL).status_code == 200
    assert client.post(URL).status_code == 405


def test_a_superuser_reads_every_check(world, client_as):
    status, body = details(client_as(world.users["superuser"]))
    assert status == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "beat", "deliveries"}
    assert all(check["ok"] for check in body["checks"].values())
    # The tests run tasks inline: no beat is expected, and the check says so.
    assert body["checks"]["beat"]["detail"].startswith("not expected")


def test_an_old_unsent_delivery_fails(world, client_as, settings):
    settings.HEALTHZ_DELIVERY_MAX_MINUTES = 60
    unsent_delivery(world, 200, status=Delivery.Status.SENT)
    unsent_delivery(world, 200, status=Delivery.Status.FAILED)  # given up on: not waiting
    unsent_delivery(world, 50)
    assert client_as(None).get(URL).status_code == 200
    unsent_delivery(world, 61, status=Delivery.Status.SENDING)
    response = client_as(None).get(URL)
    assert (response.status_code, response.content) == (503, b"fail")
    status, body = details(client_as(world.users["superuser"]))
    assert status == 503 and body["status"] == "fail"
    assert not body["checks"]["deliveries"]["ok"]
    assert "61 min" in body["checks"]["deliveries"]["detail"]
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"]


@pytest.mark.parametrize("role", ["anonymous", "member", "staff", "official"])
def test_nobody_but_a_superuser_reads_the_details(world, client_as, role):
    unsent_delivery(world, 24 * 60)
    world.users["staff"].is_staff = True  # Django's "staff" flag opens no details either
    world.users["staff"].save()
    response = client_as(world.users[role]).get(URL)
    assert (response.status_code, response.content) == (503, b"fail")
    assert response["Content-Type"].startswith("text/plain")


def test_a_cache_on_a_closed_port_fails(world, client_as, settings):
    settings.CACHES = caches_for(STOPPED_REDIS)
    response = client_as(None).get(URL)
    assert (response.status_code, response.content) == (503, b"fail")
    status, body = details(client_as(world.users["superuser"]))
    assert status == 503
    assert not body["checks"]["cache"]["ok"] and "ConnectionError" in body["checks"]["cache"][
        "detail"]
    assert body["checks"]["broker"]["ok"] and body["checks"]["database"]["ok"]


def test_a_stopped_redis_fails_cache_and_broker_quickly(world, client_as, redis_stopped):  # noqa: F811
    response = client_as(None).get(URL)
    assert (response.status_code, response.content) == (503, b"fail")
    status, body = details(client_as(world.users["superuser"]))
    assert not body["checks"]["cache"]["ok"] and not body["checks"]["broker"]["ok"]
    assert all(check["ms"] < 3000 for check in body["checks"].values())


def test_a_check_that_breaks_fails_without_a_500(world, client, monkeypatch):
    def broken():
        raise RuntimeError("unexpected")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get(URL)
    assert (response.status_code, response.content) == (503, b"fail")


def test_the_beat_must_have_ticked_recently_when_one_is_expected(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HEALTHZ_BEAT_MAX_MINUTES = 5
    now = timezone.now()
    with pytest.raises(health.Unhealthy, match="no tick"):
        health.check_beat(now)
    health.record_heartbeat(now=now - timedelta(minutes=6))
    with pytest.raises(health.Unhealthy, match="6 min 0 s ago"):
        health.check_beat(now)
    health.record_heartbeat(now=now - timedelta(minutes=2))
    assert health.check_beat(now) == "last tick 2 min 0 s ago"
    assert Heartbeat.objects.count() == 1


def test_no_beat_expected_reports_its_last_tick_and_passes(db, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.HEALTHZ_BEAT_MAX_MINUTES = 0
    now = timezone.now()
    assert health.check_beat(now).endswith("no tick recorded")
    health.record_heartbeat(now=now - timedelta(days=3))
    assert health.check_beat(now).endswith("last tick 4320 min 0 s ago")


def test_a_stale_beat_fails_the_endpoint(world, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    health.record_heartbeat(now=timezone.now() - timedelta(minutes=30))
    assert client.get(URL).status_code == 503
    record_heartbeat()  # the beat's task, run by a worker
    assert client.get(URL).status_code == 200


def test_the_beat_records_a_heartbeat_every_minute():
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedule["portal.tasks.record_heartbeat"] == 60.0


def test_a_load_balancer_probing_over_http_is_not_redirected(world, client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(URL).status_code == 200
    assert client.get(reverse("login")).status_code == 301


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no statement timeout")
def test_a_hanging_query_of_a_check_is_stopped(db, settings):
    settings.HEALTHZ_TIMEOUT_SECONDS = 1
    with pytest.raises(DatabaseError, match="statement timeout"):
        with health.bounded_queries(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")
