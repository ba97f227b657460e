"""The 失联 lists cached community by community, fresh after every write that could change them.

A street official's lists judge the street's 50,000 members against every source of contact
(members/contact.py): 1.0–1.1 s at city scale, for each look at the page. They are cached per
community under the versions of kernel/community_cache.py, and the day: a contact recorded, a
meeting's attendance taken, a dues payment, a member entered, moved or gone replaces the version
of the member's community only, so the next look judges that community's thousand members
again, not the street's fifty thousand (an invitation to a meeting is no contact and replaces
nothing). A change of the move rules (the months), of the tree's paths (a node moved; a node
added changes nothing until members join it) or of a street's district replaces the global
version, as do bulk writes whose rows are gone
by the time they announce themselves (`update()`) or are too many to ask about (`MOST_ROWS`);
a worker then computes every street's lists again (`lists_changed`), as it does for the new
day just after midnight, along with the dashboards (portal/dashboards.py `warm`).

The same versions keep each community's counts of members on the roll by category and status,
with their approved 双报到 registrations, and of its employed members by unit (portal/
work_panels.py `member_figures_by_community`: the dashboards' members and service panels), and
by status alone (`members_by_status_by_community`: the district's pages and big screen). They
read a member's branch, leaving, status (转正), category and unit, which `MEMBER_FIELDS` hold, the
tree's paths, the units' names, and the registrations, whose writes are followed here too
(`connect`) though the lists do not read them.

What the lists depend on is `INPUT_MODELS`: the tables the lists read.
tests/members/test_contact_cache.py records the tables `moves.silence_lists` queries and fails
when they differ from this list, so a new source cannot go stale silently. Every input's app
connects it here (`listen`): members its own models, activities the attendance and meetings,
the dues app its payments. Writes that bypass the model signals (`update()`, `bulk_create()`,
`bulk_update()`) announce themselves through `organizations.models.bulk_written`; a data
migration that touches an input ends with `migrations.RunPython(contact_cache.migration_changed,
migrations.RunPython.noop)`.
"""
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal

from kernel.community_cache import EVERYWHERE, CommunityCache
from kernel.paths import community_id_of
from members import contact

# The code the lists come from: these modules and every source's (members/contact.py).
CACHE = CommunityCache("contact", lambda: [
    "members.contact_cache", "members.contact", "members.moves", "members.models",
    "organizations.rules", "kernel.dates", "kernel.paths", *contact.source_modules()])

INPUT_MODELS = ("members.Member", "members.ContactRecord", "members.TransferIn",
                "members.MoveRule", "dues.DuesPayment", "activities.Attendance",
                "activities.Meeting", "organizations.Node")
# Of a member, what the lists and the counts read.
MEMBER_FIELDS = ("branch_id", "left_on", "created_at", "status", "category", "employer_unit_id")


# Sent after the commit that made every community's lists stale: a worker computes them again
# (portal/tasks.py `rewarm_soon`), so the first official after a move rule changed or a node was
# moved does not wait for the whole street to be judged.
lists_changed = Signal()


def changed():
    """Every community's lists are stale."""
    CACHE.replace(lambda: [EVERYWHERE])
    transaction.on_commit(lambda: lists_changed.send(sender=None))


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


