"""A Redis outage: with the cache and the broker on one stopped Redis (the production layout of
the README), every page still answers as the access matrix expects and a meeting planned
during the outage is committed; the figures are computed instead of read from the cache and
the reminders wait in the database for the next beat tick.

"Stopped" is a closed port on loopback: each connection is refused at once.
"""
import logging

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from activities.models import Meeting
from kernel.cache import caches_for
from tests.access import all_entries
from tests.activities.test_services import point_celery_at
from tests.conftest import ROLES

STOPPED_REDIS = "redis://127.0.0.1:1/0"
ENTRIES = all_entries()
# Pages whose job is to report the outage.
DURING_OUTAGE = {"healthz": 503}


@pytest.fixture
def redis_stopped(settings):
    """The cache and the broker as production configures them for STOPPED_REDIS."""
    from portal.celery import app

    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    options = app.conf.broker_transport_options
    settings.CACHES = caches_for(STOPPED_REDIS)
    app.conf.broker_transport_options = production_settings(
        CELERY_BROKER_URL=STOPPED_REDIS).CELERY_BROKER_TRANSPORT_OPTIONS
    point_celery_at(STOPPED_REDIS)
    yield
    app.conf.broker_transport_options = options
    point_celery_at(broker).conf.task_always_eager = eager


def production_settings(**environment):
    """portal/settings.py as it reads this environment (without touching this process's)."""
    import importlib.util
    import os
    from unittest import mock

    spec = importlib.util.find_spec("portal.settings")
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, environment):
        spec.loader.exec_module(module)
    return module


def test_the_outage_is_real(redis_stopped):
    """Guards the tests below: the cache answers nothing and stores nothing."""
    cache.set("probe", 1)
    assert cache.get("probe") is None
    from activities.tasks import scan_reminders

    with pytest.raises(Exception):  # noqa: B017 - kombu's OperationalError, or redis' own
        scan_reminders.apply_async(retry=False)


# The access matrix's pages and statuses, which tests/test_access_matrix.py checks on the fixed
# day; tests/test_crawl.py opens the pages at every calendar moment.
@pytest.mark.same_every_day(reason="the access matrix under an outage: statuses, not dates")
@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.id for entry in ENTRIES])
def test_every_page_answers_while_redis_is_down(entry, district_world, client_as, redis_stopped):
    world = district_world
    mismatches = []
    for role in ROLES:
        entry.setup(world)
        url = reverse(entry.name, kwargs=entry.kwargs(world))
        client = client_as(world.users[role])
        response = getattr(client, entry.method)(url, entry.data(world))
        expected = DURING_OUTAGE.get(entry.name, entry.expect[role])
        if response.status_code != expected:
            mismatches.append(f"{role}: {response.status_code} (expected {expected})")
    assert not mismatches, f"{entry.id} " + "; ".join(mismatches)


@pytest.mark.django_db(transaction=True)
def test_a_meeting_planned_while_redis_is_down_is_committed(world, client_as, redis_stopped,
                                                            caplog):
    from django.apps import apps

    from activities.defaults import ensure_defaults

    # A transactional test before this one (the browser tests) flushed the shipped meeting kinds.
    ensure_defaults(apps)
    from tests.activities.test_views import plan_data

    caplog.set_level(logging.WARNING)
    street_page = reverse("dashboards:street", kwargs={"pk": world.street.pk})
    official = client_as(world.users["official"])
    assert official.get(street_page).status_code == 200
    secretary = client_as(world.users["secretary"])
    response = secretary.post(reverse("activities:meeting_create"),
                              plan_data(world, kinds=["general_meeting"]))
    assert response.status_code == 302, response.content.decode()[-3000:]
    meeting = Meeting.objects.get()  # committed: this test runs outside a test transaction
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.attendances.filter(member=world.member).exists()
    # The street's figures are computed from the records, the new meeting included.
    official = client_as(world.users["official"])
    assert official.get(street_page).status_code == 200
    assert "Redis" in caplog.text or "Broker" in caplog.text
    assert meeting.starts_at > timezone.now()


class FlakyRedis:
    """Stands in for the cache's Redis client: refuses every call while `down`."""

    def __init__(self):
        self.down, self.store, self.cleared = False, {}, 0

    def _check(self):
        from redis.exceptions import ConnectionError

        if self.down:
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def get(self, key, default):
        self._check()
        return self.store.get(key, default)

    def set(self, key, value, timeout):
        self._check()
        self.store[key] = value

    def clear(self):
        self._check()
        self.store.clear()
        self.cleared += 1


def test_a_write_lost_in_an_outage_clears_the_cache_once_redis_answers(monkeypatch):
    from kernel import cache as forgiving

    backend = forgiving.ForgivingRedisCache(STOPPED_REDIS, {})
    redis = backend.__dict__["_cache"] = FlakyRedis()
    backend.set("compliance:version:7", "before")
    redis.down = True
    backend.set("compliance:version:7", "after")  # a meeting saved during the outage
    assert backend.get("compliance:version:7", "unknown") == "unknown"
    redis.down = False
    assert backend.get("compliance:version:7") is None  # paused: Redis is not asked yet
    monkeypatch.setattr(backend, "_paused_until", 0.0)
    # The version Redis still holds ("before") would serve figures older than the meeting.
    assert backend.get("compliance:version:7") is None and redis.cleared == 1
    backend.set("compliance:version:7", "new")
    assert backend.get("compliance:version:7") == "new" and redis.cleared == 1
