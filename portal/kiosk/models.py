"""大屏 links: a street (or district) official hands a screen in the 党群服务中心 a link that shows
the street's (or the district's) figures without a login. The link's token is shown once, when it is created; only its keyed
hash is stored, so neither the database nor the audit trail can give it back."""
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Node, ScopedQuerySet


def new_token():
    return secrets.token_urlsafe(32)


def token_hash(token):
    """HMAC with SECRET_KEY, as activation codes are kept: a leaked table opens no screen.
    Changing SECRET_KEY therefore retires every kiosk link (create new ones)."""
    message = f"kiosk:{token}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class KioskLinkQuerySet(ScopedQuerySet):
    """A street's or a district's links: its officials create, list and revoke them; nobody else
    sees them. A district's path is a prefix of none of its streets' (kernel/paths), so a street
    official never reaches the district's links, while a district official (whose grant
    `grants_of` expands to every street) reaches both."""

    scope_path = "node__path"
    secretaries_write = False

    def usable(self, today=None):
        """Links that still open their screen: not revoked, not past their last day."""
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, node__archived_at__isnull=True).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=today))


# The nodes a screen shows: a street, or a district with its streets side by side.
KINDS = [Node.Kind.STREET, Node.Kind.DISTRICT]


class KioskLink(models.Model):
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="kiosk_links",
                             verbose_name=_("街道或区"),
                             limit_choices_to={"kind__in": KINDS})
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    label = models.CharField(_("名称"), max_length=60,
                             help_text=_("例如：党群服务中心一楼大屏"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True,
                                  help_text=_("含当日；留空为长期有效，直到撤销。"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("撤销人"))
    last_seen_at = models.DateTimeField(_("最近访问"), null=True, blank=True)

    objects = KioskLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("大屏链接")
        verbose_name_plural = _("大屏链接")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.label

    def is_usable(self, today):
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= today)
