"""三会一课 figures cached per street, fresh after every write that could change them.

A street's figures (the dashboard's heat map and red branches, the ranking's compliance rate,
the street compliance page) judge some 500 branches over a year of meetings: about half a
second at district scale, for pages officials open every morning. They are kept in the cache
under two *versions*: the street's, which a change of one of its meetings replaces, and a
global one, which a change of a meeting kind, a rule, a committee seat or the tree's shape
(a node added, moved, archived, restored, deleted or given a founding date) replaces (the
receivers below; these are rare), so an entry is not read after a write it does not reflect.
A version is replaced at once (the writing request sees its own change) and again
right after the commit: figures another request read from before the commit were stored under
the version of that moment, which nobody asks for once the commit's replacement is made.

Writes that bypass the model signals (bulk inserts of the demo and bench seeding, `restore`)
call `changed()` themselves.
"""
import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

TIMEOUT = 24 * 3600
EVERYWHERE = "all"


def street_of(path):
    """The street's id from a node's materialized path ("/street/community/…/")."""
    return int(path.strip("/").split("/")[0])


def _version_key(street_id):
    return f"compliance:version:{street_id}"


def _versions(street_id):
    keys = [_version_key(EVERYWHERE), _version_key(street_id)]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            found[key] = cache.get(key)
    return [found[key] for key in keys]


def cached(street_id, name, parts, compute):
    """`compute()`, or what it returned for the same street, name and parts at the same
    versions. `parts` must name everything else the result depends on (dates, ids)."""
    global_version, street_version = _versions(street_id)
    digest = hashlib.sha1(repr(parts).encode()).hexdigest()
    key = f"compliance:{name}:{street_id}:{global_version}:{street_version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def changed(street_id=EVERYWHERE):
    key = _version_key(street_id)

    def replace():
        cache.set(key, uuid.uuid4().hex, timeout=None)

    replace()
    transaction.on_commit(replace)


def _meeting_saving(sender, instance, raw=False, **kwargs):
    # A meeting moved to another branch (the admin allows it) leaves figures behind in the
    # street it left as well.
    instance._compliance_left = None if instance.pk is None or raw else (
        sender.objects.filter(pk=instance.pk).values_list("branch_id", flat=True).first())


def _meeting_changed(sender, instance, **kwargs):
    from organizations.models import Node

    branches = {instance.branch_id, getattr(instance, "_compliance_left", None)} - {None}
    paths = Node.objects.filter(pk__in=branches).values_list("path", flat=True)
    for street_id in {street_of(path) for path in paths} or {EVERYWHERE}:
        changed(street_id)


def _kinds_changed(sender, instance, action, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # changed from a kind's side: its meetings may be anywhere
        changed()
    else:
        _meeting_changed(sender, instance)


def _structure_changed(sender, **kwargs):
    changed()


# What of a node the figures depend on; editing its address or phone leaves them as they are
# (staff edit branches all day, and every street's figures would be computed anew each time).
NODE_FIELDS = ("kind", "parent_id", "path", "archived_at", "founded_on")


def _node_saving(sender, instance, raw=False, **kwargs):
    if instance.pk is None or raw:
        instance._compliance_changed = True
        return
    before = sender.objects.filter(pk=instance.pk).values_list(*NODE_FIELDS).first()
    instance._compliance_changed = before != tuple(getattr(instance, name)
                                                   for name in NODE_FIELDS)


def _node_saved(sender, instance, **kwargs):
    if getattr(instance, "_compliance_changed", True):
        changed()


def connect():
    from activities.models import Meeting, MeetingKind, MeetingRule
    from organizations.models import CommitteeSeat, Node

    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_meeting_changed, sender=Meeting, dispatch_uid=f"compliance-{name}")
        for model in (MeetingKind, MeetingRule, CommitteeSeat):
            signal.connect(_structure_changed, sender=model,
                           dispatch_uid=f"compliance-{model.__name__}-{name}")
    pre_save.connect(_meeting_saving, sender=Meeting, dispatch_uid="compliance-meeting-saving")
    pre_save.connect(_node_saving, sender=Node, dispatch_uid="compliance-node-saving")
    post_save.connect(_node_saved, sender=Node, dispatch_uid="compliance-node-saved")
    post_delete.connect(_structure_changed, sender=Node, dispatch_uid="compliance-node-delete")
    m2m_changed.connect(_kinds_changed, sender=Meeting.kinds.through,
                        dispatch_uid="compliance-kinds")
