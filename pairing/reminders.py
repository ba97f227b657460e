"""Co-building agreements expiring: a reminder source of the activities app's scan."""
from collections import defaultdict
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_noop

from activities.reminders import Reminder, register, reminder_text
from organizations.models import Grant
from organizations.scope import Role
from pairing.models import EXPIRING_WITHIN_DAYS, Agreement


def _agreement_is_current(agreement_id, kind, now):
    """Still running and still ending on the day the reminder was armed for."""
    ends_on = datetime.strptime(kind.rsplit(":", 1)[1], "%Y%m%d").date()
    return Agreement.objects.filter(pk=agreement_id, ended_on__isnull=True,
                                    ends_on=ends_on).exists()


@register("agreement_expiring", is_current=_agreement_is_current)
def agreements_expiring(now):
    """Each running agreement ending within 30 days, to the staff of its community."""
    today = timezone.localdate(now)
    agreements = list(Agreement.objects.expiring_between(
        today, today + timedelta(days=EXPIRING_WITHIN_DAYS)).select_related("unit", "community"))
    staff = defaultdict(set)
    for node_id, user_id in Grant.objects.filter(
            role=Role.COMMUNITY_STAFF, user__is_active=True,
            node_id__in={agreement.community_id for agreement in agreements},
    ).values_list("node_id", "user_id"):
        staff[node_id].add(user_id)
    return [
        Reminder(Agreement, agreement.pk, user_id, f"agreement_expiring:{agreement.ends_on:%Y%m%d}",
                 url=agreement.get_absolute_url(),
                 **reminder_text(gettext_noop("与%(unit)s的共建协议将于 %(day)s 到期"),
                                 gettext_noop("请与共建单位商议续签或办理终止。"),
                                 unit=agreement.unit.name, day=agreement.ends_on))
        for agreement in agreements for user_id in staff[agreement.community_id]
    ]
