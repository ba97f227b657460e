"""Thin tasks of the dashboards."""
from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from activities.tasks import RETRY
from kernel.queueing import queue_task
from organizations.models import Node
from portal import dashboards, health

REWARM_PENDING_KEY = "compliance:rewarm-pending"


@shared_task(**RETRY)
def warm_dashboards():
    """Beat, just after midnight: the figures cached by day are computed for the new one. Also
    queued a few seconds after a change that makes every street's figures stale (a rule, a
    meeting kind, the tree's shape): see `rewarm_soon`."""
    # A change made while this runs queues another run rather than being missed.
    cache.delete(REWARM_PENDING_KEY)
    today = timezone.localdate()
    streets = Node.objects.active().filter(kind=Node.Kind.STREET)
    for street in streets:
        dashboards.warm(street, today)
    return len(streets)


def rewarm_soon(**kwargs):
    """Receiver of `compliance_cache.everything_changed`: warm the dashboards once the writes
    have settled. One run is pending at a time, so a burst of changes (an import of the tree,
    each node a change) queues one warm, not one per row."""
    delay = settings.COMPLIANCE_REWARM_SECONDS
    if delay is None or not cache.add(REWARM_PENDING_KEY, True, timeout=delay + 300):
        return
    if not queue_task(warm_dashboards, countdown=delay):
        cache.delete(REWARM_PENDING_KEY)


@shared_task(ignore_result=True)
def record_heartbeat():
    """Beat, every minute: the time a worker ran this, for the health check. No retry: a late
    heartbeat would hide the delay the check exists to see."""
    health.record_heartbeat()
