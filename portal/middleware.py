import auditlog.middleware
from django.conf import settings
from django.utils import translation

from organizations.login_protection import client_ip


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
