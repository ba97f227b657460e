"""三会一课 figures cached per community, fresh after every write that could change them.

A street's figures (the dashboard's heat map and red branches, the ranking's compliance rate,
the street compliance page) judge some 500 branches over a year of meetings: about half a
second at district scale, for pages officials open every morning. They are cached community by
community under two *versions*: the community's, which a change of one of its meetings
replaces, and a global one, which a change of a meeting kind, a default rule or the tree's
shape (a node moved or deleted) replaces (the receivers below; these are rare). So a meeting
recorded in one community has the next street page judge that community's ten branches again,
not the street's five hundred, and no entry is read after a write it does not reflect. A rule
set on a district, a street or a community (officials do it on a page) replaces the versions of
the communities under it only: one street raising a frequency leaves the other streets' figures
cached. Likewise a committee seat, which counts for its branch only (a branch with a committee
must hold committee meetings), and a node added, archived, restored or given a founding date
where it stands (staff add branches and party groups): the communities at or under it.
Beneath the figures, the held meetings they are judged from are counted and cached per
community too (`HELD`, `held_counts`), under versions that a meeting, a kind, a branch or
party group added or the tree's shape replaces but a rule, a seat or a node archived or dated
does not: after a rule change the street's branches are judged again without its year of
meetings being read again. The reminder scan keeps the 三会一课 gaps it reminds of from the 20th
under the same versions (activities/reminder_sources.py `compliance_gaps`).

The versions, and why they are replaced again after the commit, are kernel/community_cache.py's.

What the figures depend on is `INPUT_MODELS` (and of a node, `NODE_FIELDS`): the tables
`compliance.load_facts` reads. tests/activities/test_compliance_cache.py records the tables and
node columns load_facts queries and fails when they differ from these lists, so a new input
cannot go stale silently.

Writes that bypass the model signals: `update()`, `bulk_create()` and `bulk_update()` on the
input models send `organizations.models.bulk_written`, which replaces the global version (of
rules and seats written in bulk, the figures' only: what is required, not what was held).
`restore`, and bulk inserts into the meetings' kinds (the through table), call `changed()`
themselves. A data migration that touches an input (historical models have no custom querysets)
ends with `migrations.RunPython(compliance_cache.migration_changed, migrations.RunPython.noop)`.

Every key also holds a digest of the code that computes the figures (this module,
`activities/compliance.py` and the module of each `compute`): a deploy with changed code never
reads pickles the old code stored.
"""
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import Signal

from kernel.community_cache import EVERYWHERE, CommunityCache
from kernel.paths import community_id_of, path_ids

CACHE = CommunityCache("compliance", ["activities.compliance_cache", "activities.compliance"])
# The held meetings the figures are judged from, counted per branch and month (`held_counts`),
# under versions of their own: a rule or a committee seat changes how a street is judged but
# not what its branches held, so the street's page after a rule change judges its 500 branches
# again without reading its year of meetings again (some 22,000 rows at city scale).
HELD = CommunityCache("held", ["activities.compliance_cache", "activities.compliance"])
# Sent after the commit that replaced the global version (`street_ids` None: every street's
# figures are stale at once) or the versions of the communities under a rule (`street_ids`: their
# streets). The dashboards compute them again in a worker (portal/tasks.py), so that the first
# official after a rule change does not wait for every branch of the street to be judged.
figures_changed = Signal()


def cached_by_community(name, parts, community_ids, compute):
    """{community id: value} for these communities, computed by `compute(missing ids)` where the
    cache holds no fresh value (kernel.community_cache.CommunityCache.get)."""
    return CACHE.get(name, parts, community_ids, compute)


def held_counts(branches, first, last):
    """`compliance.count_held` for these branches, from the counts cached per community: a
    community the cache misses has every branch counted (archived ones too), whoever asks, so
    that its entry is the same for the street's pages and for one community's."""
    from activities import compliance
    from organizations.models import Node

    community_of = {branch.pk: community_id_of(branch.path) for branch in branches}

    def count(missing):
        rows = list(Node.objects.filter(kind=Node.Kind.BRANCH, parent_id__in=missing)
                    .values_list("pk", "parent_id").order_by())
        counted = compliance.count_held([pk for pk, _community in rows], first, last)
        by_community = {pk: {} for pk in missing}
        for pk, community_id in rows:
            by_community[community_id][pk] = counted.get(pk, {})
        return by_community

    counts = HELD.get("counts", (first, last), sorted(set(community_of.values())), count)
    return {pk: (counts[community_id] or {}).get(pk, {}) for pk, community_id in
            community_of.items()}


