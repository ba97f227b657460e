"""Text messages, one function for every app: `send_sms(phone, text)`, raising on failure.

`SMS_PROVIDER` chooses the gateway. `log` (the default) logs the text (logger `activities.sms`,
the name operators already filter on). `tencent` sends through Tencent Cloud SMS: an SMS there
is a template approved in advance with the sign name, so the portal's template has one
parameter and `text` fills it. The reminders' SMS channel and the activation codes of the
roster both send through it.

A refusal that no retry can change (a malformed number, an unapproved template, the provider's
own per-number limit) raises `SmsRefused`; anything else (network, throttling of the account,
the provider's internal errors) raises `SmsError`, which a caller may retry.
"""
import logging
from datetime import datetime, time

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger("activities.sms")

# SMS_DAILY_CAP counts every text a member receives, whichever app sent it; each app counts its
# own (the reminders' deliveries in activities, the activation codes in members), so the apps
# register a counter here in their AppConfig.ready: `counter(user_ids, start) -> {user id: n}`.
_counters = []


def count_sent(counter):
    """Register a counter of the texts an app sent since `start`; returns it (a decorator)."""
    _counters.append(counter)
    return counter


def sent_today(user_ids, now=None):
    """{user id: texts sent (or being sent) to them since midnight, Asia/Shanghai}, every app's
    together; one query per registered counter, whatever the number of users."""
    start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    user_ids = list(user_ids)
    totals = dict.fromkeys(user_ids, 0)
    for counter in _counters:
        for user_id, count in counter(user_ids, start).items():
            totals[user_id] = totals.get(user_id, 0) + count
    return totals


class SmsError(Exception):
    """The message was not sent; trying again later may work."""


class SmsRefused(SmsError):
    """The provider refused this message for good."""


# Tencent Cloud's answers that mean "this message will never go": the number, the content or
# the account's setup, and the per-number frequency limits (retrying only hits them again).
REFUSED_CODES = ("InvalidParameterValue.", "FailedOperation.PhoneNumberInBlacklist",
                 "FailedOperation.TemplateIncorrectOrUnapproved",
                 "FailedOperation.SignatureIncorrectOrUnapproved",
                 "FailedOperation.ContainSensitiveWord", "UnsupportedOperation.",
                 "LimitExceeded.PhoneNumber")


def send_sms(phone, text):
    if settings.SMS_PROVIDER == "tencent":
        return _send_tencent(phone, text)
    logger.info("SMS to %s: %s", phone, text)
    return ""


def _mainland(phone):
    phone = phone.strip().replace(" ", "").replace("-", "")
    return phone if phone.startswith("+") else f"+86{phone}"


def _send_tencent(phone, text):
    """One SendSms call (API version 2021-01-11); returns the provider's serial number."""
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
        TencentCloudSDKException)
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sms.v20210111 import models, sms_client

    endpoint = settings.SMS_ENDPOINT
    scheme = "https"
    if "://" in endpoint:  # http://127.0.0.1:port for a fake server
        scheme, endpoint = endpoint.split("://", 1)
    profile = ClientProfile(httpProfile=HttpProfile(protocol=scheme, endpoint=endpoint.rstrip("/"),
                                                    reqTimeout=10))
    client = sms_client.SmsClient(
        credential.Credential(settings.SMS_SECRET_ID, settings.SMS_SECRET_KEY),
        settings.SMS_REGION, profile)
    request = models.SendSmsRequest()
    request.PhoneNumberSet = [_mainland(phone)]
    request.SmsSdkAppId = settings.SMS_SDK_APP_ID
    request.SignName = settings.SMS_SIGN_NAME
    request.TemplateId = settings.SMS_TEMPLATE_ID
    request.TemplateParamSet = [text]
    try:
        response = client.SendSms(request)
    except TencentCloudSDKException as error:
        code = error.get_code() or ""
        message = f"{code}: {error.get_message()}"
        raise (SmsRefused if code.startswith(REFUSED_CODES) else SmsError)(message) from None
    status = (response.SendStatusSet or [None])[0]
    if status is None:
        raise SmsError("SendSms answered without a status")
    if status.Code != "Ok":
        message = f"{status.Code}: {status.Message}"
        raise (SmsRefused if status.Code.startswith(REFUSED_CODES) else SmsError)(message)
    logger.info("SMS to %s sent by Tencent Cloud (%s)", phone, status.SerialNo)
    return status.SerialNo
