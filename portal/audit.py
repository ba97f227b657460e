"""The security audit trail (安全审计): django-auditlog's LogEntry, read and searched here.

Writes of every domain model are recorded by auditlog itself (AUDITLOG_INCLUDE_ALL_MODELS and
its middleware give who, when, from which address and what changed). Reads of personal data
(revealing an ID number, opening a needy household's page) are recorded by the app that shows
them, with `record_access`. Nothing here changes or deletes an entry: the trail has no write
view, and its admin allows no change and no delete.
"""
from collections import defaultdict
from datetime import datetime, timezone as dt_timezone

from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from members.validators import mask_id_number
from organizations.scope import STREET_ROLES, grants_of
from organizations.login_protection import client_ip

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
        actor_email=getattr(actor, "email", None), remote_addr=client_ip(request),
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
    # A district official's grant reads as one per street of the district (its own node, the
    # district, has no actors of its own).
    streets = [node for _path, role, node in grants_of(user)
               if role in STREET_ROLES and node.kind == node.Kind.STREET]
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


# Recorded by auditlog (a change of password is worth knowing about), never shown.
HIDDEN_FIELDS = {"password"}
HIDDEN = _("（已隐藏）")
# Shown masked, as everywhere else: revealing one is an access of its own.
MASKED_FIELDS = {"id_number"}
# auditlog writes None as the string "None".
NONE = "None"


def _field(model, name):
    try:
        return model._meta.get_field(name) if model else None
    except FieldDoesNotExist:  # a model or field removed since
        return None


def _plain(values):
    """auditlog's (old, new) pair; a many-to-many change is a dict of objects added/removed."""
    if isinstance(values, dict):
        return "", "、".join(str(item) for item in values.get("objects", []))
    if isinstance(values, (list, tuple)) and len(values) == 2:
        return values[0], values[1]
    return "", values


def change_rows(entries):
    """For each entry, its changes as (field label, old, new) in words a street official reads.

    Choice codes become their labels, related ids the related object's name (one query for
    the whole page, see `_names`), times the local time, booleans 是/否; reverse relations
    and the id, which auditlog lists on creation, are left out; secrets hidden, ID numbers
    masked.
    """
    wanted = defaultdict(set)
    parsed = []
    for entry in entries:
        model = entry.content_type.model_class() if entry.content_type_id else None
        fields = []
        for name, values in (entry.changes_dict or {}).items():
            field = _field(model, name)
            if field is not None and (not field.concrete or field.primary_key):
                continue  # a reverse relation ("portal.RectificationEvent.None") or the id
            old, new = _plain(values)
            if field is not None and (field.many_to_one or field.one_to_one):
                for value in (old, new):
                    if value not in ("", NONE, None):
                        wanted[field.related_model].add(str(value))
            fields.append((name, field, old, new))
        parsed.append(fields)
    names = _names(wanted)
    return [[(_label(field, name), _display(field, name, old, names),
              _display(field, name, new, names)) for name, field, old, new in fields]
            for fields in parsed]


def _names(wanted):
    """{(model, pk): name} of related objects, from the trail itself: the latest name each was
    recorded under (one query for the page; a deleted object keeps its last name). Objects
    the trail never saw (made before it was on) are read from their table."""
    from django.contrib.contenttypes.models import ContentType

    names, query = {}, Q()
    types = {ContentType.objects.get_for_model(model, for_concrete_model=False).pk: model
             for model in wanted}
    for type_id, model in types.items():
        query |= Q(content_type_id=type_id, object_pk__in=wanted[model])
    if query:
        for type_id, pk, name in (LogEntry.objects.filter(query).order_by("timestamp", "pk")
                                  .values_list("content_type_id", "object_pk", "object_repr")):
            names[types[type_id], pk] = name
    for model, pks in wanted.items():
        missing = [pk for pk in pks if (model, pk) not in names and pk.lstrip("-").isdecimal()]
        for obj in model._base_manager.filter(pk__in=missing) if missing else ():
            names[model, str(obj.pk)] = str(obj)
    return names


def _label(field, name):
    return str(field.verbose_name) if field is not None else name


def _display(field, name, value, names):
    if name in HIDDEN_FIELDS:
        return HIDDEN if value not in ("", NONE, None) else ""
    if value in (NONE, None, ""):
        return ""
    value = str(value)
    if name in MASKED_FIELDS:
        return mask_id_number(value)
    if field is None:
        return value
    if field.many_to_one or field.one_to_one:
        return names.get((field.related_model, value), _("编号 %(pk)s（已删除）") % {"pk": value})
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("是") if value == "True" else _("否") if value == "False" else value)
    if isinstance(field, models.DateTimeField):
        return _local_time(value)
    return value


def _local_time(value):
    """auditlog stores times as naive UTC text: show them in local time, like the row's time."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=dt_timezone.utc)
    return dateformat.format(timezone.localtime(moment), "Y-m-d H:i:s")
