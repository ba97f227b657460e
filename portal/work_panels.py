"""Dashboard panels fed by the other apps: activities and volunteer hours per month, post fill
rate and 双报到 registration rate, co-building contributions, and what needs doing this week.

Every figure is grouped by community (or month) in the database, so a panel costs the same few
queries for one community or fifty; every figure links to the list behind it, already filtered.
"""
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from activities.models import CommunityActivity, Meeting, Notification, Participation
from members import contact_cache
from members.models import Member, Post, PostClaim, Registration
from organizations.models import Node
from pairing.models import Contribution
from pairing.selectors import KIND_TOTALS
from portal.i18n_formats import month_label
from portal.panel_types import Panel, path_url, status_class


def _per_community(template):
    return defaultdict(lambda: dict(template))


def _rate(part, whole):
    return Decimal(part) / Decimal(whole) if whole else None


def _activity_rows(communities, year, by_month):
    """The year's activities and members' volunteer hours in these communities, grouped by
    community and, `by_month`, by month."""
    def month(field):
        return {"month": ExtractMonth(field)} if by_month else {}

    activities = (CommunityActivity.objects.filter(community__in=communities, held_on__year=year)
                  .values("community_id", **month("held_on"))
                  .annotate(n=Count("pk")).order_by())
    hours = (Participation.objects.filter(activity__community__in=communities,
                                          activity__held_on__year=year)
             .values(community=F("activity__community_id"), **month("activity__held_on"))
             .annotate(hours=Sum("hours"), people=Count("pk")).order_by())
    return activities, hours


def activity_totals(communities, year):
    """{community id: figures} of the year's activities and volunteer hours: grouped by
    community alone (the district's 500 communities by 12 months were 6,000 rows)."""
    activities, hours = _activity_rows(communities, year, by_month=False)
    per_community = _per_community({"activities": 0, "hours": Decimal(0), "people": 0})
    for row in activities:
        per_community[row["community_id"]]["activities"] += row["n"]
    for row in hours:
        per_community[row["community"]].update(hours=row["hours"], people=row["people"])
    return per_community


def activity_figures(communities, year):
    """({month: figures}, {community id: figures}) of the year's community activities and
    members' volunteer hours in these communities."""
    activities, hours = _activity_rows(communities, year, by_month=True)
    per_month = {month: {"activities": 0, "hours": Decimal(0), "people": 0}
                 for month in range(1, 13)}
    per_community = _per_community({"activities": 0, "hours": Decimal(0), "people": 0})
    for row in activities:
        per_month[row["month"]]["activities"] += row["n"]
        per_community[row["community_id"]]["activities"] += row["n"]
    for row in hours:
        for figures in (per_month[row["month"]], per_community[row["community"]]):
            figures["hours"] += row["hours"]
            figures["people"] += row["people"]
    return per_month, per_community


def activities_panel(scope):
    """Community activities and members' volunteer hours per month of this year."""
    year = scope.today.year
    months = list(range(1, 13))
    per_month, per_community = activity_figures(scope.communities, year)
    list_url = reverse("activities:activity_list")
    ids = [community.pk for community in scope.communities]
    single = ids[0] if len(ids) == 1 else None

    def link(community=None, month=None):
        first = date(year, month or 1, 1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1) if month \
            else date(year, 12, 31)
        filters = {"community": community} if community else {}
        return f"{list_url}?{urlencode({**filters, 'date_from': first, 'date_to': last})}"

    return Panel("activities", _("社区活动与志愿服务时长（%(year)d年）") % {"year": year}, {
        "year": year,
        "totals": {key: sum(figures[key] for figures in per_month.values())
                   for key in ["activities", "hours", "people"]},
        "total_url": link(single),
        "months": [(month, per_month[month], link(single, month)) for month in months],
        "rows": [(community, per_community[community.pk], link(community.pk))
                 for community in scope.communities],
        "chart": {"months": [month_label(month) for month in months],
                  "activities": [per_month[month]["activities"] for month in months],
                  "hours": [float(per_month[month]["hours"]) for month in months]},
    })


