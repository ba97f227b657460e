"""The panels fed by the other apps, called directly on constructed data."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from activities.factories import (ActivityFactory, HeldMeetingFactory, MeetingFactory,
                                  ParticipationFactory)
from activities.models import MeetingKind
from members.factories import MemberFactory, PostClaimFactory, PostFactory, RegistrationFactory
from members.models import Member, PostClaim, Registration
from organizations.factories import BranchFactory, CommunityFactory, StreetFactory
from pairing.factories import ContributionFactory
from pairing.models import Contribution
from portal.compliance_panels import compliance_panel
from portal.dashboards import branch_scope, community_scope, street_scope
from portal.ranking import MORE_IS_BETTER, RANKING_INPUTS, activities_held, compliance_rate
from portal.work_panels import (activities_panel, activity_figures, activity_totals,
                                contributions_panel, service_panel, week_work_panel)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)
ALL_KINDS = [MeetingKind.THEME_DAY, MeetingKind.GENERAL_MEETING, MeetingKind.PARTY_LECTURE,
             MeetingKind.LIFE_MEETING, MeetingKind.APPRAISAL, MeetingKind.TALK]


def at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=9))


@pytest.fixture
def street():
    street = StreetFactory()
    first = CommunityFactory(parent=street, sort_order=1, name="甲社区")
    second = CommunityFactory(parent=street, sort_order=2, name="乙社区")
    street.first, street.second = first, second
    return street


def test_a_branch_that_missed_october_is_red_and_listed_with_its_link(street):
    good = BranchFactory(parent=street.first, name="好支部")
    red = BranchFactory(parent=street.second, name="缺会支部")
    HeldMeetingFactory(branch=good, starts_at=at(date(2026, 10, 8)), kinds=ALL_KINDS)
    HeldMeetingFactory(branch=red, starts_at=at(date(2026, 11, 8)), kinds=ALL_KINDS)
    data = compliance_panel(street_scope(street, TODAY)).data
    assert [row["branch"].pk for row in data["red"]] == [red.pk]
    assert data["red"][0]["quarter"] == "red"
    assert data["red"][0]["missing"] == ["主题党日"]
    assert data["red"][0]["url"] == f"/activities/branches/{red.pk}/compliance/"
    assert data["red_communities"] == [street.second]
    rows = dict(data["heat_rows"])
    assert rows[street.first][9] == "green" and rows[street.second][9] == "red"   # October
    assert rows[street.second][10] == "green"    # November met; the month runs
    cells = data["heat_map"]["cells"]
    assert [9, 1, "red"] in cells and [9, 0, "green"] in cells
    link = data["heat_map"]["community_urls"][1] + "?" + data["heat_map"]["month_queries"][9]
    assert link.endswith(
        f"/communities/{street.second.pk}/compliance/?period=month&month=2026-10")


def test_community_and_branch_views_show_branches_by_kinds(street):
    branch = BranchFactory(parent=street.first)
    HeldMeetingFactory(branch=branch, starts_at=at(date(2026, 11, 3)),
                       kinds=[MeetingKind.THEME_DAY])
    community = compliance_panel(community_scope(street.first, TODAY)).data
    (row_branch, cells, overall, url), = community["table"]
    by_code = {cell.kind.code: cell for cell in cells if cell}
    assert by_code[MeetingKind.THEME_DAY].status == "green"
    assert by_code[MeetingKind.PARTY_LECTURE].status == "amber"
    assert MeetingKind.COMMITTEE_MEETING not in by_code    # no committee, not applicable
    assert overall == "amber"
    assert "period=month&month=2026-11" in community["community_url"]
    own = compliance_panel(branch_scope(branch, street.first, TODAY)).data
    assert len(own["table"]) == 1 and own["table"][0][0].pk == branch.pk


def test_activities_and_hours_per_month_and_community(street):
    march = ActivityFactory(community=street.first, held_on=date(2026, 3, 9))
    ParticipationFactory(activity=march, hours=Decimal("2.5"))
    ParticipationFactory(activity=march, hours=Decimal("1.5"))
    ActivityFactory(community=street.second, held_on=date(2026, 3, 20))
    ActivityFactory(community=street.second, held_on=date(2025, 3, 20))   # last year
    data = activities_panel(street_scope(street, TODAY)).data
    assert data["totals"] == {"activities": 2, "hours": Decimal("4.0"), "people": 2}
    assert data["chart"]["activities"][2] == 2 and data["chart"]["hours"][2] == 4.0
    rows = {community: figures for community, figures, _url in data["rows"]}
    assert rows[street.first]["hours"] == Decimal("4.0")
    assert rows[street.second]["activities"] == 1
    url = [url for community, _f, url in data["rows"] if community == street.second][0]
    assert f"community={street.second.pk}" in url and "date_from=2026-01-01" in url


def test_the_totals_per_community_are_the_panels_without_the_months(street):
    for month in (2, 3):
        activity = ActivityFactory(community=street.first, held_on=date(2026, month, 9))
        ParticipationFactory.create_batch(2, activity=activity, hours=Decimal("1.5"))
    ParticipationFactory(activity=ActivityFactory(community=street.second,
                                                  held_on=date(2026, 3, 20)), hours=3)
    ActivityFactory(community=street.second, held_on=date(2026, 5, 1))
    ActivityFactory(community=street.second, held_on=date(2025, 3, 20))   # last year
    communities = [street.first, street.second]
    _months, per_community = activity_figures(communities, 2026)
    assert activity_totals(communities, 2026) == per_community == {
        street.first.pk: {"activities": 2, "hours": Decimal("6.0"), "people": 4},
        street.second.pk: {"activities": 2, "hours": Decimal("3"), "people": 1}}


def test_post_fill_rate_and_registration_rate(street):
    branch = BranchFactory(parent=street.first)
    post = PostFactory(community=street.first, capacity=8)
    PostFactory(community=street.first, capacity=100, archived_at=timezone.now())
    for _n in range(2):
        PostClaimFactory(post=post, status=PostClaim.Status.APPROVED)
    PostClaimFactory(post=post, status=PostClaim.Status.APPROVED, ended_on=TODAY)
    PostClaimFactory(post=post, status=PostClaim.Status.PENDING)
    employed = MemberFactory.create_batch(4, branch=branch, category=Member.Category.EMPLOYED)
    RegistrationFactory(member=employed[0], community=street.second,
                        status=Registration.Status.APPROVED)
    RegistrationFactory(member=employed[1], community=street.first,
                        status=Registration.Status.PENDING)
    data = service_panel(street_scope(street, TODAY)).data
    first = dict(data["rows"])[street.first]
    assert (first["taken"], first["capacity"], first["pending_claims"]) == (2, 8, 1)
    assert first["fill_rate"] == Decimal("0.25")
    assert first["fill_status"] == "status-red"
    assert (first["registered"], first["employed"]) == (1, 4)
    assert first["registration_rate"] == Decimal("0.25")
    assert first["pending_registrations"] == 1
    second = dict(data["rows"])[street.second]
    assert second["received"] == 1 and second["fill_rate"] is None
    assert data["totals"]["fill_rate"] == Decimal("0.25")


def test_units_to_chase_first_lowest_registration_rate_first(street, monkeypatch):
    from pairing.factories import UnitFactory
    from portal import work_panels

    monkeypatch.setattr(work_panels, "UNITS_SHOWN", 2)
    branch = BranchFactory(parent=street.first)
    rates = {"甲单位": 1, "乙单位": 0, "丙单位": 2}   # of two employed members, registered
    for name, registered in rates.items():
        unit = UnitFactory(name=name)
        members = MemberFactory.create_batch(2, branch=branch, employer_unit=unit,
                                             category=Member.Category.EMPLOYED)
        for member in members[:registered]:
            RegistrationFactory(member=member, community=street.first,
                                status=Registration.Status.APPROVED)
    data = service_panel(street_scope(street, TODAY)).data
    assert [(name, rate) for name, _row, rate in data["units"]] == [
        ("乙单位", Decimal(0)), ("甲单位", Decimal("0.5"))]
    assert data["units_total"] == 3


def test_the_member_figures_follow_every_write_that_changes_them(street):
    """The members and service panels read counts cached per community: each write shows on
    the next page, in the community it touches, and the pages agree with counting afresh."""
    from members import services as member_services
    from members.contact_cache import CACHE
    from organizations.models import Unit
    from pairing.factories import UnitFactory
    from portal.dashboards import members_panel

    branch, elsewhere = BranchFactory(parent=street.first), BranchFactory(parent=street.second)
    unit, other_unit = UnitFactory(name="甲单位"), UnitFactory(name="乙单位")
    official = MemberFactory(branch=branch, category=Member.Category.EMPLOYED, employer_unit=unit)
    MemberFactory(branch=elsewhere)

    def figures():
        shown = []
        for renew in (False, True):   # as cached, then counted afresh
            if renew:
                CACHE.renew(["all"])
            scope = street_scope(street, TODAY)
            members, service = members_panel(scope).data, service_panel(scope).data
            rows = dict(service["rows"])
            shown.append((
                {community.pk: (row["total"], row[Member.Category.EMPLOYED], row["probationary"])
                 for community, row, *_links in members["rows"]},
                {community.pk: (row["employed"], row["registered"])
                 for community, row in rows.items()},
                {str(name): (row["employed"], row["registered"])
                 for name, row, _rate in service["units"]}))
        assert shown[0] == shown[1]
        members, service, units = shown[0]
        return members[street.first.pk], service[street.first.pk], units

    assert figures() == ((1, 1, 0), (1, 0), {"甲单位": (1, 0)})
    member_services.registration_create(member=official, community=street.second,
                                        unit=other_unit)   # moves them to the other unit
    assert figures() == ((1, 1, 0), (1, 0), {"乙单位": (1, 0)})
    registration = official.registrations.get()
    member_services.registration_decide(registration=registration, user=None, approve=True)
    assert figures() == ((1, 1, 0), (1, 1), {"乙单位": (1, 1)})
    official.category = Member.Category.RETIRED
    official.save()
    assert figures() == ((1, 0, 0), (0, 0), {})
    # In bulk, as the import and a correction in the shell write: every community again.
    Member.objects.filter(pk=official.pk).update(category=Member.Category.EMPLOYED)
    assert figures() == ((1, 1, 0), (1, 1), {"乙单位": (1, 1)})
    Registration.objects.filter(pk=registration.pk).update(status=Registration.Status.DECLINED)
    assert figures() == ((1, 1, 0), (1, 0), {"乙单位": (1, 0)})
    Registration.objects.bulk_create([Registration(
        member=official, community=street.first, unit=other_unit,
        status=Registration.Status.APPROVED)])
    assert figures() == ((1, 1, 0), (1, 1), {"乙单位": (1, 1)})
    MemberFactory(branch=branch, status=Member.Status.PROBATIONARY,
                  category=Member.Category.EMPLOYED)
    assert figures() == ((2, 2, 1), (2, 1), {"乙单位": (1, 1), "未登记共建单位": (1, 0)})
    other_unit.name = "乙单位（新名）"
    other_unit.save()
    assert figures()[2] == {"乙单位（新名）": (1, 1), "未登记共建单位": (1, 0)}
    Unit.objects.filter(pk=other_unit.pk).update(name="乙单位")   # a correction in the shell
    assert figures()[2] == {"乙单位": (1, 1), "未登记共建单位": (1, 0)}
    Registration.objects.filter(unit=other_unit).delete()
    assert figures() == ((2, 2, 1), (2, 0), {"乙单位": (1, 0), "未登记共建单位": (1, 0)})
    other_unit.delete()   # its members keep no unit
    assert figures() == ((2, 2, 1), (2, 0), {"未登记共建单位": (2, 0)})


def test_contributions_of_the_year_per_community(street):
    ContributionFactory(community=street.first, given_on=date(2026, 2, 1), amount=500)
    ContributionFactory(community=street.first, given_on=date(2026, 6, 1), amount=12,
                        kind=Contribution.Kind.VOLUNTEERS)
    ContributionFactory(community=street.second, given_on=date(2026, 6, 1), amount=300,
                        kind=Contribution.Kind.INVESTMENT)
    ContributionFactory(community=street.first, given_on=date(2025, 6, 1), amount=999)
    data = contributions_panel(street_scope(street, TODAY)).data
    first = dict(data["rows"])[street.first]
    assert first["money_total"] == Decimal(500) and first["volunteers_total"] == 12
    assert data["totals"]["investment_total"] == Decimal(300)
    assert f"community={street.first.pk}&year=2026" in first["url"]


def test_what_needs_doing_this_week(street):
    branch = BranchFactory(parent=street.first)
    late = MeetingFactory(branch=branch, starts_at=timezone.now() - timedelta(days=2))
    MeetingFactory(branch=branch)                                     # still to come
    HeldMeetingFactory(branch=branch)                                 # recorded
    MeetingFactory(branch=BranchFactory(parent=street.second),
                   starts_at=timezone.now() - timedelta(days=2))      # another community
    PostClaimFactory(post=PostFactory(community=street.first))
    RegistrationFactory(community=street.first)
    data = week_work_panel(community_scope(street.first, timezone.localdate())).data
    assert data["unrecorded"] == [late] and data["unrecorded_count"] == 1
    assert (data["pending_claims"], data["pending_registrations"]) == (1, 1)
    assert f"node={street.first.pk}" in data["unrecorded_url"]


def test_ranking_inputs_compliance_rate_and_activities(street):
    good = BranchFactory(parent=street.first)
    BranchFactory(parent=street.second)
    HeldMeetingFactory(branch=good, starts_at=at(date(2026, 11, 3)), kinds=ALL_KINDS)
    communities = [street.first, street.second]
    week = (date(2026, 11, 16), date(2026, 11, 22))
    rates = compliance_rate(communities, *week, TODAY)
    assert rates[street.first.pk] == 1
    assert rates[street.second.pk] == 0
    ActivityFactory(community=street.first, held_on=date(2026, 11, 17))
    ActivityFactory(community=street.first, held_on=date(2026, 11, 9))   # the week before
    assert activities_held(communities, *week, TODAY) == {street.first.pk: 1,
                                                          street.second.pk: 0}
    more = next(item for item in RANKING_INPUTS if item.kind == MORE_IS_BETTER)
    assert more.mark(1, 4) == 25 and more.mark(0, 0) == 0


def test_a_past_week_is_judged_on_the_meetings_held_by_its_end(street):
    branch = BranchFactory(parent=street.first)
    HeldMeetingFactory(branch=branch, starts_at=at(date(2026, 11, 20)), kinds=ALL_KINDS)
    past = compliance_rate([street.first], date(2026, 11, 2), date(2026, 11, 8), TODAY)
    current = compliance_rate([street.first], date(2026, 11, 16), date(2026, 11, 22), TODAY)
    assert (past[street.first.pk], current[street.first.pk]) == (0, 1)


def test_a_past_month_is_judged_on_the_meetings_held_by_its_end(street):
    """The monthly report of October keeps its figures when November's meetings come in."""
    branch = BranchFactory(parent=street.first)
    HeldMeetingFactory(branch=branch, starts_at=at(date(2026, 11, 5)),
                       kinds=[MeetingKind.PARTY_LECTURE])
    october = compliance_panel(community_scope(street.first, date(2026, 10, 31))).data
    (_branch, cells, _overall, _url), = october["table"]
    lecture = next(cell for cell in cells if cell and cell.code == MeetingKind.PARTY_LECTURE)
    assert lecture.status == "amber"


def test_a_branch_archived_while_the_panel_is_built_is_left_out(world):
    from django.utils import timezone

    from organizations.models import Node

    scope = street_scope(world.street, TODAY)
    assert world.branch.pk in {branch.pk for branch in scope.branches()}
    Node.objects.filter(pk=world.branch.pk).update(archived_at=timezone.now())
    data = compliance_panel(scope).data
    assert world.branch.pk not in {row["branch"].pk for row in data["red"]}


def test_a_member_of_a_branch_set_up_while_the_page_is_built_does_not_break_it(world):
    from members.factories import MemberFactory
    from portal.dashboards import branches_panel, members_panel

    scope = street_scope(world.street, TODAY)
    branches_panel(scope)
    MemberFactory(branch=BranchFactory(parent=world.community))
    # Counted with its community, whose branches are read with its members.
    assert members_panel(scope).data["totals"]["total"] == 2
