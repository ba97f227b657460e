"""The one place a web request or a task hands work to the broker.

Tasks are queued after the commit (`transaction.on_commit`), and every one of them re-reads its
work from the database: the reminder loop records deliveries before anything is queued, and the
beat's next tick queues what is still pending. So a broker that is down (Redis stopped) is
logged here and goes no further: never into the user's request, never rolling back a write.
"""
import logging

logger = logging.getLogger(__name__)


def queue_task(task, *args, countdown=None):
    """Send `task(*args)` to the broker (to run `countdown` seconds from now, if given); False,
    logged, when the broker cannot be reached."""
    try:
        task.apply_async(args=args, retry=False, countdown=countdown)
    except Exception as error:  # kombu's OperationalError, redis' or a socket's own errors
        logger.warning("Broker unavailable (%s): %s waits for the next beat tick",
                       error, task.name)
        return False
    return True
