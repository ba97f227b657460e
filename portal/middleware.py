import logging
import re
import time
import uuid

import auditlog.middleware
from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver
from django.utils import translation

from kernel.logs import request_id_var
from organizations.login_protection import client_ip

request_logger = logging.getLogger("portal.requests")
# What a proxy's or a client's request id may look like; anything else is replaced.
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


@receiver(request_finished, dispatch_uid="portal.middleware.forget_request_id")
def forget_request_id(**kwargs):
    request_id_var.set(None)


class RequestLogMiddleware:
    """One JSON line per request (request id, user, method, path, status, duration), and the
    request id on every other line written meanwhile (kernel/logs.py) and in X-Request-ID.

    First in MIDDLEWARE, so redirects and static files are timed and logged too. The path is
    logged without its query string: searches carry names, ID numbers and phone numbers. A
    passing health probe is logged at DEBUG: the load balancer asks every few seconds.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        # Kept until the response is closed (request_finished below): Django logs a 5xx and
        # its traceback after the middleware has returned, and that line must name it too.
        request_id_var.set(request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        self.log(request, response, started)
        return response

    @staticmethod
    def log(request, response, started):
        user = getattr(request, "user", None)
        status = response.status_code
        level = (logging.ERROR if status >= 500 else
                 logging.DEBUG if request.path == "/healthz" and status == 200 else logging.INFO)
        request_logger.log(level, "%s %s %s", request.method, request.path, status, extra={
            "user_id": user.pk if user is not None and user.is_authenticated else None,
            "method": request.method, "path": request.path, "status": status,
            "duration_ms": round((time.monotonic() - started) * 1000, 1),
            "ip": client_ip(request)})


class LanguageMiddleware:
    """Chinese unless the user chose English with the switcher.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: office PCs
    often run an English system, and the portal's users expect Chinese.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class AuditlogMiddleware(auditlog.middleware.AuditlogMiddleware):
    """django-auditlog believes the first X-Forwarded-For entry, which any client can write: the
    audit trail records the address the lockout uses (TRUSTED_PROXY_COUNT)."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        return None  # X-Forwarded-Port is as forgeable, and nothing reads it
