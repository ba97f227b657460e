"""Compliance pages, month calendars and the quarterly record book."""
from datetime import date, timedelta

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import compliance, compliance_cache, record_book, selectors
from activities.models import Meeting, Period
from kernel import xlsx
from kernel.request_params import month_param, year_param
from organizations.models import Node
from organizations.scope import STREET_ROLES, has_role, require_grant


def _node(request, pk, kinds):
    node = get_object_or_404(Node.objects.visible_to(request.user), pk=pk)
    if node.kind not in kinds:
        raise Http404
    return node


def _year(request):
    this_year = timezone.localdate().year
    return year_param(request, "year", this_year, latest=this_year + 1)


@require_grant()
def compliance_branch(request, pk):
    branch = _node(request, pk, {Node.Kind.BRANCH})
    year = _year(request)
    months, rows = compliance.branch_year(branch, year)
    return render(request, "activities/compliance_branch.html", {
        "branch": branch, "year": year, "months": months, "rows": rows,
        "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1)})


@require_grant()
def compliance_community(request, pk):
    community = _node(request, pk, {Node.Kind.COMMUNITY})
    period = request.GET.get("period", Period.MONTH)
    if period not in Period.values:
        period = Period.MONTH
    span = compliance.Span.of(period, _month(request))
    kinds, rows = compliance.branches_compliance(compliance.community_branches(community), span)
    table = [(branch, [statuses.get(kind.code) for kind in kinds],
              compliance.worst_of(status.status for status in statuses.values()))
             for branch, statuses in rows]
    return render(request, "activities/compliance_community.html", {
        "community": community, "span": span, "period": period, "periods": Period.choices,
        "previous": span.first - timedelta(days=1), "following": span.last + timedelta(days=1),
        "kinds": kinds, "table": table,
        "red_count": sum(1 for _branch, _cells, overall in table if overall == compliance.RED)})


@require_grant()
def compliance_street(request, pk):
    street = _node(request, pk, {Node.Kind.STREET})
    year = _year(request)
    today = timezone.localdate()
    months = [compliance.Span.month(year, month) for month in range(1, 13)]
    rows = compliance_cache.street_months(street, year, today)
    return render(request, "activities/compliance_street.html", {
        "street": street, "year": year, "months": months, "rows": rows,
        "sets_rules": has_role(request.user, *STREET_ROLES),
        "years": range(today.year, today.year - 5, -1)})


def _month(request):
    return month_param(request, "month", timezone.localdate().replace(day=1))


@require_grant()
def calendar_month(request, pk):
    node = _node(request, pk, {Node.Kind.COMMUNITY, Node.Kind.BRANCH})
    first = _month(request)
    previous = (first.replace(day=1) - date.resolution).replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return render(request, "activities/calendar.html", {
        "node": node, "first": first, "previous": previous, "following": following,
        "weeks": selectors.month_calendar(node, first.year, first.month, request.user),
        "weekdays": [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")]})


def _record_book(request, pk, year, quarter):
    branch = _node(request, pk, {Node.Kind.BRANCH})
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        raise Http404
    span = compliance.Span.quarter(year, quarter)
    return branch, span, record_book.quarter_meetings(
        Meeting.objects.visible_to(request.user), branch, span)


@require_grant()
def record_book_page(request, pk, year, quarter):
    """会议记录本 for one quarter: every held meeting in the paper layout, with its photos."""
    branch, span, meetings = _record_book(request, pk, year, quarter)
    return render(request, "activities/meeting_print.html", {
        "meetings": meetings, "book": {"branch": branch, "span": span, "year": year,
                                       "quarter": quarter}})


@require_grant()
def record_book_xlsx(request, pk, year, quarter):
    branch, span, meetings = _record_book(request, pk, year, quarter)
    return xlsx.download(record_book.record_book_workbook(branch, span, meetings),
                         f"{branch.name}-{span.label}-{_('会议记录本')}.xlsx")
