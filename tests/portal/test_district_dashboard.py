"""The district dashboard and monthly report: each street's figures side by side, linked."""
import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.factories import ActivityFactory, ParticipationFactory
from members.factories import MemberFactory
from organizations.factories import (BranchFactory, CommunityFactory, DistrictFactory,
                                     GrantFactory, StreetFactory, UserFactory)
from organizations.scope import Role
from portal import district as district_pages
from portal.factories import InspectionFactory, RectificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def district(world):
    """城关区 holds street A (world) and street S2; street B belongs to another district."""
    node = DistrictFactory(name="城关区")
    world.street.parent = node
    world.street.save()
    other = DistrictFactory(name="七里河区")
    world.other_street.parent = other
    world.other_street.save()
    # The subtrees took their district in the database; a node created under one of these
    # instances takes its parent's.
    for name in ("community", "branch", "group", "sibling_branch", "other_community",
                 "other_branch", "other_street_community"):
        getattr(world, name).refresh_from_db()
    second = StreetFactory(parent=node, name="酒泉路街道党工委")
    community = CommunityFactory(parent=second)
    branch = BranchFactory(parent=community)
    world.extra.update(second=second, second_community=community, second_branch=branch,
                       other_district=other)
    world.users["quwei"] = GrantFactory(user=UserFactory(username="quwei"), node=node,
                                        role=Role.DISTRICT_OFFICIAL).user
    world.users["quwei_other"] = GrantFactory(user=UserFactory(username="quwei_other"),
                                              node=other, role=Role.DISTRICT_OFFICIAL).user
    return node


def _add_communities(street, count):
    for _n in range(count):
        MemberFactory(branch=BranchFactory(parent=CommunityFactory(parent=street)))


def test_figures_per_street_and_totals(world, district):
    today = timezone.localdate()
    MemberFactory.create_batch(2, branch=world.extra["second_branch"])
    ParticipationFactory(activity=ActivityFactory(community=world.extra["second_community"]),
                         member__branch=world.extra["second_branch"], hours=3)
    InspectionFactory(point__community=world.community, inspected_on=today)
    RectificationFactory(inspection__point__community=world.community,
                         deadline=today - timedelta(days=1))
    # Another district's street is in no row.
    InspectionFactory(point__community=world.other_street_community, inspected_on=today)
    table = district_pages.district_dashboard(district, today)
    rows = {street.pk: figures for street, figures, _links in table.rows}
    assert set(rows) == {world.street.pk, world.extra["second"].pk}
    street_a, second = rows[world.street.pk], rows[world.extra["second"].pk]
    assert (street_a["members"], second["members"]) == (1, 3)
    assert (second["activities"], street_a["activities"]) == (1, 0)
    # The rectification's own (failed) inspection counts too.
    assert (street_a["inspections"], street_a["failed"], second["inspections"]) == (2, 1, 0)
    assert (second["hours"], street_a["hours"]) == (3, 0)
    assert (street_a["open"], street_a["overdue"], second["open"]) == (1, 1, 0)
    assert (table.totals["members"], table.totals["inspections"], table.totals["hours"]) == (
        4, 2, 3)
    assert table.totals["money_total"] == Decimal(0)


