from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WishesConfig(AppConfig):
    name = "pairing.wishes"
    label = "wishes"
    verbose_name = _("居民微心愿")

    def ready(self):
        # Registers the overdue and unclaimed reminders with the activities app's scan.
        from pairing.wishes import reminders  # noqa: F401