def member_counts(scope):
    """{community id: `_member_figures` of it} for the members on the roll under the node: what
    the members and service panels share. A street's or a community's come from the cache (below);
    a branch's, a part of its community, are counted for the page."""
    if "member_counts" not in scope.memo:
        if scope.node.kind == Node.Kind.BRANCH:
            scope.memo["member_counts"] = _member_figures({scope.node.pk: scope.node.parent_id})
        else:
            scope.memo["member_counts"] = member_figures_by_community(scope.communities)
    return scope.memo["member_counts"]


def member_figures_by_community(communities):
    """{community id: `_member_figures` of it}, counted per community once and cached under the
    versions of the 失联 lists, which a member entered, moved, gone, made a full member or given
    another category or unit replaces, as does a 双报到 registration approved or no longer
    (members/contact_cache.py): a street's 50,000 members took some 110 ms to count, for every
    look at its dashboard. Every branch of a community counts, archived ones too, as in the
    members panel, whoever asks: the entry is the community's."""
    def count(missing):
        return _member_figures(dict(
            Node.objects.filter(kind=Node.Kind.BRANCH, parent_id__in=missing)
            .values_list("pk", "parent_id")), missing)

    return contact_cache.CACHE.get("figures", (), [community.pk for community in communities],
                                   count)


def _member_figures(community_of, community_ids=()):
    """{community id: {"counts": {(category, status): [members, with an approved 双报到
    registration]}, "units": {employer unit's name or None: [employed members, registered]}}}
    of the members on the roll of these branches ({branch id: community id}), and of these
    communities, which may have none: two queries."""
    figures = {pk: {"counts": {}, "units": {}} for pk in (*community_ids,
                                                            *community_of.values())}
    members = Member.objects.active().filter(branch_id__in=list(community_of))
    registered = Count("pk", filter=Exists(Registration.objects.filter(
        member=OuterRef("pk"), status=Registration.Status.APPROVED)))
    # Grouped by branch, the index `member_on_roll_counts` gives the rows in order and the
    # database neither joins nor sorts the members; the branches are summed up here.
    for branch_id, category, status, n, with_registration in (
            members.values_list("branch_id", "category", "status")
            .annotate(n=Count("pk"), registered=registered).order_by()):
        _add(figures[community_of[branch_id]]["counts"], (category, status), n,
             with_registration)
    for branch_id, unit, n, with_registration in (
            members.filter(category=Member.Category.EMPLOYED)
            .values_list("branch_id", "employer_unit__name")
            .annotate(n=Count("pk"), registered=registered).order_by()):
        _add(figures[community_of[branch_id]]["units"], unit, n, with_registration)
    return figures


def _add(totals, key, n, registered):
    pair = totals.setdefault(key, [0, 0])
    pair[0] += n
    pair[1] += registered


def members_by_status_by_community(communities):
    """{community id: {status: members on the roll}}: the district's pages and big screen (a
    district's 500,000 members took 110–270 ms to count, for each look and every refresh of its
    screen). Cached per community as `member_figures_by_community` is, but apart: counted from
    the index alone, and read 500 at a time, without each community's units and categories."""
    def count(missing):
        counts = {pk: {} for pk in missing}
        community_of = dict(Node.objects.filter(kind=Node.Kind.BRANCH, parent_id__in=missing)
                            .values_list("pk", "parent_id"))
        for branch_id, status, n in (Member.objects.active()
                                     .filter(branch_id__in=list(community_of))
                                     .values_list("branch_id", "status")
                                     .annotate(n=Count("pk")).order_by()):
            by_status = counts[community_of[branch_id]]
            by_status[status] = by_status.get(status, 0) + n
        return counts

    return contact_cache.CACHE.get("by_status", (), [community.pk for community in communities],
                                   count)


def members_on_roll_by_community(communities):
    """{community id: members on the roll}, from `members_by_status_by_community`."""
    return {pk: sum(by_status.values()) for pk, by_status in
            members_by_status_by_community(communities).items()}


UNITS_SHOWN = 15


