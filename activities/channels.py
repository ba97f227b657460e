"""Delivery channels behind one small interface: `send(delivery, notification) -> None`,
raising on failure. `CHANNELS` maps a channel code to its backend; `addresses_for` says which
channels reach which users.

A backend raises `Undeliverable` when no retry can help (an unknown 企业微信 account, the SMS
cap of the day reached): the loop then marks the delivery failed at once instead of trying
again. Any other exception is retried by the loop (activities.reminders.MAX_ATTEMPTS).

The inbox is the fallback: when a delivery on another channel fails for good, `fall_back`
marks its notification delivered (so it is in the inbox even if its in-app delivery has not
run yet) and notes the missed channel, which the inbox shows next to it.
"""
from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, DateTimeField, F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities import wecom
from activities.models import Delivery, Notification, ReminderChannels
from kernel import sms
from kernel.sms import SmsRefused, send_sms

IN_APP, EMAIL, SMS, WECOM = "in_app", "email", "sms", "wecom"
CHANNEL_LABELS = {IN_APP: _("站内通知"), EMAIL: _("邮件"), SMS: _("短信"), WECOM: _("企业微信")}


class Undeliverable(Exception):
    """This delivery can never be made on its channel: fail it now, no retry."""


class InAppChannel:
    # Filling delivered_at twice changes nothing: a retry after a lost worker is harmless.
    resend_when_stuck = True

    def send(self, delivery, notification):
        Notification.objects.filter(pk=notification.pk, delivered_at__isnull=True).update(
            delivered_at=timezone.now())


class EmailChannel:
    resend_when_stuck = True

    def send(self, delivery, notification):
        body = f"{notification.body}\n\n{notification.url}".strip()
        send_mail(f"【社区党建】{notification.title}", body, None, [delivery.address])


@sms.count_sent
def sms_deliveries_since(user_ids, start):
    """{user id: SMS deliveries sent to them since `start`, and claimed ones} (kernel.sms adds
    the other apps' texts: the activation codes)."""
    return dict(Delivery.objects.filter(recipient_id__in=user_ids, channel=SMS).filter(
        Q(status=Delivery.Status.SENT, sent_at__gte=start)
        | Q(status=Delivery.Status.SENDING, claimed_at__gte=start))
        .values("recipient_id").annotate(n=Count("pk")).values_list("recipient_id", "n"))


def sms_sent_today(recipient_id, now=None):
    """Texts sent to this user since midnight (Asia/Shanghai): reminders and activation codes."""
    return sms.sent_today([recipient_id], now)[recipient_id]


class SmsChannel:
    """The title through `kernel.sms` (the log, or Tencent Cloud: SMS_PROVIDER), to the phone
    number the delivery recorded from the roster. At most SMS_DAILY_CAP a day per member.

    An SMS costs money and cannot be taken back: one whose worker died after the claim is
    failed (and shown in the inbox) rather than perhaps sent twice."""

    resend_when_stuck = False

    def send(self, delivery, notification):
        # This delivery is claimed ("sending") and counts itself.
        if sms_sent_today(delivery.recipient_id) > settings.SMS_DAILY_CAP:
            raise Undeliverable(_("已达每日短信上限（%(cap)d 条），改为站内通知。")
                                % {"cap": settings.SMS_DAILY_CAP})
        try:
            send_sms(delivery.address, notification.title)
        except SmsRefused as error:
            raise Undeliverable(str(error)) from None


class WeComChannel:
    """A message from the portal's 企业微信 application to the member's linked account: a text,
    or with WECOM_MESSAGE_TYPE=textcard a card whose 详情 opens the reminder's page (the
    meeting) at SITE_URL. A reminder without a page is sent as text either way."""

    resend_when_stuck = True  # WeCom drops the duplicate (activities/wecom.py)

    def send(self, delivery, notification):
        title = f"【社区党建】{notification.title}"
        try:
            if settings.WECOM_MESSAGE_TYPE == "textcard" and notification.url:
                wecom.send_card(delivery.address, title, notification.body,
                                settings.SITE_URL + notification.url)
            else:
                text = f"{title}\n{notification.body}" if notification.body else title
                wecom.send_text(delivery.address, text)
        except wecom.WeComRefused as error:
            raise Undeliverable(str(error)) from None


CHANNELS = {IN_APP: InAppChannel(), EMAIL: EmailChannel(), SMS: SmsChannel(),
            WECOM: WeComChannel()}


def addresses_for(user_ids):
    """{user id: [(channel, address)]}: in-app for everyone; email, SMS (the roster's phone)
    and 企业微信 (the linked account) where known and where the member has not turned them
    off (ReminderChannels; no row: all on)."""
    from django.contrib.auth import get_user_model

    found = {}
    rows = get_user_model().objects.filter(pk__in=user_ids).values_list(
        "pk", "email", "member__phone", "member__reminder_channels__email",
        "member__reminder_channels__sms", "member__reminder_channels__wecom",
        "member__reminder_channels__wecom_user_id")
    for user_id, email, phone, email_on, sms_on, wecom_on, wecom_user_id in rows:
        channels = [(IN_APP, "")]
        if email and email_on is not False:
            channels.append((EMAIL, email))
        if phone and sms_on is not False:
            channels.append((SMS, phone))
        if wecom_user_id and wecom_on is not False and wecom.configured():
            channels.append((WECOM, wecom_user_id))
        found[user_id] = channels
    return found


def channels_of(member):
    """The member's choice, unsaved defaults when they never chose."""
    return (ReminderChannels.objects.filter(member=member).first()
            or ReminderChannels(member=member))


def choices_for(member):
    """[(code, label, available)] the member may turn on or off; the inbox is always on."""
    chosen = channels_of(member)
    return chosen, [
        (SMS, CHANNEL_LABELS[SMS], bool(member.phone)),
        (WECOM, CHANNEL_LABELS[WECOM], bool(chosen.wecom_user_id) and wecom.configured()),
    ]


def fall_back(delivery_ids, now=None):
    """Deliveries that failed for good on a channel other than the inbox: their notifications
    are in the inbox, marked with the channel that missed. Set-based (the sweep fails many)."""
    now = now or timezone.now()
    rows = (Delivery.objects.filter(pk__in=list(delivery_ids), status=Delivery.Status.FAILED)
            .exclude(channel=IN_APP)
            .values_list("content_type_id", "object_id", "recipient_id", "kind", "channel"))
    for content_type_id, object_id, recipient_id, kind, channel in rows:
        notification = Notification.objects.filter(
            content_type_id=content_type_id, object_id=object_id, recipient_id=recipient_id,
            kind=kind)
        missed = set(filter(None, (notification.values_list("missed_channels", flat=True)
                                   .first() or "").split(",")))
        notification.update(
            delivered_at=Coalesce(F("delivered_at"), Value(now, output_field=DateTimeField())),
            missed_channels=",".join(sorted(missed | {channel})))
