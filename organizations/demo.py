"""Demo tree: 光明路街道 (in 城关区) with the communities of the source material, and the demo
logins; at a city scale, more streets of 城关区 with as many communities each."""
from datetime import date

from django.contrib.auth import get_user_model

from organizations.models import CommitteeSeat, Grant, Grid, Node
from organizations.scope import Role

COMMUNITIES = [
    ("袁庄社区", Node.OrgType.COMMITTEE),
    ("兰新社区", Node.OrgType.COMMITTEE),
    ("军民路社区", Node.OrgType.COMMITTEE),
    ("健康路社区", Node.OrgType.GENERAL_BRANCH),
    ("永丰社区", Node.OrgType.GENERAL_BRANCH),
    ("新街社区", Node.OrgType.COMMITTEE),
    ("胜利社区", Node.OrgType.COMMITTEE),
]
ORDINALS = "一二三四五六七八九十"
# The password of every demo login (seed_demo prints it; README lists the logins).
DEMO_PASSWORD = "Demo@2026"
ORG_SUFFIX = {Node.OrgType.COMMITTEE: "党委", Node.OrgType.GENERAL_BRANCH: "党总支",
              Node.OrgType.BRANCH: "党支部"}


def _node(kind, name, parent=None, **fields):
    node, _created = Node.objects.get_or_create(kind=kind, name=name, parent=parent,
                                                defaults=fields)
    return node


def _user(username, full_name, **flags):
    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": full_name, **flags})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


# The demo district's streets after the first (光明路): a city-scale bench seeds up to ten,
# and more are numbered.
STREETS = ["人民路", "解放路", "北关", "南关", "西湖", "站前", "新华", "和平", "建设"]


def street_name(index):
    if index == 0:
        return "光明路街道党工委"
    if index - 1 < len(STREETS):
        return f"{STREETS[index - 1]}街道党工委"
    return f"城关{index + 1}号街道党工委"


def community_name(index, street_index=0):
    if street_index:
        # Later streets' communities are named after their street, so that no two communities
        # of the district share a name.
        prefix = street_name(street_index).removesuffix("街道党工委")
        return (f"{prefix}{index + 1}号社区", Node.OrgType.GENERAL_BRANCH)
    if index < len(COMMUNITIES):
        return COMMUNITIES[index]
    return (f"光明{index + 1}号社区", Node.OrgType.GENERAL_BRANCH)


def _street(context, district, street_index):
    if street_index == 0:
        return _node(Node.Kind.STREET, street_name(0), district, founded_on=date(1996, 7, 1),
                     address="光明路88号", phone="0561-3012345")
    street = _node(Node.Kind.STREET, street_name(street_index), district,
                   founded_on=date(1996 + street_index % 10, 7, 1),
                   address=f"{street_name(street_index).removesuffix('街道党工委')}路1号",
                   phone=f"0561-31{street_index:05d}")
    # Every later street has its own official, who inspects and issues its task lists; the
    # demo logins stay on the first street.
    official = _user(f"jiedao{street_index + 1}", f"街道干部{street_index + 1}")
    Grant.objects.get_or_create(user=official, node=street, role=Role.STREET_OFFICIAL)
    context.street_officials[street.pk] = official
    return street


def _community(context, street, street_index, index, branches_per_community):
    name, org_type = community_name(index, street_index)
    community = _node(Node.Kind.COMMUNITY, name + ORG_SUFFIX[org_type], street,
                      org_type=org_type, founded_on=date(2001 + index % 10, 7, 1),
                      address=f"{name.removesuffix('社区')}路{index + 1}号",
                      phone=f"0561-30{index + 10:04d}", sort_order=index)
    context.community_nodes.append(community)
    for grid_index in range(3):
        Grid.objects.get_or_create(community=community, name=f"第{ORDINALS[grid_index]}网格",
                                   defaults={"keeper": f"网格员{grid_index + 1}"})
    CommitteeSeat.objects.get_or_create(
        node=community, role=CommitteeSeat.Role.SECRETARY,
        defaults={"person_name": f"{name[0]}书记", "term_start": date(2021, 11, 1),
                  "term_end": date(2026, 11, 1) if index % 3 else date(2027, 1, 15)})
    for branch_index in range(branches_per_community):
        ordinal = ORDINALS[branch_index % 10] + ("" if branch_index < 10 else str(branch_index))
        branch = _node(Node.Kind.BRANCH, f"{name}第{ordinal}党支部", community,
                       sort_order=branch_index)
        context.branch_nodes.append(branch)
        for group_index in range(2):
            _node(Node.Kind.GROUP, f"第{ORDINALS[group_index]}党小组", branch,
                  sort_order=group_index)


def seed(context):
    district = _node(Node.Kind.DISTRICT, "城关区")
    # A database seeded before districts existed has the street at the root: it moves in.
    for street in Node.objects.filter(kind=Node.Kind.STREET, name="光明路街道党工委",
                                      parent__isnull=True):
        street.parent = district
        street.save()
    branches_per_community = max(2, min(10, context.members_per_community // 25 + 1))
    for street_index in range(context.streets):
        street = _street(context, district, street_index)
        context.street_nodes.append(street)
        for index in range(context.communities):
            _community(context, street, street_index, index, branches_per_community)
        if street_index:
            # …and a community staff member on its first community, who assigns and reports
            # its task items and fixes its rectifications.
            staff = _user(f"shequ{street_index + 1}", f"社区工作人员{street_index + 1}")
            first_community = context.community_nodes[-context.communities]
            Grant.objects.get_or_create(user=staff, node=first_community,
                                        role=Role.COMMUNITY_STAFF)
            context.street_staff[street.pk] = staff
    context.street = context.street_nodes[0]
    other = _node(Node.Kind.STREET, "东湖街道党工委", founded_on=date(1999, 7, 1))
    context.other_street = other
    other_community = _node(Node.Kind.COMMUNITY, "东湖社区党委", other,
                            org_type=Node.OrgType.COMMITTEE)
    _node(Node.Kind.BRANCH, "东湖社区第一党支部", other_community)

    first_street = context.community_nodes[:context.communities]
    lanxin = first_street[1] if len(first_street) > 1 else first_street[0]
    lanxin_branch = lanxin.children.filter(kind=Node.Kind.BRANCH).order_by("sort_order").first()
    users = {
        "quwei": (_user("quwei", "陈区委"), district, Role.DISTRICT_OFFICIAL),
        "jiedao": (_user("jiedao", "王街道"), context.street, Role.STREET_OFFICIAL),
        "shequ": (_user("shequ", "李社区"), lanxin, Role.COMMUNITY_STAFF),
        "shuji": (_user("shuji", "张书记"), lanxin_branch, Role.BRANCH_SECRETARY),
    }
    for username, (user, node, role) in users.items():
        Grant.objects.get_or_create(user=user, node=node, role=role)
        context.users[username] = user
    context.street_officials[context.street.pk] = context.users["jiedao"]
    context.street_staff[context.street.pk] = context.users["shequ"]
    context.users["admin"] = _user("admin", "系统管理员", is_superuser=True, is_staff=True)
    context.users["dangyuan"] = _user("dangyuan", "赵党员")
    context.log(f"组织架构：{len(context.community_nodes)} 个社区，{len(context.branch_nodes)} 个支部")
