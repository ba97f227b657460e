"""Demo wishes: in each demo community, one in every state of the loop, moved there by the
services (so every date and field is what the workflow writes). Idempotent: a community that
already holds wishes is left alone."""
from datetime import timedelta

from django.utils import timezone

from activities.volunteers.models import Team
from members.demo import DEMO_MEMBER
from members.models import Member
from organizations.models import Grid
from pairing.models import Category, Unit
from pairing.wishes import services
from pairing.wishes.models import Wish

# (title, kind, category, source, the state to reach)
WISHES = [
    ("独居老人家中水龙头漏水", Wish.Kind.WISH, Category.ELDERLY_CARE, Wish.Source.PUBLIC, "submitted"),
    ("帮孩子找一位周末辅导老师", Wish.Kind.WISH, Category.EDUCATION, Wish.Source.VISIT, "accepted"),
    ("楼道灯不亮（重复反映）", Wish.Kind.REQUEST, Category.FACILITIES, Wish.Source.WECHAT, "merged"),
    ("要求物业退还停车费", Wish.Kind.REQUEST, Category.OTHER, Wish.Source.PHONE, "declined"),
    ("为行动不便老人代买药品", Wish.Kind.WISH, Category.ELDERLY_CARE, Wish.Source.PHONE, "dispatched"),
    ("3号楼楼道杂物清理", Wish.Kind.REQUEST, Category.ENVIRONMENT, Wish.Source.WECHAT, "unit"),
    ("陪伴空巢老人就医", Wish.Kind.WISH, Category.HEALTH, Wish.Source.PUBLIC, "claimed"),
    ("修理单元门门禁", Wish.Kind.REQUEST, Category.FACILITIES, Wish.Source.VISIT, "done"),
    ("给残疾人家庭送一台轮椅", Wish.Kind.WISH, Category.FUNDING, Wish.Source.PUBLIC, "confirmed"),
    ("小区健身器材维修", Wish.Kind.REQUEST, Category.FACILITIES, Wish.Source.WECHAT, "reopened"),
]


def seed(context):
    staff = context.users.get("shequ")
    for community in context.community_nodes:
        if Wish.objects.filter(community=community).exists():
            continue
        grids = list(Grid.objects.filter(community=community, archived_at__isnull=True)
                     .order_by("pk"))
        members = list(Member.objects.active().filter(branch__path__startswith=community.path)
                       .exclude(user__username=DEMO_MEMBER).order_by("pk")[:3])
        unit = Unit.objects.active().filter(communities=community).order_by("pk").first()
        if not members or unit is None:
            continue
        first = None
        for index, (title, kind, category, source, state) in enumerate(WISHES):
            wish = services.wish_receive(wish=Wish(
                community=community, grid=grids[index % len(grids)] if grids else None,
                kind=kind, category=category, source=source, title=title,
                description="居民反映的情况，详见登记。", contact_name="居民",
                contact_phone="13900000000"), user=None if source == Wish.Source.PUBLIC else staff)
            first = first or wish
            _move(wish, state, first, members[index % len(members)], unit)
    # Overdue ones for the reminder and the list's red badge: a deadline in the past.
    Wish.objects.filter(community__in=context.community_nodes, status=Wish.Status.CLAIMED,
                        title="陪伴空巢老人就医").update(
        due_on=timezone.localdate() - timedelta(days=1))


def _move(wish, state, first, member, unit):
    if state == "submitted":
        return
    if state == "merged":
        services.wish_merge(wish=wish, into=first)
        return
    if state == "declined":
        services.wish_decline(wish=wish, reason="属于物业合同纠纷，已告知居民向物业服务中心反映。")
        return
    services.wish_accept(wish=wish)
    if state == "accepted":
        return
    if state == "unit":
        services.wish_dispatch(wish=wish, target=Wish.Target.UNIT, unit=unit)
        return
    services.wish_dispatch(wish=wish, target=Wish.Target.OPEN)
    if state == "dispatched":
        return
    services.wish_claim(wish=wish, member=member)
    if state == "claimed":
        return
    services.wish_done(wish=wish, outcome="已上门办理，居民当面表示满意。", member=member)
    if state == "confirmed":
        services.wish_confirm(wish=wish, rating=5, feedback="党员同志很热心，谢谢！")
    elif state == "reopened":
        services.wish_reopen(wish=wish, reason="器材只修好了一台，还有两台坏的。")


TEAM_WISH = "帮独居老人清理阳台杂物"


def seed_team_wishes(context):
    """A wish dispatched to a volunteer team, in the communities that have teams (seeded
    after the teams); a team whose leader has an account is preferred, so that leader sees it
    on the phone page. Idempotent."""
    for community in context.community_nodes:
        teams = Team.objects.filter(community=community, disbanded_on__isnull=True)
        team = (teams.filter(leader__member__user__isnull=False).order_by("pk").first()
                or teams.order_by("pk").first())
        if team is None or Wish.objects.filter(community=community, title=TEAM_WISH).exists():
            continue
        wish = services.wish_receive(wish=Wish(
            community=community, kind=Wish.Kind.WISH, category=Category.ELDERLY_CARE,
            source=Wish.Source.VISIT, title=TEAM_WISH, description="阳台堆满旧物，存在火灾隐患。",
            contact_name="居民", contact_phone="13900000000"), user=context.users.get("shequ"))
        services.wish_accept(wish=wish)
        services.wish_dispatch(wish=wish, target=Wish.Target.TEAM, team=team)
