from django.apps import AppConfig
from django.db import connections
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("组织生活与活动")

    def ready(self):
        from kernel import table_versions

        # The reminder scan asks which tables were written since a source last ran.
        connection_created.connect(table_versions.install, dispatch_uid="table-versions")
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                table_versions.install(connection=connection)
        # Importing reminder_sources, dues_reminders and development_reminders registers them with
        # activities.reminders, membership with members.lifecycle, channels' SMS counter with
        # kernel.sms (the daily cap); the compliance cache follows the writes of meetings, rules,
        # seats and the tree.
        from activities import (channels, compliance_cache,  # noqa: F401
                                development_reminders, dues_reminders, membership,
                                reminder_sources)

        compliance_cache.connect()
