"""Demo members for every branch that has none yet, and the demo member login."""
from datetime import date, timedelta

from django.db.models import Max

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from members import points
from members.factories import MemberFactory, make_id_number
from members.models import (Member, PointsEntry, Post, PostClaim, PostServiceMonth,
                            Registration)
from organizations.models import CommitteeSeat, Grid, Node, Unit

DEMO_MEMBER = "dangyuan"
CATEGORY_WEIGHTS = [
    (Member.Category.RETIRED, 55), (Member.Category.EMPLOYED, 30), (Member.Category.MOBILE, 8),
    (Member.Category.STUDENT, 2), (Member.Category.OTHER, 5),
]


def seed(context):
    points.ensure_default_rules()
    _seed_members(context)
    _seed_posts(context)
    seed_registrations(context)


def _seed_members(context):
    rng = context.rng
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
    # A pool of generated names: building every member through the factory costs ~8x more,
    # which matters at district scale (50,000 members).
    name_pool = [MemberFactory.build().name for _ in range(min(500, per_branch * len(branches)))]
    next_number = (Member.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    new_members = []
    for branch in branches:
        for _index in range(per_branch):
            probationary = rng.random() < 0.08
            birth_date = date(1940, 1, 1) + timedelta(days=rng.randint(0, 22000))
            joined_on = (context.today - timedelta(days=rng.randint(30, 360)) if probationary
                         else birth_date + timedelta(days=rng.randint(6600, 12000)))
            if joined_on >= context.today:
                joined_on = context.today - timedelta(days=400)
            new_members.append(Member(
                name=rng.choice(name_pool),
                gender=rng.choice(Member.Gender.values),
                birth_date=birth_date,
                id_number=make_id_number(next_number, birth_date),
                phone=f"139{next_number % 100000000:08d}",
                education=rng.choice(Member.Education.values),
                joined_on=joined_on,
                full_member_on=None if probationary else joined_on + timedelta(days=365),
                status=Member.Status.PROBATIONARY if probationary else Member.Status.FULL,
                category=rng.choices(categories, weights)[0],
                branch=branch,
                group=rng.choice(groups.get(branch.pk, [None])),
                grid=rng.choice(grids.get(branch.parent_id, [None])),
            ))
            next_number += 1
    Member.objects.bulk_create(new_members, batch_size=2000)
    _seat_secretaries(branches)
    _link_demo_member(context)
    _seed_accounts(context, new_members)
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


def _seed_accounts(context, members):
    """Most new demo members have activated accounts (login = phone, the demo password), some
    are waiting for their code, some were never opened, and some do not use a phone.

    One password hash, computed once and shared: hashing 50,000 passwords would take minutes.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from organizations.demo import DEMO_PASSWORD

    rng, now = context.rng, timezone.now()
    demo_password, unusable = make_password(DEMO_PASSWORD), make_password(None)
    users, activated, no_phone = [], set(), []
    # Linked to the demo login since these instances were built.
    taken = set(Member.objects.filter(user__username=DEMO_MEMBER).values_list("pk", flat=True))
    for member in members:
        if member.user_id or member.pk in taken:
            continue
        draw = rng.random()
        if draw < 0.05:
            no_phone.append(member.pk)
        elif draw < 0.12:
            continue  # never opened: 未开通
        else:
            active = draw >= 0.22  # 0.12–0.22: opened, waiting for the code (待激活)
            users.append(get_user_model()(username=member.phone, first_name=member.name,
                                          password=demo_password if active else unusable))
            if active:
                activated.add(member.phone)
    get_user_model().objects.bulk_create(users, batch_size=2000)
    accounts = dict(get_user_model().objects.filter(username__in=[u.username for u in users])
                    .values_list("username", "pk"))
    linked = []
    for member in members:
        if member.phone in accounts and member.user_id is None and member.pk not in taken:
            member.user_id = accounts[member.phone]
            member.account_activated_at = now if member.phone in activated else None
            linked.append(member)
    Member.objects.bulk_update(linked, ["user", "account_activated_at"], batch_size=2000)
    Member.objects.filter(pk__in=no_phone).update(no_smartphone=True)
    # The demo member signs in with the password README lists: their account is activated.
    demo_user = context.users.get("dangyuan")
    if demo_user is not None:
        Member.objects.filter(user=demo_user, account_activated_at__isnull=True).update(
            account_activated_at=now)
    context.log(f"党员账号：已激活 {len(activated)}，待激活 {len(users) - len(activated)}，"
                f"不使用手机 {len(no_phone)}")


def _seed_posts(context):
    """The 12 standard posts in every community, and claims on them in communities without any.

    Approved claims get their first month of service and its points, written in bulk.
    """
    rng = context.rng
    existing = set(Post.objects.filter(community__in=context.community_nodes)
                   .values_list("community_id", "name"))
    Post.objects.bulk_create([
        Post(community=community, name=name, description=description, capacity=capacity,
             sort_order=index)
        for community in context.community_nodes
        for index, (name, description, capacity) in enumerate(Post.STANDARD)
        if (community.pk, name) not in existing])
    claimed = set(PostClaim.objects.filter(post__community__in=context.community_nodes)
                  .values_list("post__community_id", flat=True).distinct())
    now = timezone.now()
    claims = []
    for community in context.community_nodes:
        if community.pk in claimed:
            continue
        posts = list(Post.objects.filter(community=community).order_by("sort_order"))
        # The demo member starts with no claims, so a demo shows claiming from the start.
        members = list(Member.objects.active().filter(branch__path__startswith=community.path)
                       .exclude(user__username=DEMO_MEMBER).values_list("pk", flat=True))
        rng.shuffle(members)
        for member_id in members[:len(members) * 2 // 5]:
            post = rng.choice(posts)
            approved = rng.random() < 0.8
            claims.append(PostClaim(
                post=post, member_id=member_id, decided_at=now if approved else None,
                status=PostClaim.Status.APPROVED if approved else PostClaim.Status.PENDING))
    # One claim per (post, member): drop repeats the random choice produced.
    unique = {(claim.post_id, claim.member_id): claim for claim in claims}
    claims = PostClaim.objects.bulk_create(list(unique.values()), batch_size=2000)
    approved = [claim for claim in claims if claim.status == PostClaim.Status.APPROVED]
    if not approved:
        return
    month = context.today.replace(day=1)
    PostServiceMonth.objects.bulk_create(
        [PostServiceMonth(claim=claim, month=month) for claim in approved], batch_size=2000)
    months = PostServiceMonth.objects.filter(claim__in=[c.pk for c in approved]).select_related(
        "claim__post")
    # The demo uses the shipped default; awards made later through points.award apply overrides.
    rule = points.rules_for_branch(None)["post_month"].points
    source_type = ContentType.objects.get_for_model(PostServiceMonth)
    PointsEntry.objects.bulk_create([
        PointsEntry(member_id=service.claim.member_id, item="post_month", quantity=1,
                    points=rule, occurred_on=month, source_type=source_type,
                    source_id=service.pk, reason=service.claim.post.name)
        for service in months], batch_size=2000)
    context.log(f"岗位认领：{len(claims)} 条，其中在岗 {len(approved)} 条")


def seed_registrations(context):
    """双报到 of employed members with the street's co-building units (idempotent).

    Units come from the pairing app, which seeds after members: `seed` calls this (a no-op on
    a fresh database) and the lead calls it again once pairing has seeded.
    """

    if not context.street or Registration.objects.filter(
            community__in=context.community_nodes).exists():
        return
    registrations, employers = [], []
    # Street by street: a member registers with a unit and a community of their own street.
    for street in context.street_nodes or [context.street]:
        _street_registrations(context, street, registrations, employers)
    if not registrations:
        return
    Member.objects.bulk_update(employers, ["employer_unit"], batch_size=2000)
    Registration.objects.bulk_create(registrations, batch_size=2000)
    context.log(f"在职党员报到：{len(registrations)} 条")


def _street_registrations(context, street, registrations, employers):
    units = list(Unit.objects.filter(street=street, archived_at__isnull=True).order_by("pk"))
    communities = context.communities_of(street)
    if not units or not communities:
        return
    rng = context.rng
    employed = list(Member.objects.active().filter(
        category=Member.Category.EMPLOYED, branch__path__startswith=street.path,
    ).exclude(user__username=DEMO_MEMBER).only("pk", "branch_id", "address"))
    for member in employed[::2]:
        unit = rng.choice(units)
        member.employer_unit = unit
        employers.append(member)
        registrations.append(Registration(
            member=member, unit=unit, community=rng.choice(communities),
            address=member.address,
            status=Registration.Status.APPROVED if rng.random() < 0.85
            else Registration.Status.PENDING))
