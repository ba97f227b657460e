"""Creating, revoking and opening 大屏 links."""
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel.request_params import parse_token
from portal.kiosk.models import KioskLink, new_token, token_hash

# last_seen_at is written at most this often per link: a screen polling every minute must not
# write a row (and an audit entry) each time.
SEEN_EVERY = timedelta(minutes=5)


@transaction.atomic
def link_create(*, node, label, expires_on, user):
    """A new link to the screen of `node` (a street or a district) and its token, which the
    caller shows once: only the hash is kept."""
    if expires_on is not None and expires_on < timezone.localdate():
        raise ValidationError({"expires_on": _("有效期不能早于今天。")})
    token = new_token()
    link = KioskLink.objects.create(node=node, token_hash=token_hash(token), label=label,
                                    expires_on=expires_on, created_by=user)
    return link, token


@transaction.atomic
def link_revoke(*, link, user):
    """Revoked at once and for good; revoking twice keeps the first date."""
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def link_for_token(raw):
    """The usable link of a token from a URL, or None (unknown, revoked, expired, archived)."""
    token = parse_token(raw)
    if token is None:
        return None
    return (KioskLink.objects.usable().filter(token_hash=token_hash(token))
            .select_related("node").first())


def link_seen(link, now=None):
    """Record that the screen is alive, at most every SEEN_EVERY (one conditional UPDATE)."""
    now = now or timezone.now()
    KioskLink.objects.filter(pk=link.pk).filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - SEEN_EVERY)
    ).update(last_seen_at=now)
