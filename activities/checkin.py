"""QR check-in tokens: `<meeting id>.<minute>.<signature>`, HMAC-signed with the secret key.

A token names the minute it was shown in; it is accepted during that minute and the next one
(a member needs a moment to scan), and only while the meeting's check-in window is open.
"""
import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.request_params import parse_id

# Members arrive early: check-in opens this long before the start.
OPENS_BEFORE = timedelta(minutes=30)


class TokenError(Exception):
    pass


def _minute(now):
    return int(now.timestamp() // 60)


def _sign(meeting_id, minute):
    message = f"activities.checkin:{meeting_id}:{minute}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:20]


def window_open(meeting, now):
    return (meeting.status == meeting.Status.PLANNED
            and meeting.starts_at - OPENS_BEFORE <= now <= meeting.ends_at)


def make_token(meeting, now=None):
    minute = _minute(now or timezone.now())
    return f"{meeting.pk}.{minute}.{_sign(meeting.pk, minute)}"


def read_token(token, now=None):
    """The meeting id of a valid token; TokenError with a Chinese message otherwise."""
    now = now or timezone.now()
    try:
        meeting_part, minute_part, signature = token.split(".")
    except ValueError:
        raise TokenError(_("签到码无效。")) from None
    meeting_id, minute = parse_id(meeting_part), parse_id(minute_part)
    if meeting_id is None or minute is None:
        raise TokenError(_("签到码无效。"))
    if not hmac.compare_digest(signature, _sign(meeting_id, minute)):
        raise TokenError(_("签到码无效。"))
    if not 0 <= _minute(now) - minute <= 1:
        raise TokenError(_("签到码已过期，请扫描屏幕上最新的二维码。"))
    return meeting_id
