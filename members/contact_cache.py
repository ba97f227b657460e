"""The 失联 lists cached community by community, fresh after every write that could change them.

A street official's lists judge the street's 50,000 members against every source of contact
(members/contact.py): 0.7–0.9 s at district scale, for each look at the page. They are cached per
community under the versions of kernel/community_cache.py, and the day: a contact recorded, a
meeting's attendance taken, a dues payment, a member entered, moved or gone replaces the version
of the member's community only, so the next look judges that community's thousand members
again, not the street's fifty thousand. A change of the move rules (the months) or of the tree's
paths replaces the global version. The worker computes the day's lists of every street just
after midnight along with the dashboards (portal/dashboards.py `warm`).

What the lists depend on is `INPUT_MODELS`: the tables the lists read.
tests/members/test_contact_cache.py records the tables `moves.silence_lists` queries and fails
when they differ from this list, so a new source cannot go stale silently. Every input's app
connects it here (`listen`): members its own models, activities the attendance and meetings,
the dues app its payments. Writes that bypass the model signals (`update()`, `bulk_create()`,
`bulk_update()`) announce themselves through `organizations.models.bulk_written`; a data
migration that touches an input ends with `migrations.RunPython(contact_cache.migration_changed,
migrations.RunPython.noop)`.
"""
from django.db.models.signals import post_delete, post_save, pre_save

from kernel.community_cache import EVERYWHERE, CommunityCache
from kernel.paths import community_id_of

CACHE = CommunityCache("contact", ["members.contact_cache", "members.contact", "members.moves"])

INPUT_MODELS = ("members.Member", "members.ContactRecord", "members.TransferIn",
                "members.MoveRule", "dues.DuesPayment", "activities.Attendance",
                "activities.Meeting", "organizations.Node")
# Of a member, what the lists read.
MEMBER_FIELDS = ("branch_id", "left_on", "created_at")


def changed():
    """Every community's lists are stale."""
    CACHE.replace(lambda: [EVERYWHERE])


def migration_changed(apps, schema_editor):
    changed()


# Above this many rows (an import, the demo data) asking for their communities costs more than
# judging every community again, and an older SQLite refuses more than 999 parameters.
MOST_ROWS = 900


def branches_changed(branch_ids):
    """The lists of these branches' communities are stale."""
    from organizations.models import Node

    _changed_where(Node.objects, "path", branch_ids)


def members_changed(member_ids):
    """The lists of these members' communities are stale."""
    from members.models import Member

    _changed_where(Member.objects, "branch__path", member_ids)


def _changed_where(rows, path_lookup, ids):
    ids = set(ids) - {None}
    if len(ids) > MOST_ROWS:
        changed()
    elif ids:
        CACHE.replace(lambda: sorted({community_id_of(path) for path in rows.filter(
            pk__in=ids).values_list(path_lookup, flat=True)}))


def listen(model, fields):
    """Follow the writes of an input `model` whose rows (with a `member`) are contact of a
    member: a row saved or deleted, or written in bulk where one of `fields` (names of the
    model's fields) changed, makes the lists of the rows' members' communities stale."""
    def written(sender, instance, raw=False, **kwargs):
        if not raw:  # loaddata: the command that loads says what changed
            members_changed([instance.member_id])

    def bulk_written(sender, fields=None, objs=None, **kwargs):
        if fields is not None and not watched & {name.removesuffix("_id") for name in fields}:
            return
        if objs is None:  # an update(): which rows it reached is gone
            changed()
        else:
            members_changed(row.member_id for row in objs)

    from organizations.models import bulk_written as bulk_signal

    watched = {name.removesuffix("_id") for name in fields}
    label = model._meta.label
    post_save.connect(written, sender=model, weak=False, dispatch_uid=f"contact-save-{label}")
    post_delete.connect(written, sender=model, weak=False, dispatch_uid=f"contact-del-{label}")
    bulk_signal.connect(bulk_written, sender=model, weak=False,
                        dispatch_uid=f"contact-bulk-{label}")


def _member_saving(sender, instance, raw=False, **kwargs):
    instance._contact_before = None if instance.pk is None or raw else (
        sender.objects.filter(pk=instance.pk).values_list(*MEMBER_FIELDS).first())


def _member_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_contact_before", None)
    if before is None or before != tuple(getattr(instance, name) for name in MEMBER_FIELDS):
        branches_changed({instance.branch_id, before[0] if before else None})


def _member_deleted(sender, instance, **kwargs):
    branches_changed({instance.branch_id})


def _members_bulk_written(sender, fields=None, objs=None, **kwargs):
    names = None if fields is None else {name.removesuffix("_id") for name in fields}
    if names is not None and not names & {name.removesuffix("_id") for name in MEMBER_FIELDS}:
        return
    if objs is None or (names and "branch" in names):  # where they were is gone
        changed()
    else:
        branches_changed({member.branch_id for member in objs})


def _node_saving(sender, instance, raw=False, **kwargs):
    instance._contact_path = None if instance.pk is None or raw else (
        sender.objects.filter(pk=instance.pk).values_list("path", flat=True).first())


def _node_saved(sender, instance, created=False, raw=False, **kwargs):
    # A new node has no members yet; a moved one takes its members to another community.
    if not created and not raw and getattr(instance, "_contact_path", None) != instance.path:
        changed()


def _nodes_bulk_written(sender, fields=None, **kwargs):
    if fields is None or "path" in fields:
        changed()


def _everything_changed(sender, **kwargs):
    changed()


def connect():
    from members.models import ContactRecord, Member, MoveRule, TransferIn
    from organizations.models import Node, bulk_written

    pre_save.connect(_member_saving, sender=Member, dispatch_uid="contact-member-saving")
    post_save.connect(_member_saved, sender=Member, dispatch_uid="contact-member-saved")
    post_delete.connect(_member_deleted, sender=Member, dispatch_uid="contact-member-deleted")
    bulk_written.connect(_members_bulk_written, sender=Member, dispatch_uid="contact-members")
    pre_save.connect(_node_saving, sender=Node, dispatch_uid="contact-node-saving")
    post_save.connect(_node_saved, sender=Node, dispatch_uid="contact-node-saved")
    post_delete.connect(_everything_changed, sender=Node, dispatch_uid="contact-node-deleted")
    bulk_written.connect(_nodes_bulk_written, sender=Node, dispatch_uid="contact-nodes")
    for signal, name in ((post_save, "save"), (post_delete, "delete"), (bulk_written, "bulk")):
        signal.connect(_everything_changed, sender=MoveRule, dispatch_uid=f"contact-rules-{name}")
    listen(ContactRecord, ["member", "contacted_on"])
    listen(TransferIn, ["member", "received_on"])