def service_panel(scope):
    """岗位认领 fill rate (approved current claims ÷ capacity of open posts) and the 双报到
    rate of employed members (those with an approved registration ÷ all of them)."""
    capacity = dict(Post.objects.open().filter(community__in=scope.communities)
                    .values_list("community_id").annotate(n=Sum("capacity")).order_by())
    claims = (PostClaim.objects.filter(post__community__in=scope.communities,
                                       post__archived_at__isnull=True)
              .values("post__community_id").annotate(
                  taken=Count("pk", filter=Q(status=PostClaim.Status.APPROVED,
                                             ended_on__isnull=True)),
                  pending=Count("pk", filter=Q(status=PostClaim.Status.PENDING)))
              .order_by())
    received = (Registration.objects.filter(community__in=scope.communities)
                .values("community_id").annotate(
                    approved=Count("pk", filter=Q(status=Registration.Status.APPROVED)),
                    pending=Count("pk", filter=Q(status=Registration.Status.PENDING)))
                .order_by())
    figures = _per_community({"capacity": 0, "taken": 0, "pending_claims": 0, "employed": 0,
                              "registered": 0, "received": 0, "pending_registrations": 0})
    for community_id, n in capacity.items():
        figures[community_id]["capacity"] = n or 0
    for row in claims:
        figures[row["post__community_id"]].update(taken=row["taken"],
                                                  pending_claims=row["pending"])
    units = defaultdict(lambda: {"employed": 0, "registered": 0})
    for community_id, counted in member_counts(scope).items():
        for (category, _status), (n, registered) in counted["counts"].items():
            if category == Member.Category.EMPLOYED:
                figures[community_id]["employed"] += n
                figures[community_id]["registered"] += registered
        for name, (n, registered) in counted["units"].items():
            unit = units[name or _("未登记共建单位")]
            unit["employed"] += n
            unit["registered"] += registered
    for row in received:
        figures[row["community_id"]].update(received=row["approved"],
                                            pending_registrations=row["pending"])
    roster = reverse("members:roster")
    board, registrations = path_url("members:post_board"), path_url("members:registration_list")
    rows = []
    for community in scope.communities:
        row = figures[community.pk]
        row["fill_rate"] = _rate(row["taken"], row["capacity"])
        row["registration_rate"] = _rate(row["registered"], row["employed"])
        row["fill_status"] = _rate_status(row["fill_rate"])
        row["registration_status"] = _rate_status(row["registration_rate"])
        row["links"] = {"board": board(community.pk),
                        "registrations": registrations(community.pk),
                        "employed": f"{roster}?{urlencode({'community': community.pk})}"
                                    f"&category={Member.Category.EMPLOYED}"}
        rows.append((community, row))
    totals = {key: sum(row[key] for _c, row in rows)
              for key in ["capacity", "taken", "pending_claims", "employed", "registered",
                          "received", "pending_registrations"]}
    totals["fill_rate"] = _rate(totals["taken"], totals["capacity"])
    totals["registration_rate"] = _rate(totals["registered"], totals["employed"])
    # The units to chase first: a street's employed members work for some 300 units.
    unit_rows = sorted(((name, row, _rate(row["registered"], row["employed"]))
                        for name, row in units.items()),
                       key=lambda item: (item[2] is None, item[2] or 0, str(item[0])))
    # The big figures open their list: one community's board and registrations, or for a
    # street the per-community table below, whose every figure opens that community's list.
    single = scope.communities[0] if len(scope.communities) == 1 else None
    totals_links = ({"board": board(single.pk), "registrations": registrations(single.pk)}
                    if single else {"board": "#service-table", "registrations": "#service-table"})
    return Panel("service", _("岗位认领与双报到"), {
        "rows": rows, "totals": totals, "totals_links": totals_links,
        "units": unit_rows[:UNITS_SHOWN],
        "units_total": len(unit_rows),
        "employed_url": _roster_url(scope.node),
    })


def _rate_status(rate):
    if rate is None:
        return "status-grey"
    return status_class(1 - rate, Decimal("0.2"), Decimal("0.5"))


