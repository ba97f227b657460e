from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("党员")

    def ready(self):
        # The organization tree counts and checks its members through organizations.occupants.
        # The activation codes sent by SMS count toward SMS_DAILY_CAP (kernel.sms); display
        # copies a staff user's 大字模式 into the session at login. The 失联 lists' cache follows
        # the writes of members, contacts, transfers, the move rules and the tree.
        from members import accounts, contact_cache, display, occupants  # noqa: F401
        contact_cache.connect()
