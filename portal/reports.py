"""Monthly report (月报) of a community or a street: the dashboard's figures for the month, the
month's meetings, activities and contributions, 三会一课 compliance and the rectifications, as a
printable page and as an xlsx workbook.

The report reuses the dashboard panels (`REPORT_PANELS`); the workbook writes one sheet per
function in `XLSX_SHEETS`, each `(workbook, report) -> None`. Other apps add their figures
(meetings, activities, contributions) by appending a panel and a sheet function.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill

from activities.compliance import Span
from activities.models import Attendance, CommunityActivity, Meeting, Period
from kernel.xlsx import workbook_bytes
from kernel.xlsx import workbook as new_workbook
from members.models import Member
from organizations.models import Node
from pairing.models import Contribution
from portal.compliance_panels import STATUS_LABELS, compliance_panel
from portal.dashboards import (DashboardScope, branches_panel, build_panels, inspections_panel,
                               members_panel)
from portal.models import Rectification
from portal.wish_panels import wishes_panel
from portal.work_panels import activities_panel, contributions_panel, service_panel

REPORT_PANELS = [members_panel, branches_panel, compliance_panel, inspections_panel,
                 activities_panel, service_panel, contributions_panel, wishes_panel]


@dataclass
class MonthlyReport:
    node: object
    month_start: date
    month_end: date
    panels: list
    rectifications: list
    meetings: list
    activities: list
    contributions: list

    def panel(self, key):
        return next((panel for panel in self.panels if panel.key == key), None)


def month_end_of(month_start):
    return (month_start + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def report_scope(node, month_start, today):
    """The dashboard scope a month's report is computed in: figures held by the month's end."""
    if node.kind == Node.Kind.STREET:
        communities = list(Node.objects.active().filter(parent=node, kind=Node.Kind.COMMUNITY)
                           .order_by("sort_order", "name"))
    else:
        communities = [node]
    return DashboardScope(node=node, communities=communities,
                          today=min(month_end_of(month_start), today), street=None)


def month_records(scope, month_start, meetings_under=None):
    """The month's rectifications (and the older ones still open), meetings, activities and
    contributions of the scope, unordered: the report lists them, the district report counts
    them (its meetings `meetings_under` its streets: a district is outside the paths)."""
    month_end = month_end_of(month_start)
    communities = scope.communities
    span = Span.of(Period.MONTH, month_start)
    return {
        "rectifications": Rectification.objects.filter(community__in=communities).filter(
            Q(inspection__inspected_on__gte=month_start, inspection__inspected_on__lte=month_end)
            | (Q(inspection__inspected_on__lt=month_start)
               & ~Q(status=Rectification.Status.ACCEPTED))),
        "meetings": Meeting.objects.filter(meetings_under or Q(
            branch__path__startswith=scope.node.path), starts_at__gte=span.starts_at(),
                                           starts_at__lt=span.ends_before()),
        "activities": CommunityActivity.objects.filter(
            community__in=communities, held_on__gte=month_start, held_on__lte=month_end),
        "contributions": Contribution.objects.filter(
            community__in=communities, given_on__gte=month_start, given_on__lte=month_end),
    }


def monthly_report(node, month_start, today):
    scope = report_scope(node, month_start, today)
    records = month_records(scope, month_start)
    rectifications = list(
        records["rectifications"].select_related("community", "inspection__point")
        .order_by("community__sort_order", "community__name", "deadline", "pk"))
    meetings = list(
        records["meetings"].select_related("branch", "group").prefetch_related("kinds")
        .annotate(present=Count("attendances",
                                filter=Q(attendances__status=Attendance.Status.PRESENT)))
        .order_by("starts_at", "pk"))
    activities = list(
        records["activities"].select_related("community")
        .annotate(members=Count("participations")).order_by("held_on", "pk"))
    contributions = list(
        records["contributions"].select_related("community", "unit").order_by("given_on", "pk"))
    return MonthlyReport(node, month_start, month_end_of(month_start),
                         build_panels(scope, REPORT_PANELS), rectifications, meetings,
                         activities, contributions)


HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")


def _header(sheet, titles):
    sheet.append(titles)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
    for cell in sheet[sheet.max_row]:
        sheet.column_dimensions[cell.column_letter].width = max(10, len(str(cell.value)) * 2 + 2)


def overview_sheet(workbook, report):
    sheet = workbook.active
    sheet.title = _("概况")
    sheet.append([_("%(name)s %(year)d年%(month)d月 月报") % {
        "name": report.node.name, "year": report.month_start.year,
        "month": report.month_start.month}])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    members = report.panel("members")
    branches = dict((c.pk, n) for c, n, _url in report.panel("branches").data["rows"])
    inspections = dict((c.pk, f) for c, f in report.panel("inspections").data["rows"])
    _header(sheet, [_("社区"), _("党支部"), _("党员"), _("正式党员"), _("预备党员"),
              *[str(label) for _value, label in Member.Category.choices],
              _("本月督查"), _("不合格"), _("未完成整改"), _("逾期整改")])
    for community, figures, *_urls in members.data["rows"]:
        inspection = inspections[community.pk]
        sheet.append([community.name, branches.get(community.pk, 0), figures["total"],
                      figures["full"], figures["probationary"],
                      *[figures[value] for value in Member.Category.values],
                      inspection["total"], inspection["failed"], inspection["open"],
                      inspection["overdue"]])
    sheet.column_dimensions["A"].width = 24


def rectifications_sheet(workbook, report):
    sheet = workbook.create_sheet(_("整改"))
    _header(sheet, [_("社区"), _("点位"), _("督查日期"), _("发现问题"), _("整改期限"),
                    _("状态"), _("整改完成日期"), _("验收日期")])
    for rectification in report.rectifications:
        sheet.append([rectification.community.name, str(rectification.inspection.point),
                      rectification.inspection.inspected_on, rectification.inspection.problem,
                      rectification.deadline, rectification.get_status_display(),
                      rectification.fixed_on, rectification.accepted_on])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"


def _dates(sheet):
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"


def compliance_sheet(workbook, report):
    sheet = workbook.create_sheet(_("三会一课"))
    panel = report.panel("compliance")
    _header(sheet, [_("社区"), *[str(label) for label in STATUS_LABELS.values()]])
    for community, counts in (panel.data["summary"] if panel else []):
        sheet.append([community.name, *[counts[code] for code in STATUS_LABELS]])
    sheet.append([])
    _header(sheet, [_("未达标支部"), _("上月"), _("本月"), _("本季度"), _("未达标的会议")])
    for row in (panel.data["red"] if panel else []):
        sheet.append([row["branch"].name, str(STATUS_LABELS[row["previous"]]),
                      str(STATUS_LABELS[row["month"]]),
                      str(STATUS_LABELS[row["quarter"]]), "、".join(row["missing"])])
    sheet.column_dimensions["A"].width = 28


def meetings_sheet(workbook, report):
    sheet = workbook.create_sheet(_("会议"))
    _header(sheet, [_("日期"), _("党支部"), _("党小组"), _("会议类型"), _("议题"), _("状态"),
                    _("出席人数")])
    for meeting in report.meetings:
        sheet.append([timezone.localdate(meeting.starts_at), meeting.branch.name,
                      meeting.group.name if meeting.group else "",
                      "、".join(kind.label for kind in meeting.kinds.all()), meeting.topic,
                      meeting.get_status_display(), meeting.present])
    _dates(sheet)


def activities_sheet(workbook, report):
    sheet = workbook.create_sheet(_("社区活动"))
    _header(sheet, [_("日期"), _("社区"), _("类型"), _("活动名称"), _("党员人数"), _("居民人数")])
    for activity in report.activities:
        sheet.append([activity.held_on, activity.community.name, activity.get_kind_display(),
                      activity.title, activity.members, activity.residents_count])
    _dates(sheet)


def contributions_sheet(workbook, report):
    sheet = workbook.create_sheet(_("共建贡献"))
    _header(sheet, [_("日期"), _("社区"), _("共建单位"), _("类别"), _("数额"), _("单位"),
                    _("说明")])
    for contribution in report.contributions:
        sheet.append([contribution.given_on, contribution.community.name,
                      contribution.unit.name if contribution.unit else "",
                      contribution.get_kind_display(), contribution.amount,
                      str(contribution.amount_unit), contribution.description])
    _dates(sheet)


XLSX_SHEETS = [overview_sheet, compliance_sheet, meetings_sheet, activities_sheet,
               contributions_sheet, rectifications_sheet]


def monthly_report_xlsx(report):
    workbook = new_workbook()
    for write_sheet in XLSX_SHEETS:
        write_sheet(workbook, report)
    return workbook_bytes(workbook)
