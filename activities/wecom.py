"""企业微信 (WeCom): application messages sent with wechatpy's enterprise client.

The access token is the costly part: WeCom limits how often it may be fetched, and it is valid
for `expires_in` seconds (7200). `CacheStorage` keeps it in the shared Django cache, so every
web and worker process sends with one token and fetches a new one once, `REFRESH_MARGIN`
seconds before WeCom would expire it. A token WeCom rejects anyway (40001, 40014, 42001: it was
reset, or another installation with the same secret fetched a new one) is fetched again once and
the message sent once more; wechatpy's own retry would loop for as long as WeCom kept refusing.

Messages ask WeCom to drop a duplicate (same content to the same account within
`DUPLICATE_CHECK_SECONDS`): a worker that died after WeCom accepted a message, before the
delivery was marked sent, resends it after the sweep, and WeCom drops it.
"""
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from wechatpy.enterprise import WeChatClient
from wechatpy.exceptions import APILimitedException, WeChatClientException
from wechatpy.session import SessionStorage

logger = logging.getLogger(__name__)

REFRESH_MARGIN = 300  # seconds before WeCom's expiry that the cached token is dropped
TOKEN_REJECTED = frozenset({40001, 40014, 42001})
DUPLICATE_CHECK_SECONDS = 4 * 3600  # WeCom's maximum
CACHE_PREFIX = "wecom:"
TIMEOUT = 10


class WeComError(Exception):
    """Not sent; trying again later may work (network, WeCom busy, rate limits)."""


class WeComRefused(WeComError):
    """WeCom will not deliver this message (unknown account, outside the application's range)."""


class CacheStorage(SessionStorage):
    """wechatpy's session storage over Django's cache (shared by every process: CACHE_URL).

    A value is kept with the moment it stops being used, judged by this process's clock: the
    cache's own expiry (Redis keeps time by itself) only clears it away afterwards."""

    def get(self, key, default=None):
        stored = cache.get(CACHE_PREFIX + key)
        if stored is None:
            return default
        value, good_until = stored
        if good_until is not None and time.time() >= good_until:
            return default
        return value

    def set(self, key, value, ttl=None):
        timeout = None if ttl is None else max(1, int(ttl) - REFRESH_MARGIN)
        good_until = None if timeout is None else time.time() + timeout
        cache.set(CACHE_PREFIX + key, (value, good_until), timeout)

    def delete(self, key):
        cache.delete(CACHE_PREFIX + key)


class Client(WeChatClient):
    """wechatpy's enterprise client with the base URL from the settings (wechatpy fetches the
    token from a fixed URL) and a cache key that does not hold part of the secret."""

    def __init__(self, corp_id, secret, agent_id, base_url):
        self.API_BASE_URL = base_url
        self.agent_id = agent_id
        super().__init__(corp_id, secret, session=CacheStorage(), timeout=TIMEOUT,
                         auto_retry=False)

    @property
    def access_token_key(self):
        return f"{self.corp_id}_{self.agent_id}_access_token"

    def fetch_access_token(self):
        return self._fetch_access_token(url=self.API_BASE_URL + "gettoken",
                                        params={"corpid": self.corp_id,
                                                "corpsecret": self.secret})


def configured():
    return bool(settings.WECOM_CORP_ID and settings.WECOM_SECRET and settings.WECOM_AGENT_ID)


def client():
    return Client(settings.WECOM_CORP_ID, settings.WECOM_SECRET, settings.WECOM_AGENT_ID,
                  settings.WECOM_API_BASE_URL)


def send_text(wecom_user_id, content):
    """Send `content` to one WeCom account; returns WeCom's msgid. Raises WeComError."""
    return _send(wecom_user_id, "text", {"content": content})


def send_card(wecom_user_id, title, description, url):
    """A 文本卡片 (textcard): the title, a short description and a 详情 link that opens `url`
    in WeCom's browser. WeCom cuts nothing itself but refuses a field over its limit, so the
    fields are cut here (by UTF-8 bytes: 128 for the title, 512 for the description)."""
    return _send(wecom_user_id, "textcard", {
        "title": _cut(title, 128), "description": _cut(description or title, 512),
        "url": url, "btntxt": _("详情")})


def _cut(text, limit):
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[:limit - 3].decode(errors="ignore") + "…"


def _send(wecom_user_id, msgtype, content):
    if not configured():
        raise WeComRefused(_("企业微信未配置（WECOM_CORP_ID、WECOM_SECRET、WECOM_AGENT_ID）。"))
    wecom = client()
    try:
        try:
            result = _post(wecom, wecom_user_id, msgtype, content)
        except WeChatClientException as error:
            if error.errcode not in TOKEN_REJECTED:
                raise
            logger.info("WeCom rejected the cached access token (%s): fetching a new one",
                        error.errcode)
            wecom.session.delete(wecom.access_token_key)
            wecom.fetch_access_token()
            result = _post(wecom, wecom_user_id, msgtype, content)
    except APILimitedException as error:
        raise WeComError(f"{error.errcode}: {error.errmsg}") from None
    except WeChatClientException as error:
        if error.errcode is None:  # HTTP error status
            status = getattr(error.response, "status_code", "")
            raise WeComError(f"HTTP {status}") from None
        raise WeComError(f"{error.errcode}: {error.errmsg}") from None
    except OSError as error:  # requests' connection errors and timeouts
        raise WeComError(f"{type(error).__name__}: {error}") from None
    if result.get("invaliduser"):
        raise WeComRefused(_("企业微信账号无效或不在应用的可见范围：%(account)s")
                           % {"account": result["invaliduser"]})
    return result.get("msgid", "")


def _post(wecom, wecom_user_id, msgtype, content):
    return wecom.post("message/send", data={
        "touser": wecom_user_id, "msgtype": msgtype, "agentid": wecom.agent_id,
        msgtype: content, "safe": 0,
        "enable_duplicate_check": 1, "duplicate_check_interval": DUPLICATE_CHECK_SECONDS})
