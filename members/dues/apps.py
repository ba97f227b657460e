from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DuesConfig(AppConfig):
    name = "members.dues"
    label = "dues"
    verbose_name = _("党费")

    def ready(self):
        # Registers dues payments as a source of the last contact (members/contact.py).
        from members.dues import services  # noqa: F401
