"""Thin tasks: they take ids, call the reminder service, and retry with backoff."""
import logging

from celery import shared_task
from django.db import transaction

from activities import reminders

logger = logging.getLogger(__name__)
RETRY = {"acks_late": True, "autoretry_for": (Exception,), "retry_backoff": True,
         "retry_backoff_max": 600, "retry_jitter": True, "max_retries": 8}


@shared_task(**RETRY)
def scan_reminders():
    """Beat: record every reminder that is due, then queue the pending deliveries."""
    with transaction.atomic():
        found = reminders.scan()
        reminders.queue_sending()
    return found


@shared_task(**RETRY)
def sweep_stuck_deliveries():
    """Beat: deliveries whose worker died while sending go back to pending or are failed."""
    return reminders.sweep_stuck()


@shared_task(**RETRY)
def send_deliveries(delivery_ids):
    """Send each delivery this worker can claim; claimed or sent ones are skipped on a retry."""
    failed = []
    for delivery_id in delivery_ids:
        try:
            reminders.send_delivery(delivery_id)
        except Exception:
            logger.exception("Delivery %s failed", delivery_id)
            failed.append(delivery_id)
    if failed:
        raise RuntimeError(f"{len(failed)} deliveries failed and wait for a retry: {failed[:20]}")
