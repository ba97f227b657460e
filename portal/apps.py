from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from activities import compliance_cache
        from members import contact_cache
        from organizations import login_protection
        from portal import tasks

        login_protection.connect()
        compliance_cache.figures_changed.connect(tasks.rewarm_soon, dispatch_uid="portal-rewarm")
        contact_cache.lists_changed.connect(tasks.rewarm_soon, dispatch_uid="portal-rewarm-lost")
