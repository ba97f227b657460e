from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevelopmentConfig(AppConfig):
    name = "members.development"
    label = "development"
    verbose_name = _("发展党员")
