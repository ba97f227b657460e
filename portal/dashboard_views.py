"""The district and street dashboards, the community dashboard, the branch view and the monthly
reports."""
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kernel import xlsx
from kernel.request_params import month_param
from organizations.models import Node
from organizations.scope import STREET_ROLES, Role, grants_of, require_grant
from organizations.streetsettings import rules as street_rules
from organizations.streetsettings.models import Key
from portal import dashboards, district, reports


def _visible(request, pk, *kinds):
    return get_object_or_404(Node.objects.visible_to(request.user).filter(kind__in=kinds), pk=pk)


def render_district_dashboard(request, node):
    table = district.district_dashboard(node, timezone.localdate())
    return render(request, "portal/district_dashboard.html", {
        "node": node, "table": table, "year": timezone.localdate().year})


def render_street_dashboard(request, street):
    scope = dashboards.street_scope(street, timezone.localdate())
    show_ranking = street_rules.shown_to(request.user, street, Key.WEEKLY_RANKING)
    panels = [panel for panel in dashboards.STREET_PANELS
              if show_ranking or panel is not dashboards.ranking_panel]
    return render(request, "portal/dashboard.html", {
        "node": street, "scope": scope, "title": _("街道工作台"), "show_ranking": show_ranking,
        "district": _granted_district(request.user, street),
        "panels": dashboards.build_panels(scope, panels)})


def _granted_district(user, street):
    """The street's district when the user is one of its officials (read from the grants
    already loaded: no query), for the way back to the district dashboard."""
    return next((node for _path, role, node in grants_of(user)
                 if role == Role.DISTRICT_OFFICIAL and node.pk == street.district_id), None)


def render_community_dashboard(request, community):
    scope = dashboards.community_scope(community, timezone.localdate())
    return render(request, "portal/dashboard.html", {
        "node": community, "scope": scope, "title": _("社区工作台"),
        "street": community.parent,
        "show_ranking": street_rules.shown_to(request.user, community, Key.WEEKLY_RANKING),
        "panels": dashboards.build_panels(scope, dashboards.COMMUNITY_PANELS)})


def render_branch_dashboard(request, branch):
    community = branch.parent
    scope = dashboards.branch_scope(branch, community, timezone.localdate())
    return render(request, "portal/dashboard.html", {
        "node": branch, "scope": scope, "title": _("支部工作台"), "street": community.parent,
        "show_ranking": street_rules.shown_to(request.user, branch, Key.WEEKLY_RANKING),
        "panels": dashboards.build_panels(scope, dashboards.BRANCH_PANELS)})


@require_grant()
def street_dashboard(request, pk):
    return render_street_dashboard(request, _visible(request, pk, Node.Kind.STREET))


@require_grant()
def community_dashboard(request, pk):
    return render_community_dashboard(request, _visible(request, pk, Node.Kind.COMMUNITY))


@require_grant()
def branch_dashboard(request, pk):
    return render_branch_dashboard(request, _visible(request, pk, Node.Kind.BRANCH))


def _report(request, pk):
    node = _visible(request, pk, Node.Kind.STREET, Node.Kind.COMMUNITY)
    today = timezone.localdate()
    month_start = month_param(request, "month", today.replace(day=1))
    if month_start > today:
        raise Http404
    return reports.monthly_report(node, month_start, today)


@require_grant()
def monthly_report(request, pk):
    report = _report(request, pk)
    return render(request, "portal/monthly_report.html", {
        "report": report, "node": report.node, "panels": report.panels,
        "month": f"{report.month_start:%Y-%m}"})


@require_grant()
def monthly_report_xlsx(request, pk):
    report = _report(request, pk)
    return xlsx.download(reports.monthly_report_xlsx(report),
                         f"monthly-report-{report.node.pk}-{report.month_start:%Y-%m}.xlsx")


def district_for_official(request, pk):
    """A district its officials oversee (officials of its streets read only their street)."""
    return get_object_or_404(Node.objects.overseen_by(request.user).filter(
        kind=Node.Kind.DISTRICT), pk=pk)


@require_grant(*STREET_ROLES)
def district_dashboard(request, pk):
    return render_district_dashboard(request, district_for_official(request, pk))


def _district_report(request, pk):
    node = district_for_official(request, pk)
    today = timezone.localdate()
    month_start = month_param(request, "month", today.replace(day=1))
    if month_start > today:
        raise Http404
    return district.district_report(node, month_start, today)


@require_grant(*STREET_ROLES)
def district_report(request, pk):
    report = _district_report(request, pk)
    return render(request, "portal/district_report.html", {
        "report": report, "node": report.district, "headers": district.report_headers(),
        "month": f"{report.month_start:%Y-%m}"})


@require_grant(*STREET_ROLES)
def district_report_xlsx(request, pk):
    report = _district_report(request, pk)
    return xlsx.download(district.district_report_xlsx(report),
                         f"district-report-{report.district.pk}-{report.month_start:%Y-%m}.xlsx")