def street_months(street, year, today):
    """The street compliance page's rows, [(community, [worst status per month])], each
    community's months from the cache where it holds them."""
    from activities import compliance

    communities = list(compliance.street_communities(street))
    cells = cached_by_community(
        "matrix", (year, today), [community.pk for community in communities],
        lambda missing: compliance.months_by_community(
            [community for community in communities if community.pk in missing], year, today,
            held_counts))
    return [(community, cells[community.pk]) for community in communities]


def changed(scope=EVERYWHERE):
    """Replace a community's version (its id) or, by default, the global one: of the figures and
    of the held meetings they are judged from."""
    _replace(lambda: ([scope], None if scope == EVERYWHERE else ()), (CACHE, HELD))


def judging_changed():
    """Replace the figures' global version but not the held meetings': what is required of the
    branches changed (a default rule, committee seats written in bulk), not what they held."""
    _replace(lambda: ([EVERYWHERE], None), (CACHE,))


def _replace(reach, caches):
    """Replace versions of these caches now and after the commit; then have a worker warm
    streets. `reach()` says which: (scopes, street ids: None for every street, empty for none,
    the next page computing what it shows). Asked again after the commit: a community moved
    under a rule's street by a transaction that committed in between is reached too."""
    def replace():
        scopes, street_ids = reach()
        for each in caches:
            each.renew(scopes)
        return street_ids

    def after_commit():
        street_ids = replace()
        if street_ids is None or street_ids:
            figures_changed.send(sender=None, street_ids=street_ids)

    replace()
    transaction.on_commit(after_commit)


def migration_changed(apps, schema_editor):
    """RunPython step for a data migration that touches an input of the figures."""
    changed()


def _meeting_saving(sender, instance, raw=False, **kwargs):
    # A meeting moved to another branch (the admin allows it) leaves figures behind in the
    # community it left as well.
    instance._compliance_left = None if instance.pk is None or raw else (
        sender.objects.filter(pk=instance.pk).values_list("branch_id", flat=True).first())


def _meeting_changed(sender, instance, **kwargs):
    from organizations.models import Node

    branches = {instance.branch_id, getattr(instance, "_compliance_left", None)} - {None}
    paths = Node.objects.filter(pk__in=branches).values_list("path", flat=True)
    for community_id in {community_id_of(path) for path in paths} or {EVERYWHERE}:
        changed(community_id)


