"""The year-end feedback to a unit's party organization: its members' service in communities."""
from io import BytesIO

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from members.models import Member


def member_service_in_period(members, start, end):
    """{member_id: {column: value}} of each member's service between start and end.

    This is the one place other apps' service figures join the report: add their columns
    (posts held, volunteer hours, points, activities attended) here, each from one aggregate
    query keyed by member id, and name them in SERVICE_COLUMNS.
    """
    from pairing.models import CareVisit, Pairing

    ids = [member.pk for member in members]
    in_period = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    pairings = dict(
        Pairing.objects.filter(in_period, member_id__in=ids).order_by()
        .values_list("member_id").annotate(n=Count("pk")))
    visits = dict(
        CareVisit.objects.filter(pairing__member_id__in=ids, visited_on__range=(start, end))
        .order_by().values_list("pairing__member_id").annotate(n=Count("pk")))
    return {pk: {"pairings": pairings.get(pk, 0), "care_visits": visits.get(pk, 0)}
            for pk in ids}


def service_columns():
    return [("pairings", _("结对帮扶（对）")), ("care_visits", _("走访慰问（次）"))]


def unit_feedback(unit, user, start, end):
    """The report's rows: the unit's registered members the user may see, with their service."""
    members = list(Member.objects.visible_to(user).filter(employer_unit=unit)
                   .select_related("branch__parent").order_by("branch__path", "name"))
    service = member_service_in_period(members, start, end)
    columns = service_columns()
    rows = [{"member": member, "community": member.branch.parent,
             "figures": [service[member.pk][key] for key, _label in columns]}
            for member in members]
    return {"unit": unit, "start": start, "end": end, "columns": columns, "rows": rows,
            "totals": [sum(row["figures"][index] for row in rows)
                       for index in range(len(columns))]}


def unit_feedback_xlsx(report):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("在职党员服务情况")[:31]
    sheet.append([_("%(unit)s在职党员到社区服务情况（%(start)s至%(end)s）") % {
        "unit": report["unit"].name, "start": report["start"], "end": report["end"]}])
    sheet["A1"].font = Font(bold=True, size=14)
    header = [_("姓名"), _("报到社区"), _("所在支部")] + [label for _key, label in report["columns"]]
    sheet.append(header)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in report["rows"]:
        sheet.append([row["member"].name, row["community"].name, row["member"].branch.name,
                      *row["figures"]])
    sheet.append([_("合计"), "", "", *report["totals"]])
    for column, width in zip("ABCDEFGH", [12, 20, 24, 14, 14, 14, 14, 14]):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
