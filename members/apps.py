from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("党员")

    def ready(self):
        # The organization tree counts and checks its members through organizations.occupants.
        from members import occupants  # noqa: F401
