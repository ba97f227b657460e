"""The security audit trail (安全审计): django-auditlog's LogEntry, read and searched here.

Writes of every domain model are recorded by auditlog itself (AUDITLOG_INCLUDE_ALL_MODELS and
its middleware give who, when, from which address and what changed). Reads of personal data
(revealing an ID number, opening a needy household's page) are recorded by the app that shows
them, with `record_access`. Nothing here changes or deletes an entry: the trail has no write
view, and its admin allows no change and no delete.
"""
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.scope import Role, grants_of

# Access events other apps record; the key is stored in additional_data["event"].
ACCESS_EVENTS = {
    "reveal_id_number": _("查看完整身份证号"),
    "export_id_numbers": _("导出完整身份证号（用于导入）"),
    "view_household": _("查看困难家庭"),
}


ACTION_LABELS = {
    LogEntry.Action.CREATE: _("新增"),
    LogEntry.Action.UPDATE: _("修改"),
    LogEntry.Action.DELETE: _("删除"),
    LogEntry.Action.ACCESS: _("查看"),
}


def client_address(request):
    """The address auditlog's middleware records: the first X-Forwarded-For hop, else the peer."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    return forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")


def record_access(request, instance, event, **details):
    """Record that request.user looked at personal data of `instance`.

    `event` is a short English key (add it to ACCESS_EVENTS for a Chinese label); `details`
    must not repeat the personal data itself.
    """
    # Passed directly rather than through auditlog's set_actor: nesting that inside the
    # middleware's context would leave later writes of the same request without an actor.
    actor = request.user if request.user.is_authenticated else None
    return LogEntry.objects.log_create(
        instance, force_log=True, action=LogEntry.Action.ACCESS, actor=actor,
        actor_email=getattr(actor, "email", None), remote_addr=client_address(request),
        additional_data={"event": event, **details})


def street_actor_ids(street):
    """Users who act inside a street: grants under it, or members of its branches."""
    from members.models import Member
    from organizations.models import Grant

    granted = Grant.objects.filter(node__path__startswith=street.path).values("user_id")
    members = Member.objects.filter(branch__path__startswith=street.path, user__isnull=False) \
        .values("user_id")
    return get_user_model().objects.filter(Q(pk__in=granted) | Q(pk__in=members)) \
        .values("pk")


def entries_visible_to(user):
    """Superusers read the whole trail; a street official reads what the street's people did.

    Entries without an actor (commands, the system) are for superusers only, and so is
    anything done by a superuser who holds no grant in the street.
    """
    entries = LogEntry.objects.select_related("actor", "content_type")
    if user.is_superuser:
        return entries
    streets = [node for _path, role, node in grants_of(user) if role == Role.STREET_OFFICIAL]
    if not streets:
        return entries.none()
    query = Q()
    for street in streets:
        query |= Q(actor__in=street_actor_ids(street))
    return entries.filter(query)


def event_label(entry):
    """What happened, in words: 新增 / 修改 / 删除, or the access event's label."""
    if entry.action == LogEntry.Action.ACCESS:
        event = (entry.additional_data or {}).get("event", "")
        return ACCESS_EVENTS.get(event, event or _("查看"))
    return ACTION_LABELS.get(entry.action, "")
