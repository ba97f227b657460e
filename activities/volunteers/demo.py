"""Demo teams and volunteers: six teams in a community, as 永丰社区 "先后组建了6支志愿者服务队",
with Party members and resident volunteers, services recorded from the community's activities,
a member who left a team, a disbanded team, a corrected record and an issued certificate.

Only the first few communities of each street get them (a benchmark street has hundreds);
idempotent: a community that already has teams is left alone.
"""
from datetime import date, timedelta
from decimal import Decimal

from activities.models import CommunityActivity
from activities.volunteers import services
from activities.volunteers.defaults import SHIPPED_TEAM_KINDS, ensure_team_kinds
from activities.volunteers.models import Team, TeamKind, TeamMembership, Volunteer, VolunteerEntry
from members.models import Member

COMMUNITIES = 3
TEAM_NAMES = ["红袖标义务巡逻队", "环境整治志愿服务队", "助老助残志愿服务队", "文化宣传志愿服务队",
              "政策宣讲志愿服务队", "便民服务志愿服务队"]
RESIDENTS = [("王秀英", "13905310021", "370102195806122344"), ("李建国", "13905310022", ""),
             ("张桂兰", "13905310023", ""), ("刘志强", "13905310024", "370102199203154310"),
             ("陈晓雨", "13905310025", ""), ("杨树林", "13905310026", "")]


def seed(context):
    ensure_team_kinds(TeamKind)
    staff = context.users.get("shequ")
    kinds = {kind.name: kind for kind in TeamKind.objects.filter(node=None)}
    for street in context.street_nodes or [context.street]:
        for community in context.communities_of(street)[:COMMUNITIES]:
            if Team.objects.filter(community=community).exists():
                continue
            _seed_community(context, community, staff, kinds)


def _seed_community(context, community, staff, kinds):
    today = context.today
    start = date(today.year, 1, 1)
    members = list(Member.objects.active().filter(branch__path__startswith=community.path)
                   .select_related("branch").order_by("pk")[:6])
    volunteers = [services.volunteer_register_member(community=community, member=member,
                                                     consent_on=start) for member in members]
    for name, phone, id_number in RESIDENTS:
        volunteers.append(Volunteer.objects.create(
            community=community, name=name, phone=phone, consent_on=start, registered_on=start,
            id_number_masked=id_number[:6] + "********" + id_number[-4:] if id_number else ""))
    teams = []
    for index, name in enumerate(TEAM_NAMES):
        team = Team.objects.create(community=community, kind=kinds[SHIPPED_TEAM_KINDS[index]],
                                   name=name, founded_on=date(today.year - 3, 3, 5),
                                   description="每周开展服务，党员带头，居民参与。")
        crew = volunteers[index % len(volunteers)::2][:5] or volunteers[:1]
        for volunteer in crew:
            TeamMembership.objects.create(team=team, volunteer=volunteer,
                                          joined_on=date(today.year - 1, 3, 5))
        team.leader = crew[0]
        team.save(update_fields=["leader"])
        teams.append(team)
    # A member who left, and a team that stopped: states with a date, nothing deleted.
    departed = teams[0].memberships.order_by("-pk").first()
    services.team_member_leave(membership=departed, left_on=today - timedelta(days=20),
                               reason="搬离本社区")
    disbanded = Team.objects.create(community=community, kind=kinds[SHIPPED_TEAM_KINDS[6]],
                                    name="法律援助志愿服务队（已解散）",
                                    founded_on=date(today.year - 4, 5, 1),
                                    disbanded_on=date(today.year - 1, 12, 31))
    TeamMembership.objects.create(team=disbanded, volunteer=volunteers[-1],
                                  joined_on=date(today.year - 4, 5, 1),
                                  left_on=date(today.year - 1, 12, 31), leave_reason="服务队解散")
    activities = list(CommunityActivity.objects.filter(community=community, held_on__lte=today)
                      .order_by("-held_on", "-pk")[:3])
    for activity, team in zip(activities, teams[:3]):
        services.service_record_from_activity(activity=activity, team=team, hours=Decimal("2.0"),
                                              content=activity.title, user=staff)
    resident = volunteers[len(members)] if len(volunteers) > len(members) else volunteers[0]
    record = resident.service_records.order_by("pk").first()
    if record is not None:
        services.service_record_correct(record=record, hours=record.hours + Decimal("0.5"),
                                        reason="签到表漏记提前到场布置的半小时", user=staff)
        services.certificate_issue(volunteer=resident, community=community, user=staff,
                                   today=today)
    for kind, title in [(VolunteerEntry.Kind.TRAINING, "志愿服务基础知识培训"),
                        (VolunteerEntry.Kind.AWARD, "优秀志愿者"),
                        (VolunteerEntry.Kind.EVALUATION, "服务认真，居民满意")]:
        VolunteerEntry.objects.create(community=community, volunteer=resident, kind=kind,
                                      occurred_on=today - timedelta(days=30), title=title)
