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


def _pending_key(street_id=None):
    return REWARM_PENDING_KEY if street_id is None else f"{REWARM_PENDING_KEY}:{street_id}"


@shared_task(**RETRY)
def warm_dashboards(street_ids=None):
    """Beat, just after midnight: the figures cached by day are computed for the new one. Also
    queued a few seconds after a change that makes the figures of every street (a default rule,
    a meeting kind, the tree's shape; for the 失联 lists a move rule, a node added, a bulk
    write) or of some (a rule set on a district, a street or a community: their `street_ids`)
    stale: see `rewarm_soon`."""
    streets = Node.objects.active().filter(kind=Node.Kind.STREET)
    if street_ids is not None:
        streets = streets.filter(pk__in=street_ids)
    # A change made while this runs queues another run rather than being missed.
    cache.delete_many([_pending_key()] if street_ids is None
                      else [_pending_key(pk) for pk in street_ids])
    today = timezone.localdate()
    for street in streets:
        dashboards.warm(street, today)
    return len(streets)


def rewarm_soon(street_ids=None, **kwargs):
    """Receiver of `compliance_cache.figures_changed` and `contact_cache.lists_changed`: warm
    the dashboards (and 失联 lists) of these streets (None: all) once the writes have settled. One run per street is pending at a time, so a
    burst of changes (an import of the tree, each node a change; an official raising several
    frequencies) queues one warm, not one per row."""
    delay = settings.COMPLIANCE_REWARM_SECONDS
    if delay is None:
        return
    if street_ids is not None and cache.get(_pending_key()):
        return  # every street's warm is queued already
    wanted = [None] if street_ids is None else list(street_ids)
    fresh = [pk for pk in wanted if cache.add(_pending_key(pk), True, timeout=delay + 300)]
    if not fresh:
        return
    if not queue_task(warm_dashboards, None if street_ids is None else fresh, countdown=delay):
        cache.delete_many([_pending_key(pk) for pk in fresh])


@shared_task(ignore_result=True)
def record_heartbeat():
    """Beat, every minute: the time a worker ran this, for the health check. No retry: a late
    heartbeat would hide the delay the check exists to see."""
    health.record_heartbeat()