def listen(model, fields, is_contact=lambda row: True):
    """Follow the writes of an input `model` whose rows (with a `member`) are contact of a
    member: a row saved or deleted, or written in bulk where one of `fields` (names of the
    model's fields) changed, makes the lists of the rows' members' communities stale.
    `is_contact(row)`: whether a row created or deleted is one the lists read (an invitation to
    a meeting is not; a row changed may have been one)."""
    def saving(sender, instance, raw=False, update_fields=None, **kwargs):
        # A row given to another member (the admin allows it) leaves the first one's list stale.
        instance._contact_member_was = None if (
            instance.pk is None or raw or (update_fields is not None
                                           and "member" not in update_fields)) else (
            sender.objects.filter(pk=instance.pk).values_list("member_id", flat=True).first())

    def saved(sender, instance, created=False, raw=False, **kwargs):
        # raw: loaddata; the command that loads says what changed.
        if not raw and (is_contact(instance) or not created):
            members_changed([instance.member_id, getattr(instance, "_contact_member_was", None)])

    def deleted(sender, instance, origin=None, **kwargs):
        # Deleted along with another model's row (a meeting's attendance): that row's own
        # receiver renews the lists, once for all of them.
        if is_contact(instance) and _deleted_itself(origin, model):
            members_changed([instance.member_id])

    def bulk_written(sender, fields=None, objs=None, **kwargs):
        written = None if fields is None else {name.removesuffix("_id") for name in fields}
        if written is not None and not watched & written:
            return
        # An update() does not know its rows; a bulk_update of `member`, their members before.
        if objs is None or (written is not None and "member" in written):
            changed()
        else:
            members_changed(row.member_id for row in objs if fields is not None
                            or is_contact(row))

    from organizations.models import bulk_written as bulk_signal

    watched = {name.removesuffix("_id") for name in fields}
    label = model._meta.label
    pre_save.connect(saving, sender=model, weak=False, dispatch_uid=f"contact-saving-{label}")
    post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"contact-save-{label}")
    post_delete.connect(deleted, sender=model, weak=False, dispatch_uid=f"contact-del-{label}")
    bulk_signal.connect(bulk_written, sender=model, weak=False,
                        dispatch_uid=f"contact-bulk-{label}")


def _deleted_itself(origin, model):
    """Whether a delete started at `model`'s own rows (`origin`: what `delete()` was called
    on), not at another model's they went with."""
    if isinstance(origin, QuerySet):
        return origin.model is model
    return origin is None or isinstance(origin, model)


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


def _nodes_bulk_written(sender, fields=None, new=False, **kwargs):
    # `Node.save` writes paths (a move: the subtree follows) and districts (a street moved to
    # another district: its move rules may change) with update(). A new node's first path
    # comes the same way, marked `new`: it has no members yet, so no list changes.
    if new:
        return
    if fields is None or {"path", "district_id"} & set(fields):
        changed()


def _everything_changed(sender, **kwargs):
    changed()


def _unit_saving(sender, instance, raw=False, **kwargs):
    instance._contact_name_was = None if instance.pk is None or raw else (
        sender.objects.filter(pk=instance.pk).values_list("name", flat=True).first())


def _unit_saved(sender, instance, created=False, raw=False, **kwargs):
    # The counts show the employed members by their unit's name, in every community its members
    # live in: a unit renamed is rare, and renews them all.
    if not created and not raw and instance.name != instance._contact_name_was:
        changed()


def _units_bulk_written(sender, fields=None, **kwargs):
    if fields is not None and "name" in fields:
        changed()


def connect():
    from members.models import ContactRecord, Member, MoveRule, Registration, TransferIn
    from organizations.models import Node, Unit, bulk_written

    pre_save.connect(_member_saving, sender=Member, dispatch_uid="contact-member-saving")
    post_save.connect(_member_saved, sender=Member, dispatch_uid="contact-member-saved")
    post_delete.connect(_member_deleted, sender=Member, dispatch_uid="contact-member-deleted")
    bulk_written.connect(_members_bulk_written, sender=Member, dispatch_uid="contact-members")
    post_delete.connect(_everything_changed, sender=Node, dispatch_uid="contact-node-deleted")
    bulk_written.connect(_nodes_bulk_written, sender=Node, dispatch_uid="contact-nodes")
    for signal, name in ((post_save, "save"), (post_delete, "delete"), (bulk_written, "bulk")):
        signal.connect(_everything_changed, sender=MoveRule, dispatch_uid=f"contact-rules-{name}")
    listen(ContactRecord, ["member", "contacted_on"])
    listen(TransferIn, ["member", "received_on"])
    # Not read by the lists (no contact): by the counts of registered members. A registration
    # still pending or declined when created or deleted counts for nobody.
    listen(Registration, ["member", "status"],
           is_contact=lambda row: row.status == Registration.Status.APPROVED)
    # And of the units: a unit deleted leaves its members without one (SET_NULL, in SQL).
    pre_save.connect(_unit_saving, sender=Unit, dispatch_uid="contact-unit-saving")
    post_save.connect(_unit_saved, sender=Unit, dispatch_uid="contact-unit-saved")
    post_delete.connect(_everything_changed, sender=Unit, dispatch_uid="contact-unit-deleted")
    bulk_written.connect(_units_bulk_written, sender=Unit, dispatch_uid="contact-units")
