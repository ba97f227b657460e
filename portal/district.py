"""The district (区委) pages: every street of a district side by side, and its monthly report.

Each street's figures are those of the street's own pages, computed by the same functions (the
figures behind the dashboard panels, the monthly report's `reports.month_records`, the 三会一课
judgements the street pages cache): they run once over every community of the district,
grouped by community in the database, and each street's line adds up its communities. So a page
costs the same number of queries for two streets or ten, and no street is read twice. The
dashboard takes the figures without the panels' per-community links, which for 500
communities cost more than the figures.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from activities.compliance import AMBER, GREEN, GREY, RED
from kernel.paths import path_ids
from kernel.xlsx import workbook as new_workbook
from kernel.xlsx import workbook_bytes
from organizations.models import Node
from pairing.selectors import KIND_TOTALS
from portal.compliance_panels import STATUS_LABELS, month_status_counts
from portal.dashboards import inspection_figures
from portal.models import Inspection, Rectification
from portal.panel_types import DashboardScope, path_url
from portal.reports import _header, month_end_of, month_records
from portal.work_panels import (activity_totals, contribution_totals,
                                members_on_roll_by_community)

STATUSES = (GREEN, AMBER, RED, GREY)
# The figures of a row that the totals row adds up.
DASHBOARD_FIGURES = ["members", *STATUSES, "activities", "hours", *KIND_TOTALS,
                     "inspections", "failed", "open", "overdue"]
REPORT_FIGURES = ["communities", "branches", "members", *STATUSES, "inspections", "failed",
                  "open", "overdue", "meetings", "activities", "contributions",
                  "rectifications"]


def streets_of(district):
    return list(Node.objects.active().filter(kind=Node.Kind.STREET, district=district)
                .order_by("sort_order", "name"))


def under_streets(streets, prefix=""):
    """The nodes under these streets, by their paths (whatever a node's district column says
    while a save is carrying it)."""
    return reduce(or_, (Q(**{f"{prefix}path__startswith": street.path}) for street in streets),
                  Q(pk__in=[]))


class DistrictScopes:
    """The district's dashboard scope over every community of its streets, and each street's
    own scope, sharing the rows read once: the communities, and the branches (whose street is
    the first id of their path, the district being outside the paths)."""

    def __init__(self, district, streets, today):
        self.streets = streets
        communities = list(Node.objects.active().filter(kind=Node.Kind.COMMUNITY,
                                                        parent__in=streets)
                           .order_by("sort_order", "name"))
        branches = list(Node.objects.filter(under_streets(streets), kind=Node.Kind.BRANCH)
                        .order_by("sort_key")
                        .values_list("pk", "parent_id", "name", "archived_at", "path",
                                     named=True))
        self.district = DashboardScope(node=district, communities=communities, today=today,
                                       memo={"branches": branches})
        by_street = defaultdict(lambda: ([], []))
        for community in communities:
            by_street[community.parent_id][0].append(community)
        for branch in branches:
            by_street[path_ids(branch.path)[0]][1].append(branch)
        self.street = {street.pk: DashboardScope(
            node=street, communities=by_street[street.pk][0], today=today, street=street,
            memo={"branches": by_street[street.pk][1]}) for street in streets}

    def per_street(self, per_community):
        """{street id: {figure: sum over its communities}} of {community id: {figure: value}}."""
        sums = {street.pk: defaultdict(int) for street in self.streets}
        for community in self.district.communities:
            for key, value in per_community.get(community.pk, {}).items():
                sums[community.parent_id][key] += value
        return sums

    def compliance(self):
        """{street id: {status: branches, "red_branches": n}}: this month's worst status of each
        branch, and the branches red over one of the panel's spans."""
        return self.per_street(month_status_counts(list(self.street.values())))

    def members(self):
        return {pk: sum(counts.values()) for pk, counts in self.per_street(
            {community: {"members": n} for community, n in
             members_on_roll_by_community(self.district.communities).items()}).items()}


@dataclass
class DistrictTable:
    district: object
    rows: list      # (street, {figure: value}, {figure: url})
    totals: dict


def _totals(rows, figures):
    return {key: sum((values[key] for _street, values, *_rest in rows), 0) for key in figures}


def _inspections_by_street(streets, first, last, today):
    """{street id: {inspections, failed, open, overdue}} in two grouped queries: a
    community's street is its parent."""
    empty = {"inspections": 0, "failed": 0, "open": 0, "overdue": 0}
    figures = {street.pk: dict(empty) for street in streets}
    communities = Q(community__parent__in=streets, community__archived_at__isnull=True)
    for row in (Inspection.objects.filter(communities).between(first, last)
                .values("community__parent_id")
                .annotate(n=Count("pk"), failed=Count("pk", filter=Q(
                    result=Inspection.Result.FAIL))).order_by()):
        figures[row["community__parent_id"]].update(inspections=row["n"], failed=row["failed"])
    for row in (Rectification.objects.filter(communities).unresolved()
                .values("community__parent_id")
                .annotate(n=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today)))
                .order_by()):
        figures[row["community__parent_id"]].update(open=row["n"], overdue=row["overdue"])
    return figures


