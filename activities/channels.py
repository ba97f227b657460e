"""Delivery channels behind one small interface: `send(delivery, notification) -> None`,
raising on failure. `CHANNELS` maps a channel code to its backend; `addresses_for` says which
channels reach which users."""
from django.core.mail import send_mail
from django.utils import timezone

from activities.models import Notification
from kernel.sms import send_sms

IN_APP, EMAIL, SMS = "in_app", "email", "sms"


class InAppChannel:
    def send(self, delivery, notification):
        Notification.objects.filter(pk=notification.pk, delivered_at__isnull=True).update(
            delivered_at=timezone.now())


class EmailChannel:
    def send(self, delivery, notification):
        body = f"{notification.body}\n\n{notification.url}".strip()
        send_mail(f"【社区党建】{notification.title}", body, None, [delivery.address])


class SmsChannel:
    """Sends the title through `kernel.sms` (which logs it until a gateway replaces it)."""

    def send(self, delivery, notification):
        send_sms(delivery.address, notification.title)


CHANNELS = {IN_APP: InAppChannel(), EMAIL: EmailChannel(), SMS: SmsChannel()}


def addresses_for(user_ids):
    """{user id: [(channel, address)]}: in-app for everyone, email and SMS where known."""
    from django.contrib.auth import get_user_model

    found = {}
    rows = get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "email",
                                                                        "member__phone")
    for user_id, email, phone in rows:
        channels = [(IN_APP, "")]
        if email:
            channels.append((EMAIL, email))
        if phone:
            channels.append((SMS, phone))
        found[user_id] = channels
    return found
