"""Login protection beyond django-axes' settings: the name axes records, and the forced change
of initial passwords in production.

A password someone else set (the demo password, the one staff typed when creating an account,
one an administrator reset in the admin or with `manage.py changepassword`) is known to more than
one person. With FORCE_PASSWORD_CHANGE on (production: DEBUG false), a user is sent to 修改密码
until their `AccountState` row records the password they have now as one they chose.
"""
import ipaddress

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

SESSION_KEY = "password_chosen"
USERNAME_MAX_LENGTH = 150
# Pages a user may open before choosing a password: the change form itself, leaving, language,
# and the web app manifest every page links to.
EXEMPT_URL_NAMES = {"password_change", "password_change_done", "logout", "set_language",
                    "manifest"}
PASSWORD_CHANGE_URL_NAMES = {"password_change", "admin:password_change"}


def axes_username(request, credentials):
    """The username axes locks and stores (AXES_USERNAME_CALLABLE).

    Django's login form does not check the username's length on the server, and axes saves it
    in a 255-character column: on PostgreSQL a longer one made every such login a server error.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    username = (credentials or {}).get(field) or request.POST.get(field) or None
    return username[:USERNAME_MAX_LENGTH] if username else None


def client_ip(request):
    """The client's address for axes (AXES_CLIENT_IP_CALLABLE), with TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the client is the TRUSTED_PROXY_COUNT-th address from the right, counting the peer
    (REMOTE_ADDR) as the last; what the client itself wrote further left is never believed.
    With no proxy (0) the header is ignored: a client cannot dodge a lockout by forging it.
    """
    peer = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return peer
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in forwarded if hop] + [peer]
    candidate = hops[max(len(hops) - 1 - count, 0)]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return peer


def password_chosen_record(*, user):
    """Record that the user has just chosen their own password."""
    from organizations.models import AccountState

    AccountState.objects.update_or_create(user=user, defaults={
        "password_chosen_at": timezone.now(),
        "password_fingerprint": AccountState.fingerprint(user.password)})


def password_set_record(*, user, set_by):
    """Record a new password set for `user` by `set_by`: the user's own choice counts as chosen;
    one set by somebody else is known to them too, so the user must choose again."""
    from organizations.models import AccountState

    if set_by.pk == user.pk:
        password_chosen_record(user=user)
    else:
        AccountState.objects.filter(user=user).delete()


def _carry_over_rehash(sender, instance, update_fields=None, raw=False, **kwargs):
    """Django re-hashes a password at login when the hasher's settings changed (an upgrade);
    `set_password` leaves the raw password in `_password` and a re-hash clears it. The same
    password re-hashed stays chosen: its fingerprint follows the new hash."""
    from organizations.models import AccountState

    if raw or instance.pk is None or instance._password is not None or (
            update_fields is not None and "password" not in update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if before and before != instance.password:
        AccountState.objects.filter(
            user_id=instance.pk, password_fingerprint=AccountState.fingerprint(before),
        ).update(password_fingerprint=AccountState.fingerprint(instance.password))


def connect():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import pre_save

    pre_save.connect(_carry_over_rehash, sender=get_user_model(),
                     dispatch_uid="login-protection-rehash")


def password_chosen(user):
    from organizations.models import AccountState

    return AccountState.objects.filter(
        user=user, password_fingerprint=AccountState.fingerprint(user.password)).exists()


class ForcePasswordChangeMiddleware:
    """Place after AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not getattr(settings, "FORCE_PASSWORD_CHANGE", False) \
                or not request.user.is_authenticated:
            return self.get_response(request)
        # Remembered in the session once known, so ordinary pages cost no query.
        chosen = request.session.get(SESSION_KEY) or password_chosen(request.user)
        if chosen:
            request.session[SESSION_KEY] = True
        elif _view_name(request) not in EXEMPT_URL_NAMES | PASSWORD_CHANGE_URL_NAMES and not \
                request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            messages.warning(request, _("请先修改初始密码：初始密码可能被他人知晓。"))
            return redirect(reverse("password_change"))
        response = self.get_response(request)
        # The user's own change, forced or not: the change view redirects only when the new
        # password was accepted and saved.
        if request.method == "POST" and response.status_code == 302 \
                and _view_name(request) in PASSWORD_CHANGE_URL_NAMES:
            password_chosen_record(user=request.user)
            request.session[SESSION_KEY] = True
        return response


def _view_name(request):
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""
