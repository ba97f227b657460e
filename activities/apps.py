from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("组织生活与活动")

    def ready(self):
        # Importing reminder_sources and dues_reminders registers them with
        # activities.reminders, membership with members.lifecycle; the compliance cache follows the writes of meetings, rules,
        # seats and the tree.
        from activities import (compliance_cache, dues_reminders, membership,  # noqa: F401
                                reminder_sources)

        compliance_cache.connect()