def test_the_page_links_each_figure_to_the_street_pages(world, district, client_as):
    response = client_as(world.users["quwei"]).get(reverse("dashboards:district",
                                                           args=[district.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for street in (world.street, world.extra["second"]):
        assert reverse("dashboards:street", args=[street.pk]) in html
        assert reverse("activities:compliance_street", args=[street.pk]) in html
    assert reverse("dashboards:street", args=[world.other_street.pk]) not in html
    assert 'id="district-totals"' in html


@pytest.mark.parametrize("name", ["dashboards:district", "dashboards:district_report",
                                  "dashboards:district_report_xlsx"])
def test_who_opens_the_district_pages(world, district, client_as, name):
    url = reverse(name, args=[district.pk])
    expected = {"quwei": 200, "quwei_other": 404, "official": 404, "staff": 404,
                "superuser": 200}
    got = {user: client_as(world.users[user]).get(url).status_code for user in expected}
    assert got == expected
    other = reverse(name, args=[world.extra["other_district"].pk])
    assert client_as(world.users["quwei"]).get(other).status_code == 404
    street = reverse(name, args=[world.street.pk])
    assert client_as(world.users["quwei"]).get(street).status_code == 404


def test_a_district_official_lands_on_the_district_dashboard(world, district, client_as):
    response = client_as(world.users["quwei"]).get(reverse("home"))
    assert response.status_code == 200
    assert reverse("dashboards:district_report", args=[district.pk]) in response.content.decode()


def _page_queries(client, url, django_assert_max_num_queries, bound):
    with django_assert_max_num_queries(bound) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# The panels run once over the district's communities: the same queries for any number of
# streets and communities (the session, the streets, communities and branches, one grouped
# query per figure), and here the 三会一课 of the street whose communities were added judged
# again.
@pytest.mark.parametrize("name, bound", [("dashboards:district", 40),
                                         ("dashboards:district_report", 40)])
def test_queries_do_not_grow_with_the_communities(world, district, client_as, name, bound,
                                                  django_assert_max_num_queries):
    client = client_as(world.users["quwei"])
    url = reverse(name, args=[district.pk])
    client.get(url)  # warm the compliance cache and the session
    _add_communities(world.extra["second"], 2)
    two = _page_queries(client, url, django_assert_max_num_queries, bound)
    _add_communities(world.extra["second"], 2)
    four = _page_queries(client, url, django_assert_max_num_queries, bound)
    assert four == two, (two, four)


@pytest.mark.parametrize("name", ["dashboards:district", "dashboards:district_report"])
def test_queries_do_not_grow_with_the_streets(world, district, client_as, name,
                                              django_assert_max_num_queries):
    client = client_as(world.users["quwei"])
    url = reverse(name, args=[district.pk])
    client.get(url)
    before = _page_queries(client, url, django_assert_max_num_queries, 25)
    _add_communities(StreetFactory(parent=district), 1)
    client.get(url)  # the new street's 三会一课 judged and cached
    one_more = _page_queries(client, url, django_assert_max_num_queries, 25)
    _add_communities(StreetFactory(parent=district), 3)
    _add_communities(StreetFactory(parent=district), 2)
    client.get(url)
    two_more = _page_queries(client, url, django_assert_max_num_queries, 25)
    assert before == one_more == two_more, (before, one_more, two_more)


@pytest.mark.parametrize("name", ["dashboards:district", "dashboards:district_report"])
def test_a_meeting_in_each_of_more_streets_costs_no_more_queries(world, district, client_as,
                                                                 name):
    """A recorded meeting makes its community's 三会一课 stale, and nothing warms it before the
    next look: the streets judged again cost one pass between them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from activities.factories import HeldMeetingFactory

    client = client_as(world.users["quwei"])
    url = reverse(name, args=[district.pk])
    branches = [BranchFactory(parent=CommunityFactory(parent=StreetFactory(parent=district)))
                for _n in range(3)]
    client.get(url)  # every street's 三会一课 judged and cached

    def look():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    HeldMeetingFactory(branch=branches[0], starts_at=timezone.now() - timedelta(hours=1))
    one_street = look()
    for branch in branches:
        HeldMeetingFactory(branch=branch, starts_at=timezone.now() - timedelta(hours=1))
    assert look() == one_street


def test_report_xlsx_holds_each_street_and_the_totals(world, district, client_as):
    MemberFactory.create_batch(2, branch=world.extra["second_branch"])
    ActivityFactory(community=world.extra["second_community"])
    response = client_as(world.users["quwei"]).get(
        reverse("dashboards:district_report_xlsx", args=[district.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    headers = rows[1]
    by_street = {row[0]: dict(zip(headers, row)) for row in rows[2:]}
    assert set(by_street) == {world.street.name, world.extra["second"].name, "合计"}
    assert by_street[world.extra["second"].name]["党员"] == 2
    assert by_street[world.street.name]["党员"] == 1
    assert by_street["合计"]["党员"] == 3
    assert by_street[world.extra["second"].name]["社区活动"] == 1
    assert by_street["合计"]["社区"] == 3


def test_the_street_dashboard_leads_a_district_official_back_to_the_district(
        world, district, client_as):
    back = reverse("dashboards:district", args=[district.pk])
    url = reverse("dashboards:street", args=[world.street.pk])
    assert back in client_as(world.users["quwei"]).get(url).content.decode()
    assert back not in client_as(world.users["official"]).get(url).content.decode()


def test_each_report_line_counts_what_the_street_report_lists(world, district):
    from activities.factories import HeldMeetingFactory
    from pairing.factories import ContributionFactory
    from portal.reports import monthly_report

    today = timezone.localdate()
    month_start = today.replace(day=1)
    # Within the month whatever the moment the suite runs at (its first minute included).
    HeldMeetingFactory(branch=world.branch, starts_at=timezone.make_aware(
        datetime.combine(month_start, time(0, 1))))
    ActivityFactory(community=world.community, held_on=today)
    ContributionFactory(community=world.community, given_on=today)
    RectificationFactory(inspection__point__community=world.community,
                         inspection__inspected_on=today, deadline=today)
    RectificationFactory(inspection__point__community=world.community,
                         inspection__inspected_on=today - timedelta(days=40),
                         deadline=today - timedelta(days=1))
    report = district_pages.district_report(district, month_start, today)
    line = next(figures for street, figures, _url in report.rows if street == world.street)
    street = monthly_report(world.street, month_start, today)
    assert (line["meetings"], line["activities"], line["contributions"],
            line["rectifications"]) == (len(street.meetings), len(street.activities),
                                        len(street.contributions), len(street.rectifications))
    assert line["meetings"] >= 1 and line["activities"] == line["contributions"] == 1
    assert line["rectifications"] == 2  # the older one still open too
    assert line["members"] == street.panel("members").data["totals"]["total"]
    assert line["branches"] == street.panel("branches").data["total"]
    inspections = street.panel("inspections").data["totals"]
    assert ((line["inspections"], line["failed"], line["open"], line["overdue"])
            == (inspections["total"], inspections["failed"], inspections["open"],
                inspections["overdue"]) == (1, 1, 2, 1))


def test_each_street_counts_the_members_its_own_dashboard_counts(world, district):
    from portal.dashboards import build_panels, members_panel, street_scope
    from portal.work_panels import members_on_roll_by_community

    today = timezone.localdate()
    archived_branch = BranchFactory(parent=world.community, archived_at=timezone.now())
    MemberFactory(branch=archived_branch)
    archived_community = CommunityFactory(parent=world.street, archived_at=timezone.now())
    MemberFactory(branch=BranchFactory(parent=archived_community))
    MemberFactory(branch=world.branch, left_on=today)
    MemberFactory.create_batch(2, branch=BranchFactory(parent=world.community))
    for street in (world.street, world.extra["second"]):
        [panel] = build_panels(street_scope(street, today), [members_panel])
        per_community = {community.pk: figures["total"]
                         for community, figures, *_links in panel.data["rows"]}
        # Asked for one community first, then for all: each entry is the whole community's.
        first = next(iter(per_community))
        assert members_on_roll_by_community([panel.data["rows"][0][0]]) == {
            first: per_community[first]}
        assert members_on_roll_by_community(
            [community for community, *_rest in panel.data["rows"]]) == per_community
    table = district_pages.district_dashboard(district, today)
    report = district_pages.district_report(district, today.replace(day=1), today)
    for rows in (table.rows, report.rows):
        figures = next(values for street, values, _links in rows if street == world.street)
        [panel] = build_panels(street_scope(world.street, today), [members_panel])
        assert figures["members"] == panel.data["totals"]["total"] >= 4


def test_each_street_line_holds_only_its_own_records(world, district):
    """Two streets with records in the same month: each line is its own street's report and
    dashboard, nothing of the other (the panels run once over both)."""
    from django.core.cache import cache

    from activities.factories import HeldMeetingFactory
    from portal.compliance_panels import compliance_panel
    from portal.dashboards import street_scope
    from portal.reports import monthly_report

    today = timezone.localdate()
    month_start = today.replace(day=1)
    first_minute = timezone.make_aware(datetime.combine(month_start, time(0, 1)))
    second = world.extra["second"]
    HeldMeetingFactory.create_batch(2, branch=world.extra["second_branch"],
                                    starts_at=first_minute)
    HeldMeetingFactory(branch=world.branch, starts_at=first_minute)
    ActivityFactory.create_batch(3, community=world.extra["second_community"], held_on=today)
    report = district_pages.district_report(district, month_start, today)
    table = district_pages.district_dashboard(district, today)
    lines = {street.pk: figures for street, figures, _url in report.rows}
    rows = {street.pk: figures for street, figures, _links in table.rows}
    for street in (world.street, second):
        # The street's own pages judge its branches again, not from what the district stored.
        cache.clear()
        own = monthly_report(street, month_start, today)
        assert (lines[street.pk]["meetings"], lines[street.pk]["activities"]) == (
            len(own.meetings), len(own.activities))
        panel = compliance_panel(street_scope(street, today))
        for status in district_pages.STATUSES:
            counted = sum(summary[status] for _community, summary in panel.data["summary"])
            assert rows[street.pk][status] == lines[street.pk][status] == counted
    assert (lines[second.pk]["meetings"], lines[world.street.pk]["meetings"]) == (2, 1)
    assert (lines[second.pk]["activities"], lines[world.street.pk]["activities"]) == (3, 0)
    assert report.totals["meetings"] == 3


def test_a_node_is_placed_by_its_path(world, district):
    """A branch whose district column was saved from a stale parent (None) or whose path is not
    written yet (a save in between its two statements) is counted by its path as the street's
    own pages count it, and the page does not fail."""
    from organizations.models import Node
    from portal.reports import monthly_report

    today = timezone.localdate()
    stale = BranchFactory(parent=world.community)
    Node.objects.filter(pk=stale.pk).update(district=None)
    MemberFactory.create_batch(2, branch=stale)
    unwritten = BranchFactory(parent=world.extra["second_community"])
    Node.objects.filter(pk=unwritten.pk).update(path="")
    report = district_pages.district_report(district, today.replace(day=1), today)
    table = district_pages.district_dashboard(district, today)
    line = next(figures for street, figures, _url in report.rows if street == world.street)
    row = next(figures for street, figures, _links in table.rows if street == world.street)
    assert line["members"] == row["members"] == 3
    own = monthly_report(world.street, today.replace(day=1), today)
    assert line["branches"] == own.panel("branches").data["total"] == 4  # the stale one too


def test_members_are_counted_again_only_after_a_member_changed(world, district):
    """The count of members on the roll is kept per community: a look without a change reads no
    member row, and a member entered, gone or moved to another street shows at the next look."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()

    def members():
        table = district_pages.district_dashboard(district, today)
        return {street.pk: figures["members"] for street, figures, _links in table.rows}

    first, second = world.street.pk, world.extra["second"].pk
    before = members()
    with CaptureQueriesContext(connection) as queries:
        assert members() == before
    assert not [query for query in queries.captured_queries
                if '"members_member"' in query["sql"]]
    entered = MemberFactory(branch=world.extra["second_branch"])
    assert members() == {first: before[first], second: before[second] + 1}
    gone = MemberFactory(branch=world.branch)
    assert members()[first] == before[first] + 1
    gone.left_on = today
    gone.save()
    assert members()[first] == before[first]
    entered.branch = world.branch
    entered.save()
    assert members() == {first: before[first] + 1, second: before[second]}


def test_the_nightly_warm_counts_the_members_before_the_first_look(world, district):
    """After a change that makes every community's lists stale (a move rule, a node added), the
    worker's warm counts the members again, so the district official's look reads none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from members import contact_cache
    from portal.tasks import warm_dashboards

    today = timezone.localdate()
    district_pages.district_dashboard(district, today)
    contact_cache.changed()
    warm_dashboards()
    with CaptureQueriesContext(connection) as queries:
        table = district_pages.district_dashboard(district, today)
    assert not [query for query in queries.captured_queries
                if '"members_member"' in query["sql"]]
    assert sum(figures["members"] for _street, figures, _links in table.rows) > 0


def _statuses_world(world):
    """B1 green: every kind (its group's meetings too) held in every month the panel judges.
    The second street's branch held them this month only: red over last month. The other
    branches held nothing: red over last month, amber this month."""
    from activities.factories import HeldMeetingFactory
    from activities.models import MeetingKind
    from portal.compliance_panels import _spans

    today = timezone.localdate()
    spans = _spans(today)
    first = min(spans["previous"].first, spans["quarter"].first)
    months = {date(year, month, 1) for year in range(first.year, today.year + 1)
              for month in range(1, 13) if first <= date(year, month, 1) <= today}
    every_kind = list(MeetingKind.objects.values_list("code", flat=True))

    def held(branch, day, **group):
        HeldMeetingFactory(branch=branch, kinds=every_kind if not group else
                           [MeetingKind.GROUP_MEETING],
                           starts_at=timezone.make_aware(datetime.combine(day, time.min)),
                           **(group or {"group": None}))

    for day in months | {today}:
        held(world.branch, day)
        held(world.branch, day, group=world.group)
    held(world.extra["second_branch"], today)


def test_the_counts_judged_for_the_district_are_those_of_the_streets_panels(
        world, district, monkeypatch):
    """After a rule of the district nothing of its streets is cached: the district's pages judge
    the two figures they show, apart from the panels; where a street's panel is cached they read
    it instead, and the counts are the same."""
    from activities import compliance_cache
    from portal import compliance_panels
    from portal.dashboards import street_scope

    _statuses_world(world)
    today = timezone.localdate()
    streets = [world.street, world.extra["second"]]

    def counts():
        return compliance_panels.month_status_counts(
            [street_scope(street, today) for street in streets])

    apart = counts()
    zero = {"green": 0, "amber": 0, "red": 0, "grey": 0, "red_branches": 0}
    assert apart == {
        world.community.pk: {**zero, "green": 1, "amber": 1, "red_branches": 1},
        world.other_community.pk: {**zero, "amber": 1, "red_branches": 1},
        world.extra["second_community"].pk: {**zero, "green": 1, "red_branches": 1}}
    compliance_cache.CACHE.renew([compliance_cache.EVERYWHERE])
    asked, month_and_red = [], compliance_panels._month_and_red
    monkeypatch.setattr(compliance_panels, "_month_and_red",
                        lambda scopes, missing: asked.append(missing)
                        or month_and_red(scopes, missing))
    compliance_panels.compliance_panel(street_scope(world.street, today))
    assert counts() == apart
    # The first street from its panel, the second judged apart.
    assert asked == [{(streets[1].pk, today): [world.extra["second_community"].pk]}]
    compliance_panels.compliance_panel(street_scope(streets[1], today))
    asked.clear()
    assert counts() == apart
    assert asked == []


def test_after_a_district_rule_the_district_judges_no_heat_map(world, district, client_as,
                                                               monkeypatch):
    from activities import compliance, meeting_rules
    from activities.models import MeetingKind

    _statuses_world(world)
    client = client_as(world.users["quwei"])
    url = reverse("dashboards:district", args=[district.pk])
    client.get(url)
    grids = []
    month_grid = compliance.month_grid
    monkeypatch.setattr(compliance, "month_grid",
                        lambda *args: grids.append(args) or month_grid(*args))
    meeting_rules.rule_set(node=district, kind=MeetingKind.objects.get(code=MeetingKind.TALK),
                           period="year", minimum=2)
    response = client.get(url)
    assert response.status_code == 200
    assert grids == []
    # The street's own dashboard still judges its heat map.
    client_as(world.users["official"]).get(reverse("dashboards:street", args=[world.street.pk]))
    assert grids
