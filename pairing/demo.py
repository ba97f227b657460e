"""Demo co-building: the units, agreements and ledger of the source material.

军民路社区 has 11 units and 130 registered members, 兰新社区 20 units, 胜利社区 13 units; the
street's ledger for this year counts ¥5,000 donated, 80 volunteer person-times and ¥200,000
invested. Everything is bulk-created once per street; a second run changes nothing.
"""
from datetime import timedelta
from decimal import Decimal

from django.apps import apps as django_apps

from members.models import Member
from pairing.defaults import ensure_defaults
from pairing.models import (Agreement, AgreementArea, CareVisit, Category, Contribution,
                            JointCommitteeSeat, Need, NeedyHousehold, Pairing, Project,
                            Resource, Unit)

UNIT_COUNTS = {"军民路社区": 11, "兰新社区": 20, "胜利社区": 13}
REGISTERED_MEMBERS = {"军民路社区": 130}
DEFAULT_UNITS = 6
UNIT_KINDS = [
    ("区人民医院", Unit.UnitType.PUBLIC_INSTITUTION, Category.HEALTH, "每月义诊2次"),
    ("实验小学", Unit.UnitType.SCHOOL, Category.EDUCATION, "周末课堂，每周1次"),
    ("供电公司", Unit.UnitType.STATE_ENTERPRISE, Category.FACILITIES, "线路检修，随叫随到"),
    ("司法所", Unit.UnitType.GOVERNMENT, Category.LEGAL, "每周1次法律咨询"),
    ("消防救援站", Unit.UnitType.MILITARY, Category.SAFETY, "每季度消防演练"),
    ("建设银行支行", Unit.UnitType.STATE_ENTERPRISE, Category.FUNDING, "年度帮扶资金"),
    ("人力资源服务中心", Unit.UnitType.PUBLIC_INSTITUTION, Category.EMPLOYMENT, "每月招聘会"),
    ("环卫所", Unit.UnitType.PUBLIC_INSTITUTION, Category.ENVIRONMENT, "20名保洁志愿者"),
    ("志愿者协会", Unit.UnitType.SOCIAL_ORGANIZATION, Category.ELDERLY_CARE, "助老服务每周2次"),
    ("物业公司", Unit.UnitType.PRIVATE_ENTERPRISE, Category.ENVIRONMENT, "楼道清理"),
    ("税务分局", Unit.UnitType.GOVERNMENT, Category.EDUCATION, "政策宣讲"),
]
NEEDS = [
    (Category.HEALTH, "独居老人健康体检", Need.Urgency.HIGH),
    (Category.ENVIRONMENT, "老旧小区楼道清理", Need.Urgency.MEDIUM),
    (Category.EDUCATION, "四点半课堂志愿老师", Need.Urgency.LOW),
]
HOUSEHOLD_KINDS = [NeedyHousehold.Kind.SUBSISTENCE, NeedyHousehold.Kind.EXTREME_POVERTY,
                   NeedyHousehold.Kind.DISABILITY, NeedyHousehold.Kind.LONELY_ELDERLY,
                   NeedyHousehold.Kind.NEEDY_MEMBER]
# This year's street ledger from the source material, as (kind, amount) lines.
LEDGER = [(Contribution.Kind.MONEY, Decimal(2000)), (Contribution.Kind.MONEY, Decimal(1500)),
          (Contribution.Kind.MONEY, Decimal(1500)), (Contribution.Kind.VOLUNTEERS, Decimal(30)),
          (Contribution.Kind.VOLUNTEERS, Decimal(30)), (Contribution.Kind.VOLUNTEERS, Decimal(20)),
          (Contribution.Kind.INVESTMENT, Decimal(150000)),
          (Contribution.Kind.INVESTMENT, Decimal(50000))]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _short(community):
    return community.name.removesuffix("党委").removesuffix("党总支").removesuffix("党支部")


def seed(context):
    communities = context.community_nodes
    if not communities or Unit.objects.filter(street=context.street).exists():
        return
    units_by_community = _units(context, communities)
    _agreements(context, units_by_community)
    _joint_seats(context, units_by_community)
    households = _households(context, communities)
    _pairings(context, units_by_community, households)
    _ledger(context, units_by_community)
    _needs_and_projects(context, units_by_community)
    registered = _register_members(context, units_by_community)
    context.log(f"共驻共建：{sum(len(u) for u in units_by_community.values())} 个共建单位，"
                f"{registered} 名在职党员报到")


def _units(context, communities):
    units, links = [], []
    for community in communities:
        short = _short(community).removesuffix("社区")
        count = UNIT_COUNTS.get(_short(community), DEFAULT_UNITS)
        for index in range(count):
            label, unit_type, _category, _capacity = UNIT_KINDS[index % len(UNIT_KINDS)]
            round_suffix = "" if index < len(UNIT_KINDS) else f"{index // len(UNIT_KINDS) + 1}部"
            units.append(Unit(
                street_id=community.parent_id, name=f"{short}{label}{round_suffix}", unit_type=unit_type,
                address=f"{short}路{index * 7 + 3}号",
                party_org_name=f"{short}{label}{round_suffix}党支部",
                member_count=context.rng.randint(8, 60),
                contact_name=f"{SURNAMES[index % len(SURNAMES)]}主任",
                contact_phone=f"0561-31{index:02d}{community.pk % 100:02d}0"))
            links.append(community)
    Unit.objects.bulk_create(units)
    through = Unit.communities.through
    through.objects.bulk_create([through(unit_id=unit.pk, node_id=community.pk)
                                 for unit, community in zip(units, links)])
    by_community = {}
    for unit, community in zip(units, links):
        by_community.setdefault(community, []).append(unit)
    return by_community


