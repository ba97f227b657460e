"""The one scoping mechanism: what a user may see and change in the organization tree.

A user's scope is a set of grants (node, role). Every scoped model's queryset filters through
`scope_q`, which turns those grants into "the object's node path starts with a granted path".
Members see their own records through `Member.user`, not through a grant.

A district official's grant is on a district node, which lies outside the paths (kernel/paths):
`grants_of` expands it to the district itself plus one grant per street of the district, so
every other function here (and the whole scope vocabulary) reads a district official as an
official of each of those streets.
"""
from django.db.models import F, Q
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Role(TextChoices):
    DISTRICT_OFFICIAL = "district_official", _("区委组织部干部")
    STREET_OFFICIAL = "street_official", _("街道干部")
    COMMUNITY_STAFF = "community_staff", _("社区工作人员")
    BRANCH_SECRETARY = "branch_secretary", _("支部书记")


READ_ROLES = frozenset(Role.values)
# Street (and district) officials review; community staff and branch secretaries keep the records.
WRITE_ROLES = frozenset({Role.COMMUNITY_STAFF, Role.BRANCH_SECRETARY})
STAFF_ROLES = frozenset({Role.COMMUNITY_STAFF})
# The officials: a district official is an official of every street of the district.
STREET_ROLES = frozenset({Role.STREET_OFFICIAL, Role.DISTRICT_OFFICIAL})


def grants_of(user):
    """The user's grants as (path, role, node) tuples, loaded once per user object.

    A grant on a district comes with one tuple per active street of the district (same role,
    the street as node), loaded in one more query only when the user holds such a grant."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_scope_grants", None)
    if cached is None:
        from organizations.models import Grant, Node

        grants = list(Grant.objects.filter(user=user, node__archived_at__isnull=True)
                      .select_related("node").order_by("node__path")
                      # The branch of the user's own member record, if any (see `with_own`).
                      .annotate(own_path=F("user__member__branch__path")))
        user._own_member_path = grants[0].own_path if grants else None
        cached = [(grant.node.path, grant.role, grant.node) for grant in grants]
        district_roles = {node.pk: role for _path, role, node in cached
                          if node.kind == Node.Kind.DISTRICT}
        if district_roles:
            cached += [(street.path, district_roles[street.district_id], street)
                       for street in Node.objects.active().filter(
                           kind=Node.Kind.STREET, district_id__in=district_roles)
                       .order_by("sort_key")]
        user._scope_grants = cached
    return cached


def granted_paths(user, roles=READ_ROLES):
    return [path for path, role, _node in grants_of(user) if role in roles]


def has_role(user, *roles):
    return any(role in roles for _path, role, _node in grants_of(user))


def scope_q(user, path_lookup, roles=READ_ROLES):
    """A Q object: rows whose `path_lookup` lies under one of the user's granted nodes.

    Superusers see everything; a user without a matching grant sees nothing.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_superuser:
        # Not an empty Q(): `Q() | Q(user=user)` is just the second term, every row is meant.
        return Q(pk__isnull=False)
    paths = granted_paths(user, roles)
    if not paths:
        return Q(pk__in=[])
    query = Q()
    for path in paths:
        query |= Q(**{f"{path_lookup}__startswith": path})
    return query


def with_own(user, scoped, own, roles=READ_ROLES):
    """`scoped` (a `scope_q`), or also the user's own records (`own`, a Q through their member
    record) when that record may lie outside the scope.

    Most staff and secretaries are members of a branch they hold a grant on, and officials have
    no member record at all: for them `own` adds no row, and leaving it out spares PostgreSQL an
    OR across two tables, which it can only answer by reading the whole table (at city scale
    every one of 500,000 members for each roster page)."""
    if user.is_superuser or not user.is_authenticated:
        return scoped
    grants_of(user)  # reads the own record's path along with the grants
    own_path, paths = user._own_member_path, granted_paths(user, roles)
    if paths and (own_path is None or any(own_path.startswith(path) for path in paths)):
        return scoped
    return scoped | own


def covers(user, path, roles=READ_ROLES):
    """Whether a node path lies inside the user's scope for these roles."""
    if user.is_superuser:
        return True
    return any(path.startswith(granted) for granted in granted_paths(user, roles))


def require_grant(*roles):
    """View decorator: logged in, and holding one of `roles` somewhere (any role if none given).

    Users without such a grant get 404, like any object outside their scope.
    """
    from functools import wraps

    from django.contrib.auth.decorators import login_required
    from django.http import Http404

    wanted = frozenset(roles) or READ_ROLES

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not request.user.is_superuser and not has_role(request.user, *wanted):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
