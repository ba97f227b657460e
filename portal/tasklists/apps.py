from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasklistsConfig(AppConfig):
    name = "portal.tasklists"
    label = "tasklists"
    verbose_name = _("任务清单")

    def ready(self):
        # Registers the overdue-item reminders with the activities app's scan.
        from portal.tasklists import reminders  # noqa: F401
