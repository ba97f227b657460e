"""Demo members for every branch that has none yet, and the demo member login."""
from datetime import timedelta

from django.db.models import Max

from members.factories import MemberFactory
from members.models import Member
from organizations.models import CommitteeSeat, Grid, Node

CATEGORY_WEIGHTS = [
    (Member.Category.RETIRED, 55), (Member.Category.EMPLOYED, 30), (Member.Category.MOBILE, 8),
    (Member.Category.STUDENT, 2), (Member.Category.OTHER, 5),
]


def seed(context):
    rng = context.rng
    MemberFactory.reset_sequence((Member.objects.aggregate(top=Max("pk"))["top"] or 0) + 1)
    branches = [branch for branch in context.branch_nodes if not branch.members.exists()]
    if not branches or not context.members_per_community:
        return
    per_branch = max(1, context.members_per_community * len(context.community_nodes)
                     // max(1, len(context.branch_nodes)))
    groups = {}
    for group in Node.objects.filter(kind=Node.Kind.GROUP, parent__in=branches):
        groups.setdefault(group.parent_id, []).append(group)
    grids = {}
    for grid in Grid.objects.filter(community__in=context.community_nodes):
        grids.setdefault(grid.community_id, []).append(grid)
    categories, weights = zip(*CATEGORY_WEIGHTS)
    new_members = []
    for branch in branches:
        for index in range(per_branch):
            probationary = rng.random() < 0.08
            member = MemberFactory.build(
                branch=branch,
                group=rng.choice(groups.get(branch.pk, [None])),
                grid=rng.choice(grids.get(branch.parent_id, [None])),
                category=rng.choices(categories, weights)[0],
                status=Member.Status.PROBATIONARY if probationary else Member.Status.FULL,
            )
            if probationary:
                member.joined_on = context.today - timedelta(days=rng.randint(30, 360))
                member.full_member_on = None
            new_members.append(member)
    Member.objects.bulk_create(new_members, batch_size=2000)
    _seat_secretaries(branches)
    _link_demo_member(context)
    context.log(f"党员：新增 {len(new_members)} 名")


def _seat_secretaries(branches):
    seats = []
    for branch in branches:
        leaders = list(branch.members.filter(status=Member.Status.FULL).order_by("pk")[:3])
        if not leaders:
            continue
        term_start = leaders[0].joined_on.replace(year=2024, month=3, day=1)
        roles = [CommitteeSeat.Role.SECRETARY]
        if branch.members.filter(status=Member.Status.FULL).count() >= 7:
            roles += [CommitteeSeat.Role.DEPUTY_SECRETARY, CommitteeSeat.Role.COMMITTEE_MEMBER]
        for role, leader in zip(roles, leaders):
            seats.append(CommitteeSeat(node=branch, role=role, person_name=leader.name,
                                       member=leader, term_start=term_start,
                                       term_end=CommitteeSeat.default_term_end(branch, term_start)))
    CommitteeSeat.objects.bulk_create(seats)


def _link_demo_member(context):
    user = context.users.get("dangyuan")
    secretary_user = context.users.get("shuji")
    if user is None or Member.objects.filter(user=user).exists():
        return
    branch = secretary_user.grants.first().node
    member = branch.members.filter(user__isnull=True).order_by("-pk").first()
    member.name, member.user = user.first_name, user
    member.save(update_fields=["name", "user"])
