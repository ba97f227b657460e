from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("组织生活与活动")

    def ready(self):
        # Importing reminder_sources, dues_reminders and development_reminders registers them with
        # activities.reminders, membership with members.lifecycle, channels' SMS counter with
        # kernel.sms (the daily cap); the compliance cache follows the writes of meetings, rules,
        # seats and the tree.
        from activities import (channels, compliance_cache,  # noqa: F401
                                development_reminders, dues_reminders, membership,
                                reminder_sources)

        compliance_cache.connect()