def district_dashboard(district, today):
    streets = streets_of(district)
    scopes = DistrictScopes(district, streets, today)
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    inspections = _inspections_by_street(streets, year_start, today, today)
    activities = scopes.per_street({
        pk: {"activities": figures["activities"], "hours": figures["hours"]}
        for pk, figures in activity_totals(scopes.district.communities, today.year).items()})
    contributions = scopes.per_street({
        pk: {key: figures[key] for key in KIND_TOTALS}
        for pk, figures in contribution_totals(scopes.district.communities, today.year).items()})
    compliance, members = scopes.compliance(), scopes.members()
    street_url, compliance_url = path_url("dashboards:street"), path_url(
        "activities:compliance_street")
    ranking_url, report_url = path_url("dashboards:ranking"), path_url(
        "dashboards:monthly_report")
    inspection_list = reverse("dashboards:inspection_list")
    rectification_list = reverse("dashboards:rectification_list")
    rows = []
    for street in streets:
        values = {"members": members[street.pk],
                  **{status: compliance[street.pk][status] for status in STATUSES},
                  "activities": activities[street.pk]["activities"],
                  "hours": activities[street.pk]["hours"],
                  **{key: contributions[street.pk][key] for key in KIND_TOTALS},
                  **inspections[street.pk]}
        ids = ",".join(str(community.pk) for community in scopes.street[street.pk].communities
                       ) or "0"
        dashboard = street_url(street.pk)
        links = {"street": dashboard, "members": f"{dashboard}#panel-members",
                 "compliance": compliance_url(street.pk), "ranking": ranking_url(street.pk),
                 "activities": f"{dashboard}#panel-activities",
                 "contributions": f"{dashboard}#panel-contributions",
                 "report": report_url(street.pk),
                 "inspections": f"{inspection_list}?" + urlencode(
                     {"community": ids, "date_from": year_start, "date_to": year_end}),
                 "open": f"{rectification_list}?" + urlencode({"community": ids,
                                                               "state": "open"}),
                 "overdue": f"{rectification_list}?" + urlencode({"community": ids,
                                                                  "state": "overdue"})}
        rows.append((street, values, links))
    return DistrictTable(district, rows, _totals(rows, DASHBOARD_FIGURES))


def _month_counts(scopes, month_start):
    """{street id: {meetings, activities, contributions, rectifications}}: the records each
    street's monthly report lists, counted in one grouped query each."""
    records = month_records(scopes.district, month_start,
                            meetings_under=under_streets(scopes.streets, "branch__"))
    per_community = defaultdict(dict)
    for name in ("rectifications", "activities", "contributions"):
        for community_id, n in (records[name].values_list("community_id")
                                .annotate(n=Count("pk")).order_by()):
            per_community[community_id][name] = n
    counts = scopes.per_street(per_community)
    street_of = {branch.pk: path_ids(branch.path)[0]
                 for branch in scopes.district.memo["branches"]}
    for branch_id, n in (records["meetings"].values_list("branch_id")
                         .annotate(n=Count("pk")).order_by()):
        if street_of.get(branch_id) in counts:
            counts[street_of[branch_id]]["meetings"] += n
    return counts


@dataclass
class DistrictReport:
    district: object
    month_start: date
    rows: list      # (street, {figure: value}, street report url)
    totals: dict

    @property
    def lines(self):
        """(street, url, [values in REPORT_FIGURES order]) for the page's table."""
        return [(street, url, [figures[key] for key in REPORT_FIGURES])
                for street, figures, url in self.rows]

    @property
    def total_cells(self):
        return [self.totals[key] for key in REPORT_FIGURES]


def district_report(district, month_start, today):
    """Each street's line holds the figures of the street's own monthly report, held by the
    month's end: counted rather than listed."""
    streets = streets_of(district)
    scopes = DistrictScopes(district, streets, min(month_end_of(month_start), today))
    inspections = scopes.per_street({
        pk: {key: figures[key] for key in ("total", "failed", "open", "overdue")}
        for pk, figures in inspection_figures(scopes.district.communities,
                                              *scopes.district.month,
                                              scopes.district.today).items()})
    compliance, members = scopes.compliance(), scopes.members()
    records = _month_counts(scopes, month_start)
    report_url = path_url("dashboards:monthly_report")
    month = urlencode({"month": f"{month_start:%Y-%m}"})
    rows = []
    for street in streets:
        scope = scopes.street[street.pk]
        figures = {"communities": len(scope.communities),
                   "branches": sum(branch.archived_at is None for branch in scope.branches()),
                   "members": members[street.pk],
                   **{status: compliance[street.pk][status] for status in STATUSES},
                   "inspections": inspections[street.pk]["total"],
                   **{key: inspections[street.pk][key] for key in ("failed", "open", "overdue")},
                   **{name: records[street.pk][name] for name in (
                       "meetings", "activities", "contributions", "rectifications")}}
        rows.append((street, figures, f"{report_url(street.pk)}?{month}"))
    return DistrictReport(district, month_start, rows, _totals(rows, REPORT_FIGURES))


def report_headers():
    return [_("街道"), _("社区"), _("党支部"), _("党员"),
            *[str(STATUS_LABELS[status]) for status in STATUSES],
            _("本月督查"), _("不合格"), _("未完成整改"), _("逾期整改"), _("会议"),
            _("社区活动"), _("共建贡献"), _("整改")]


def district_report_xlsx(report):
    workbook = new_workbook()
    sheet = workbook.active
    sheet.title = _("概况")
    sheet.append([_("%(name)s %(year)d年%(month)d月 月报") % {
        "name": report.district.name, "year": report.month_start.year,
        "month": report.month_start.month}])
    sheet.append([])
    _header(sheet, report_headers())
    for street, _url, cells in report.lines:
        sheet.append([street.name, *cells])
    sheet.append([_("合计"), *report.total_cells])
    sheet.column_dimensions["A"].width = 24
    return workbook_bytes(workbook)
