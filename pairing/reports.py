"""The year-end feedback to a unit's party organization: its members' service in communities."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font

from kernel.xlsx import workbook_bytes
from kernel.xlsx import workbook as new_workbook
from members.models import Member
from pairing.zones.selectors import unit_claims


def member_service_in_period(members, start, end):
    """{member_id: {column: value}} of each member's service between start and end.

    Each column comes from one aggregate query keyed by member id, whatever the number of
    members: posts served (months of post service), volunteer hours and activities from the
    activities app, points from the ledger, and this app's pairings and care visits.
    """
    from activities.models import Participation
    from members.models import PointsEntry, PostServiceMonth
    from pairing.models import CareVisit, Pairing

    ids = [member.pk for member in members]

    def per_member(queryset, member_lookup, value):
        return dict(queryset.order_by().values_list(member_lookup).annotate(value=value))

    in_period = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    figures = {
        "post_months": per_member(
            PostServiceMonth.objects.filter(claim__member_id__in=ids,
                                            month__range=(start.replace(day=1), end)),
            "claim__member_id", Count("pk")),
        "volunteer_hours": per_member(
            Participation.objects.filter(member_id__in=ids,
                                         activity__held_on__range=(start, end)),
            "member_id", Sum("hours")),
        "activities": per_member(
            Participation.objects.filter(member_id__in=ids,
                                         activity__held_on__range=(start, end)),
            "member_id", Count("activity", distinct=True)),
        "points": per_member(
            PointsEntry.objects.filter(member_id__in=ids, occurred_on__range=(start, end)),
            "member_id", Sum("points")),
        "pairings": per_member(Pairing.objects.filter(in_period, member_id__in=ids),
                               "member_id", Count("pk")),
        "care_visits": per_member(
            CareVisit.objects.filter(pairing__member_id__in=ids, visited_on__range=(start, end)),
            "pairing__member_id", Count("pk")),
    }
    return {pk: {key: values.get(pk) or 0 for key, values in figures.items()} for pk in ids}


def service_columns():
    return [("post_months", _("岗位服务（月）")), ("volunteer_hours", _("志愿服务（小时）")),
            ("activities", _("参加活动（次）")), ("points", _("积分")),
            ("pairings", _("结对帮扶（对）")), ("care_visits", _("走访慰问（次）"))]


def unit_feedback(unit, user, start, end):
    """The report's rows: the unit's registered members the user may see, with their service."""
    members = list(Member.objects.visible_to(user).filter(employer_unit=unit)
                   .select_related("branch__parent")
                   .order_by("branch__path", "name_pinyin", "name"))
    service = member_service_in_period(members, start, end)
    columns = service_columns()
    rows = [{"member": member, "community": member.branch.parent,
             "figures": [service[member.pk][key] for key, _label in columns]}
            for member in members]
    return {"unit": unit, "start": start, "end": end, "columns": columns, "rows": rows,
            "zones": unit_claims(unit, user, start, end),
            "totals": [sum(row["figures"][index] for row in rows)
                       for index in range(len(columns))]}


def unit_feedback_xlsx(report):
    workbook = new_workbook()
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
    return workbook_bytes(workbook)