def _roster_url(node):
    filters = {"category": Member.Category.EMPLOYED}
    if node.kind in (Node.Kind.COMMUNITY, Node.Kind.BRANCH):
        filters[node.kind] = node.pk
    return f"{reverse('members:roster')}?{urlencode(filters)}"


def contribution_totals(communities, year):
    """{community id: {kind total: amount}} of the year's co-building ledger (a community with
    no contribution has no entry)."""
    return {row["community_id"]: row for row in
            Contribution.objects.filter(community__in=communities, given_on__year=year)
            .values("community_id").annotate(**KIND_TOTALS).order_by()}


def contributions_panel(scope):
    """The co-building ledger of this year per community: money, goods, person-times of
    volunteers, project investment."""
    year = scope.today.year
    empty = {key: Decimal(0) for key in KIND_TOTALS}
    by_community = contribution_totals(scope.communities, year)
    list_url = reverse("pairing:contribution_list")
    table = []
    for community in scope.communities:
        figures = {**empty, **{key: by_community.get(community.pk, {}).get(key, Decimal(0))
                               for key in KIND_TOTALS}}
        figures["url"] = f"{list_url}?{urlencode({'community': community.pk, 'year': year})}"
        table.append((community, figures))
    totals = {key: sum(figures[key] for _c, figures in table) for key in KIND_TOTALS}
    single = scope.communities[0].pk if len(scope.communities) == 1 else None
    return Panel("contributions", _("共建贡献（%(year)d年）") % {"year": year}, {
        "year": year, "rows": table, "totals": totals,
        "kinds": [(f"{value}_total", label, Contribution.UNIT_OF_KIND[value],
                   totals[f"{value}_total"])
                  for value, label in Contribution.Kind.choices],
        "total_url": f"{list_url}?{urlencode({'community': single, 'year': year})}"
        if single else f"{list_url}?{urlencode({'year': year})}",
    })


def week_work_panel(scope):
    """本周要办: meetings whose time has passed but are not recorded, claims and registrations
    to decide, and how many reminders reached the scope's members this week."""
    now = timezone.now()
    week_start, week_end = scope.week
    unrecorded = list(Meeting.objects.planned().filter(branch__path__startswith=scope.node.path,
                                                       ends_at__lt=now)
                      .select_related("branch").order_by("starts_at", "pk")[:20])
    unrecorded_count = (Meeting.objects.planned()
                        .filter(branch__path__startswith=scope.node.path, ends_at__lt=now)
                        .count())
    community = scope.communities[0]
    claims = PostClaim.objects.filter(post__community=community, status=PostClaim.Status.PENDING)
    registrations = Registration.objects.filter(community=community,
                                                status=Registration.Status.PENDING)
    # Community staff decide claims and registrations. A branch secretary cannot open those
    # lists: their page counts their own members' requests still waiting for the community,
    # without a link to a page that would answer 404.
    for_branch = scope.node.kind == Node.Kind.BRANCH
    if for_branch:
        claims = claims.filter(member__branch=scope.node)
        registrations = registrations.filter(member__branch=scope.node)
    pending_claims = claims.count()
    pending_registrations = registrations.count()
    starts = timezone.make_aware(datetime.combine(week_start, time.min))
    reminders = Notification.objects.filter(
        recipient__member__branch__path__startswith=scope.node.path, created_at__gte=starts,
        created_at__lt=starts + timedelta(days=7)).count()
    meetings = reverse("activities:meeting_list")
    return Panel("week_work", _("本周待办：会议、认领、报到"), {
        "unrecorded": unrecorded, "unrecorded_count": unrecorded_count,
        "unrecorded_url": f"{meetings}?" + urlencode(
            {"node": scope.node.pk, "status": Meeting.Status.PLANNED, "date_to": scope.today}),
        "pending_claims": pending_claims,
        "claims_url": None if for_branch else reverse("members:post_board", args=[community.pk]),
        "pending_registrations": pending_registrations,
        "registrations_url": None if for_branch
        else reverse("members:registration_list", args=[community.pk]),
        "for_branch": for_branch,
        "reminders": reminders, "week_start": week_start, "week_end": week_end,
    })
