from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "activities.appraisal"
    label = "appraisal"
    verbose_name = _("民主评议党员")

    def ready(self):
        # The member page's appraisals section reads the decided rounds too; the reminder to
        # vote joins the activities app's scan.
        from activities.appraisal import membership, reminders  # noqa: F401
