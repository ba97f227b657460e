from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ZonesConfig(AppConfig):
    name = "pairing.zones"
    label = "zones"
    verbose_name = _("责任区认领")
