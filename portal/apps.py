from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户")

    def ready(self):
        from django.conf import settings

        from activities import compliance_cache
        from kernel import community_cache
        from members import contact_cache
        from organizations import login_protection
        from portal import tasks

        login_protection.connect()
        compliance_cache.figures_changed.connect(tasks.rewarm_soon, dispatch_uid="portal-rewarm")
        contact_cache.lists_changed.connect(tasks.rewarm_soon, dispatch_uid="portal-rewarm-lost")
        # The apps' models and the tasks' modules are loaded by now: their source as this process
        # runs it is what the cached values' code digests are of (kernel/community_cache.py).
        community_cache.digest_loaded_modules(settings.BASE_DIR)
