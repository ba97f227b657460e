"""Reads of the members app, each owning its select_related and aggregates."""
from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from members.models import Member, PointsEntry, Post, PostClaim, Registration
from organizations.models import Unit


def roster(user):
    """The members a user may see, with what a roster row shows."""
    return Member.objects.visible_to(user).select_related("branch", "group", "grid", "user")


def roster_summary(members):
    """(counts, branch counts) of a (filtered) roster in one grouped query.

    counts: total, full, probationary and category_<value>; branch counts: [(branch name,
    full, probationary)] in tree order. One scan of the roster instead of three: at a
    street's 50,000 members each scan is most of the page's time.
    """
    counts = {"total": 0, "full": 0, "probationary": 0,
              **{f"category_{value}": 0 for value in Member.Category.values}}
    branches = {}
    rows = (members.order_by().values_list("branch__path", "branch__name", "status", "category")
            .annotate(n=Count("pk")))
    for path, name, status, category, n in rows:
        counts["total"] += n
        if status in (Member.Status.FULL, Member.Status.PROBATIONARY):
            counts[status] += n
        if f"category_{category}" in counts:
            counts[f"category_{category}"] += n
        row = branches.setdefault(path, [name, 0, 0])
        if status == Member.Status.FULL:
            row[1] += n
        elif status == Member.Status.PROBATIONARY:
            row[2] += n
    return counts, [tuple(branches[path]) for path in sorted(branches)]


def probation_ending(members, on_or_before):
    """Active probationary members of `members` whose probation ends by the given day.

    The due date depends on an optional extension, so it is computed in Python; the
    probationary set is small (a few percent of a roster). Sorted by due date.
    """
    due = [member for member in members.active().probationary().select_related("branch")
           if member.probation_ends_on <= on_or_before]
    return sorted(due, key=lambda member: (member.probation_ends_on, member.pk))


def probation_due(user, days=60):
    """What the user may see of probation ending in the next `days` days (or already ended)."""
    today = timezone.localdate()
    due = probation_ending(Member.objects.visible_to(user), today + timedelta(days=days))
    for member in due:
        member.days_left = (member.probation_ends_on - today).days
    return due


def post_board(community):
    """The community's posts, each with approved and pending claims counted (one query)."""
    return (Post.objects.filter(community=community).select_related("grid").annotate(
        taken=Count("claims", filter=Q(claims__status=PostClaim.Status.APPROVED,
                                       claims__ended_on__isnull=True)),
        pending=Count("claims", filter=Q(claims__status=PostClaim.Status.PENDING)),
    ).order_by("archived_at", "sort_order", "name"))


def claims_for_member(member):
    """A member's post claims, newest first: what the member home shows."""
    return member.post_claims.select_related("post", "post__community").order_by("-claimed_at")


def registrations_for_member(member):
    return member.registrations.select_related("community", "unit").order_by("-registered_at")


def points_entries_for_member(member, year=None):
    entries = member.points_entries.select_related("source_type")
    return entries.in_year(year) if year else entries


def pending_claims(community):
    return (PostClaim.objects.filter(post__community=community, status=PostClaim.Status.PENDING)
            .select_related("post", "member", "member__branch").order_by("claimed_at"))


def unit_registration_counts(community):
    """Per co-building unit: members registered with this community against its member count."""
    return (Unit.objects.filter(Q(communities=community) | Q(registrations__community=community))
            .distinct().annotate(registered=Count(
                "registrations", distinct=True,
                filter=Q(registrations__community=community,
                         registrations__status=Registration.Status.APPROVED)))
            .order_by("name"))


def open_posts_for_member(member, communities):
    """Open posts of the given communities, with places taken and the member's own claim state."""
    posts = list(Post.objects.open().filter(community__in=communities)
                 .select_related("community", "grid").annotate(
                     taken=Count("claims", filter=Q(claims__status=PostClaim.Status.APPROVED,
                                                    claims__ended_on__isnull=True)))
                 .order_by("community__sort_key", "sort_order"))
    mine = dict(member.post_claims.filter(ended_on__isnull=True, status__in=[
        PostClaim.Status.PENDING, PostClaim.Status.APPROVED]).values_list("post_id", "status"))
    for post in posts:
        post.my_status = mine.get(post.pk)
        post.is_full = post.taken >= post.capacity
    return posts


def member_points_summary(member, year):
    """{item: points} for a member's year, from one grouped query."""
    return dict(PointsEntry.objects.filter(member=member, occurred_on__year=year)
                .values_list("item").annotate(total=Sum("points")).order_by())