def _kinds_changed(sender, instance, action, reverse, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # changed from a kind's side: its meetings may be anywhere
        changed()
    else:
        _meeting_changed(sender, instance)


def _structure_changed(sender, **kwargs):
    changed()


def _row_saving(sender, instance, raw=False, **kwargs):
    # A rule or seat moved to another node (the admin allows it) leaves stale figures where it
    # was.
    instance._compliance_was_on = set() if instance.pk is None or raw else set(
        sender.objects.filter(pk=instance.pk).values_list("node_id", flat=True))


def _row_changed(sender, instance, raw=False, **kwargs):
    """A rule or a committee seat saved or deleted: the figures of the communities under its
    node (a seat's: its branch's community) are judged again, not every street's."""
    # Taken, not read: a later delete of the same instance has no save before it.
    nodes = {instance.node_id, *instance.__dict__.pop("_compliance_was_on", ())}
    if None in nodes or raw:  # a default rule, or loaded from a fixture (from where?)
        judging_changed()
        return
    _replace(lambda: _under(nodes), (CACHE,))


def _under(node_ids):
    """The ids of the communities at or under these nodes (a district's: its streets'), and of
    their streets, sorted."""
    from organizations.models import Node

    wanted = Q(pk__in=[])
    for pk, kind, path in Node.objects.filter(pk__in=node_ids).values_list("pk", "kind", "path"):
        if kind == Node.Kind.DISTRICT:
            wanted |= Q(district_id=pk)
        elif kind == Node.Kind.STREET or len(path_ids(path)) < 2:
            # A street, or a node above any community (its path not written yet: "", every one).
            wanted |= Q(path__startswith=path)
        else:
            wanted |= Q(pk=community_id_of(path))
    rows = Node.objects.filter(wanted, kind=Node.Kind.COMMUNITY).values_list("pk", "path")
    return [pk for pk, _path in rows], sorted({path_ids(path)[0] for _pk, path in rows})


# What of a node the figures depend on (`district_id`: rules set on a district, through
# `Node.ancestor_ids`); editing its address or phone leaves them as they are
# (staff edit branches all day, and every street's figures would be computed anew each time).
NODE_FIELDS = ("kind", "parent_id", "path", "district_id", "archived_at", "founded_on")
# The models compliance.load_facts reads (test_compliance_cache checks it against its queries).
INPUT_MODELS = ("activities.Meeting", "activities.Meeting_kinds", "activities.MeetingKind",
                "activities.MeetingRule", "organizations.CommitteeSeat", "organizations.Node")


# A node's place in the tree: while it keeps it, a save changes the figures at or under it only.
PLACE_FIELDS = ("kind", "parent_id", "path", "district_id")


def _node_saving(sender, instance, raw=False, **kwargs):
    before = None if instance.pk is None or raw else dict(zip(NODE_FIELDS, (
        sender.objects.filter(pk=instance.pk).values_list(*NODE_FIELDS).first() or ())))
    instance._compliance_before = before
    instance._compliance_changed = not before or any(
        before[name] != getattr(instance, name) for name in NODE_FIELDS)


def _node_saved(sender, instance, created=False, raw=False, **kwargs):
    from organizations.models import Node

    if not getattr(instance, "_compliance_changed", True):
        return
    before = getattr(instance, "_compliance_before", None)
    if created and not raw:
        # A new branch or party group: its community's branches (and their counts) changed.
        # A new community, street or district: no cached figure holds it yet. (Its path is
        # set after this signal: the parent's is read.)
        if instance.kind in (Node.Kind.BRANCH, Node.Kind.GROUP):
            _replace(lambda: _under({instance.parent_id}), (CACHE, HELD))
    elif before and all(before[name] == getattr(instance, name) for name in PLACE_FIELDS):
        # Archived, restored or given a founding date where it stands: what is judged at or
        # under it (an archived branch's meetings stay counted: the counts keep).
        _replace(lambda: _under({instance.pk}), (CACHE,))
    else:  # moved, or loaded from a fixture
        changed()


def _bulk_written(sender, fields=None, **kwargs):
    from activities.models import MeetingRule
    from organizations.models import CommitteeSeat, Node

    if sender is Node and (kwargs.get("new") or fields is not None and not {
            name.removesuffix("_id") for name in fields} & {
            name.removesuffix("_id") for name in NODE_FIELDS}):
        return  # a new node's own path: its save renewed what it changes
    if sender in (MeetingRule, CommitteeSeat):  # what is required, not what was held
        judging_changed()
        return
    changed()


def connect():
    from activities.models import Meeting, MeetingKind, MeetingRule
    from organizations.models import CommitteeSeat, Node, bulk_written

    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_meeting_changed, sender=Meeting, dispatch_uid=f"compliance-{name}")
        signal.connect(_row_changed, sender=MeetingRule, dispatch_uid=f"compliance-rule-{name}")
        signal.connect(_structure_changed, sender=MeetingKind,
                       dispatch_uid=f"compliance-MeetingKind-{name}")
        signal.connect(_row_changed, sender=CommitteeSeat,
                       dispatch_uid=f"compliance-CommitteeSeat-{name}")
    pre_save.connect(_meeting_saving, sender=Meeting, dispatch_uid="compliance-meeting-saving")
    pre_save.connect(_row_saving, sender=MeetingRule, dispatch_uid="compliance-rule-saving")
    pre_save.connect(_row_saving, sender=CommitteeSeat, dispatch_uid="compliance-seat-saving")
    pre_save.connect(_node_saving, sender=Node, dispatch_uid="compliance-node-saving")
    post_save.connect(_node_saved, sender=Node, dispatch_uid="compliance-node-saved")
    post_delete.connect(_structure_changed, sender=Node, dispatch_uid="compliance-node-delete")
    m2m_changed.connect(_kinds_changed, sender=Meeting.kinds.through,
                        dispatch_uid="compliance-kinds")
    for model in (Meeting, MeetingKind, MeetingRule, CommitteeSeat, Node):
        bulk_written.connect(_bulk_written, sender=model,
                             dispatch_uid=f"compliance-bulk-{model.__name__}")
