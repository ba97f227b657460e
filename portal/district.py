"""The district (区委) pages: every street of a district side by side, and its monthly report.

Each street's figures are those of the street's own pages, computed by the same functions (the
dashboard panels, the monthly report's `reports.month_records`): a street costs a constant
number of queries whatever its number of communities, and the inspections and rectifications of
all the streets are counted in one grouped query each.
"""
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from activities.compliance import AMBER, GREEN, GREY, RED
from kernel.xlsx import workbook as new_workbook
from kernel.xlsx import workbook_bytes
from organizations.models import Node
from pairing.selectors import KIND_TOTALS
from portal.compliance_panels import STATUS_LABELS, compliance_panel
from portal.dashboards import branches_panel, build_panels, inspections_panel, street_scope
from portal.models import Inspection, Rectification
from portal.panel_types import path_url
from portal.reports import _header, month_records, report_scope
from portal.work_panels import activities_panel, contributions_panel, members_on_roll

STATUSES = (GREEN, AMBER, RED, GREY)
DASHBOARD_PANELS = [compliance_panel, activities_panel, contributions_panel]
REPORT_FIGURE_PANELS = [branches_panel, compliance_panel, inspections_panel]
# The figures of a row that the totals row adds up.
DASHBOARD_FIGURES = ["members", *STATUSES, "activities", "hours", *KIND_TOTALS,
                     "inspections", "failed", "open", "overdue"]
REPORT_FIGURES = ["communities", "branches", "members", *STATUSES, "inspections", "failed",
                  "open", "overdue", "meetings", "activities", "contributions",
                  "rectifications"]


def streets_of(district):
    return list(Node.objects.active().filter(kind=Node.Kind.STREET, district=district)
                .order_by("sort_order", "name"))


@dataclass
class DistrictTable:
    district: object
    rows: list      # (street, {figure: value}, {figure: url})
    totals: dict


def _totals(rows, figures):
    return {key: sum((values[key] for _street, values, *_rest in rows), 0) for key in figures}


def _compliance_counts(panel):
    """{status: branches} over the street's communities (this month's worst status)."""
    counts = dict.fromkeys(STATUSES, 0)
    for _community, summary in (panel.data["summary"] if panel else []):
        for status in STATUSES:
            counts[status] += summary.get(status, 0)
    return counts


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
    year_start, year_end = date(today.year, 1, 1), date(today.year, 12, 31)
    inspections = _inspections_by_street(streets, year_start, today, today)
    street_url, compliance_url = path_url("dashboards:street"), path_url(
        "activities:compliance_street")
    ranking_url, report_url = path_url("dashboards:ranking"), path_url(
        "dashboards:monthly_report")
    inspection_list = reverse("dashboards:inspection_list")
    rectification_list = reverse("dashboards:rectification_list")
    rows = []
    for street in streets:
        scope = street_scope(street, today)
        panels = {panel.key: panel for panel in build_panels(scope, DASHBOARD_PANELS)}
        activities = panels["activities"].data["totals"]
        values = {"members": members_on_roll(scope),
                  **_compliance_counts(panels.get("compliance")),
                  "activities": activities["activities"], "hours": activities["hours"],
                  **panels["contributions"].data["totals"], **inspections[street.pk]}
        ids = ",".join(str(community.pk) for community in scope.communities) or "0"
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


def _report_figures(street, month_start, today):
    """A street's line of the district report: the figures of the street's own monthly report,
    from the same panels and records, counted rather than listed."""
    scope = report_scope(street, month_start, today)
    panels = {panel.key: panel for panel in build_panels(scope, REPORT_FIGURE_PANELS)}
    inspections = panels["inspections"].data["totals"]
    return {"communities": len(scope.communities),
            "branches": panels["branches"].data["total"],
            "members": members_on_roll(scope),
            **_compliance_counts(panels.get("compliance")),
            "inspections": inspections["total"], "failed": inspections["failed"],
            "open": inspections["open"], "overdue": inspections["overdue"],
            **{name: records.count()
               for name, records in month_records(scope, month_start).items()}}


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
    report_url = path_url("dashboards:monthly_report")
    month = urlencode({"month": f"{month_start:%Y-%m}"})
    rows = [(street, _report_figures(street, month_start, today),
             f"{report_url(street.pk)}?{month}")
            for street in streets_of(district)]
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
