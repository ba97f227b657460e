from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("组织生活与活动")

    def ready(self):
        # Importing reminder_sources registers them with activities.reminders, membership
        # with members.lifecycle; the compliance cache follows the writes of meetings, rules,
        # seats and the tree.
        from activities import compliance_cache, membership, reminder_sources  # noqa: F401
        from activities import development_reminders  # noqa: F401

        compliance_cache.connect()
