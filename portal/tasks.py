"""Thin tasks of the dashboards."""
from celery import shared_task
from django.utils import timezone

from activities.tasks import RETRY
from organizations.models import Node
from portal import dashboards, health


@shared_task(**RETRY)
def warm_dashboards():
    """Beat, just after midnight: the figures cached by day are computed for the new one."""
    today = timezone.localdate()
    streets = Node.objects.active().filter(kind=Node.Kind.STREET)
    for street in streets:
        dashboards.warm(street, today)
    return len(streets)


@shared_task(ignore_result=True)
def record_heartbeat():
    """Beat, every minute: the time a worker ran this, for the health check. No retry: a late
    heartbeat would hide the delay the check exists to see."""
    health.record_heartbeat()
