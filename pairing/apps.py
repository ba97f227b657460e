from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PairingConfig(AppConfig):
    name = "pairing"
    verbose_name = _("共驻共建")

    def ready(self):
        # Registers the agreement-expiry reminders with the activities app's scan.
        from pairing import reminders  # noqa: F401
