from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StreetSettingsConfig(AppConfig):
    name = "organizations.streetsettings"
    label = "streetsettings"
    verbose_name = _("街道设置")