def _agreements(context, units_by_community):
    today = context.today
    agreements = []
    for community, units in units_by_community.items():
        for index, unit in enumerate(units):
            starts = today - timedelta(days=300 + 97 * index % 700)
            ends = starts + timedelta(days=3 * 365)
            if index == 0:
                ends = today + timedelta(days=20)  # one due for its reminder
            elif index == 1:
                ends = today - timedelta(days=15)  # one lapsed, waiting for renewal
            agreements.append(Agreement(
                community=community, unit=unit, signed_on=starts, starts_on=starts, ends_on=ends,
                commitments="每季度至少开展一次共建活动；结对帮扶困难家庭；在职党员到社区报到服务。"))
    Agreement.objects.bulk_create(agreements)
    ensure_defaults(django_apps)
    areas = list(AgreementArea.objects.order_by("sort_order"))
    through = Agreement.areas.through
    through.objects.bulk_create([
        through(agreement_id=agreement.pk, agreementarea_id=area.pk)
        for index, agreement in enumerate(agreements) for area in areas[index % 3:index % 3 + 3]])


def _joint_seats(context, units_by_community):
    start = context.today.replace(month=1, day=1) - timedelta(days=365)
    JointCommitteeSeat.objects.bulk_create([
        JointCommitteeSeat(community=community, unit=unit,
                           person_name=f"{SURNAMES[(index + community.pk) % len(SURNAMES)]}书记",
                           unit_position="党支部书记", term_start=start,
                           term_end=start.replace(year=start.year + 5))
        for community, units in units_by_community.items()
        for index, unit in enumerate(units[:4])])


def _households(context, communities):
    households = [
        NeedyHousehold(
            community=community, kind=HOUSEHOLD_KINDS[index % len(HOUSEHOLD_KINDS)],
            head_name=f"{SURNAMES[(index * 3 + community.pk) % len(SURNAMES)]}某某",
            address=f"{_short(community)}{index + 1}号楼{index % 5 + 1}单元",
            household_size=index % 4 + 1, situation="收入低，家中有病人需长期照料",
            needs="生活照料、节日慰问", registered_on=context.today - timedelta(days=400))
        for community in communities for index in range(5)]
    NeedyHousehold.objects.bulk_create(households)
    by_community = {}
    for household in households:
        by_community.setdefault(household.community_id, []).append(household)
    return by_community


def _pairings(context, units_by_community, households):
    started = context.today - timedelta(days=200)
    pairings = [Pairing(community=community, kind=Pairing.Kind.UNIT_HOUSEHOLD, unit=unit,
                        household=household, started_on=started)
                for community, units in units_by_community.items()
                for unit, household in zip(units[:3], households.get(community.pk, []))]
    Pairing.objects.bulk_create(pairings)
    CareVisit.objects.bulk_create([
        CareVisit(pairing=pairing, visited_on=started + timedelta(days=30 * step),
                  visitors=f"{pairing.unit.name}党员", given="米、面、油和慰问金")
        for pairing in pairings for step in range(1, 3)])


def _ledger(context, units_by_community):
    """The source material's figures for this year, in 军民路社区 (or the first community)."""
    year_start = context.today.replace(month=1, day=1)
    community, units = next(
        ((c, u) for c, u in units_by_community.items() if _short(c) == "军民路社区"),
        next(iter(units_by_community.items())))
    Contribution.objects.bulk_create([
        Contribution(community=community, unit=units[index % len(units)], kind=kind,
                     amount=amount,
                     given_on=max(year_start, context.today - timedelta(days=index * 9)),
                     description={"money": "节日慰问捐款", "volunteers": "志愿服务",
                                  "investment": "服务设施共建投入"}[kind])
        for index, (kind, amount) in enumerate(LEDGER)])


def _needs_and_projects(context, units_by_community):
    needs, resources = [], []
    for community, units in units_by_community.items():
        for category, title, urgency in NEEDS:
            needs.append(Need(community=community, category=category, title=title,
                              urgency=urgency, posted_on=context.today - timedelta(days=40)))
        for index, unit in enumerate(units):
            _label, _type, category, capacity = UNIT_KINDS[index % len(UNIT_KINDS)]
            resources.append(Resource(unit=unit, category=category, title=f"{unit.name}服务",
                                      capacity=capacity))
    Need.objects.bulk_create(needs)
    Resource.objects.bulk_create(resources)
    first_need = {}
    for need in needs:
        first_need.setdefault((need.community_id, need.category), need)
    projects = []
    for resource in resources:
        community = next(c for c, units in units_by_community.items() if resource.unit in units)
        need = first_need.pop((community.pk, resource.category), None)
        if need is not None:
            projects.append(Project(community=community, need=need, resource=resource,
                                    unit=resource.unit, title=need.title, owner="社区书记",
                                    deadline=context.today + timedelta(days=60),
                                    status=Project.Status.IN_PROGRESS))
    Project.objects.bulk_create(projects)


def _register_members(context, units_by_community):
    """Employed members of each community registered with its units (双报到)."""
    changed = []
    for community, units in units_by_community.items():
        wanted = REGISTERED_MEMBERS.get(_short(community), len(units) * 3)
        members = list(Member.objects.filter(
            branch__path__startswith=community.path, employer_unit__isnull=True,
            category=Member.Category.EMPLOYED).order_by("pk")[:wanted])
        for index, member in enumerate(members):
            member.employer_unit = units[index % len(units)]
            member.employer_name = member.employer_unit.name
            changed.append(member)
    Member.objects.bulk_update(changed, ["employer_unit", "employer_name"], batch_size=2000)
    return len(changed)
