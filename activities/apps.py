from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("组织生活与活动")

    def ready(self):
        # Registers this app's reminder sources with activities.reminders.
        from activities import reminder_sources  # noqa: F401
