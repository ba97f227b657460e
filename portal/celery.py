import gc
import os

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule lives in code: every minute, record due reminders and queue their sending
# (pending ones included, so what the sweep gives back is sent at the next tick); every ten
# minutes, sweep the deliveries a dead worker left claimed; at 00:05, compute the street pages'
# 三会一课 figures for the new day; every minute, a heartbeat for /healthz (portal/health.py).
app.conf.beat_schedule = {
    "activities-scan-reminders": {"task": "activities.tasks.scan_reminders", "schedule": 60.0},
    "activities-sweep-stuck-deliveries": {"task": "activities.tasks.sweep_stuck_deliveries",
                                          "schedule": 600.0},
    "portal-warm-dashboards": {"task": "portal.tasks.warm_dashboards",
                               "schedule": crontab(hour=0, minute=5)},
    "portal-record-heartbeat": {"task": "portal.tasks.record_heartbeat", "schedule": 60.0},
}


@worker_init.connect
def _digest_loaded_code(**kwargs):
    # As portal/wsgi.py, in the main process with the tasks loaded, before the pool forks: a
    # child started later (a replaced one) runs the code loaded here, whatever the files are by
    # then.
    from django.conf import settings

    from kernel import community_cache

    community_cache.digest_loaded_modules(settings.BASE_DIR)


@worker_process_init.connect
def _freeze_loaded_objects(**kwargs):
    # As portal/wsgi.py: the loaded app is left out of the collector's full collections, which
    # a worker judging every street's branches would otherwise pay for many times over.
    gc.freeze()
